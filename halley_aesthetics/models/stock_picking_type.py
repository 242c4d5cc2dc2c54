from odoo import fields, models


class StockPickingType(models.Model):
    _inherit = "stock.picking.type"

    is_treatment_consumption = fields.Boolean(
        string="Treatment consumption",
        help="Transfers of this type carry what treatment sessions consume.",
    )
