from odoo import api, fields, models


class StockLocation(models.Model):
    """The clinic's retail shelf: where the counter sells skincare from, refilled
    from the store like a treatment room (issue 23)."""

    _inherit = "stock.location"  # pylint: disable=consider-merging-classes-inherited

    is_retail_shelf = fields.Boolean(
        string="Retail shelf",
        help="The counter sells retail skincare from this location; it is refilled from the "
        "clinic's store by internal transfer.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        locations = super().create(vals_list)
        locations.filtered("is_retail_shelf")._halley_ensure_resupply_rule()
        return locations

    def write(self, vals):
        res = super().write(vals)
        if vals.get("is_retail_shelf") or "location_id" in vals:
            self.filtered("is_retail_shelf")._halley_ensure_resupply_rule()
        return res

