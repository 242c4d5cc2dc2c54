from odoo import fields, models

# Point of Sale (which the addon installs for the front counter) links contacts and
# invoices to their counter orders without a group: reading a contact or an invoice
# with all its fields (a plain `read()` over XML-RPC) then fails for an accountant or a
# clinic user who may not read counter orders, which they could before the addon.
# The links are given the groups that may read counter orders (Point of Sale's own
# rights: its users, and Inventory users, read-only): everyone else reads the contact
# and the invoice as before, without the link.
POS_ORDER_READERS = "point_of_sale.group_pos_user,stock.group_stock_user"


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    pos_order_ids = fields.One2many(groups=POS_ORDER_READERS)
