from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.tests import tagged

from .common import NOW
from .counter_common import HalleyCounterCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestDepositCounter(HalleyCounterCommon):
    """At the counter (issue 23): her paid deposit is deducted once, on the order's
    invoice; a second counter order deducting it is refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.protocol_rejuran.write({"halley_deposit_type": "fixed", "halley_deposit_amount": 100.0})
        cls.company.halley_deposit_scope = "always"
        cls.deposits, cls.fees = cls.company._halley_get_deposit_accounts()
        cls.product = cls.env.ref("halley_aesthetics.product_treatment_deposit")

    def _paid_deposit_session(self, start=None):
        session = self._session(start=start)
        session.with_user(self.practitioner).action_confirm()
        invoice = self.env["account.move"].search([("halley_deposit_session_id", "=", session.id)])
        self.env["account.payment.register"].with_user(self.billing).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": NOW.date()}).action_create_payments()
        return session

    def test_counter_deducts_the_paid_deposit_once(self):
        session = self._paid_deposit_session()
        self._run(session)
        due = self.patient.with_user(self.billing).halley_counter_due(self.counter.id)
        deposit_line = [line for line in due["lines"] if line["halley_deposit_session_id"]]
        self.assertEqual(deposit_line, [{
            "product_id": self.product.id, "qty": 1, "price_unit": -100.0,
            "name": "Deposit paid: T Rejuran Skin Healer, 24 Nov 2026",
            "halley_session_id": False, "halley_deposit_session_id": session.id,
        }])
        pos_session = self._open_counter()
        order = self._sync([self._ui_order(pos_session, [
            self._ui_line(session.treatment_product_id, session=session),
            self._ui_line(self.product, price=-100.0, halley_deposit_session_id=session.id),
        ], partner=self.patient)])
        invoice = order.account_move
        self.assertEqual((invoice.state, invoice.amount_total), ("posted", 250.0))
        line = invoice.invoice_line_ids.filtered("halley_deposit_session_id")
        self.assertEqual((line.halley_deposit_session_id, line.account_id, line.price_subtotal),
                         (session, self.deposits, -100.0))
        session.invalidate_recordset()
        self.assertEqual(session.halley_deposit_state, "applied")
        self.assertEqual(self.patient.with_user(self.billing).halley_counter_due(self.counter.id)["lines"], [])
        # Not a second time, at the counter ...
        other = self._run(self._session(protocol=self.protocol_trio))
        self.assertCounterRefuses("The deposit of .* is Applied: a deposit is applied once", [self._ui_order(
            pos_session, [
                self._ui_line(other.treatment_product_id, session=other),
                self._ui_line(self.product, price=-100.0, halley_deposit_session_id=session.id),
            ], partner=self.patient,
        )])

    def test_counter_refuses_an_unpaid_or_foreign_deposit(self):
        session = self._session(start=NOW + relativedelta(days=2))
        session.with_user(self.practitioner).action_confirm()
        visit = self._run(self._session(protocol=self.protocol_trio))
        pos_session = self._open_counter()
        self.assertCounterRefuses("is Requested: a deposit is applied once, once paid", [self._ui_order(
            pos_session, [
                self._ui_line(visit.treatment_product_id, session=visit),
                self._ui_line(self.product, price=-100.0, halley_deposit_session_id=session.id),
            ], partner=self.patient,
        )])
        paid = self._paid_deposit_session(start=NOW + relativedelta(days=3))
        other_visit = self._run(self._session(protocol=self.protocol_trio, patient=self.patient_2))
        self.assertCounterRefuses("applied to its own patient's bill", [self._ui_order(
            pos_session, [
                self._ui_line(other_visit.treatment_product_id, session=other_visit),
                self._ui_line(self.product, price=-100.0, halley_deposit_session_id=paid.id),
            ], partner=self.patient_2,
        )])
