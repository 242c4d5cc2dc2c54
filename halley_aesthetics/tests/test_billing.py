from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import NOW, HalleyPackageCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestPayPerSession(HalleyPackageCommon):
    def _done_sessions(self):
        grace_1 = self._run(self._session())
        grace_2 = self._run(self._session(protocol=self.protocol_ha, start=NOW + relativedelta(days=1)))
        aisha = self._run(self._session(patient=self.patient_2, start=NOW + relativedelta(days=2)))
        return grace_1, grace_2, aisha

    def test_sessions_wait_in_to_invoice_and_are_invoiced_per_patient(self):
        grace_1, grace_2, aisha = self._done_sessions()
        sessions = grace_1 | grace_2 | aisha
        draft = self._session(start=NOW + relativedelta(days=3))
        self.assertEqual(set(sessions.mapped("invoice_status")), {"to_invoice"})
        self.assertEqual(draft.invoice_status, "no")
        to_invoice = self.env["halley.treatment.session"].search(
            [("invoice_status", "=", "to_invoice"), ("patient_id", "in", (self.patient | self.patient_2).ids)]
        )
        self.assertEqual(to_invoice, sessions)

        action = (sessions | draft).with_user(self.billing).action_create_invoices()
        invoices = self.env["account.move"].search(action["domain"])
        self.assertEqual(len(invoices), 2, "one invoice per patient")
        grace_invoice = invoices.filtered(lambda m: m.partner_id == self.patient)
        self.assertEqual(grace_invoice.invoice_line_ids.treatment_session_id, grace_1 | grace_2)
        self.assertEqual(
            sorted(grace_invoice.invoice_line_ids.mapped("price_unit")), [280.0, 350.0]
        )
        self.assertEqual(grace_invoice.amount_untaxed, 630.0)
        self.assertEqual(grace_1.invoice_line_ids.name, "T Rejuran Skin Healer, 24 Nov 2026, Dr. Test")
        aisha_invoice = invoices - grace_invoice
        self.assertEqual(aisha_invoice.invoice_line_ids.treatment_session_id, aisha)
        self.assertEqual(set(sessions.mapped("invoice_status")), {"invoiced"})
        self.assertEqual(draft.invoice_status, "no")

        # No session is ever invoiced twice: not by the action...
        with self.assertRaisesRegex(UserError, "None of the selected sessions is waiting to be invoiced"):
            sessions.with_user(self.billing).action_create_invoices()
        invoices.with_user(self.billing).action_post()
        # ... nor by a hand-made invoice line pointing at the same session.
        copy = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.patient.id,
                "invoice_date": NOW.date(),
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": grace_1.treatment_product_id.id, "treatment_session_id": grace_1.id}
                    )
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "is already invoiced .*never invoiced twice"):
            copy.action_post()
        # A duplicated invoice does not carry the session links.
        duplicate = grace_invoice.copy()
        self.assertFalse(duplicate.invoice_line_ids.treatment_session_id)

    def test_credit_note_puts_the_session_back_to_invoice(self):
        grace_1, _grace_2, _aisha = self._done_sessions()
        action = grace_1.with_user(self.billing).action_create_invoices()
        invoice = self.env["account.move"].browse(action["res_id"])
        invoice.action_post()
        self.assertEqual(grace_1.invoice_status, "invoiced")
        with self.assertRaisesRegex(UserError, "issue a credit note"):
            grace_1.action_cancel()
        action = grace_1.action_view_invoices()
        self.assertEqual((action["res_id"], action["views"]), (invoice.id, [(False, "form")]))
        refund = self._credit_note(invoice)
        self.assertEqual(refund.invoice_line_ids.treatment_session_id, grace_1)
        self.assertEqual(
            self.env["account.move"].search(grace_1.action_view_invoices()["domain"]), invoice | refund
        )
        self.assertEqual(grace_1.invoice_status, "to_invoice")
        grace_1.action_cancel()
        self.assertEqual(grace_1.state, "cancel")
        self.assertEqual(grace_1.invoice_status, "no")

    def test_cancelled_invoice_frees_the_session(self):
        grace_1, _grace_2, _aisha = self._done_sessions()
        invoice = self.env["account.move"].browse(grace_1.with_user(self.billing).action_create_invoices()["res_id"])
        invoice.button_cancel()
        self.assertEqual(grace_1.invoice_status, "to_invoice")

    def test_package_sessions_are_not_invoiced(self):
        self._invoice([(self.trio_course, 1)])
        session = self._run(self._session(protocol=self.protocol_trio))
        self.assertEqual(session.invoice_status, "package")
        with self.assertRaisesRegex(UserError, "None of the selected sessions"):
            session.with_user(self.billing).action_create_invoices()

    def test_billing_screens(self):
        grace_1, grace_2, aisha = self._done_sessions()
        # To invoice: grouped per patient and open, each session's price, Create
        # invoices at hand once sessions are selected.
        action = self.env.ref("halley_aesthetics.halley_treatment_session_action_to_invoice")
        Session = self.env["halley.treatment.session"].with_user(self.billing)
        list_view = action.view_ids.filtered(lambda v: v.view_mode == "list").view_id
        arch = etree.fromstring(Session.get_views([(list_view.id, "list")])["views"]["list"]["arch"])
        self.assertEqual(arch.get("expand"), "1", "the patients' groups open unfolded")
        self.assertTrue(arch.xpath("//header/button[@name='action_create_invoices']"))
        self.assertTrue(arch.xpath("//field[@name='treatment_price']"))
        self.assertEqual(
            sorted(Session.browse((grace_1 | grace_2).ids).mapped("treatment_price")), [280.0, 350.0],
            "the prices the invoice lines will carry",
        )
        # Billing > Invoices: the patients' invoices, not every customer's.
        customer = self.env["res.partner"].create({"name": "T Wholesale customer"})
        theirs = self._invoice([(grace_1.treatment_product_id, 1)], patient=customer)
        created = (grace_1 | grace_2 | aisha).with_user(self.billing).action_create_invoices()
        ours = self.env["account.move"].search(created["domain"])
        menu = self.env.ref("halley_aesthetics.menu_clinic_billing_invoices")
        patient_invoices = self.env.ref("halley_aesthetics.account_move_action_halley_patient_invoices")
        self.assertEqual(menu.action, patient_invoices)
        listed = self.env["account.move"].with_user(self.billing).search(
            safe_eval(patient_invoices.domain)
        )
        self.assertEqual(listed & (ours | theirs), ours)

    def test_who_may_invoice(self):
        session = self._run(self._session())
        with self.assertRaisesRegex(UserError, "Only billing staff can invoice"):
            session.with_user(self.practitioner).action_create_invoices()
        action = session.with_user(self.billing).action_create_invoices()
        invoice = self.env["account.move"].browse(action["res_id"])
        # Billing invoices, but cannot change clinical fields.
        with self.assertRaises(AccessError):
            session.with_user(self.billing).write({"notes": "<p>billing note</p>"})
        with self.assertRaises(AccessError):
            session.with_user(self.billing).write({"deviation_reason": "changed"})
        # A practitioner cannot post invoices.
        with self.assertRaises(AccessError):
            invoice.with_user(self.practitioner).action_post()
        self.assertEqual(invoice.state, "draft")
        invoice.with_user(self.billing).action_post()
        self.assertEqual(invoice.state, "posted")


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestPackageLiability(HalleyPackageCommon):
    def _liability(self, date, patient=None):
        patients = patient or (self.patient | self.patient_2)
        domain = [("date", "<=", date), ("patient_id", "in", patients.ids)]
        rows = self.env["halley.package.ledger"].with_user(self.billing).search(domain)
        return sum(rows.mapped("sessions")), round(sum(rows.mapped("amount")), 2)

    def test_liability_per_patient_and_date(self):
        day = NOW.date()
        invoice = self._invoice([(self.trio_course, 1)])
        self._invoice([(self.mixed_course, 1)], patient=self.patient_2, date=day + relativedelta(days=1))
        self.assertEqual(self._liability(day - relativedelta(days=1)), (0, 0.0))
        self.assertEqual(self._liability(day), (3, 1500.0))
        self.assertEqual(self._liability(day + relativedelta(days=1)), (7, 3400.0))
        self.assertEqual(self._liability(day + relativedelta(days=1), self.patient_2), (4, 1900.0))
        self._run(self._session(protocol=self.protocol_trio))
        self.assertEqual(self._liability(day, self.patient), (2, 1000.0))
        # The report's value is the deferred-revenue account's balance.
        self.assertAlmostEqual(self._liability(day + relativedelta(days=1))[1], self.deferred_balance())
        self._credit_note(invoice)
        self.assertEqual(self._liability(day, self.patient), (0, 0.0))
        self.assertAlmostEqual(self._liability(day + relativedelta(days=1))[1], self.deferred_balance())
        # The wizard opens the same figures at the date asked.
        wizard = self.env["halley.package.liability"].with_user(self.billing).create({"date": day})
        action = wizard.action_open()
        self.assertEqual(action["res_model"], "halley.package.ledger")
        self.assertIn(("date", "<=", day), action["domain"])

    def test_practitioner_does_not_see_the_liability(self):
        with self.assertRaises(AccessError):
            self.env["halley.package.ledger"].with_user(self.practitioner).search([])
