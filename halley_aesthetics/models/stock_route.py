from odoo import fields, models


class StockRoute(models.Model):
    _inherit = "stock.route"

    halley_room_resupply = fields.Boolean(
        string="Treatment room resupply",
        help="The clinic's route refilling treatment rooms from the store.",
    )
