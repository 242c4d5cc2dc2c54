from odoo import api, models
from odoo.exceptions import AccessError

from ..tools import CLINICIAN_GROUPS


class ReportHalleyConsent(models.AbstractModel):
    """The signed consent names the patient, her treatment and her signature:
    clinical data. It renders for practitioners and clinic managers, only for
    consents they may read, and for the signing itself (as superuser, also when
    the patient signs in her portal)."""

    _name = "report.halley_aesthetics.report_halley_consent"
    _description = "Signed consent"

    @api.model
    def _get_report_values(self, docids, data=None):
        env = self.env
        if not (env.su or env.user.has_group(CLINICIAN_GROUPS)):
            raise AccessError(
                env._("A signed consent is part of the patient's clinical record: only practitioners "
                      "and clinic managers can print it.")
            )
        docs = env["halley.session.consent"].browse(docids).exists()
        docs.check_access("read")
        return {"doc_ids": docs.ids, "doc_model": "halley.session.consent", "docs": docs}
