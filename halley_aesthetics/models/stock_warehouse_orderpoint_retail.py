from odoo import api, models


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        # The shelf's min/max rules are refilled from the store, as the rooms' are.
        for vals in vals_list:
            if not vals.get("route_id") and vals.get("location_id"):
                location = self.env["stock.location"].browse(vals["location_id"])
                if location.is_retail_shelf:
                    vals["route_id"] = location._halley_resupply_route().id
        return super().create(vals_list)
