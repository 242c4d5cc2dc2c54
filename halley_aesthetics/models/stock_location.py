from odoo import fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    is_treatment_room = fields.Boolean(
        string="Treatment room",
        help="Sessions take place in this room and consume its stock.",
    )
