from odoo import models
from odoo.exceptions import UserError


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Merging contacts moves their records to the one kept; a row that cannot
    move (a unique constraint) is deleted by Odoo. Two charts of one clinic
    cannot move onto one patient, so the merge is refused before anything is
    deleted: the clinic merges the charts by hand first."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        charts = self.env["halley.patient.chart"].sudo().search([("patient_id", "in", list(partner_ids))])
        companies = charts.company_id
        for company in companies:
            if len(charts.filtered(lambda c, co=company: c.company_id == co)) > 1:
                raise UserError(
                    self.env._(
                        "These patients each have a clinical chart at %(clinic)s: copy what matters into one "
                        "chart, then ask a clinic manager to archive the other contact, instead of merging.",
                        clinic=company.name,
                    )
                )
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
