from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import NOW, HalleyCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestTreatmentSession(HalleyCommon):
    def _run(self, session):
        session.action_confirm()
        session.action_start()
        res = session.action_done()
        self.assertIs(res, True, "a session used as planned completes without asking")
        return session

    # ------------------------------------------------------------ the core loop

    def test_each_protocol_consumes_its_components_by_lot(self):
        for protocol in (
            self.protocol_rejuran,
            self.protocol_ha,
            self.protocol_trio,
            self.protocol_co2,
            self.protocol_fraxel,
        ):
            with self.subTest(protocol=protocol.display_name):
                components = protocol.bom_line_ids.product_id
                before = {
                    (p, lot): self.on_hand(p, lot=lot)
                    for p in components
                    for lot in (self.env["stock.lot"].search([("product_id", "=", p.id)]) or [False])
                }
                consumed_before = {
                    p: self.on_hand(p, self.room._halley_consumption_type().default_location_dest_id)
                    for p in components
                }
                session = self._run(self._session(protocol=protocol))

                self.assertEqual(session.state, "done")
                self.assertEqual(session.picking_id.state, "done")
                self.assertEqual(set(session.move_ids.mapped("state")), {"done"})
                # kit explosion: one move per component, none of the kit product
                self.assertEqual(session.move_ids.product_id, components)
                self.assertFalse(
                    session.picking_id.move_ids.filtered(
                        lambda m: m.product_id == session.treatment_product_id
                    )
                )
                self.assertEqual(session.move_ids.bom_line_id, protocol.bom_line_ids)
                for line in protocol.bom_line_ids:
                    product = line.product_id
                    lots = session.used_line_ids.filtered(lambda ml: ml.product_id == product)
                    self.assertAlmostEqual(sum(lots.mapped("quantity")), line.product_qty)
                    if product.tracking == "lot":
                        self.assertTrue(all(lots.lot_id), "every lot-tracked unit has its lot")
                    for (p, lot), qty in before.items():
                        if p != product:
                            continue
                        used = sum(lots.filtered(lambda ml: ml.lot_id == (lot or self.env["stock.lot"])).mapped("quantity"))
                        self.assertAlmostEqual(self.on_hand(p, lot=lot), qty - used)
                    consumed = self.on_hand(
                        product,
                        self.room._halley_consumption_type().default_location_dest_id,
                    )
                    self.assertAlmostEqual(consumed - consumed_before[product], line.product_qty)

    def test_confirm_books_demand_on_the_session_date(self):
        start = NOW + relativedelta(days=3, hours=2)
        session = self._session(start=start)
        forecast_before = self.rejuran.with_context(location=self.room.id).virtual_available
        session.action_confirm()
        self.assertEqual(session.state, "confirmed")
        picking = session.picking_id
        self.assertEqual(picking.picking_type_id.is_treatment_consumption, True)
        self.assertEqual(picking.location_id, self.room)
        self.assertEqual(picking.location_dest_id.usage, "production")
        self.assertEqual(picking.scheduled_date, start)
        self.assertEqual(picking.partner_id, self.patient)
        self.assertEqual(set(session.move_ids.mapped("state")), {"confirmed"}, "not reserved yet")
        self.assertEqual(
            self.rejuran.with_context(location=self.room.id).virtual_available,
            forecast_before - 1,
        )
        # rescheduling moves the demand
        later = start + relativedelta(days=7)
        session.scheduled_start = later
        self.assertEqual(picking.scheduled_date, later)
        self.assertEqual(set(session.move_ids.mapped("date")), {later})
        self.assertEqual(session.scheduled_end, later + relativedelta(minutes=50))
        # cancelling removes it
        session.action_cancel()
        self.assertEqual(picking.state, "cancel")
        self.assertEqual(
            self.rejuran.with_context(location=self.room.id).virtual_available, forecast_before
        )

    def test_start_reserves_first_expiry_first(self):
        session = self._session()
        session.action_confirm()
        session.action_start()
        self.assertEqual(session.state, "in_progress")
        rejuran_move = self.move_of(session, self.rejuran)
        self.assertEqual(rejuran_move.state, "assigned")
        self.assertEqual(rejuran_move.move_line_ids.lot_id, self.lot_rj_early)
        session.action_done()
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 2)
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_late), 5)
        self.assertEqual(session.used_line_ids.filtered(lambda ml: ml.product_id == self.rejuran).lot_id, self.lot_rj_early)

    def test_practitioner_changes_lot_and_quantity_with_a_reason(self):
        session = self._session(user=self.practitioner)
        session.action_confirm()
        self.assertFalse(session.has_deviation, "nothing is used before the session starts")
        session.action_start()
        self.assertFalse(session.has_deviation, "started: the protocol's quantities are reserved")
        # the practitioner takes a vial of the later lot and uses more cream
        rejuran_line = self.move_of(session, self.rejuran).move_line_ids
        rejuran_line.with_user(self.practitioner).lot_id = self.lot_rj_late
        with Form(session.with_user(self.practitioner)) as form:
            for index in range(len(session.move_ids)):
                with form.move_ids.edit(index) as line:
                    if line.product_id == self.numbing:
                        line.quantity = 7
        self.assertTrue(session.has_deviation)
        self.assertIn("T Numbing cream: 7.0 g used, 5.0 planned", session.deviation_summary)
        action = session.with_user(self.practitioner).action_done()
        self.assertEqual(action["res_model"], "halley.session.deviation")
        self.assertEqual(session.state, "in_progress", "nothing happens before the reason")
        wizard = Form(
            self.env["halley.session.deviation"].with_user(self.practitioner).with_context(**action["context"])
        )
        wizard.reason = "Larger treatment area: neck included"
        wizard.save().action_confirm()
        self.assertEqual(session.state, "done")
        self.assertEqual(session.deviation_reason, "Larger treatment area: neck included")
        self.assertEqual(self.on_hand(self.numbing, lot=self.lot_numb), 53)
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_late), 4)
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 3)

    def test_less_than_planned_needs_a_reason_and_no_backorder(self):
        session = self._session()
        session.action_confirm()
        session.action_start()
        self.move_of(session, self.needle).quantity = 2
        with self.assertRaisesRegex(UserError, "differ from the protocol"):
            session.with_context(halley_no_wizard=True).action_done()
        session.deviation_reason = "Two needles were enough"
        self.assertIs(session.action_done(), True)
        self.assertEqual(self.on_hand(self.needle), 98)
        self.assertFalse(session.picking_id.backorder_ids)

    def test_done_twice_does_nothing_the_second_time(self):
        session = self._run(self._session())
        on_hand = self.on_hand(self.rejuran)
        messages = len(session.message_ids)
        self.assertIs(session.action_done(), True)
        self.assertEqual(self.on_hand(self.rejuran), on_hand)
        self.assertEqual(len(session.message_ids), messages)
        self.assertEqual(session.state, "done")

    def test_closing_the_day_completes_the_selected_sessions_together(self):
        sessions = self._session() | self._session(start=NOW + relativedelta(hours=3))
        sessions.action_confirm()
        sessions.action_start()
        on_hand = self.on_hand(self.rejuran)
        action = self.env.ref("halley_aesthetics.halley_treatment_session_action_complete")
        bindings = self.env(user=self.practitioner)["ir.actions.actions"]._get_bindings("halley.treatment.session")
        self.assertIn(action.id, [binding["id"] for binding in bindings["action"]])
        action.with_user(self.practitioner).with_context(
            active_model="halley.treatment.session", active_ids=sessions.ids
        ).run()
        self.assertEqual(sessions.mapped("state"), ["done", "done"])
        self.assertEqual(self.on_hand(self.rejuran), on_hand - 2)
        self.assertEqual(sessions.picking_id.mapped("state"), ["done", "done"])
        # Not for a session not started: said in words, nothing completed.
        waiting = self._session(start=NOW + relativedelta(hours=5))
        waiting.action_confirm()
        with self.assertRaisesRegex(UserError, "Start the session .* before completing it"):
            action.with_user(self.practitioner).with_context(
                active_model="halley.treatment.session", active_ids=waiting.ids
            ).run()
        self.assertEqual(waiting.state, "confirmed")

    def test_the_patient_gets_no_delivery_confirmation(self):
        """Odoo confirms a done delivery to its partner when the company asks for it:
        a treatment consumption (the patient is its partner) is no delivery."""
        self.company.stock_move_email_validation = True
        self.patient.email = "patient@example.com"
        session = self._run(self._session())
        self.assertEqual(session.picking_id.state, "done")
        template = self.company.stock_mail_confirmation_template_id
        self.assertTrue(template)
        self.assertFalse(session.picking_id.message_ids.filtered(lambda m: self.patient in m.partner_ids))
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", self.patient.ids),
                                                       ("model", "=", "stock.picking")]))
        # A real delivery to the same patient still gets it.
        customers = self.env.ref("stock.stock_location_customers")
        delivery = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.out_type_id.id, "partner_id": self.patient.id,
            "location_id": self.stock_location.id, "location_dest_id": customers.id,
            "move_ids": [Command.create({"name": "Cream", "product_id": self.recovery.id, "product_uom_qty": 1,
                                         "location_id": self.stock_location.id,
                                         "location_dest_id": customers.id})],
        })
        self._set_stock(self.stock_location, [(self.recovery, 1, None)])
        delivery.action_confirm()
        delivery.action_assign()
        delivery.move_ids.picked = True
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        self.assertTrue(delivery.message_ids.filtered(lambda m: self.patient in m.partner_ids))

    def test_no_push_rule_chains_what_a_session_consumed(self):
        """Consumption ends with the patient: a push rule out of the production
        location (set up for manufacturing, say) never moves it onward."""
        session = self._session()
        production = self.company._halley_production_location()
        scrap = self.env["stock.location"].create({"name": "T Waste", "usage": "inventory"})
        route = self.env["stock.route"].create({
            "name": "T Push out of production", "product_selectable": False, "warehouse_selectable": True,
            "warehouse_ids": [Command.link(self.warehouse.id)],
            "rule_ids": [Command.create({
                "name": "T production to waste", "action": "push", "location_src_id": production.id,
                "location_dest_id": scrap.id, "picking_type_id": self.warehouse.int_type_id.id,
                "company_id": self.company.id,
            })],
        })
        self.assertTrue(route.rule_ids)
        self._run(session)
        self.assertEqual(session.state, "done")
        self.assertFalse(self.env["stock.move"].search([("location_dest_id", "=", scrap.id)]))
        self.assertEqual(session.picking_id.move_ids.location_dest_id, production)

    def test_cancel_after_done_returns_stock_by_lot(self):
        before = {
            lot: self.on_hand(self.rejuran, lot=lot) for lot in (self.lot_rj_early, self.lot_rj_late)
        }
        cream_before = self.on_hand(self.numbing, lot=self.lot_numb)
        needles_before = self.on_hand(self.needle)
        session = self._run(self._session())
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), before[self.lot_rj_early] - 1)
        session.action_cancel()
        self.assertEqual(session.state, "cancel")
        self.assertEqual(session.return_picking_id.state, "done")
        self.assertEqual(session.return_picking_id.location_dest_id, self.room)
        for lot, qty in before.items():
            self.assertEqual(self.on_hand(self.rejuran, lot=lot), qty)
        self.assertEqual(self.on_hand(self.numbing, lot=self.lot_numb), cream_before)
        self.assertEqual(self.on_hand(self.needle), needles_before)
        self.assertIn(session.return_picking_id.name, session.message_ids[0].body)
        self.assertIn("returned", session.message_ids[0].body)
        # cancelling again does not return twice
        session.action_cancel()
        self.assertEqual(self.on_hand(self.needle), needles_before)
        with self.assertRaisesRegex(UserError, "book a new session"):
            session.action_draft()

    def test_cancel_before_done_releases_reservations(self):
        session = self._session()
        session.action_confirm()
        session.action_start()
        self.assertEqual(self.lot_rj_early.quant_ids.filtered(lambda q: q.location_id == self.room).reserved_quantity, 1)
        session.action_cancel()
        self.assertEqual(session.picking_id.state, "cancel")
        self.assertEqual(self.lot_rj_early.quant_ids.filtered(lambda q: q.location_id == self.room).reserved_quantity, 0)
        session.action_draft()
        self.assertEqual(session.state, "draft")
        self.assertFalse(session.picking_id)

    def test_chatter_lists_lots_used(self):
        self.rejuran.default_code = "T-RJ-2"
        session = self._run(self._session())
        body = session.message_ids.filtered(lambda m: "Session completed" in m.body).body
        self.assertIn("Session completed", body)
        self.assertIn("TRJ-EARLY", body)
        self.assertIn("TNUMB-1", body)
        self.assertIn("T Rejuran vial: 1 Units, lot TRJ-EARLY", body, "the product's name, a whole quantity")
        self.assertNotIn("T-RJ-2", body, "no internal reference")

    def test_patient_smart_button(self):
        self._session()
        self._session(start=NOW + relativedelta(days=2))
        self.assertEqual(self.patient.treatment_session_count, 2)
        action = self.patient.action_view_treatment_sessions()
        self.assertEqual(self.env["halley.treatment.session"].search_count(action["domain"]), 2)

    def test_session_reference_and_end(self):
        session = self._session()
        self.assertTrue(session.name.startswith("SES/"))
        self.assertEqual(session.scheduled_end, session.scheduled_start + relativedelta(minutes=50))

    # ------------------------------------------------------------ bad input

    def test_not_enough_stock_to_start(self):
        session = self._session(room=self.room_b)
        session.action_confirm()
        with self.assertRaisesRegex(UserError, r"Not enough stock to start the session:\nT Rejuran vial in .*Test Room B: 1.0 Units needed, 0.0 Units available"):
            session.action_start()
        self.assertEqual(session.state, "confirmed")
        self.assertFalse(session.move_ids.move_line_ids, "nothing reserved")

    def test_not_enough_stock_at_done(self):
        session = self._session()
        session.action_confirm()
        session.action_start()
        line = self.move_of(session, self.rejuran).move_line_ids
        line.quantity = 4  # only 3 of the early lot in the room
        session.deviation_reason = "Large area"
        with self.assertRaisesRegex(UserError, r"Not enough T Rejuran vial \(lot TRJ-EARLY\) in .*Test Room A: 4.0 Units used, 3.0 Units available"):
            session.action_done()
        self.assertEqual(session.state, "in_progress")
        self.assertEqual(session.picking_id.state, "assigned")
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 3)

    def test_lot_of_another_product_is_refused(self):
        session = self._session()
        session.action_confirm()
        session.action_start()
        line = self.move_of(session, self.rejuran).move_line_ids
        with self.assertRaisesRegex((UserError, ValidationError), "THA-1"):
            line.lot_id = self.lot_ha
            session.action_done()
        self.assertEqual(session.state, "in_progress")

    def test_tracked_component_without_lot_is_refused(self):
        session = self._session()
        session.action_confirm()
        session.action_start()
        self.move_of(session, self.rejuran).move_line_ids.lot_id = False
        with self.assertRaisesRegex(UserError, "supply a Lot/Serial number for products T Rejuran vial"):
            session.action_done()
        self.assertEqual(self.on_hand(self.rejuran), 8)

    def test_negative_quantity_is_refused(self):
        session = self._session()
        session.action_confirm()
        session.action_start()
        with self.assertRaisesRegex((UserError, ValidationError), "negative"):
            self.move_of(session, self.needle).move_line_ids.quantity = -1

    def test_nothing_used_is_refused(self):
        session = self._session()
        session.action_confirm()
        session.action_start()
        session.move_ids.quantity = 0
        session.deviation_reason = "Patient left"
        with self.assertRaisesRegex(UserError, "Nothing is recorded as used"):
            session.action_done()
        self.assertEqual(session.state, "in_progress")

    def test_protocol_component_quantity_must_be_positive(self):
        with self.assertRaisesRegex(ValidationError, "quantity must be positive"):
            self.protocol_rejuran.bom_line_ids[0].product_qty = 0

    def test_protocol_must_be_a_kit(self):
        with self.assertRaisesRegex(ValidationError, "must be a kit"):
            self.protocol_rejuran.type = "normal"

    def test_protocol_without_components(self):
        protocol = self._protocol("T Empty protocol", "injectable", [])
        session = self._session(protocol=protocol)
        with self.assertRaisesRegex(UserError, "has no components"):
            session.action_confirm()
        self.assertEqual(session.state, "draft")
        self.assertFalse(session.picking_id)
        self.assertFalse(self.env["stock.picking"].search([("origin", "=", session.name)]))

    def test_delete_only_draft(self):
        draft = self._session(consent=False)  # a signed consent keeps its session (TestSignedConsent)
        confirmed = self._session()
        confirmed.action_confirm()
        with self.assertRaisesRegex(UserError, "only draft sessions can be deleted"):
            confirmed.unlink()
        self.assertTrue(confirmed.exists())
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_start_and_done_out_of_order(self):
        session = self._session()
        with self.assertRaisesRegex(UserError, "Start the session"):
            session.action_done()
        # Start on a draft says why it does nothing (issue 20).
        with self.assertRaisesRegex(UserError, "is a draft: confirm it before starting it"):
            session.action_start()
        self.assertEqual(session.state, "draft")

    def test_locked_fields_after_confirm(self):
        session = self._session()
        session.action_confirm()
        with self.assertRaisesRegex(UserError, "only be changed on a draft"):
            session.room_id = self.room_b
        self.assertEqual(session.picking_id.location_id, self.room)

    def test_expired_lot_is_refused_at_done(self):
        expired = self._lot(self.rejuran, "TRJ-OLD", months=-1)
        self._set_stock(self.room, [(self.rejuran, 1, expired)])
        session = self._session()
        session.action_confirm()
        session.action_start()
        self.move_of(session, self.rejuran).move_line_ids.lot_id = expired
        with self.assertRaisesRegex(UserError, "Lot TRJ-OLD of T Rejuran vial expired on"):
            session.action_done()
        self.assertEqual(self.on_hand(self.rejuran, lot=expired), 1)
