from odoo import api, models

from ..tools import clinical_report_sessions


class ReportHalleyAftercare(models.AbstractModel):
    """The aftercare sheet names the patient, her treatment and the lots injected:
    clinical data. It renders for practitioners and clinic managers, only for
    sessions they may read, and for the aftercare cron, which renders it as
    superuser to email it to the patient."""

    _name = "report.halley_aesthetics.report_halley_aftercare"
    _description = "Aftercare sheet"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = clinical_report_sessions(
            self,
            docids,
            self.env._(
                "The aftercare sheet names the patient's treatment and the lots used: "
                "only practitioners and clinic managers can print it."
            ),
        )
        return {"doc_ids": docs.ids, "doc_model": "halley.treatment.session", "docs": docs}
