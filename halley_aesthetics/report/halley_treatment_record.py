from odoo import api, models
from odoo.exceptions import AccessError


class ReportHalleyTreatmentRecord(models.AbstractModel):
    """The treatment record holds the patient's screening answers, consent and
    clinical notes: it renders only for practitioners and clinic managers, only
    sessions they may read, and every rendering (print, download, email) is
    logged on the patient."""

    _name = "report.halley_aesthetics.report_halley_treatment_record"
    _description = "Treatment record"

    @api.model
    def _get_report_values(self, docids, data=None):
        if not self.env.user.has_group("halley_aesthetics.group_practitioner"):
            raise AccessError(
                self.env._(
                    "The treatment record holds the patient's screening answers, consent "
                    "and clinical notes: only practitioners and clinic managers can print it."
                )
            )
        docs = self.env["halley.treatment.session"].browse(docids).exists()
        docs.check_access("read")
        self.env["halley.patient.access.log"]._log("print", sessions=docs)
        return {"doc_ids": docs.ids, "doc_model": "halley.treatment.session", "docs": docs}
