from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import check_session_open, check_workflow_fields

# Who recorded a consent and when, and its withdrawal: set by the workflow only (as
# superuser, which no RPC call can be; a context key could be sent by anyone).
AUDIT_FIELDS = {"date", "recorded_by_id", "photo_marketing_withdrawn_on", "photo_marketing_withdrawn_by_id"}


class HalleySessionConsent(models.Model):
    """The patient's consent for one session: the procedure, and separately photos
    for the clinical record and photos for marketing. Marketing-photo consent can
    be withdrawn at any time (PDPA); the withdrawal date is kept."""

    _name = "halley.session.consent"
    _description = "Session consent"
    _order = "date desc, id desc"

    session_id = fields.Many2one(
        "halley.treatment.session", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="session_id.company_id", store=True)
    patient_id = fields.Many2one(related="session_id.patient_id", store=True)
    procedure = fields.Boolean(string="Procedure consent")
    photo_record = fields.Boolean(string="Photos for the clinical record")
    photo_marketing = fields.Boolean(string="Photos for marketing")
    photo_marketing_withdrawn_on = fields.Datetime(
        string="Marketing photos withdrawn on",
        readonly=True,
        copy=False,
        help="When the patient withdrew her consent to marketing photos.",
    )
    photo_marketing_withdrawn_by_id = fields.Many2one(
        "res.users", string="Withdrawal recorded by", readonly=True, copy=False
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, copy=False)
    recorded_by_id = fields.Many2one(
        "res.users", string="Recorded by", required=True, default=lambda self: self.env.user, readonly=True,
        copy=False,
    )
    note = fields.Char(help="How consent was given (signed form reference, witness).")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_audit_fields(vals)
        check_session_open(
            self, self.env["halley.treatment.session"].browse([v["session_id"] for v in vals_list if v.get("session_id")])
        )
        for vals in vals_list:
            if not self.env.su:
                # Now, by the current user, not withdrawn: whatever the context's
                # defaults say.
                vals.update(
                    date=fields.Datetime.now(), recorded_by_id=self.env.uid,
                    photo_marketing_withdrawn_on=False, photo_marketing_withdrawn_by_id=False,
                )
        return super().create(vals_list)

    def write(self, vals):
        self._check_audit_fields(vals)
        check_session_open(self, self.session_id)
        if "session_id" in vals:
            check_session_open(self, self.env["halley.treatment.session"].browse(vals["session_id"]))
        if vals.get("photo_marketing") is False and any(c.photo_marketing_withdrawn_on for c in self):
            raise UserError(
                self.env._("This marketing-photo consent was withdrawn: its record is kept as it was.")
            )
        return super().write(vals)

    def _check_audit_fields(self, vals):
        check_workflow_fields(
            self, vals, AUDIT_FIELDS, self.env._("When a consent was recorded, by whom, and its withdrawal")
        )

    def _withdraw_marketing_photos(self):
        """Withdraw the marketing-photo consent of these consents (those given and
        not withdrawn yet); the withdrawal date and who recorded it are kept."""
        given = self.filtered(lambda c: c.photo_marketing and not c.photo_marketing_withdrawn_on)
        given.sudo().write(
            {
                "photo_marketing_withdrawn_on": fields.Datetime.now(),
                "photo_marketing_withdrawn_by_id": self.env.uid,
            }
        )
        return given

    @api.ondelete(at_uninstall=False)
    def _unlink_if_session_open(self):
        check_session_open(self, self.session_id)
