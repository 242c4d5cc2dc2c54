from odoo import fields, models


class MrpBom(models.Model):
    """A protocol recommends retail products for the patient's home care (an
    aftercare cream, a sunscreen): the counter offers them at checkout."""

    _inherit = "mrp.bom"  # pylint: disable=consider-merging-classes-inherited

    halley_retail_product_ids = fields.Many2many(
        "product.product",
        "halley_mrp_bom_retail_product_rel",
        "bom_id",
        "product_id",
        string="Recommended for home care",
        domain=[("sale_ok", "=", True)],
        check_company=True,
        help="Products the patient may buy at the counter after this treatment (aftercare "
        "cream, sunscreen): the counter suggests them at checkout.",
    )
