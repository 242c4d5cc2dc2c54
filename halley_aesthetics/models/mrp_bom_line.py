from odoo import api, models


class MrpBomLine(models.Model):
    _inherit = "mrp.bom.line"

    @api.constrains("product_qty")
    def _check_treatment_protocol_qty(self):
        self.bom_id._check_treatment_protocol()
