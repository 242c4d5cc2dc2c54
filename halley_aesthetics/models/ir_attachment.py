from odoo import api, models
from odoo.exceptions import AccessError

SESSION_MODEL = "halley.treatment.session"


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
