from odoo import models


class PosOrder(models.Model):
    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    def _get_invoice_lines_values(self, line_values, pos_order_line):
        values = super()._get_invoice_lines_values(line_values, pos_order_line)
        session = pos_order_line.sudo().halley_deposit_session_id
        if session:
            values["halley_deposit_session_id"] = session.id
            deposits_account, _fees = session.company_id._halley_get_deposit_accounts()
            values["account_id"] = deposits_account.id
        return values
