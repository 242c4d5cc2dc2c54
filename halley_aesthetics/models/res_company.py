from odoo import api, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

    def _get_treatment_consumption_type(self):
        """Return the company's "Treatment consumption" operation type, creating it
        (with its consumption location and its return type) on first use.

        Consumption goes from a treatment room to a location of usage
        ``production`` ("Treatment consumption"): the stock is used up, neither
        scrapped nor delivered to a customer, and the picking type lets Odoo
        explode the protocol's kit BoM natively.
        """
        self.ensure_one()
        picking_type = (
            self.env["stock.picking.type"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [("is_treatment_consumption", "=", True), ("company_id", "=", self.id)],
                limit=1,
            )
        )
        if picking_type:
            return picking_type
        return self._create_treatment_consumption_type()

    def _create_treatment_consumption_type(self):
        self.ensure_one()
        warehouse = (
            self.env["stock.warehouse"]
            .sudo()
            .search([("company_id", "=", self.id)], limit=1)
        )
        if not warehouse:
            raise UserError(
                self.env._(
                    "The company %(company)s has no warehouse: create one before "
                    "booking treatment sessions.",
                    company=self.name,
                )
            )
        consumption_location = (
            self.env["stock.location"]
            .sudo()
            .create(
                {
                    "name": self.env._("Treatment consumption"),
                    "usage": "production",
                    "location_id": self.env.ref("stock.stock_location_locations_virtual").id,
                    "company_id": self.id,
                }
            )
        )
        PickingType = self.env["stock.picking.type"].sudo()
        return_type = PickingType.create(
            {
                "name": self.env._("Treatment returns"),
                "code": "incoming",
                "sequence_code": "TRR",
                "warehouse_id": warehouse.id,
                "company_id": self.id,
                "default_location_src_id": consumption_location.id,
                "default_location_dest_id": warehouse.lot_stock_id.id,
                "use_create_lots": False,
                "use_existing_lots": True,
            }
        )
        return PickingType.create(
            {
                "name": self.env._("Treatment consumption"),
                "code": "outgoing",
                "sequence_code": "TRT",
                "is_treatment_consumption": True,
                "warehouse_id": warehouse.id,
                "company_id": self.id,
                "default_location_src_id": warehouse.lot_stock_id.id,
                "default_location_dest_id": consumption_location.id,
                "return_picking_type_id": return_type.id,
                "reservation_method": "manual",
                "create_backorder": "never",
                "use_create_lots": False,
                "use_existing_lots": True,
            }
        )

    @api.model
    def _setup_treatment_consumption(self):
        """Called at install: every company with a warehouse gets its types."""
        for company in self.sudo().search([]):
            if self.env["stock.warehouse"].sudo().search_count(
                [("company_id", "=", company.id)], limit=1
            ):
                company._get_treatment_consumption_type()
        return True
