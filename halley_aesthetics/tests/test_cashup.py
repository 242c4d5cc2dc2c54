"""The counter's day's close (issue 23): Odoo closes the counter's POS session and
posts the cash difference; the clinic reads the day's close (payments by method,
cash expected/counted/difference, deposits taken and applied, sessions, courses
and retail sold) in its own time zone; billing closes, the manager reads the
"Counter days", practitioners read none of it."""

from datetime import date, datetime

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..clinic_time import format_local
from .common import NOW, HalleyPackageCommon

# 07:30 in Singapore on Wednesday 25 November 2026: still the 24th in UTC.
OPENING = datetime(2026, 11, 24, 23, 30)
CLOSING = datetime(2026, 11, 25, 11, 0)  # 19:00 in Singapore
REPORT = "halley_aesthetics.report_halley_counter_close"


@tagged("post_install", "-at_install")
class TestCashUp(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        # Billing runs the counter (POS user), the manager is POS manager: the
        # counter's roles give them (security/halley_counter_security.xml).
        assert cls.billing.has_group("point_of_sale.group_pos_user")
        assert cls.manager.has_group("point_of_sale.group_pos_manager")
        cls.cash_journal = cls.env["account.journal"].search(
            [("type", "=", "cash"), ("company_id", "=", company.id)], limit=1
        )
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        assert cls.cash_journal.loss_account_id and cls.cash_journal.profit_account_id
        cls.cash_journal.pos_payment_method_ids.unlink()
        receivable = company.account_default_pos_receivable_account_id
        cls.pm_cash, cls.pm_card, cls.pm_paynow = (
            cls.env["pos.payment.method"].create(
                {"name": name, "journal_id": journal.id, "receivable_account_id": receivable.id,
                 "company_id": company.id}
            )
            for name, journal in (
                ("T Cash", cls.cash_journal), ("T Card", cls.bank_journal), ("T PayNow", cls.bank_journal)
            )
        )
        cls.counter = cls.env["pos.config"].create(
            {
                "name": "T Front counter",
                "company_id": company.id,
                "payment_method_ids": [Command.set((cls.pm_cash | cls.pm_card | cls.pm_paynow).ids)],
                "picking_type_id": cls.warehouse.pos_type_id.id,
            }
        )
        # Retail skincare: stocked on the retail shelf, sold from it.
        cls.cream = cls.env["product.product"].create(
            {"name": "T Recovery cream 50 ml", "clinic_role": "retail", "is_storable": True, "lst_price": 45.0,
             "taxes_id": [Command.clear()]}
        )
        cls._set_stock(cls.warehouse.halley_retail_location_id, [(cls.cream, 5, False)])
        cls.trio_course.available_in_pos = True
        # Rejuran asks a deposit of 100 at every booking (issue 23, deposits).
        cls.protocol_rejuran.write({"halley_deposit_type": "fixed", "halley_deposit_amount": 100.0})
        company.halley_deposit_scope = "always"
        cls.deposit = cls.env.ref("halley_aesthetics.product_treatment_deposit")

    # ------------------------------------------------------------------ helpers

    def _order(self, session, lines, payments, partner=None, to_invoice=False):
        """An order as the POS sends it (``pos.order.sync_from_ui``), as billing:
        ``lines`` [(product, qty, price, extra line values)], ``payments``
        [(method, amount)]."""
        total = sum(qty * price for _product, qty, price, _extra in lines)
        uid = f"{session.id}-{len(session.order_ids) + 1:04d}"
        data = {
            "name": f"Order {uid}",
            "uuid": f"00000-{uid}",
            "session_id": session.id,
            "sequence_number": len(session.order_ids) + 1,
            "partner_id": partner.id if partner else False,
            "user_id": self.billing.id,
            "pricelist_id": session.config_id.pricelist_id.id,
            "fiscal_position_id": False,
            "date_order": "2026-11-25 02:00:00",
            "amount_total": total,
            "amount_tax": 0.0,
            "amount_paid": sum(amount for _method, amount in payments),
            "amount_return": 0.0,
            "to_invoice": to_invoice,
            "last_order_preparation_change": "{}",
            "lines": [
                Command.create(
                    {"product_id": product.id, "qty": qty, "price_unit": price, "discount": 0.0,
                     "price_subtotal": qty * price, "price_subtotal_incl": qty * price,
                     "tax_ids": [Command.clear()], "pack_lot_ids": [], **extra}
                )
                for product, qty, price, extra in lines
            ],
            "payment_ids": [
                Command.create({"payment_method_id": method.id, "amount": amount,
                                "name": "2026-11-25 02:00:00"})
                for method, amount in payments
            ],
        }
        result = self.env["pos.order"].with_user(self.billing).sync_from_ui([data])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def _booked_deposit_paid(self, patient, pay_day):
        """A Rejuran session booked for ``patient`` the day before: confirming it
        requests her deposit of 100, which billing records paid on ``pay_day`` (as
        by PayNow). The treatment session and its deposit invoice."""
        with freeze_time(NOW):
            session = self._session(patient=patient)
            session.with_user(self.practitioner).action_confirm()
        invoice = self.env["account.move"].search(
            [("halley_deposit_session_id", "=", session.id), ("move_type", "=", "out_invoice")]
        )
        self.assertEqual((invoice.state, invoice.amount_total), ("posted", 100.0))
        self.env["account.payment.register"].with_user(self.billing).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": pay_day, "journal_id": self.bank_journal.id}).action_create_payments()
        self.assertEqual(invoice.payment_state, "paid")
        return session, invoice

    def _day(self, counted):
        """The counter's day, run and closed by billing: opened with a float of 100,
        three orders, the drawer counted at ``counted``. Her Rejuran session was
        done the day before, its deposit paid the day before too."""
        treatment, _invoice = self._booked_deposit_paid(self.patient, date(2026, 11, 24))
        with freeze_time(NOW):
            self._run(treatment)
        with freeze_time(OPENING):
            self.counter.with_user(self.billing).open_ui()
            session = self.counter.current_session_id.with_user(self.billing)
            session.set_opening_control(100.0, "T float")
        with freeze_time(datetime(2026, 11, 25, 2, 0)):
            # Her session paid, her deposit of 100 applied: 250 in cash.
            self._order(session, [
                (treatment.treatment_product_id, 1, 350.0, {"halley_session_id": treatment.id}),
                (self.deposit, 1, -100.0, {"halley_deposit_session_id": treatment.id}),
            ], [(self.pm_cash, 250.0)], partner=self.patient)
            # Two retail creams by card.
            self._order(session, [(self.cream, 2, 45.0, {})], [(self.pm_card, 90.0)])
            # A course: invoiced to the patient (issue 23), PayNow 1,000 and cash 500.
            course_order = self._order(session, [(self.trio_course, 1, 1500.0, {})],
                                       [(self.pm_paynow, 1000.0), (self.pm_cash, 500.0)],
                                       partner=self.patient_2, to_invoice=True)
        with freeze_time(CLOSING):
            self.assertEqual(session.post_closing_cash_details(counted), {"successful": True})
            self.assertEqual(session.close_session_from_ui(), {"successful": True})
        treatment.invalidate_recordset()
        self.assertEqual(treatment.halley_deposit_state, "applied")
        self.assertEqual(treatment.invoice_status, "invoiced")
        return session.with_user(self.env.user), course_order

    def _close_html(self, session, user):
        html, _fmt = self.env["ir.actions.report"].with_user(user)._render_qweb_html(REPORT, session.ids)
        return lxml_html.fromstring(html)

    @staticmethod
    def _text(tree, xpath):
        nodes = tree.xpath(xpath)
        return " ".join(" ".join(node.text_content().split()) for node in nodes)

    # ------------------------------------------------------------------ tests

    def test_billing_closes_short_and_odoo_posts_the_difference(self):
        # Aisha books a Rejuran session and pays its deposit on the counter's day.
        _booking, deposit_invoice = self._booked_deposit_paid(self.patient_2, date(2026, 11, 25))
        session, course_order = self._day(counted=845.0)
        self.assertEqual(session.state, "closed")
        self.assertEqual(course_order.state, "invoiced")
        # Expected in the drawer: the float 100 + 250 + 500 cash; counted 845: 5 short.
        self.assertAlmostEqual(session.cash_register_balance_end, 850.0)
        self.assertAlmostEqual(session.cash_register_balance_end_real, 845.0)
        self.assertAlmostEqual(session.cash_register_difference, -5.0)
        # Odoo's closing posted the 5 short to the cash journal's loss account.
        difference = session._halley_difference_entries()
        self.assertEqual(len(difference), 1)
        self.assertEqual(difference.state, "posted")
        loss_line = difference.line_ids.filtered(lambda line: line.account_id == self.cash_journal.loss_account_id)
        self.assertAlmostEqual(loss_line.debit, 5.0)
        self.assertAlmostEqual(
            sum(difference.line_ids.filtered(lambda line: line.account_id == self.cash_journal.default_account_id)
                .mapped("balance")),
            -5.0,
        )
        # The clinic's day, in Singapore: the 25th, though opened on the 24th in UTC.
        self.assertEqual(session.halley_day, date(2026, 11, 25))

        tree = self._close_html(session, self.manager)
        page = self._text(tree, "//div[hasclass('page')]")
        self.assertIn("Day's close: T Front counter", page)
        self.assertIn(self.company.name, page)
        tz = "Asia/Singapore"
        self.assertIn(format_local(self.env(user=self.manager), OPENING, tz), page)
        self.assertIn(format_local(self.env(user=self.manager), CLOSING, tz), page)
        self.assertIn("07:30", self._text(tree, "//table[hasclass('o_halley_close_head')]"))
        self.assertIn("19:00", self._text(tree, "//table[hasclass('o_halley_close_head')]"))

        def row(xpath):
            return self._text(tree, xpath)

        self.assertRegex(row("//tr[@data-method='T Cash']"), r"^T Cash 2 .*750\.00")
        self.assertRegex(row("//tr[@data-method='T Card']"), r"^T Card 1 .*90\.00")
        self.assertRegex(row("//tr[@data-method='T PayNow']"), r"^T PayNow 1 .*1,000\.00")
        self.assertRegex(row("//tr[hasclass('o_halley_close_total')]"), r"Total received 3 orders .*1,840\.00")
        self.assertRegex(row("//tr[hasclass('o_halley_cash_opening')]"), r"100\.00")
        self.assertRegex(row("//tr[hasclass('o_halley_cash_expected')]"), r"Cash expected in the drawer .*850\.00")
        self.assertRegex(row("//tr[hasclass('o_halley_cash_counted')]"), r"Cash counted .*845\.00")
        self.assertRegex(row("//tr[hasclass('o_halley_cash_difference')]"), r"Cash short .*-.*5\.00")
        self.assertIn(difference.name, row("//tr[hasclass('o_halley_cash_entry')]"))
        self.assertRegex(row("//tr[hasclass('o_halley_sessions_paid')]"), r"Sessions paid 1 .*350\.00")
        self.assertRegex(row("//tr[hasclass('o_halley_courses_sold')]"), r"Courses sold 1 .*1,500\.00")
        self.assertRegex(row("//tr[hasclass('o_halley_retail_sold')]"), r"Retail sold 2 .*90\.00")
        self.assertRegex(row("//tr[hasclass('o_halley_deposits_applied')]"), r"Deposits applied 1 .*100\.00")
        # Deposits taken that clinic day: Aisha's paid on the 25th, not Grace's of the 24th.
        self.assertRegex(row("//tr[hasclass('o_halley_deposits_taken')]"), r"\) 1 .*100\.00")
        self.assertEqual(self.deposit, deposit_invoice.invoice_line_ids.product_id)
        # Billing, who ran the counter, prints the same day's close.
        self.assertIn("Cash short", self._text(self._close_html(session, self.billing), "//div[hasclass('page')]"))

    def test_counted_over_posts_a_profit(self):
        session, _order = self._day(counted=860.0)
        self.assertAlmostEqual(session.cash_register_difference, 10.0)
        difference = session._halley_difference_entries()
        profit_line = difference.line_ids.filtered(lambda line: line.account_id == self.cash_journal.profit_account_id)
        self.assertAlmostEqual(profit_line.credit, 10.0)
        tree = self._close_html(session, self.manager)
        self.assertRegex(self._text(tree, "//tr[hasclass('o_halley_cash_difference')]"), r"Cash over .*10\.00")
        # No deposit paid that day: none taken.
        self.assertRegex(self._text(tree, "//tr[hasclass('o_halley_deposits_taken')]"), r"\) 0 .*0\.00")

    def test_counter_days_are_the_managers(self):
        session, _order = self._day(counted=850.0)
        self.assertFalse(session._halley_difference_entries())
        action = self.env.ref("halley_aesthetics.pos_session_action_halley_counter_day")
        menu = self.env.ref("halley_aesthetics.pos_session_menu_halley_counter_day")
        # The manager's list: the day, the counter, expected, counted, difference, state.
        rows = self.env["pos.session"].with_user(self.manager).search_read(
            [("config_id", "=", self.counter.id)],
            ["halley_day", "config_id", "cash_register_balance_end", "cash_register_balance_end_real",
             "cash_register_difference", "state"],
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["halley_day"], date(2026, 11, 25))
        self.assertEqual(rows[0]["cash_register_balance_end"], 850.0)
        self.assertEqual(rows[0]["cash_register_difference"], 0.0)
        self.assertEqual(rows[0]["state"], "closed")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids())
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.billing)._visible_menu_ids())
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.practitioner)._visible_menu_ids())
        self.assertEqual(action.res_model, "pos.session")
        # Each day opens its day's close.
        report_action = session.with_user(self.manager).action_halley_print_day_close()
        self.assertEqual(report_action["report_name"], REPORT)

    def test_practitioner_and_outsiders_cannot_read_the_day(self):
        session, _order = self._day(counted=845.0)
        with self.assertRaises(AccessError):
            session.with_user(self.practitioner).read(["cash_register_balance_end_real"])
        with self.assertRaises(AccessError):
            self._close_html(session, self.practitioner)
        with self.assertRaises(AccessError):
            session.with_user(self.practitioner).action_halley_print_day_close()
        # A POS user outside the clinic (a shop cashier) keeps Odoo's POS, not the
        # clinic's day's close.
        cashier = new_test_user(self.env, login="t_cashier", groups="point_of_sale.group_pos_user")
        self.assertTrue(session.with_user(cashier).read(["name"]))
        with self.assertRaises(AccessError):
            self._close_html(session, cashier)
        # Company walls: another clinic's manager sees no day of this one.
        company_b = self.env["res.company"].create({"name": "Halley Orchard (B)"})
        manager_b = new_test_user(
            self.env, login="t_manager_cashup_b",
            groups="halley_aesthetics.group_manager,point_of_sale.group_pos_manager",
            company_id=company_b.id, company_ids=[Command.set(company_b.ids)],
        )
        self.assertFalse(self.env["pos.session"].with_user(manager_b).search([("id", "=", session.id)]))
        with self.assertRaises(AccessError):
            self._close_html(session, manager_b)
