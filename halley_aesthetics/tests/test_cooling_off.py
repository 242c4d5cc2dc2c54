from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools.misc import format_date

from .common import NOW, HalleyPackageCommon

# Tuesday 24 November 2026, 17:00 in Singapore.
TODAY = NOW.date()


class CoolingOffCommon(HalleyPackageCommon):
    """The clinic's working week (Monday to Friday) and Singapore's public holidays
    the cases below cross, made here (the demo's holidays are not relied on)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "T Clinic hours", "company_id": cls.company.id, "tz": "UTC"}
        )
        cls.company.write(
            {"resource_calendar_id": cls.calendar.id, "halley_cooling_off_days": 5,
             "halley_refund_policy": "fee", "halley_refund_fee_percent": 10.0}
        )
        holidays = [
            ("Chinese New Year", date(2026, 2, 17)),
            ("Chinese New Year", date(2026, 2, 18)),
            ("Vesak Day (observed)", date(2026, 6, 1)),
            ("National Day (observed)", date(2026, 8, 10)),
            ("Deepavali (observed)", date(2026, 11, 9)),
            ("Christmas Day", date(2026, 12, 25)),
            ("New Year's Day", date(2027, 1, 1)),
        ]
        # Whole days in Singapore time (UTC+8), stored in UTC; the calendar's own
        # zone (UTC here) does not matter: the clinic's zone does.
        cls.env["resource.calendar.leaves"].create(
            [
                {
                    "name": name,
                    "company_id": cls.company.id,
                    "calendar_id": False,
                    "resource_id": False,
                    "date_from": f"{day.fromordinal(day.toordinal() - 1)} 16:00:00",
                    "date_to": f"{day} 15:59:59",
                }
                for name, day in holidays
            ]
        )
        cls.patient.lang = "en_GB"  # day-first, as Singapore writes dates
        cls.env["res.lang"]._activate_lang("en_GB")
        cls.bank = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )

    def _sell(self, sold_on, qty=1, paid=True):
        invoice = self._invoice([(self.trio_course, qty)], date=sold_on)
        if paid:
            self.env["account.payment.register"].with_user(self.billing).with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"journal_id": self.bank.id, "payment_date": sold_on})._create_payments()
        return invoice

    def _wizard(self, package, user=None):
        action = package.with_user(user or self.billing).action_halley_cancel_course()
        return (
            self.env["halley.package.cancel"].with_user(user or self.billing)
            .with_context(**action["context"]).create({})
        )

    def _cancel(self, package, user=None):
        wizard = self._wizard(package, user)
        action = wizard.action_confirm()
        return wizard, self.env["account.move"].browse(action["res_id"])


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestCoolingOffDate(CoolingOffCommon):
    def test_five_working_days_skip_weekends_and_singapore_holidays(self):
        ends = self.company._halley_cooling_off_ends(
            [date(2026, 8, 14), date(2026, 8, 7), date(2026, 2, 13), date(2026, 5, 28),
             date(2026, 12, 24), date(2026, 11, 6), date(2026, 11, 7)]
        )
        expected = {
            # Friday: Monday 17 to Friday 21 August.
            date(2026, 8, 14): date(2026, 8, 21),
            # Friday before National Day: Monday 10 August (observed) is skipped.
            date(2026, 8, 7): date(2026, 8, 17),
            # Friday before Chinese New Year (Tuesday 17, Wednesday 18 February).
            date(2026, 2, 13): date(2026, 2, 24),
            # Thursday: Friday 29 May, then Vesak Day observed on Monday 1 June.
            date(2026, 5, 28): date(2026, 6, 5),
            # Christmas Eve: Christmas Day and New Year's Day 2027 are skipped.
            date(2026, 12, 24): date(2027, 1, 4),
            # Friday (and Saturday) before Deepavali observed (Monday 9 November).
            date(2026, 11, 6): date(2026, 11, 16),
            date(2026, 11, 7): date(2026, 11, 16),
        }
        self.assertEqual(ends, expected)

    def test_the_package_sold_gets_its_date_and_shows_it(self):
        invoice = self._sell(date(2026, 11, 20))
        package = invoice.invoice_line_ids.patient_package_ids
        # Friday 20 November: Monday 23 to Friday 27 November.
        self.assertEqual(package.cooling_off_end, date(2026, 11, 27))
        view = self.env["halley.patient.package"].with_user(self.billing).get_view(view_type="form")
        self.assertIn('name="cooling_off_end"', view["arch"])
        self.assertIn("action_halley_cancel_course", view["arch"])
        with self.assertRaisesRegex(UserError, "cannot be set by hand"):
            package.with_user(self.manager).write({"cooling_off_end": date(2026, 12, 31)})

    def test_the_company_setting_lengthens_never_shortens(self):
        self.company.halley_cooling_off_days = 7
        self.assertEqual(
            self.company._halley_cooling_off_ends([date(2026, 8, 14)]), {date(2026, 8, 14): date(2026, 8, 25)}
        )
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.halley_cooling_off_days, 7)
        with self.assertRaisesRegex(ValidationError, "at least 5 working days \\(CaseTrust\\), not 4"):
            self.company.halley_cooling_off_days = 4

    def test_the_fee_is_a_share(self):
        with self.assertRaisesRegex(ValidationError, "between 0 and 100 %, not 120 %"):
            self.company.halley_refund_fee_percent = 120.0

    def test_many_dates_cost_the_same_queries_as_one(self):
        # Both spans cross Chinese New Year.
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.company._halley_cooling_off_ends([date(2026, 2, 13)])
        one = self.env.cr.sql_log_count - before
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.company._halley_cooling_off_ends([date(2026, 2, 1 + n) for n in range(20)])
        twenty = self.env.cr.sql_log_count - before
        self.assertEqual(one, twenty)

    def test_terms_in_chinese_for_a_patient_who_reads_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._get("halley_aesthetics")._update_translations(["zh_CN"])
        self.patient.lang = "zh_CN"
        invoice = self._sell(date(2026, 11, 20))
        html = self.env["ir.actions.report"].with_user(self.billing)._render_qweb_html(
            "account.report_invoice", invoice.ids
        )[0].decode()
        until = format_date(self.env, date(2026, 11, 27), lang_code="zh_CN")
        self.assertNotEqual(until, "27/11/2026")
        self.assertIn(f"冷静期：您可在 {until} 前（5 个工作日）取消本疗程", html)
        self.assertIn("扣除 10 % 的取消手续费", html)

    def test_terms_on_her_invoice_and_at_the_counter(self):
        invoice = self._sell(date(2026, 11, 20))
        html = self.env["ir.actions.report"].with_user(self.billing)._render_qweb_html(
            "account.report_invoice", invoice.ids
        )[0].decode()
        self.assertIn(
            "Cooling-off: you may cancel this course until 27/11/2026 (5 working days) for a full "
            "refund of the sessions you have not used; after that, the unused sessions are refunded "
            "at the course&#39;s price less a 10 % cancellation fee.",
            html,
        )
        self.company.halley_refund_policy = "none"
        self.assertIn("after that, no refund is given.", invoice.with_context(lang="en_GB")._halley_cooling_off_terms())
        plain = self.env["account.move"].with_user(self.billing).create(
            {"move_type": "out_invoice", "partner_id": self.patient.id, "invoice_date": TODAY,
             "invoice_line_ids": [Command.create({"product_id": self.protocol_trio.product_id.id})]}
        )
        self.assertEqual(plain._halley_cooling_off_terms(), "")
        # The counter: a course sold today, Tuesday 24 November, until Tuesday 1 December.
        config = self.env["pos.config"].create({"name": "T Counter"})
        terms = config.with_context(lang="en_GB").halley_package_terms
        self.assertIn("you may cancel this course until 01/12/2026", terms)
        loaded = config._load_pos_data_fields(config.id)
        self.assertTrue(not loaded or "halley_package_terms" in loaded)


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestCancelCourse(CoolingOffCommon):
    def test_within_cooling_off_nothing_used_everything_back(self):
        invoice = self._sell(date(2026, 11, 20))
        package = invoice.invoice_line_ids.patient_package_ids
        wizard = self._wizard(package)
        self.assertTrue(wizard.within_cooling_off)
        self.assertEqual(wizard.amount, 1500.0)
        self.assertEqual(wizard.journal_id, self.bank)
        self.assertIn("Within cooling-off (until 27/11/2026): the 3 unused session(s) are refunded in full",
                      wizard.with_context(lang="en_GB").package_id._halley_cancel_quote()["rule"])
        refund = self.env["account.move"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual((refund.move_type, refund.state, refund.amount_total), ("out_refund", "posted", 1500.0))
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(refund.invoice_line_ids.halley_package_origin_line_id, invoice.invoice_line_ids)
        self.assertEqual(package.state, "refunded")
        self.assertEqual(package.refund_id, refund)
        self.assertEqual((package.sessions_refunded, package.sessions_remaining), (3, 0))
        self.assertEqual((package.amount_refunded, package.amount_deferred), (1500.0, 0.0))
        self.assertAlmostEqual(self.deferred_balance(), 0.0)
        # Paid back to her from the bank, reconciled with the credit note.
        payment = refund._get_reconciled_payments()
        self.assertEqual(len(payment), 1)
        self.assertEqual((payment.payment_type, payment.amount, payment.journal_id), ("outbound", 1500.0, self.bank))
        self.assertTrue(refund.currency_id.is_zero(refund.amount_residual))
        # Idempotent: a second confirm, or a second wizard, is refused in words.
        with self.assertRaisesRegex(UserError, "already cancelled by"):
            wizard.action_confirm()
        second = self._wizard(package)
        self.assertIn("already cancelled by", second.refusal)
        with self.assertRaisesRegex(UserError, "already cancelled by"):
            second.action_confirm()
        self.assertEqual(self.env["account.move"].search_count([("reversed_entry_id", "=", invoice.id)]), 1)

    def test_within_cooling_off_the_unused_sessions_at_the_price_paid(self):
        invoice = self._sell(date(2026, 11, 20), qty=2)
        first, second = invoice.invoice_line_ids.patient_package_ids.sorted("id")
        self._run(self._session(protocol=self.protocol_trio))
        self.assertEqual(first.sessions_used, 1)
        # The used one is cancelled (not the one with more sessions left): 2 x 500.
        wizard, refund = self._cancel(first)
        self.assertEqual(wizard.amount, 1000.0)
        self.assertEqual(refund.amount_total, 1000.0)
        self.assertEqual(first.state, "refunded")
        self.assertEqual((first.sessions_used, first.sessions_refunded), (1, 2))
        self.assertEqual((first.amount_refunded, first.amount_deferred), (1000.0, 0.0))
        self.assertEqual(second.state, "active")
        self.assertEqual(second.amount_deferred, 1500.0)
        self.assertEqual(refund._get_reconciled_payments().amount, 1000.0)

    def test_after_cooling_off_the_clinics_fee(self):
        invoice = self._sell(date(2026, 11, 13))  # cooling-off ended Friday 20 November
        package = invoice.invoice_line_ids.patient_package_ids
        self.assertEqual(package.cooling_off_end, date(2026, 11, 20))
        self._run(self._session(protocol=self.protocol_trio))
        wizard = self._wizard(package)
        self.assertFalse(wizard.within_cooling_off)
        # 2 unused sessions (1000) less 10 %.
        self.assertEqual(wizard.amount, 900.0)
        self.assertIn("less the clinic's 10 % cancellation fee", wizard.rule)
        refund = self.env["account.move"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual(refund.amount_total, 900.0)
        self.assertEqual((package.state, package.amount_refunded, package.amount_deferred), ("refunded", 900.0, 0.0))
        kept = self.env["account.move.line"].search(
            [("account_id", "=", self.revenue_account.id), ("halley_package_id", "=", package.id),
             ("parent_state", "=", "posted")]
        )
        # The session delivered (500) and the fee (100) stay revenue.
        self.assertAlmostEqual(-sum(kept.mapped("balance")), 600.0)
        self.assertAlmostEqual(self.deferred_balance(), 0.0)

    def test_after_cooling_off_no_refund_is_refused_in_words(self):
        self.company.halley_refund_policy = "none"
        invoice = self._sell(date(2026, 11, 13))
        package = invoice.invoice_line_ids.patient_package_ids
        wizard = self._wizard(package)
        self.assertIn("ended on 20/11/2026 and the clinic gives no refund after it", wizard.refusal)
        with self.assertRaisesRegex(UserError, "gives no refund after it"):
            wizard.action_confirm()
        self.assertEqual(package.state, "active")
        self.assertFalse(self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)]))

    def test_an_unpaid_invoice_is_cancelled_not_paid_out(self):
        invoice = self._sell(date(2026, 11, 20), paid=False)
        package = invoice.invoice_line_ids.patient_package_ids
        _wizard, refund = self._cancel(package)
        self.assertEqual(refund.amount_total, 1500.0)
        self.assertFalse(refund._get_reconciled_payments(), "nothing was paid: nothing is paid out")
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertTrue(refund.currency_id.is_zero(refund.amount_residual))
        self.assertEqual(package.state, "refunded")

    def test_never_more_than_what_is_left_of_the_invoice(self):
        invoice = self._sell(date(2026, 11, 20))
        package = invoice.invoice_line_ids.patient_package_ids
        goodwill = self.env["account.move"].with_user(self.billing).create(
            {
                "move_type": "out_refund",
                "partner_id": self.patient.id,
                "reversed_entry_id": invoice.id,
                "invoice_date": TODAY,
                "invoice_line_ids": [Command.create(
                    {"product_id": self.protocol_trio.product_id.id, "price_unit": 1000.0}
                )],
            }
        )
        goodwill.action_post()
        wizard = self._wizard(package)
        self.assertIn("would return more than is left of", wizard.refusal)
        with self.assertRaisesRegex(UserError, "1,000.00 already refunded"):
            wizard.action_confirm()
        self.assertEqual(package.state, "active")

    def test_a_course_credited_otherwise_is_not_refunded_twice(self):
        invoice = self._sell(date(2026, 11, 20))
        package = invoice.invoice_line_ids.patient_package_ids
        refund = self._credit_note(invoice)
        wizard = self._wizard(package)
        self.assertIn(f"already cancelled by {refund.name}", wizard.refusal)
        with self.assertRaisesRegex(UserError, "nothing more to refund"):
            wizard.action_confirm()

    def test_a_practitioner_may_not_cancel_a_course(self):
        invoice = self._sell(date(2026, 11, 20))
        package = invoice.invoice_line_ids.patient_package_ids
        with self.assertRaisesRegex(AccessError, "Only billing staff and the clinic manager"):
            package.with_user(self.practitioner).action_halley_cancel_course()
        with self.assertRaisesRegex(AccessError, "Only billing staff and the clinic manager"):
            package.with_user(self.practitioner)._halley_cancel_course(self.bank)
        with self.assertRaises(AccessError):
            self.env["halley.package.cancel"].with_user(self.practitioner).create({"package_id": package.id})
        self.assertEqual(package.state, "active")
        # Billing working in another clinic (company) only: the course is not hers to see.
        other = self.env["res.company"].create({"name": "T Other clinic"})
        self.billing.company_ids |= other
        with self.assertRaises(AccessError):
            package.with_user(self.billing).with_context(allowed_company_ids=other.ids)._halley_cancel_quote()
        # The manager may.
        _wizard, refund = self._cancel(package, user=self.manager)
        self.assertEqual((package.state, refund.amount_total), ("refunded", 1500.0))

    def test_a_session_done_after_the_wizard_opened_is_refused_in_words(self):
        invoice = self._sell(date(2026, 11, 20))
        package = invoice.invoice_line_ids.patient_package_ids
        wizard = self._wizard(package)
        self.assertEqual(wizard.amount, 1500.0)
        self._run(self._session(protocol=self.protocol_trio))
        with self.assertRaisesRegex(UserError, r"is now S\$.1,000.00, not S\$.1,500.00"):
            wizard.action_confirm()
        self.assertEqual(package.state, "active")
        # Opened again: the 2 sessions left, in full.
        self.assertEqual(self._wizard(package).amount, 1000.0)
