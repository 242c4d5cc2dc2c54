from odoo import api, fields, models


class MrpBomLine(models.Model):
    _inherit = "mrp.bom.line"

    halley_allergen_ids = fields.Many2many(
        related="product_id.halley_allergen_ids",
        string="Allergens",
        help="What the component contains that a patient may be allergic to (set on the product).",
    )

    @api.constrains("product_qty")
    def _check_treatment_protocol_qty(self):
        self.bom_id._check_treatment_protocol()
