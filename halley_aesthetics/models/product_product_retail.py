from odoo import api, models


class ProductProduct(models.Model):
    _inherit = "product.product"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        # Before Odoo adds the variant's own defaults (not storable): see product_template_retail.py.
        return super().create(self.env["product.template"]._halley_retail_defaults(vals_list))
