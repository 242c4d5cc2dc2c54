from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    treatment_session_id = fields.Many2one(
        "halley.treatment.session",
        string="Treatment session",
        index="btree_not_null",
        check_company=True,
        readonly=True,
    )
