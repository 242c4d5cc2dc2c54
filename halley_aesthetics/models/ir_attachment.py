from odoo import api, models
from odoo.exceptions import AccessError, UserError

SESSION_MODEL = "halley.treatment.session"
CONSENT_MODEL = "halley.session.consent"
# What may still be written on a signed consent's PDF: the token Odoo's sharing
# sets to send it. Its content, name and owner never change.
SIGNED_PDF_WRITABLE = {"access_token"}


class IrAttachment(models.Model):
    """Files attached to a treatment session (aftercare sheets, scanned consent
    forms, photos) are part of the patient's clinical record: only practitioners
    and clinic managers open or list them, even though billing staff may read the
    session itself. Attachments of every other model are untouched."""

    _inherit = "ir.attachment"

    def _halley_hides_clinical_files(self):
        """Users who may read sessions but are not clinicians (billing). Everybody
        else either opens session files or cannot read sessions at all, and then
        Odoo's own check already refuses them: nothing changes for them."""
        return not (
            self.env.is_superuser() or self.env.user.has_group("halley_aesthetics.group_practitioner")
        ) and self.env[SESSION_MODEL].has_access("read")

    def check(self, mode, values=None):
        res = super().check(mode, values=values)
        if self._halley_hides_clinical_files():
            res_models = {attachment.res_model for attachment in self.sudo()}
            if values:
                res_models.add(values.get("res_model"))
            if SESSION_MODEL in res_models:
                raise AccessError(
                    self.env._(
                        "Files attached to a treatment session are part of the patient's "
                        "clinical record: only practitioners and clinic managers can open them."
                    )
                )
        return res

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if self._halley_hides_clinical_files():
            domain = [("res_model", "!=", SESSION_MODEL), *domain]
        return super()._search(domain, offset=offset, limit=limit, order=order)

    # ------------------------------------------------------------------ signed consents

    def _halley_signed_consent_pdfs(self):
        """The attachments among these that are a signed consent's PDF."""
        ids = [a.id for a in self.sudo() if a.res_model == CONSENT_MODEL]
        if not ids:
            return self.browse()
        consents = self.env[CONSENT_MODEL].sudo().search([("signed_pdf_id", "in", ids)])
        return consents.signed_pdf_id

    def _halley_refuse_signed_pdf_change(self):
        signed = self._halley_signed_consent_pdfs()
        if signed:
            raise UserError(
                self.env._(
                    "%(file)s is the patient's signed consent: it is kept as she signed it and cannot "
                    "be changed or deleted.",
                    file=signed[0].sudo().name,
                )
            )

    def write(self, vals):
        if set(vals) - SIGNED_PDF_WRITABLE:
            self._halley_refuse_signed_pdf_change()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed_consent(self):
        self._halley_refuse_signed_pdf_change()
