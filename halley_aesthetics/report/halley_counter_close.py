from odoo import api, models


class ReportHalleyCounterClose(models.AbstractModel):
    """The counter's day's close: the money of a clinic day. It renders for the
    clinic's billing staff and managers, only for counter sessions Odoo lets them
    read (POS user, company wall); a practitioner or a user outside the clinic is
    refused before anything is read."""

    _name = "report.halley_aesthetics.report_halley_counter_close"
    _description = "Counter day's close"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["pos.session"].browse(docids)
        docs._halley_check_day_close_access()
        return {
            "doc_ids": docs.ids,
            "doc_model": "pos.session",
            "docs": docs,
        }
