from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _halley_cooling_off_terms(self):
        """The cooling-off terms printed on an invoice that sells a course (design
        decision 3), in the environment's language (the invoice report renders in
        the customer's): the date of its packages, or, before they exist (a draft),
        the date they will get. Empty for any other document. Read as superuser:
        whoever may print the invoice may read its terms (the patient on her
        portal, an accountant outside the clinic groups)."""
        self.ensure_one()
        move = self.sudo()
        if move.move_type != "out_invoice":
            return ""
        lines = move._halley_package_lines()
        if not lines:
            return ""
        packages = lines.patient_package_ids
        end = min(packages.mapped("cooling_off_end"), default=False) if packages else False
        if not end:
            sale_date = move.invoice_date or fields.Date.context_today(move)
            end = move.company_id._halley_cooling_off_ends([sale_date]).get(sale_date)
        if not end:
            return ""
        return move.company_id.with_env(self.env)._halley_cooling_off_terms(end)
