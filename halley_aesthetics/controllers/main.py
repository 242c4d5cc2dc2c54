from odoo import http
from odoo.addons.web.controllers.report import ReportController
from odoo.http import request

TREATMENT_RECORD = "halley_aesthetics.report_halley_treatment_record"


def _readonly_unless_treatment_record(controller):
    """Odoo serves /report/... on a read-only cursor. Rendering a treatment record
    writes who printed it on the patient's access log, so that one report is
    served read/write; every other report is served exactly as before."""
    return TREATMENT_RECORD not in request.httprequest.path


class HalleyReportController(ReportController):
    @http.route(readonly=_readonly_unless_treatment_record)
    def report_routes(self, reportname, docids=None, converter=None, **data):
        return super().report_routes(reportname, docids=docids, converter=converter, **data)


class HalleyPatientExport(http.Controller):
    @http.route("/halley/patient/<int:partner_id>/export", type="http", auth="user", methods=["GET"])
    def patient_export(self, partner_id, **kwargs):
        """Everything the clinic holds on one patient, as one ZIP (PDPA access
        request). Clinic managers only; each export is logged on the patient."""
        patient = request.env["res.partner"].browse(partner_id)
        content, filename = patient._halley_export_patient_data()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/zip"),
                ("Content-Length", len(content)),
                ("Content-Disposition", http.content_disposition(filename)),
                ("Cache-Control", "no-store"),
            ],
        )
