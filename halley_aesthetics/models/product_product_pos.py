from odoo import api, models


class ProductProduct(models.Model):
    """The counter (Odoo's Point of Sale) knows each product's clinic role: its receipt
    shows the clinic's package terms when the order sells a course (issue 23)."""

    _inherit = "product.product"

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + ["clinic_role"]
