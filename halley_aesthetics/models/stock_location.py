from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import CLINIC_NAMES


class StockLocation(models.Model):
    _inherit = "stock.location"

    is_treatment_room = fields.Boolean(
        string="Treatment room",
        help="Sessions take place in this room and consume its stock.",
    )
    patient_label = fields.Char(
        string="Name for patients",
        translate=True,
        help="The room's name as patients read it, in each language (on the patient portal "
        "and the aftercare sheet). Empty: the room's name.",
    )
    room_patient_name = fields.Char(
        compute="_compute_room_patient_name",
        string="Room (for patients)",
        help="What a patient reads: the name for patients in her language, else the room's name.",
    )
    halley_orderpoint_ids = fields.One2many(
        "stock.warehouse.orderpoint",
        "location_id",
        string="Resupply rules",
        groups="stock.group_stock_user",
        help="Min/max rules of the room, refilled from the clinic's store by internal transfer.",
    )
    halley_opening_calendar_id = fields.Many2one(
        "resource.calendar",
        check_company=True,
        string="Opening hours",
        groups="halley_aesthetics.group_practitioner,halley_aesthetics.group_billing",
        help="When sessions may take place in this room (its time zone, days and hours, "
        "and its closures). Empty: the room is never closed.",
    )

    @api.depends("patient_label", "name")
    @api.depends_context("lang")
    def _compute_room_patient_name(self):
        for room in self:
            room.room_patient_name = (room.patient_label or "").strip() or room.name

    @api.depends("is_treatment_room", "name", "usage", "warehouse_id.lot_stock_id", "warehouse_id.name")
    @api.depends_context(CLINIC_NAMES, "lang")
    def _compute_display_name(self):
        """On the clinic's screens (``halley_clinic_names`` in the context), a
        treatment room reads as its own name ("Treatment Room 1") and a warehouse's
        stock as the clinic's store ("Store room", with the warehouse's name when
        the company has several); everywhere else, Inventory's screens included, as
        Odoo's full name ("WH/Stock/Treatment Room 1", "WH/Stock")."""
        rooms = stores = self.browse()
        if self.env.context.get(CLINIC_NAMES):
            rooms = self.filtered("is_treatment_room")
            stores = (self - rooms).filtered(
                lambda location: location.usage == "internal" and location.warehouse_id.lot_stock_id == location
            )
        res = super(StockLocation, self - rooms - stores)._compute_display_name()
        for room in rooms:
            room.display_name = room.name
        if stores:
            companies = stores.sudo().warehouse_id.company_id
            several = {
                company.id
                for company, count in self.env["stock.warehouse"].sudo()._read_group(
                    [("company_id", "in", companies.ids)], ["company_id"], ["__count"]
                )
                if count > 1
            }
            for store in stores:
                warehouse = store.sudo().warehouse_id
                store.display_name = (
                    self.env._("Store room (%(warehouse)s)", warehouse=warehouse.name)
                    if warehouse.company_id.id in several
                    else self.env._("Store room")
                )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        locations = super().create(vals_list)
        rooms = locations.filtered("is_treatment_room")
        rooms._halley_ensure_resupply_rule()
        rooms.sudo().warehouse_id._halley_activate_treatment_types()
        return locations

    def write(self, vals):
        res = super().write(vals)
        if vals.get("is_treatment_room") or "location_id" in vals:
            rooms = self.filtered("is_treatment_room")
            rooms._halley_ensure_resupply_rule()
            rooms.sudo().warehouse_id._halley_activate_treatment_types()
        return res

    def _halley_consumption_type(self):
        """The "Treatment consumption" operation type of the room's warehouse (created
        with the warehouse, see stock.warehouse): what a session in this room books
        its consumption with. Only reads."""
        self.ensure_one()
        room = self.sudo()
        warehouse = room.warehouse_id
        if not warehouse:
            raise UserError(
                self.env._(
                    "The treatment room %(room)s belongs to no warehouse: place it under "
                    "a warehouse's stock before booking sessions in it.",
                    room=room.display_name,
                )
            )
        if not warehouse.halley_consumption_type_id:
            raise UserError(
                self.env._(
                    "The warehouse %(warehouse)s has no treatment consumption operation "
                    "type: sessions in %(room)s cannot book their consumption. Ask an "
                    "administrator to set it on the warehouse.",
                    warehouse=warehouse.display_name,
                    room=room.display_name,
                )
            )
        return warehouse.halley_consumption_type_id

    def _halley_resupply_route(self):
        """The company's "Treatment room resupply" route (created on first use)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        Route = self.env["stock.route"].sudo().with_context(active_test=False)
        route = Route.search(
            [("halley_room_resupply", "=", True), ("company_id", "=", company.id)], limit=1
        )
        if not route:
            route = Route.create(
                {
                    "name": self.env._("Treatment room resupply"),
                    "halley_room_resupply": True,
                    "company_id": company.id,
                    "product_selectable": False,
                    "warehouse_selectable": False,
                    "sequence": 100,
                }
            )
        return route

    def _halley_ensure_resupply_rule(self):
        """Each room is refilled from its warehouse's stock by internal transfer."""
        Rule = self.env["stock.rule"].sudo().with_context(active_test=False)
        for room in self:
            if room.usage != "internal":
                continue
            warehouse = room.warehouse_id
            if not warehouse or room == warehouse.lot_stock_id:
                continue
            route = room._halley_resupply_route()
            if Rule.search_count([("route_id", "=", route.id), ("location_dest_id", "=", room.id)], limit=1):
                continue
            Rule.create(
                {
                    "name": self.env._("%(store)s → %(room)s", store=warehouse.lot_stock_id.display_name,
                                       room=room.display_name),
                    "route_id": route.id,
                    "action": "pull",
                    "procure_method": "make_to_stock",
                    "location_src_id": warehouse.lot_stock_id.id,
                    "location_dest_id": room.id,
                    "picking_type_id": warehouse.int_type_id.id,
                    "warehouse_id": warehouse.id,
                    "company_id": room.company_id.id or warehouse.company_id.id,
                }
            )

    @api.model
    def _halley_setup_room_resupply(self):
        """At install and upgrade: every room gets its resupply rule."""
        self.sudo().search([("is_treatment_room", "=", True)])._halley_ensure_resupply_rule()
        return True
