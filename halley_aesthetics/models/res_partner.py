from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_patient = fields.Boolean(
        string="Patient",
        help="This contact is a patient of the clinic.",
    )
    treatment_session_ids = fields.One2many(
        "halley.treatment.session", "patient_id", string="Treatment sessions"
    )
    treatment_session_count = fields.Integer(
        compute="_compute_treatment_session_count", string="Sessions"
    )
    patient_package_ids = fields.One2many(
        "halley.patient.package", "patient_id", string="Treatment packages"
    )
    patient_package_sessions_left = fields.Integer(
        compute="_compute_patient_package_sessions_left",
        string="Package sessions left",
        help="Sessions left on the patient's active packages.",
    )

    @api.depends("patient_package_ids.sessions_remaining", "patient_package_ids.state")
    def _compute_patient_package_sessions_left(self):
        for partner in self:
            partner.patient_package_sessions_left = sum(
                partner.patient_package_ids.filtered(lambda p: p.state == "active").mapped(
                    "sessions_remaining"
                )
            )

    @api.depends("treatment_session_ids")
    def _compute_treatment_session_count(self):
        counts = dict(
            self.env["halley.treatment.session"]._read_group(
                [("patient_id", "in", self.ids)], ["patient_id"], ["__count"]
            )
        )
        for partner in self:
            partner.treatment_session_count = counts.get(partner, 0)

    def action_view_treatment_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "halley_aesthetics.halley_treatment_session_action"
        )
        action["domain"] = [("patient_id", "=", self.id)]
        action["context"] = {"default_patient_id": self.id}
        return action
