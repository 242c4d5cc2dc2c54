from odoo import api, fields, models


class StockWarehouse(models.Model):
    """Each clinic warehouse (one with treatment rooms) has its "Retail shelf" under
    its stock: the counter's operation type (Odoo's PoS Orders type of the
    warehouse) takes from it, by lot and expiry first out (FEFO)."""

    _inherit = "stock.warehouse"  # pylint: disable=consider-merging-classes-inherited

    halley_retail_location_id = fields.Many2one(
        "stock.location",
        string="Retail shelf",
        check_company=True,
        copy=False,
        help="Where the counter sells retail skincare from.",
    )

    def _halley_activate_treatment_types(self):
        res = super()._halley_activate_treatment_types()
        self._halley_ensure_retail_shelf()
        return res

    def _halley_ensure_retail_shelf(self):
        """Create the shelf of the clinic warehouses that have none, and make it the
        source of their counter's operation type. Idempotent."""
        Location = self.env["stock.location"].sudo()
        fefo = self.env.ref("product_expiry.removal_fefo", raise_if_not_found=False)
        for warehouse in self.sudo().filtered(lambda w: w.active and not w.halley_retail_location_id):
            if not warehouse.lot_stock_id:
                continue
            shelf = Location.create({
                "name": self.env._("Retail shelf"),
                "location_id": warehouse.lot_stock_id.id,
                "usage": "internal",
                "is_retail_shelf": True,
                "company_id": warehouse.company_id.id,
                "removal_strategy_id": fefo.id if fefo else False,
            })
            warehouse.halley_retail_location_id = shelf
            if warehouse.pos_type_id:
                warehouse.pos_type_id.default_location_src_id = shelf

    @api.model
    def _halley_setup_retail_shelves(self):
        """At install and upgrade: each clinic warehouse gets its retail shelf."""
        rooms = self.env["stock.location"].sudo().search([("is_treatment_room", "=", True)])
        rooms.warehouse_id._halley_ensure_retail_shelf()
        return True

    @api.model
    def _halley_demo_retail_shelf(self):
        """Demo data only: the demo clinic's shelf gets an xml id for the demo's stock
        on it (halley_aesthetics.location_retail_shelf_demo)."""
        warehouse = self.env.ref("stock.warehouse0", raise_if_not_found=False)
        if not warehouse:
            return False
        warehouse._halley_ensure_retail_shelf()
        shelf = warehouse.halley_retail_location_id
        if shelf:
            self.env["ir.model.data"]._update_xmlids([
                {"xml_id": "halley_aesthetics.location_retail_shelf_demo", "record": shelf, "noupdate": True},
            ])
        return True
