from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import NOW, HalleyPackageCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestReorder(HalleyPackageCommon):
    """Booked sessions, prepaid packages and expiry drive Odoo's own reordering."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buy = cls.env.ref("purchase_stock.route_warehouse0_buy")
        cls.supplier = cls.env["res.partner"].create({"name": "T Korean supplier", "is_company": True})
        cls.other_supplier = cls.env["res.partner"].create({"name": "T Pricier supplier", "is_company": True})
        cls.env["product.supplierinfo"].create(
            [
                {"partner_id": cls.supplier.id, "product_tmpl_id": cls.rejuran.product_tmpl_id.id,
                 "price": 180.0, "delay": 14, "sequence": 1},
                {"partner_id": cls.other_supplier.id, "product_tmpl_id": cls.rejuran.product_tmpl_id.id,
                 "price": 210.0, "delay": 14, "sequence": 2},
            ]
        )
        cls.rejuran.route_ids = [Command.link(cls.buy.id)]
        # 8 vials in Room A (3 + 5), none in the store.
        cls.rule = cls.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": cls.rejuran.id,
                "location_id": cls.stock_location.id,
                "warehouse_id": cls.warehouse.id,
                "route_id": cls.buy.id,
                "product_min_qty": 4,
                "product_max_qty": 10,
                "trigger": "auto",
            }
        )

    def _book(self, days_list, protocol=None, room=None):
        sessions = self.env["halley.treatment.session"]
        for days in days_list:
            sessions |= self._session(
                protocol=protocol or self.protocol_rejuran, room=room,
                start=NOW + relativedelta(days=days, hours=2),
            )
        sessions.action_confirm()
        return sessions

    def _purchase_lines(self):
        return self.env["purchase.order.line"].search(
            [("product_id", "=", self.rejuran.id), ("order_id.state", "in", ("draft", "sent"))]
        )

    def _to_order(self):
        self.env.invalidate_all()  # forecasts are read from the product, per context
        return self.rule.qty_to_order

    def test_replenishment_names_supplier_and_room(self):
        """The clinic's Replenishment reads at a glance: who supplies each rule (its
        supplier line, else the product's first vendor) and rooms by their name."""
        Rule = self.env["stock.warehouse.orderpoint"].with_user(self.manager)
        rule = Rule.browse(self.rule.id)
        self.assertEqual(rule.halley_vendor_id, self.supplier, "the product's first vendor")
        self.rule.supplier_id = self.rejuran.seller_ids.filtered(lambda s: s.partner_id == self.other_supplier)
        self.assertEqual(rule.halley_vendor_id, self.other_supplier, "the rule's own supplier line")
        view = self.env.ref("halley_aesthetics.stock_warehouse_orderpoint_view_list_halley")
        arch = etree.fromstring(Rule.get_views([(view.id, "list")])["views"]["list"]["arch"])
        self.assertTrue(arch.xpath("//field[@name='halley_vendor_id'][not(@optional='hide')]"))
        self.assertIn("'halley_clinic_names': True", arch.xpath("//field[@name='location_id']")[0].get("context"))
        shown = [f.get("name") for f in arch.xpath("//field") if f.get("optional") != "hide"
                 and f.get("column_invisible") not in ("True", "1")]
        self.assertLessEqual(len(shown), 14, "what fits on a 1440 px screen")

    def test_booked_sessions_make_the_scheduler_buy_ahead(self):
        # Nothing booked: 8 on hand, above the minimum of 4, nothing to order.
        self.assertEqual(self._to_order(), 0)
        self.rule.trigger = "manual"
        self._book(range(0, 14, 2))  # 7 Rejuran sessions over the next two weeks
        self.env.invalidate_all()
        self.assertEqual(self.rule.halley_booked_demand, 7)
        self.assertEqual(self.rule.qty_forecast, 1)
        self.assertEqual(self._to_order(), 9, "up to the maximum of 10")
        self.assertFalse(self._purchase_lines(), "a manual rule only suggests")

        self.rule.trigger = "auto"
        self.env["procurement.group"].run_scheduler()
        line = self._purchase_lines()
        self.assertEqual(len(line), 1)
        self.assertEqual(line.product_qty, 9)
        self.assertEqual(line.order_id.partner_id, self.supplier, "the preferred supplier")
        self.assertEqual(line.price_unit, 180.0)
        self.assertEqual(line.order_id.state, "draft")
        self.env.invalidate_all()
        self.assertEqual(self.rule.halley_incoming_qty, 9)

        # Running it again orders nothing more.
        self.env["procurement.group"].run_scheduler()
        self.assertEqual(self._purchase_lines(), line)
        self.assertEqual(line.product_qty, 9)
        self.assertEqual(self._to_order(), 0)

    def test_an_automatic_rule_orders_as_soon_as_sessions_are_booked(self):
        # Odoo runs automatic rules when confirmed moves dig into the forecast:
        # booking the sessions is enough, and one quotation covers them all.
        self._book(range(0, 14, 2))
        line = self._purchase_lines()
        self.assertEqual((line.product_qty, line.order_id.partner_id), (9, self.supplier))
        self.env["procurement.group"].run_scheduler()
        self.assertEqual(self._purchase_lines(), line)
        self.assertEqual(line.product_qty, 9)

    def test_sessions_beyond_the_lead_time_wait(self):
        self._book([20, 25, 30])  # after the supplier's 14 days
        self.env.invalidate_all()
        self.assertEqual(self.rule.halley_booked_demand, 0)
        self.assertEqual(self._to_order(), 0)
        self.assertFalse(self._purchase_lines())

    def test_cancelled_and_rescheduled_sessions_lower_the_order(self):
        self.rule.write({"trigger": "manual", "product_min_qty": 5})
        sessions = self._book(range(0, 14, 2))
        self.assertEqual(self._to_order(), 9)
        sessions[:2].action_cancel()
        self.assertEqual(self._to_order(), 7, "two fewer vials")
        sessions[2].scheduled_start = NOW + relativedelta(days=40)
        self.assertEqual(sessions[2].picking_id.scheduled_date, NOW + relativedelta(days=40))
        self.assertEqual(self._to_order(), 6, "its demand moved past the lead time")
        self.rule.trigger = "auto"
        self.env["procurement.group"].run_scheduler()
        self.assertEqual(self._purchase_lines().product_qty, 6)

    def test_package_demand_drives_reordering_only_when_enabled(self):
        course = self._package_product(
            "T Rejuran course", 900.0, [(self.protocol_rejuran, 3)], months=1
        )
        self.rule.write({"trigger": "manual", "product_min_qty": 6})
        self._invoice([(course, 2)])  # 6 prepaid sessions, valid one month (30 days)
        # 14 days of lead time out of 30 days of validity: 6 x 14/30 sessions, 1 vial each.
        expected = 6 * 14 / 30
        self.assertEqual(self.rule.halley_package_demand, 0, "setting off: not even computed")
        self.assertEqual(self._to_order(), 0, "setting off: not ordered (8 above the minimum of 6)")
        self.company.halley_package_demand_reordering = True
        self.env.invalidate_all()
        self.assertAlmostEqual(self.rule.halley_package_demand, expected, places=2)
        self.assertAlmostEqual(self.rule.qty_forecast, 8 - expected, places=2)
        self.assertEqual(self._to_order(), 4, "10 - (8 - 2.8) = 4.8: whole vials, Odoo's multiple of 1")
        # A booked package session is demand already: not counted twice.
        self._book([3])
        self.env.invalidate_all()
        self.assertAlmostEqual(self.rule.halley_package_demand, 5 * 14 / 30, places=2)
        self.assertEqual(self.rule.halley_booked_demand, 1)

    def _count_queries(self, func, rules):
        self.env.invalidate_all()
        # Odoo's own figures, read by Odoo's forecast too: not the clinic's cost.
        rules.mapped(lambda o: (o.lead_days_date, o.location_id.parent_path, o.product_uom.rounding,
                                o.product_id.uom_id.rounding, o.product_id.product_tmpl_id.clinic_role,
                                o.warehouse_id.lot_stock_id, o.company_id.halley_package_demand_reordering))
        before = self.env.cr.sql_log_count
        func()
        return self.env.cr.sql_log_count - before

    def test_package_demand_costs_the_same_for_any_number_of_packages_and_rules(self):
        self.company.halley_package_demand_reordering = True
        course = self._package_product("T Rejuran course", 900.0, [(self.protocol_rejuran, 3)], months=1)
        rules = self.rule | self.env["stock.warehouse.orderpoint"].create([
            {"product_id": product.id, "location_id": self.stock_location.id, "warehouse_id": self.warehouse.id,
             "product_min_qty": 1, "product_max_qty": 5, "trigger": "manual"}
            for product in (self.numbing, self.needle, self.recovery)
        ])
        self._invoice([(course, 1)])
        self._set_stock(self.stock_location, [(self.rejuran, 1, self._lot(self.rejuran, "TRJ-OLD", months=-1))])
        self._book([2])

        def clinic_figures(orderpoints):
            orderpoints = orderpoints._halley_with_forecast_cache()
            return lambda: (orderpoints._halley_package_demands(), orderpoints._halley_expired_quantities())

        # Rules: one computation for all of them.
        one_rule = self._count_queries(clinic_figures(self.rule), rules)
        self.assertEqual(self._count_queries(clinic_figures(rules), rules), one_rule)
        # Packages and bookings: the forecast and the Replenishment columns cost the same.
        def forecast():
            Odoo = rules.with_context(halley_odoo_in_progress=True)
            return (self._count_queries(Odoo._quantity_in_progress, rules),
                    self._count_queries(rules._quantity_in_progress, rules),
                    self._count_queries(lambda: rules._halley_with_forecast_cache().read(
                        ["halley_booked_demand", "halley_package_demand", "halley_expired_qty"]), rules))
        one_package = forecast()
        self.assertAlmostEqual(self.rule.halley_package_demand, 2 * 14 / 30, places=2)
        for _i in range(9):
            self._invoice([(course, 1)])
        self._book([3, 4])
        self.assertEqual(forecast(), one_package, "the same queries for 1 package as for 10")
        self.env.invalidate_all()
        self.assertAlmostEqual(self.rule.halley_package_demand, (30 - 3) * 14 / 30, places=2)
        self.assertEqual(self.rule.halley_expired_qty, 1)
        self.assertEqual(self.rule.halley_booked_demand, 3)

    def test_protocols_read_together_consume_as_odoo_explodes_them(self):
        protocols = self.env["mrp.bom"].search([("is_treatment_protocol", "=", True)])
        self.assertGreater(len(protocols), 2)
        # A protocol with a kit inside (Odoo explodes it) and one in boxes of 10.
        box = self.env.ref("uom.product_uom_dozen")
        kit = self.env["mrp.bom"].create({
            "product_tmpl_id": self.needle.product_tmpl_id.id, "type": "phantom",
            "bom_line_ids": [Command.create({"product_id": self.recovery.id, "product_qty": 2})],
        })
        self.protocol_rejuran.bom_line_ids[:1].write({"product_qty": 0.25, "product_uom_id": box.id})
        together = protocols._halley_components_per_sessions()
        for protocol in protocols:
            self.assertEqual(together[protocol.id], protocol._halley_components_per_session(), protocol.display_name)
        self.assertIn(self.recovery.id, together[self.protocol_rejuran.id], "the needle's kit exploded")
        kit.unlink()

    def test_expired_lots_are_not_available(self):
        expired = self._lot(self.rejuran, "TRJ-OLD", months=-1)
        self._set_stock(self.stock_location, [(self.rejuran, 6, expired)])
        self.env.invalidate_all()
        self.assertEqual(self.rule.qty_on_hand, 14)
        self.assertEqual(self.rule.halley_expired_qty, 6)
        self.assertEqual(self.rule.qty_forecast, 8, "the expired vials do not count")
        # Not reserved: a room with only expired vials cannot start a session.
        self._set_stock(self.room_b, [(self.rejuran, 2, expired), (self.numbing, 10, self.lot_numb),
                                      (self.needle, 10, None), (self.recovery, 10, None)])
        session = self._session(room=self.room_b)
        session.action_confirm()
        with self.assertRaisesRegex(UserError, r"T Rejuran vial in .*Test Room B: 1.0 Units needed, 0.0 Units available"):
            session.action_start()
        # Not consumed: picking the expired lot by hand is refused at done.
        session = self._session()
        session.action_confirm()
        session.action_start()
        line = self.move_of(session, self.rejuran).move_line_ids
        self._set_stock(self.room, [(self.rejuran, 1, expired)])
        line.lot_id = expired
        with self.assertRaisesRegex(UserError, "Lot TRJ-OLD of T Rejuran vial expired on"):
            session.action_done()
        self.assertEqual(session.state, "in_progress")

    def test_lot_expiring_before_a_late_completion_is_refused(self):
        lot = self._lot(self.rejuran, "TRJ-SOON", months=0)
        lot.expiration_date = NOW + relativedelta(hours=5)
        self._set_stock(self.room_b, [(self.rejuran, 1, lot), (self.numbing, 10, self.lot_numb),
                                      (self.needle, 10, None), (self.recovery, 10, None)])
        session = self._session(room=self.room_b)
        session.action_confirm()
        session.action_start()
        with freeze_time(NOW + relativedelta(hours=6)):
            with self.assertRaisesRegex(UserError, "Lot TRJ-SOON of T Rejuran vial expired on"):
                session.action_done()

    def test_manager_scraps_expired_stock_with_a_reason(self):
        expired = self._lot(self.rejuran, "TRJ-OLD", months=-1)
        self._set_stock(self.stock_location, [(self.rejuran, 6, expired)])
        quant = self.env["stock.quant"].search(
            [("lot_id", "=", expired.id), ("location_id", "=", self.stock_location.id)]
        )
        listed = self.env["stock.quant"].search(
            [("lot_id.alert_date", "<=", NOW), ("quantity", ">", 0), ("location_id.usage", "=", "internal"),
             ("product_id", "=", self.rejuran.id)]
        )
        self.assertIn(quant, listed, "expired stock is in the Expiring soon list")
        self.assertNotIn(self.lot_rj_late, listed.lot_id)
        Wizard = self.env["halley.expired.scrap"].with_user(self.manager)
        fresh = self.env["stock.quant"].search([("lot_id", "=", self.lot_rj_late.id)])
        with self.assertRaisesRegex(UserError, "has not expired .*only expired stock is scrapped here"):
            Wizard.create({"quant_ids": [Command.set(fresh.ids)], "reason": "x"}).action_scrap()
        action = Wizard.with_context(active_model="stock.quant", active_ids=quant.ids).create(
            {"reason": "Expired last month, found at the monthly count"}
        ).action_scrap()
        scrap = self.env["stock.scrap"].browse(action["res_id"])
        self.assertEqual(scrap.state, "done")
        self.assertEqual((scrap.lot_id, scrap.scrap_qty), (expired, 6))
        self.assertEqual(scrap.halley_reason, "Expired last month, found at the monthly count")
        self.assertEqual(scrap.scrap_reason_tag_ids, self.env.ref("halley_aesthetics.scrap_reason_expired"))
        self.assertEqual(self.on_hand(self.rejuran, self.stock_location, expired), 0)
        with self.assertRaises(AccessError):
            self.env["halley.expired.scrap"].with_user(self.practitioner).create({"reason": "x"})

    def test_no_reordering_rule_on_a_treatment_kit(self):
        with self.assertRaisesRegex(ValidationError, "is a treatment kit: it is never stocked"):
            self.env["stock.warehouse.orderpoint"].create(
                {
                    "product_id": self.protocol_rejuran.product_id.id,
                    "location_id": self.stock_location.id,
                    "product_min_qty": 1,
                    "product_max_qty": 2,
                }
            )


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestRoomResupply(HalleyPackageCommon):
    def test_rooms_are_refilled_from_the_store_by_internal_transfer(self):
        self._set_stock(self.stock_location, [(self.ha, 10, self.lot_ha)])
        rule = self.env["stock.warehouse.orderpoint"].with_user(self.manager).create(
            {
                "product_id": self.ha.id,
                "location_id": self.room_b.id,
                "product_min_qty": 2,
                "product_max_qty": 5,
                "trigger": "auto",
            }
        )
        self.assertTrue(rule.route_id.halley_room_resupply, "the room's resupply route by default")
        self.assertEqual(rule.qty_to_order, 5)
        self.env["procurement.group"].run_scheduler()
        move = self.env["stock.move"].search(
            [("product_id", "=", self.ha.id), ("location_dest_id", "=", self.room_b.id)]
        )
        self.assertEqual(move.product_uom_qty, 5)
        self.assertEqual(move.location_id, self.stock_location)
        self.assertEqual(move.picking_type_id, self.warehouse.int_type_id)
        self.assertEqual(move.picking_id.picking_type_id.code, "internal")
        self.assertFalse(
            self.env["purchase.order.line"].search([("product_id", "=", self.ha.id)]),
            "a room is refilled from the store, not bought for",
        )
        # The store's own forecast is unchanged by moves within it.
        self.env["procurement.group"].run_scheduler()
        self.assertEqual(len(self.env["stock.move"].search(
            [("product_id", "=", self.ha.id), ("location_dest_id", "=", self.room_b.id)])), 1,
            "no second transfer")
        picking = move.picking_id
        picking.action_assign()
        picking.button_validate()
        self.assertEqual(self.on_hand(self.ha, self.room_b), 5)
        self.assertEqual(self.on_hand(self.ha, self.room_b, self.lot_ha), 5)
