from odoo import fields, models

from .res_partner_pos_links import POS_ORDER_READERS


# Point of Sale links an invoice to its counter orders without a group: see
# res_partner_pos_links.py.
class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    pos_order_ids = fields.One2many(groups=POS_ORDER_READERS)
