from odoo import api, fields, models

# The warehouse fields of the clinic's operation types, as Odoo's own types are
# kept (in_type_id, out_type_id...): created with the warehouse, updated with it.
HALLEY_TYPE_FIELDS = ("halley_consumption_type_id", "halley_return_type_id")


class StockWarehouse(models.Model):
    """Each warehouse has its "Treatment consumption" operation type (from its
    stock, and the treatment rooms under it, to the company's production location)
    and its "Treatment returns" type (back), created with the warehouse the way
    Odoo's repair and mrp create theirs (``_get_picking_type_create_values``)."""

    _inherit = "stock.warehouse"

    halley_consumption_type_id = fields.Many2one(
        "stock.picking.type",
        string="Treatment consumption type",
        check_company=True,
        copy=False,
        help="Operation type of the transfers that carry what the treatment sessions "
        "of this warehouse's rooms consume.",
    )
    halley_return_type_id = fields.Many2one(
        "stock.picking.type",
        string="Treatment return type",
        check_company=True,
        copy=False,
        help="Operation type of the returns of cancelled completed sessions.",
    )

    def _get_sequence_values(self, name=False, code=False):
        values = super()._get_sequence_values(name=name, code=code)
        name = name or self.name
        code = code or self.code
        values.update(
            {
                "halley_consumption_type_id": {
                    "name": self.env._("%(name)s Sequence treatment consumption", name=name),
                    "prefix": code + "/" + (self.halley_consumption_type_id.sequence_code or "TRT") + "/",
                    "padding": 5,
                    "company_id": self.company_id.id,
                },
                "halley_return_type_id": {
                    "name": self.env._("%(name)s Sequence treatment returns", name=name),
                    "prefix": code + "/" + (self.halley_return_type_id.sequence_code or "TRR") + "/",
                    "padding": 5,
                    "company_id": self.company_id.id,
                },
            }
        )
        return values

    def _get_picking_type_create_values(self, max_sequence):
        data, next_sequence = super()._get_picking_type_create_values(max_sequence)
        # The company's own production location (Odoo's "Virtual Locations/
        # Production", its products' default): the stock is used up, neither
        # scrapped nor delivered, and the addon adds no location of its own.
        production = self.company_id._halley_production_location() or self._get_production_location()
        data.update(
            {
                "halley_consumption_type_id": {
                    "name": self.env._("Treatment consumption"),
                    "code": "outgoing",
                    "is_treatment_consumption": True,
                    "default_location_src_id": self.lot_stock_id.id,
                    "default_location_dest_id": production.id,
                    "reservation_method": "manual",
                    "create_backorder": "never",
                    "use_create_lots": False,
                    "use_existing_lots": True,
                    "sequence": next_sequence + 1,
                    "sequence_code": "TRT",
                    "active": self._halley_has_treatment_rooms(),
                    "company_id": self.company_id.id,
                },
                "halley_return_type_id": {
                    "name": self.env._("Treatment returns"),
                    "code": "incoming",
                    "default_location_src_id": production.id,
                    "default_location_dest_id": self.lot_stock_id.id,
                    "use_create_lots": False,
                    "use_existing_lots": True,
                    "sequence": next_sequence + 2,
                    "sequence_code": "TRR",
                    "active": self._halley_has_treatment_rooms(),
                    "company_id": self.company_id.id,
                },
            }
        )
        return data, next_sequence + 3

    def _get_picking_type_update_values(self):
        data = super()._get_picking_type_update_values()
        barcode = self.code.replace(" ", "").upper()
        data.update(
            {
                "halley_consumption_type_id": {"active": self.active and self._halley_has_treatment_rooms(),
                                               "barcode": barcode + "TRT"},
                "halley_return_type_id": {"active": self.active and self._halley_has_treatment_rooms(),
                                          "barcode": barcode + "TRR"},
            }
        )
        return data

    def _create_or_update_sequences_and_picking_types(self):
        """Odoo links the return types of the receipts and deliveries it has just
        created; the consumption type's return is linked here, when either of the
        two was created (an existing link is the clinic's choice, kept)."""
        created = super()._create_or_update_sequences_and_picking_types()
        if any(field in created for field in HALLEY_TYPE_FIELDS):
            PickingType = self.env["stock.picking.type"]
            consumption = PickingType.browse(created.get("halley_consumption_type_id")) or self.halley_consumption_type_id
            returns = PickingType.browse(created.get("halley_return_type_id")) or self.halley_return_type_id
            if consumption and returns:
                consumption.return_picking_type_id = returns
        return created

    def _update_name_and_code(self, new_name=False, new_code=False):
        res = super()._update_name_and_code(new_name, new_code)
        for warehouse in self:
            sequences = warehouse._get_sequence_values(name=new_name, code=new_code)
            # `ir.sequence` write access is limited to system user (as Odoo does).
            if self.env.user.has_group("stock.group_stock_manager"):
                warehouse = warehouse.sudo()
            for field in HALLEY_TYPE_FIELDS:
                warehouse[field].sequence_id.write(sequences[field])
        return res

    def _halley_has_treatment_rooms(self):
        """Whether treatment rooms lie under this warehouse. Its treatment types are
        archived until it has one, as Odoo archives the operation types a warehouse's
        steps do not use: a warehouse of a company that is no clinic, or a clinic's
        store without rooms, shows and offers no treatment type."""
        self.ensure_one()
        if not self.view_location_id:
            return False
        return bool(
            self.env["stock.location"].sudo().search_count(
                [("is_treatment_room", "=", True), ("id", "child_of", self.view_location_id.id)], limit=1
            )
        )

    def _halley_activate_treatment_types(self):
        """A treatment room now lies under these warehouses: their treatment types
        are in use."""
        for warehouse in self.sudo().filtered("active"):
            types = warehouse.halley_consumption_type_id | warehouse.halley_return_type_id
            types.with_context(active_test=False).filtered(lambda t: not t.active).write({"active": True})

    @api.model
    def _halley_create_treatment_types(self):
        """At install (and by the 18.0.1.2.0 migration): the warehouses that exist
        already get their treatment types, as Odoo's repair does at its install."""
        warehouses = self.sudo().search(
            ["|", ("halley_consumption_type_id", "=", False), ("halley_return_type_id", "=", False)]
        )
        for warehouse in warehouses:
            values = warehouse._create_or_update_sequences_and_picking_types()
            if values:
                warehouse.write(values)
        return True
