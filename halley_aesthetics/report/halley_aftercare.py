from odoo import api, models
from odoo.exceptions import AccessError


class ReportHalleyAftercare(models.AbstractModel):
    """The aftercare sheet names the patient, her treatment and the lots injected:
    clinical data. It renders for practitioners and clinic managers, only for
    sessions they may read, and for the aftercare cron, which renders it as
    superuser to email it to the patient."""

    _name = "report.halley_aesthetics.report_halley_aftercare"
    _description = "Aftercare sheet"

    @api.model
    def _get_report_values(self, docids, data=None):
        if not (self.env.su or self.env.user.has_group("halley_aesthetics.group_practitioner")):
            raise AccessError(
                self.env._(
                    "The aftercare sheet names the patient's treatment and the lots used: "
                    "only practitioners and clinic managers can print it."
                )
            )
        docs = self.env["halley.treatment.session"].browse(docids).exists()
        docs.check_access("read")
        return {"doc_ids": docs.ids, "doc_model": "halley.treatment.session", "docs": docs}
