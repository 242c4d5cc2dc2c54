from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import TransactionCase, tagged

from .common import demo_open_day, sign_consent


@tagged("post_install", "-at_install")
class TestDemoClinic(TransactionCase):
    """The demo clinic that `make run` serves: every demo protocol runs a session
    in its room and the room's stock drops by lot."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("halley_aesthetics.bom_rejuran_demo", raise_if_not_found=False):
            self.skipTest("demo data not installed")

    def test_demo_staff_land_on_the_clinic_overview_in_its_time_zone(self):
        overview = self.env.ref("halley_aesthetics.halley_clinic_overview_action")
        for user_xmlid in ("halley_aesthetics.user_doctor_demo", "halley_aesthetics.user_nurse_demo",
                           "halley_aesthetics.user_billing_demo", "base.user_admin"):
            with self.subTest(user=user_xmlid):
                user = self.env.ref(user_xmlid)
                self.assertEqual((user.tz, user.action_id.id), ("Asia/Singapore", overview.id))
                # What the web client loads as her home: the overview, readable by her.
                self.assertEqual(self.env["ir.actions.actions"].with_user(user)._for_xml_id(
                    "halley_aesthetics.halley_clinic_overview_action")["tag"], "halley_clinic_overview")
                data = self.env["halley.clinic.overview"].with_user(user).get_overview()
                self.assertIn("sessions", data)

    def test_demo_company_is_the_clinic_in_singapore(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(company.name, "Halley Medical Aesthetics")
        self.assertEqual((company.country_id.code, company.city), ("SG", "Singapore"))
        self.assertEqual(company.currency_id, self.env.ref("base.SGD"))
        self.assertEqual(company.chart_template, "sg")
        self.assertEqual((company.account_sale_tax_id.amount, company.account_sale_tax_id.amount_type),
                         (9.0, "percent"), "GST 9 %")
        self.assertTrue(company.halley_deferred_account_id, "the chart came with the deferred-revenue account")

    def test_demo_package_was_sold_and_one_session_redeemed(self):
        company = self.env.ref("base.main_company")
        invoice = self.env.ref("halley_aesthetics.invoice_trio_grace_demo")
        session = self.env.ref("halley_aesthetics.session_grace_trio_demo")
        package = invoice.invoice_line_ids.patient_package_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.currency_id, company.currency_id)
        self.assertEqual(invoice.partner_id, self.env.ref("halley_aesthetics.patient_grace_demo"))
        self.assertEqual(invoice.invoice_line_ids.tax_ids, company.account_sale_tax_id, "GST charged")
        self.assertAlmostEqual(invoice.amount_tax, invoice.amount_untaxed * 0.09)
        self.assertEqual(package.product_id, self.env.ref("halley_aesthetics.product_package_trio_demo"))
        self.assertEqual((package.sessions_total, package.sessions_used), (3, 1))
        self.assertEqual(session.state, "done")
        self.assertEqual(session.package_id, package)
        self.assertTrue(session.used_line_ids.lot_id, "consumed by lot")
        # Sold by billing, treated by the doctor, whose acknowledgement every warning carries.
        doctor = self.env.ref("halley_aesthetics.user_doctor_demo")
        self.assertEqual(invoice.create_uid, self.env.ref("halley_aesthetics.user_billing_demo"))
        self.assertEqual(session.practitioner_id, doctor)
        self.assertTrue(all(line.acknowledged_by_id == doctor for line in session.screening_ids.filtered("flagged")))
        sg_day = fields.Datetime.context_timestamp(session.with_context(tz="Asia/Singapore"), session.scheduled_start)
        # On the day the demo was loaded (Singapore's day), not today's: a database
        # loaded before 16:00 UTC and tested after it is a day older.
        loaded_day = fields.Datetime.context_timestamp(session.with_context(tz="Asia/Singapore"), session.create_date)
        self.assertEqual(sg_day.date(), loaded_day.date())
        # Deferred: two thirds of the price still owed, on the liability account.
        self.assertAlmostEqual(package.amount_deferred, invoice.amount_untaxed * 2 / 3, places=2)
        deferred = self.env["account.move.line"].search([
            ("account_id", "=", company.halley_deferred_account_id.id), ("parent_state", "=", "posted")])
        self.assertAlmostEqual(-sum(deferred.mapped("balance")), package.amount_deferred, places=2)
        # The overview shows the liability and this morning's session.
        manager = self.env.ref("base.user_admin")
        with freeze_time(session.scheduled_start):  # that day's overview
            data = self.env["halley.clinic.overview"].with_user(manager).with_context(
                allowed_company_ids=company.ids).get_overview()
        self.assertAlmostEqual(data["liability"][0]["amount"], package.amount_deferred, places=2)
        names = [s["name"] for room in data["sessions"] for s in room["sessions"]]
        self.assertIn("Grace Lim · Baby Skin Trio", names)

    def test_demo_package_step_is_done_once(self):
        invoices = self.env["account.move"].search_count([("move_type", "=", "out_invoice")])
        self.env["account.chart.template"]._halley_load_demo_chart()
        self.env["account.chart.template"]._halley_load_demo_sale(self.env.ref("base.main_company"))
        self.assertEqual(self.env["account.move"].search_count([("move_type", "=", "out_invoice")]), invoices)

    def test_demo_session_was_completed_with_its_lots(self):
        session = self.env.ref("halley_aesthetics.session_grace_1_demo")
        self.assertEqual(session.state, "done")
        lots = session.used_line_ids.lot_id.mapped("name")
        self.assertIn("RJ24A017", lots, "the vial that expires first was used")

    def test_every_demo_protocol_runs_in_its_room(self):
        room_1 = self.env.ref("halley_aesthetics.room_1_demo")
        laser = self.env.ref("halley_aesthetics.room_laser_demo")
        patient = self.env.ref("halley_aesthetics.patient_wei_demo")
        # In five days (the Monday after, if it is a Sunday: no demo session then), from
        # 09:00, one after the other: Chen Wei is never in two rooms at once, the rooms
        # are open.
        start = demo_open_day(fields.Datetime.now() + timedelta(days=5))
        for n, xmlid in enumerate(("bom_rejuran_demo", "bom_ha_demo", "bom_trio_demo",
                                   "bom_rejuran_co2_demo", "bom_rejuran_fraxel_demo")):
            protocol = self.env.ref(f"halley_aesthetics.{xmlid}")
            room = laser if protocol.modality == "combined" else room_1
            with self.subTest(protocol=protocol.display_name):
                quants = self.env["stock.quant"].search([("location_id", "=", room.id)])
                before = {(q.product_id, q.lot_id): q.quantity for q in quants}
                session = self.env["halley.treatment.session"].create(
                    {"patient_id": patient.id, "protocol_id": protocol.id, "room_id": room.id,
                     "scheduled_start": start + timedelta(hours=2 * n)}
                )
                sign_consent(session)
                self.assertTrue(session.screening_ids, "the demo protocols are screened")
                session.screening_ids.answer = "no"
                session.action_confirm()
                session.action_start()
                self.assertIs(session.action_done(), True)
                self.assertEqual(session.move_ids.product_id, protocol.bom_line_ids.product_id)
                for line in session.used_line_ids:
                    quant = self.env["stock.quant"].search([
                        ("location_id", "=", room.id),
                        ("product_id", "=", line.product_id.id),
                        ("lot_id", "=", line.lot_id.id),
                    ])
                    self.assertAlmostEqual(
                        quant.quantity,
                        before[(line.product_id, line.lot_id)] - line.quantity,
                    )

    def test_booking_next_week_orders_what_a_manager_would_by_hand(self):
        """Book next week's sessions, run the scheduler: the quotations hold what a
        manager counting the shelves would have ordered, from the right supplier."""
        env = self.env
        ref = env.ref
        now = fields.Datetime.now()
        store = ref("stock.warehouse0").lot_stock_id
        patients = ref("halley_aesthetics.patient_grace_demo") | ref("halley_aesthetics.patient_aisha_demo")
        trio = ref("halley_aesthetics.bom_trio_demo")
        # Three days of next week the rooms are open, five sessions each from 10:00.
        days = [demo_open_day(now + timedelta(days=6), hour=10)]
        for _i in range(2):
            days.append(demo_open_day(days[-1] + timedelta(days=1), hour=10))
        sessions = env["halley.treatment.session"].create(
            [
                {
                    "patient_id": patients[i % 2].id,
                    "protocol_id": trio.id,
                    "room_id": ref("halley_aesthetics.room_1_demo").id,
                    "scheduled_start": days[i // 5] + timedelta(hours=i % 5),
                }
                for i in range(15)
            ]
        )
        sessions.action_confirm()
        env["procurement.group"].run_scheduler()

        for product_xmlid, supplier_xmlid in (
            ("product_rejuran_vial_demo", "supplier_pharmaresearch_demo"),
            ("product_ha_syringe_demo", "supplier_dermafill_demo"),
        ):
            product = ref(f"halley_aesthetics.{product_xmlid}")
            rule = env["stock.warehouse.orderpoint"].search(
                [("product_id", "=", product.id), ("location_id", "=", store.id)]
            )
            lead_time = product.seller_ids[:1].delay
            horizon = now.replace(hour=23, minute=59) + timedelta(days=lead_time)
            # The manager's count: usable (unexpired) units on the clinic's shelves ...
            quants = env["stock.quant"].search(
                [("product_id", "=", product.id), ("location_id", "child_of", store.id)]
            )
            usable = sum(q.quantity for q in quants if not q.lot_id.expiration_date or q.lot_id.expiration_date > now)
            # ... minus what the sessions booked before a delivery could arrive will use.
            booked = sum(
                move.product_qty
                for move in env["stock.move"].search(
                    [("product_id", "=", product.id), ("treatment_session_id", "!=", False),
                     ("state", "not in", ("draft", "done", "cancel")), ("date", "<=", horizon)]
                )
            )
            expected = rule.product_max_qty - (usable - booked) if usable - booked < rule.product_min_qty else 0
            lines = env["purchase.order.line"].search(
                [("product_id", "=", product.id), ("order_id.state", "in", ("draft", "sent"))]
            )
            with self.subTest(product=product.display_name):
                self.assertGreaterEqual(booked, 15, "next week's sessions are in the count")
                self.assertGreater(expected, 0, "the week's bookings need a delivery")
                self.assertEqual(sum(lines.mapped("product_qty")), expected)
                self.assertEqual(lines.order_id.partner_id, ref(f"halley_aesthetics.{supplier_xmlid}"))
                self.assertEqual(len(lines.order_id), 1, "one quotation per supplier")
