from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import NOW, HalleyPackageCommon

OVERVIEW = "halley.clinic.overview"


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestClinicOverview(HalleyPackageCommon):
    """Clinic > Overview as each role: what it shows matches the documents (today's
    sessions, stock under its rule's minimum, lots about to expire, what the packages
    still owe, this month's consumption cost), in words, for the user's companies only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_second_company()
        cls.internal = new_test_user(cls.env, login="t_overview_internal", groups="base.group_user")
        cls.portal = new_test_user(cls.env, login="t_overview_portal", groups="base.group_portal")
        # Lots of the test clinic close to their expiry, counted into its rooms.
        cls.lot_soon = cls.env["stock.lot"].create({
            "name": "TOV-SOON", "product_id": cls.ha.id, "company_id": cls.company.id,
            "expiration_date": NOW + timedelta(days=10),
        })
        cls.lot_later = cls.env["stock.lot"].create({
            "name": "TOV-LATER", "product_id": cls.ha.id, "company_id": cls.company.id,
            "expiration_date": NOW + timedelta(days=60),
        })
        cls.lot_gone = cls.env["stock.lot"].create({
            "name": "TOV-GONE", "product_id": cls.ha.id, "company_id": cls.company.id,
            "expiration_date": NOW - timedelta(days=2),
        })
        cls._set_stock(cls.room_b, [(cls.ha, 2, cls.lot_soon), (cls.ha, 3, cls.lot_later), (cls.ha, 1, cls.lot_gone)])
        # The same in the other company: never shown to company A's users.
        cls.ha_b_lot = cls.env["stock.lot"].create({
            "name": "TOV-B-SOON", "product_id": cls.ha.id, "company_id": cls.company_b.id,
            "expiration_date": NOW + timedelta(days=5),
        })
        cls._set_stock(cls.room_in_b, [(cls.ha, 4, cls.ha_b_lot)])
        # Reordering rules at the test rooms: Rejuran under its minimum, needles above.
        Rule = cls.env["stock.warehouse.orderpoint"]
        cls.rule_low, cls.rule_ok = Rule.create([
            {"product_id": cls.rejuran.id, "location_id": cls.room.id, "product_min_qty": 20,
             "product_max_qty": 40, "company_id": cls.company.id, "trigger": "manual"},
            {"product_id": cls.needle.id, "location_id": cls.room.id, "product_min_qty": 10,
             "product_max_qty": 200, "company_id": cls.company.id, "trigger": "manual"},
        ])
        cls.rule_b = Rule.create({
            "product_id": cls.ha.id, "location_id": cls.room_in_b.id, "product_min_qty": 50,
            "product_max_qty": 60, "company_id": cls.company_b.id, "trigger": "manual",
        })

    # ------------------------------------------------------------------ helpers

    def overview(self, user):
        return self.env[OVERVIEW].with_user(user).get_overview()

    def _test_rooms(self, rows, prefix=("Test Room", "B Room")):
        return [room for room in rows if room["room"].startswith(prefix)]

    def _book_today(self):
        """Today: two sessions in room A, one in room B, one cancelled; one
        yesterday and one tomorrow."""
        today = NOW.replace(hour=0, minute=0)
        sessions = {
            "a1": self._session(start=today + timedelta(hours=2)),
            "a2": self._session(protocol=self.protocol_ha, patient=self.patient_2, start=today + timedelta(hours=4)),
            "b1": self._session(room=self.room_b, patient=self.patient_2, start=today + timedelta(hours=6)),
            "cancelled": self._session(room=self.room_b, start=today + timedelta(hours=7)),
            "yesterday": self._session(start=today - timedelta(hours=3)),
            "tomorrow": self._session(start=today + timedelta(days=1, hours=1)),
        }
        sessions["a1"].action_confirm()
        sessions["cancelled"].action_cancel()
        return sessions

    # ------------------------------------------------------------------ today's sessions

    def test_todays_sessions_per_room_for_every_clinic_role(self):
        sessions = self._book_today()
        for user in (self.manager, self.practitioner, self.billing):
            with self.subTest(user=user.login):
                rooms = self._test_rooms(self.overview(user)["sessions"])
                self.assertEqual([room["room"] for room in rooms], ["Test Room A", "Test Room B"])
                room_a, room_b = rooms
                self.assertEqual(
                    [(s["name"], s["start"], s["state_label"]) for s in room_a["sessions"]],
                    [
                        ("T Patient Grace · T Rejuran Skin Healer", "2026-11-24 02:00:00", "Confirmed"),
                        ("T Patient Aisha · T HA Skin Booster", "2026-11-24 04:00:00", "Draft"),
                    ],
                )
                self.assertEqual([s["id"] for s in room_b["sessions"]], sessions["b1"].ids,
                                 "a cancelled session is not on today's list")
                # The card opens the same sessions, as the user reads them.
                action = self.env[OVERVIEW].with_user(user).action_open_card("sessions")
                listed = self.env["halley.treatment.session"].with_user(user).search(action["domain"])
                mine = listed.filtered(lambda s: s.room_id in (self.room | self.room_b))
                self.assertEqual(mine, sessions["a1"] | sessions["a2"] | sessions["b1"])

    def test_today_is_the_users_day(self):
        """At 09:00 UTC it is 17:00 in Singapore: a session at 20:00 UTC is tomorrow
        there, one at 17:00 UTC the day before is today."""
        late_today_utc = self._session(start=NOW.replace(hour=20))
        early_sg = self._session(start=NOW.replace(hour=0) - timedelta(hours=7))
        self.manager.tz = "Asia/Singapore"
        ids = [s["id"] for room in self.overview(self.manager)["sessions"] for s in room["sessions"]]
        self.assertIn(early_sg.id, ids)
        self.assertNotIn(late_today_utc.id, ids)

    def test_sessions_read_in_a_few_queries_whatever_their_number(self):
        today = NOW.replace(hour=0, minute=0)
        Overview = self.env[OVERVIEW].with_user(self.manager)

        def queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Overview.get_overview()
            return self.env.cr.sql_log_count - before

        self._session(start=today + timedelta(hours=1))
        queries()  # warm-up: the user's groups and the models' caches
        one = queries()
        for hour in range(2, 7):
            self._session(start=today + timedelta(hours=hour), room=self.room_b if hour % 2 else self.room)
        self.assertEqual(queries(), one, "no query per session")

    # ------------------------------------------------------------------ stock

    def test_stock_below_minimum_from_the_clinics_rules(self):
        self.rejuran.default_code = "T-RJ-1"  # the clinic reads the product's name, not its code
        rows = [row for row in self.overview(self.manager)["stock_low"]
                if row["product"].startswith("T ")]
        self.assertEqual(
            [(row["id"], row["product"], row["location"], row["on_hand"], row["min"]) for row in rows],
            [(self.rule_low.id, "T Rejuran vial", "Test Room A", 8.0, 20.0)],
            "8 vials in the room, minimum 20; the needles are above theirs",
        )
        action = self.env[OVERVIEW].with_user(self.manager).action_open_card("stock_low")
        self.assertIn(self.rule_low, self.env["stock.warehouse.orderpoint"].search(action["domain"]))

    def test_expired_lots_do_not_count_as_stock(self):
        self.rule_ok.write({"product_id": self.ha.id, "location_id": self.room_b.id, "product_min_qty": 6})
        rows = {row["id"]: row for row in self.overview(self.manager)["stock_low"]}
        self.assertEqual(rows[self.rule_ok.id]["on_hand"], 5.0, "2 + 3 usable, the expired one left out")

    def test_lots_expiring_within_30_days(self):
        self.ha.default_code = "T-HA-1"  # the clinic reads the product's name, not its code
        rows = [row for row in self.overview(self.manager)["expiring"] if row["lot"].startswith("TOV")]
        self.assertEqual(
            [(row["lot"], row["product"], row["expiry"], row["quantity"], row["location"], row["expired"])
             for row in rows],
            [
                ("TOV-GONE", "T HA syringe", "2026-11-22", 1.0, "Test Room B", True),
                ("TOV-SOON", "T HA syringe", "2026-12-04", 2.0, "Test Room B", False),
            ],
            "the lot expiring in 60 days is not listed; the expired one still on the shelf is",
        )
        action = self.env[OVERVIEW].with_user(self.manager).action_open_card("expiring")
        quants = self.env["stock.quant"].with_user(self.manager).search(action["domain"])
        self.assertIn(self.lot_soon, quants.lot_id)
        self.assertNotIn(self.lot_later, quants.lot_id)

    # ------------------------------------------------------------------ money

    def test_package_liability_in_the_company_currency(self):
        def liability(user):
            rows = self.overview(user)["liability"]
            self.assertLessEqual(len(rows), 1)
            return rows[0]["amount"] if rows else 0.0

        before = liability(self.billing)
        invoice = self._invoice([(self.trio_course, 1)])
        package = invoice.invoice_line_ids.patient_package_ids
        self.assertAlmostEqual(liability(self.billing) - before, 1500.0)
        self._run(self._session(protocol=self.protocol_trio))
        self.assertEqual(package.sessions_used, 1)
        self.assertAlmostEqual(liability(self.billing) - before, package.amount_deferred)
        self.assertAlmostEqual(package.amount_deferred, 1000.0)
        rows = self.overview(self.manager)["liability"]
        self.assertEqual(rows[0]["currency_id"], self.company.currency_id.id)
        # What every package of the company still owes, as the ledger says.
        packages = self.env["halley.patient.package"].search([("company_id", "=", self.company.id)])
        self.assertAlmostEqual(rows[0]["amount"], sum(packages.mapped("amount_deferred")))

    def test_consumption_cost_per_protocol_this_month(self):
        self._run(self._session())
        self._run(self._session(protocol=self.protocol_ha, patient=self.patient_2))
        rows = {row["protocol"]: row["cost"] for row in self.overview(self.manager)["cost"]}
        # 1 vial at 180, 5 g of cream at 0.80, 4 needles at 0.45, 3 g of cream at 1.20
        self.assertAlmostEqual(rows["T Rejuran Skin Healer"], 189.4)
        self.assertAlmostEqual(rows["T HA Skin Booster"], 95 + 4 + 1.8 + 3.6)
        graph = self.env[OVERVIEW].with_user(self.manager).action_open_card("cost_graph")
        self.assertEqual(graph["res_model"], "halley.consumption.cost")
        cost = self.env["halley.consumption.cost"].with_user(self.manager)._read_group(
            [("protocol_id", "=", self.protocol_rejuran.id)], ["date:month"], ["cost:sum"])
        self.assertAlmostEqual(cost[0][1], 189.4)

    def test_cancelled_session_gives_its_cost_back(self):
        session = self._run(self._session())
        session.with_user(self.manager).action_cancel()
        rows = {row["protocol"]: row["cost"] for row in self.overview(self.manager)["cost"]}
        self.assertAlmostEqual(rows.get("T Rejuran Skin Healer", 0.0), 0.0)

    # ------------------------------------------------------------------ who sees what

    def test_each_role_sees_its_sections(self):
        self._invoice([(self.trio_course, 1)])
        expected = {
            self.manager: {"sessions", "stock_low", "expiring", "liability", "cost"},
            self.billing: {"sessions", "liability"},
            self.practitioner: {"sessions"},
        }
        for user, sections in expected.items():
            with self.subTest(user=user.login):
                data = self.overview(user)
                self.assertEqual({name for name, shown in data["sections"].items() if shown}, sections)
                for name in {"stock_low", "expiring", "liability", "cost"} - sections:
                    self.assertEqual(data[name], [], f"{name} hidden from {user.login}")
        with self.assertRaises(AccessError):
            self.env[OVERVIEW].with_user(self.practitioner).action_open_card("stock_low")
        with self.assertRaises(AccessError):
            self.env[OVERVIEW].with_user(self.billing).action_open_card("cost_graph")

    def test_outsiders_get_nothing(self):
        for user in (self.internal, self.portal):
            for method, args in (("get_overview", ()), ("action_open_card", ("sessions",))):
                with self.subTest(user=user.login, method=method), self.assertRaises(AccessError):
                    getattr(self.env[OVERVIEW].with_user(user), method)(*args)

    def test_another_companys_data_never_appears(self):
        today = NOW.replace(hour=0, minute=0)
        session_b = self.env["halley.treatment.session"].create({
            "patient_id": self.patient.id,
            "protocol_id": self._protocol("T B Rejuran", "injectable", [(self.rejuran, 1)],
                                          company=self.company_b).id,
            "room_id": self.room_in_b.id,
            "scheduled_start": today + timedelta(hours=3),
            "company_id": self.company_b.id,
        })
        self._session(start=today + timedelta(hours=3))
        data_a = self.overview(self.manager_a)
        ids_a = {s["id"] for room in data_a["sessions"] for s in room["sessions"]}
        self.assertNotIn(session_b.id, ids_a)
        self.assertNotIn("B Room", [room["room"] for room in data_a["sessions"]])
        self.assertNotIn("TOV-B-SOON", [row["lot"] for row in data_a["expiring"]])
        self.assertNotIn(self.rule_b.id, [row["id"] for row in data_a["stock_low"]])
        self.assertTrue(all(row["currency_id"] == self.company.currency_id.id for row in data_a["liability"]))

        data_b = self.overview(self.manager_b)
        self.assertEqual([s["id"] for room in data_b["sessions"] for s in room["sessions"]], session_b.ids)
        self.assertEqual([row["lot"] for row in data_b["expiring"]], ["TOV-B-SOON"])
        self.assertEqual([row["id"] for row in data_b["stock_low"]], self.rule_b.ids)
        # Sold in company A: owed by company A, not B.
        self._invoice([(self.trio_course, 1)])
        self.assertEqual(self.overview(self.manager_b)["liability"], [])

    def test_manager_of_both_companies_sees_both_when_both_are_allowed(self):
        self.manager.company_ids = [Command.link(self.company_b.id)]
        both = self.env[OVERVIEW].with_user(self.manager).with_context(
            allowed_company_ids=[self.company.id, self.company_b.id])
        self.assertIn("TOV-B-SOON", [row["lot"] for row in both.get_overview()["expiring"]])
        only_a = self.env[OVERVIEW].with_user(self.manager).with_context(allowed_company_ids=[self.company.id])
        self.assertNotIn("TOV-B-SOON", [row["lot"] for row in only_a.get_overview()["expiring"]])
