from odoo import api, fields, models

from ..images import check_signature
from ..models.halley_session_consent import check_signer_name
from ..tools import check_session_access


class HalleyConsentSign(models.TransientModel):
    """The patient signs her consent on the clinic's tablet: she reads the
    protocol's consent text, ticks the photos she agrees to and signs; the
    practitioner holding the tablet is the witness."""

    _name = "halley.consent.sign"
    _description = "Sign consent"

    session_id = fields.Many2one("halley.treatment.session", required=True, readonly=True)
    patient_id = fields.Many2one(related="session_id.patient_id", string="Patient")
    consent_text = fields.Html(compute="_compute_consent_text", string="Consent", sanitize=False)
    signed_by_name = fields.Char(string="Name of the person signing", required=True)
    signature = fields.Image(max_width=1024, max_height=1024, attachment=False)
    photo_record = fields.Boolean(string="Photos for my clinical record")
    photo_marketing = fields.Boolean(string="Photos for the clinic's marketing")
    witness_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        check_session_access(self, vals_list, "write")  # a session she may change
        for vals in vals_list:
            self._check_signing_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        check_session_access(self, [vals], "write")
        vals = dict(vals)
        self._check_signing_vals(vals)
        return super().write(vals)

    def _check_signing_vals(self, vals):
        """Her drawing and her name, refused in words as she gives them (an
        image that is not a drawing, a name of more than 128 characters)."""
        if vals.get("signature"):
            check_signature(self.env, vals["signature"])
        if vals.get("signed_by_name"):
            vals["signed_by_name"] = check_signer_name(self.env, vals["signed_by_name"])

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        session = self.env["halley.treatment.session"].browse(res.get("session_id")).exists()
        if session and "signed_by_name" in fields_list and not res.get("signed_by_name"):
            res["signed_by_name"] = session.sudo().patient_id.name
        return res

    @api.depends("session_id")
    def _compute_consent_text(self):
        for wizard in self:
            wizard.consent_text = wizard.session_id._halley_consent_text() if wizard.session_id else False

    def action_sign(self):
        self.ensure_one()
        self.session_id._halley_sign_consent(
            self.signature,
            self.signed_by_name,
            photo_record=self.photo_record,
            photo_marketing=self.photo_marketing,
            channel="clinic",
        )
        return {"type": "ir.actions.act_window_close"}
