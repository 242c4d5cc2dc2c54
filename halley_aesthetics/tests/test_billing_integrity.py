"""Billing can never move a package, a session or money between patients, nor
sell a package below zero; every message names its document."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import NOW, HalleyPackageCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestBillingIntegrity(HalleyPackageCommon):
    def _move(self, move_type, patient, lines, user=None):
        return self.env["account.move"].with_user(user or self.billing).create(
            {
                "move_type": move_type,
                "partner_id": patient.id,
                "invoice_date": NOW.date(),
                "invoice_line_ids": [Command.create(vals) for vals in lines],
            }
        )

    def _balances(self, packages):
        return [(p.state, p.sessions_remaining, p.amount_deferred) for p in packages]

    def test_forged_credit_note_cannot_refund_another_patients_package(self):
        chen = self.patient_2
        chen_invoice = self._invoice([(self.trio_course, 1)], patient=chen)
        chen_line = chen_invoice.invoice_line_ids
        chen_package = chen_line.patient_package_ids
        before = self._balances(chen_package)
        # Grace's credit note, its line pointing at Chen's invoice line (over RPC the
        # field is a plain write).
        forged = self._move("out_refund", self.patient, [{"product_id": self.trio_course.id, "quantity": 1}])
        forged.invoice_line_ids.write({"halley_package_origin_line_id": chen_line.id})
        with self.assertRaisesRegex(UserError, "can only cancel packages of the invoice it credits"):
            forged.action_post()
        self.assertEqual(forged.state, "draft")
        self.assertEqual(self._balances(chen_package), before)
        # Even reversing one of Grace's own invoices, it cannot reach Chen's line.
        grace_invoice = self._invoice([(self.trio_course, 1)])
        forged.reversed_entry_id = grace_invoice
        with self.assertRaisesRegex(UserError, "can only cancel packages of the invoice it credits"):
            forged.action_post()
        # A credit note of Chen's invoice made out to Grace: refused too.
        forged.write({"reversed_entry_id": chen_invoice.id})
        with self.assertRaisesRegex(UserError, "only cancel the packages of its own patient"):
            forged.action_post()
        # Its stored commercial partner rewritten to Chen's (a plain write over RPC),
        # so that the credit would go to him: refused.
        forged.write({"commercial_partner_id": chen.id})
        with self.assertRaisesRegex(UserError, "made out to T Patient Grace but would be charged to T Patient Aisha"):
            forged.action_post()
        self.assertEqual(self._balances(chen_package), before)
        self.assertEqual(chen_package.state, "active")

    def test_invoice_line_links_only_its_own_patients_session(self):
        chen_session = self._run(self._session(patient=self.patient_2))
        self.assertEqual(chen_session.invoice_status, "to_invoice")
        with self.assertRaisesRegex(UserError, "a session is invoiced to its own patient only"):
            self._move(
                "out_invoice", self.patient,
                [{"product_id": chen_session.treatment_product_id.id, "treatment_session_id": chen_session.id}],
            )
        # Linked later, or the customer changed after: refused on posting.
        invoice = self._move("out_invoice", self.patient_2, [{"product_id": chen_session.treatment_product_id.id}])
        invoice.invoice_line_ids.treatment_session_id = chen_session
        invoice.partner_id = self.patient
        with self.assertRaisesRegex(UserError, "a session is invoiced to its own patient only"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        chen_session.invalidate_recordset()
        self.assertEqual(chen_session.invoice_status, "invoiced", "on a draft invoice until it is fixed")
        # Nor by rewriting the invoice's stored commercial partner to Chen's, so
        # that he would be charged on an invoice made out to Grace.
        invoice.write({"commercial_partner_id": self.patient_2.id})
        with self.assertRaisesRegex(UserError, "would be charged to"):
            invoice.action_post()
        # ... nor the other way round: made out to Chen, charged to Grace.
        invoice.write({"partner_id": self.patient_2.id})
        invoice.write({"commercial_partner_id": self.patient.id})
        with self.assertRaisesRegex(UserError, "would be charged to T Patient Grace"):
            invoice.action_post()
        invoice.partner_id = self.patient_2
        invoice.action_post()
        self.assertEqual(chen_session.invoice_status, "invoiced")

    def test_a_colleague_of_the_patients_company_may_pay(self):
        employer = self.env["res.partner"].create({"name": "T Employer Pte Ltd", "is_company": True})
        self.patient.parent_id = employer
        session = self._run(self._session())
        invoice = self._move(
            "out_invoice", employer,
            [{"product_id": session.treatment_product_id.id, "treatment_session_id": session.id}],
        )
        invoice.action_post()
        self.assertEqual(session.invoice_status, "invoiced")

    def test_package_is_never_sold_below_zero(self):
        invoice = self._move(
            "out_invoice", self.patient, [{"product_id": self.trio_course.id, "quantity": 1, "price_unit": -1500}]
        )
        with self.assertRaisesRegex(UserError, "comes to a negative price"):
            invoice.action_post()
        # Nor through a discount over 100 %, hidden by a dearer line on the same invoice.
        discounted = self._move(
            "out_invoice", self.patient,
            [{"product_id": self.trio_course.id, "discount": 200},
             {"product_id": self.protocol_rejuran.product_id.id, "price_unit": 5000}],
        )
        with self.assertRaisesRegex(UserError, "comes to a negative price"):
            discounted.action_post()
        self.assertFalse(self.env["halley.patient.package"].search([("patient_id", "=", self.patient.id)]))
        free = self._move("out_invoice", self.patient, [{"product_id": self.trio_course.id, "price_unit": 0}])
        free.action_post()
        self.assertEqual(free.invoice_line_ids.patient_package_ids.amount_total, 0.0)

    def test_messages_name_the_draft_document(self):
        invoice = self._move("out_invoice", self.patient, [{"product_id": self.trio_course.id, "quantity": 1.5}])
        with self.assertRaisesRegex(UserError, r"^Draft Invoice: .*whole units") as error:
            invoice.action_post()
        self.assertNotIn("False", str(error.exception))
