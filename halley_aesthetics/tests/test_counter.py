from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import NOW
from .counter_common import HalleyCounterCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestCounter(HalleyCounterCommon):
    """Checkout at the counter (issue 23): a session or a course sold on Odoo's Point
    of Sale is invoiced to the patient; retail skincare leaves the retail shelf."""

    def test_session_checkout_is_invoiced_once(self):
        session = self._run(self._session())
        self.assertEqual(session.invoice_status, "to_invoice")
        pos_session = self._open_counter()
        # The POS did not ask for an invoice: the order is invoiced all the same.
        order = self._sync([self._ui_order(
            pos_session, [self._ui_line(session.treatment_product_id, session=session)], partner=self.patient,
        )])
        self.assertTrue(order.to_invoice)
        self.assertEqual(order.state, "invoiced")
        invoice = order.account_move
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.partner_id, self.patient)
        self.assertEqual(invoice.amount_total, 350.0)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.invoice_line_ids.treatment_session_id, session)
        self.assertEqual(invoice.invoice_line_ids.name, "T Rejuran Skin Healer, 24 Nov 2026, Dr. Test")
        self.assertEqual(session.invoice_status, "invoiced")
        # The session consumed its kit in the treatment room: the counter delivers nothing.
        self.assertFalse(order.picking_ids)
        # Never twice: not at the counter again ...
        self.assertCounterRefuses("already invoiced .*never charged twice", [self._ui_order(
            pos_session, [self._ui_line(session.treatment_product_id, session=session)], partner=self.patient,
        )])
        # ... nor from "To invoice".
        with self.assertRaisesRegex(UserError, "None of the selected sessions is waiting to be invoiced"):
            session.with_user(self.billing).action_create_invoices()
        # The counter offers it no more.
        due = self.patient.with_user(self.billing).halley_counter_due(self.counter.id)
        self.assertEqual(due["lines"], [])

    def test_counter_due_lists_her_sessions_in_her_words(self):
        session = self._run(self._session())
        self._run(self._session(patient=self.patient_2))
        self.protocol_rejuran.halley_retail_product_ids = self.cream
        due = self.patient.with_user(self.billing).halley_counter_due(self.counter.id)
        self.assertEqual(due["patient"], "T Patient Grace")
        self.assertEqual(due["lines"], [{
            "product_id": session.treatment_product_id.id,
            "qty": 1.0,
            "price_unit": 350.0,
            "name": "T Rejuran Skin Healer, 24 Nov 2026, Dr. Test",
            "halley_session_id": session.id,
            "halley_deposit_session_id": False,
        }])
        self.assertEqual(due["recommended_product_ids"], self.cream.ids)

    def test_course_sold_at_the_counter_becomes_her_package(self):
        pos_session = self._open_counter()
        order = self._sync([self._ui_order(pos_session, [self._ui_line(self.trio_course)], partner=self.patient)])
        self.assertEqual(order.state, "invoiced")
        invoice = order.account_move
        package = self.env["halley.patient.package"].search([("patient_id", "=", self.patient.id)])
        self.assertEqual(len(package), 1)
        self.assertEqual(package.invoice_id, invoice)
        self.assertEqual(package.product_id, self.trio_course)
        self.assertEqual(package.sessions_remaining, 3)
        self.assertEqual(package.date_valid_until, invoice.invoice_date + relativedelta(months=12))
        self.assertEqual(invoice.invoice_line_ids.account_id, self.deferred_account)
        self.assertAlmostEqual(self.deferred_balance(package), 1500.0)

    def test_course_without_patient_is_refused(self):
        pos_session = self._open_counter()
        self.assertCounterRefuses(
            "sells the course T Baby Skin Trio course: choose the patient",
            [self._ui_order(pos_session, [self._ui_line(self.trio_course)])],
        )
        self.assertFalse(self.env["halley.patient.package"].search([("patient_id", "=", self.patient.id)]))

    def test_refusals_in_words(self):
        pos_session = self._open_counter()
        draft = self._session()
        done = self._run(self._session())
        product = done.treatment_product_id
        cases = [
            ([self._ui_line(product, session=done)], self.patient_2,
             "is for T Patient Aisha, but its line .* charges the session .* of T Patient Grace"),
            ([self._ui_line(product, session=done)], None, "choose its patient, T Patient Grace"),
            ([self._ui_line(product, session=draft)], self.patient, "is not done yet"),
            ([self._ui_line(self.protocol_ha.product_id, price=280, session=done)], self.patient,
             "charge it with that treatment"),
            ([self._ui_line(product, qty=2, session=done)], self.patient, "quantity 1"),
        ]
        for lines, partner, message in cases:
            with self.subTest(message=message):
                self.assertCounterRefuses(message, [self._ui_order(pos_session, lines, partner=partner)])
        self.assertEqual(done.invoice_status, "to_invoice")
        self.assertFalse(self.env["pos.order"].search([("session_id", "=", pos_session.id)]))

    def test_draft_counter_order_then_invoiced_from_to_invoice(self):
        session = self._run(self._session())
        pos_session = self._open_counter()
        data = self._ui_order(
            pos_session, [self._ui_line(session.treatment_product_id, session=session)], partner=self.patient,
            draft=True,
        )
        draft = self._sync([dict(data)])
        self.assertEqual(draft.state, "draft")
        self.assertEqual(session.invoice_status, "to_invoice")
        action = session.with_user(self.billing).action_create_invoices()
        invoice = self.env["account.move"].search(action["domain"])
        invoice.with_user(self.billing).action_post()
        paid = self._ui_order(
            pos_session, [self._ui_line(session.treatment_product_id, session=session)], partner=self.patient,
        )
        paid["uuid"] = data["uuid"]
        self.assertCounterRefuses(rf"already invoiced \({invoice.name}\)", [paid])
        self.assertEqual(session._invoiced_quantity(), 1.0)

    def test_retail_leaves_the_shelf_first_expiring_lot_first(self):
        pos_session = self._open_counter()
        order = self._sync([self._ui_order(pos_session, [self._ui_line(self.cream, qty=3)], partner=self.patient)])
        # Retail only: a plain POS order, not invoiced.
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.to_invoice)
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.picking_ids.location_id, self.shelf)
        self.assertEqual(self.on_hand(self.cream, self.shelf, self.lot_cream_early), 0)
        self.assertEqual(self.on_hand(self.cream, self.shelf, self.lot_cream_late), 4)
        # She bought it at the counter: her contact shows it, to billing and clinicians.
        self.assertEqual(self.patient.with_user(self.practitioner).halley_counter_product_ids, self.cream)
        self.assertEqual(self.patient.with_user(self.billing).halley_counter_line_ids, order.lines)

    def test_session_course_and_cream_on_one_order(self):
        session = self._run(self._session())
        pos_session = self._open_counter()
        order = self._sync([self._ui_order(pos_session, [
            self._ui_line(session.treatment_product_id, session=session),
            self._ui_line(self.trio_course),
            self._ui_line(self.cream, pack_lot_ids=[Command.create({"lot_name": "TRC-LATE"})]),
        ], partner=self.patient, payments=[(self.card, 1000.0), (self.cash, 918.0)])])
        self.assertEqual(order.state, "invoiced")
        self.assertEqual(order.account_move.amount_total, 1918.0)
        self.assertEqual(session.invoice_status, "invoiced")
        self.assertEqual(len(self.patient.patient_package_ids), 1)
        self.assertEqual(self.on_hand(self.cream, self.shelf, self.lot_cream_late), 4)
        self.assertEqual(self.on_hand(self.cream, self.shelf, self.lot_cream_early), 2)

    def test_counter_refund_goes_through_a_credit_note(self):
        session = self._run(self._session())
        pos_session = self._open_counter()
        order = self._sync([self._ui_order(pos_session, [
            self._ui_line(session.treatment_product_id, session=session),
            self._ui_line(self.trio_course),
        ], partner=self.patient)])
        package = self.patient.patient_package_ids
        session_line = order.lines.filtered("halley_session_id")
        course_line = order.lines - session_line
        # The POS sends the refund as an order of negative lines pointing at the lines
        # they refund (it does not know of the session link).
        refund = self._sync([self._ui_order(pos_session, [
            self._ui_line(session.treatment_product_id, qty=-1, refunded_orderline_id=session_line.id,
                          halley_session_id=False),
            self._ui_line(self.trio_course, qty=-1, refunded_orderline_id=course_line.id),
        ], partner=self.patient, payments=[(self.card, -1850.0)])])
        credit_note = refund.account_move
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.reversed_entry_id, order.account_move)
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.amount_total, 1850.0)
        self.assertEqual(session.invoice_status, "to_invoice")
        self.assertEqual(package.state, "refunded")
        self.assertAlmostEqual(self.deferred_balance(package), 0.0)
