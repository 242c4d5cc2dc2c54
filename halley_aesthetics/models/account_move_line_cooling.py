from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    def _halley_packages_to_refund(self, units):
        # "Cancel course" (halley_patient_package_cooling.py) credits one given
        # package of an invoice line that may have sold several: the one cancelled,
        # not the one with most sessions left. Every check of the refund path still
        # runs first; the choice stays among the packages of the invoice line this
        # credit note reverses that are not refunded yet.
        chosen = super()._halley_packages_to_refund(units)
        wanted = self.env.context.get("halley_cancel_package_id")
        if wanted and units == 1 and chosen.ids != [wanted]:
            origin = self.sudo().halley_package_origin_line_id
            package = origin.patient_package_ids.filtered(
                lambda p: p.id == wanted and (not p.refund_line_id or p.refund_line_id == self)
            )
            if package:
                return package.with_env(chosen.env)
        return chosen
