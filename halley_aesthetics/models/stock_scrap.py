from odoo import fields, models


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    halley_reason = fields.Text(
        string="Reason", help="Why the clinic scrapped this stock (e.g. expired lot)."
    )
