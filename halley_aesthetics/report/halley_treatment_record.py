from odoo import api, models

from ..tools import clinical_report_sessions


class ReportHalleyTreatmentRecord(models.AbstractModel):
    """The treatment record holds the patient's screening answers, consent and
    clinical notes: it renders only for practitioners and clinic managers, only
    sessions they may read, and every rendering (print, download, email) is
    logged on the patient."""

    _name = "report.halley_aesthetics.report_halley_treatment_record"
    _description = "Treatment record"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = clinical_report_sessions(
            self,
            docids,
            self.env._(
                "The treatment record holds the patient's screening answers, consent "
                "and clinical notes: only practitioners and clinic managers can print it."
            ),
        )
        self.env["halley.patient.access.log"]._log("print", sessions=docs)
        return {"doc_ids": docs.ids, "doc_model": "halley.treatment.session", "docs": docs}
