from odoo import api, fields, models


class HalleyPatientAccessLog(models.Model):
    """Who opened what of a patient's clinical record, and when: every printed or
    emailed treatment record and every export of her data (PDPA). Written only by
    the addon (as superuser), read by clinic managers, never changed."""

    _name = "halley.patient.access.log"
    _description = "Patient record access"
    _order = "date desc, id desc"
    _rec_name = "patient_id"

    patient_id = fields.Many2one("res.partner", required=True, index=True, readonly=True)
    session_id = fields.Many2one(
        "halley.treatment.session", index="btree_not_null", readonly=True, ondelete="set null"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    user_id = fields.Many2one("res.users", string="By", required=True, readonly=True)
    date = fields.Datetime(string="When", required=True, readonly=True, default=fields.Datetime.now)
    action = fields.Selection(
        [
            ("print", "Treatment record printed"),
            ("email", "Treatment record emailed"),
            ("export", "Patient data exported"),
        ],
        required=True,
        readonly=True,
    )

    @api.model
    def _log(self, action, patients=None, sessions=None):
        """Record that the current user did ``action`` on these sessions'
        patients (or on ``patients``)."""
        vals_list = [
            {
                "action": action,
                "patient_id": session.patient_id.id,
                "session_id": session.id,
                "company_id": session.company_id.id,
                "user_id": self.env.uid,
            }
            for session in (sessions or self.env["halley.treatment.session"]).sudo()
        ] + [
            {
                "action": action,
                "patient_id": patient.id,
                "company_id": self.env.company.id,
                "user_id": self.env.uid,
            }
            for patient in (patients or self.env["res.partner"])
        ]
        return self.sudo().create(vals_list)
