from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import NOW, HalleyPackageCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestDeposit(HalleyPackageCommon):
    """Deposits at booking (issue 23): requested once at confirmation, paid online,
    applied once at checkout, forfeited on a no-show or a late cancellation,
    refunded or kept as credit on a timely one; read from the documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.protocol_rejuran.write({"halley_deposit_type": "fixed", "halley_deposit_amount": 100.0})
        cls.protocol_ha.write({"halley_deposit_type": "percent", "halley_deposit_percent": 20.0})
        cls.company.write({
            "halley_deposit_scope": "new", "halley_deposit_notice_hours": 24,
            "halley_deposit_late_policy": "forfeit", "halley_deposit_timely_policy": "refund",
        })
        cls.deposits, cls.fees = cls.company._halley_get_deposit_accounts()
        cls.product = cls.env.ref("halley_aesthetics.product_treatment_deposit")
        cls.patient.email = "grace@example.com"

    # ------------------------------------------------------------------ helpers

    def _book(self, protocol=None, start=None, patient=None):
        session = self._session(protocol=protocol, start=start, patient=patient)
        session.with_user(self.practitioner).action_confirm()
        return session

    def _deposit_invoice(self, session):
        return self.env["account.move"].search(
            [("halley_deposit_session_id", "=", session.id), ("move_type", "=", "out_invoice")]
        )

    def _pay(self, invoice, user=None):
        self.env["account.payment.register"].with_user(user or self.billing).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": NOW.date()}).action_create_payments()

    def _balance(self, account, patient=None):
        """Posted balance of ``account`` for the patient (credit negative)."""
        lines = self.env["account.move.line"].search([
            ("account_id", "=", account.id), ("parent_state", "=", "posted"),
            ("partner_id", "=", (patient or self.patient).id),
        ])
        return round(sum(lines.mapped("balance")), 2)

    def _state(self, session):
        session.invalidate_recordset()
        return session.with_user(self.practitioner).halley_deposit_state

    # ------------------------------------------------------------------ request

    def test_confirming_requests_the_deposit_once(self):
        session = self._book()
        invoice = self._deposit_invoice(session)
        self.assertEqual(len(invoice), 1)
        self.assertEqual((invoice.state, invoice.amount_total, invoice.partner_id), ("posted", 100.0, self.patient))
        self.assertEqual(invoice.invoice_line_ids.product_id, self.product)
        self.assertEqual(invoice.invoice_line_ids.account_id, self.deposits)
        self.assertEqual(self._balance(self.deposits), -100.0, "what she owes is held for her, not earned")
        self.assertEqual(self._state(session), "requested")
        self.assertEqual(session.halley_deposit_amount, 100.0)
        self.assertIn("Deposit of", " ".join(session.message_ids.mapped("body")))
        # The email: the amount and the link to pay it in her portal.
        mail = self.env["mail.message"].search(
            [("model", "=", session._name), ("res_id", "=", session.id), ("body", "ilike", "pay your deposit online")]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.partner_ids, self.patient)
        self.assertIn("deposit of", mail.subject or mail.record_name)
        self.assertIn(invoice.get_portal_url().split("?")[0], mail.body)
        self.assertIn("100.00", mail.body)
        # Idempotent: confirming again, or resetting to draft and booking again.
        session.with_user(self.practitioner).action_confirm()
        session.with_user(self.practitioner).action_draft()
        session.with_user(self.practitioner).action_confirm()
        self.assertEqual(self._deposit_invoice(session), invoice)
        self.assertEqual(self._balance(self.deposits), -100.0)

    def test_percentage_new_patients_only_and_no_deposit_protocols(self):
        session = self._book(protocol=self.protocol_ha)
        self.assertEqual(self._deposit_invoice(session).amount_total, 56.0, "20 % of 280.00")
        none = self._book(protocol=self.protocol_trio)
        self.assertFalse(self._deposit_invoice(none))
        self.assertEqual(self._state(none), "none")
        # A patient with a completed session is not new: no deposit, unless every booking asks one.
        done = self._session(protocol=self.protocol_trio, patient=self.patient_2)
        self._run(done)
        regular = self._book(patient=self.patient_2)
        self.assertFalse(self._deposit_invoice(regular))
        self.company.halley_deposit_scope = "always"
        again = self._book(patient=self.patient_2)
        self.assertEqual(self._deposit_invoice(again).amount_total, 100.0)

    def test_protocol_deposit_must_make_sense(self):
        # Out-of-bounds numbers are refused before anything is written.
        with self.assertRaisesRegex(UserError, r"A deposit is a percentage from 0 to 100 \(not 120"):
            self.protocol_trio.write({"halley_deposit_type": "percent", "halley_deposit_percent": 120.0})
        with self.assertRaisesRegex(UserError, "A deposit is an amount from 0 to 1,000,000"):
            self.protocol_trio.write({"halley_deposit_amount": -5.0})
        self.assertEqual((self.protocol_trio.halley_deposit_type, self.protocol_trio.halley_deposit_amount),
                         ("none", 0.0))
        with self.assertRaisesRegex(UserError, "give an amount above zero"), self.env.cr.savepoint():
            self.protocol_trio.write({"halley_deposit_type": "fixed", "halley_deposit_amount": 0.0})
        with self.assertRaisesRegex(UserError, "give a percentage above 0 and at most 100"), self.env.cr.savepoint():
            self.protocol_trio.write({"halley_deposit_type": "percent", "halley_deposit_percent": 0.0})

    # ------------------------------------------------------------------ checkout

    def test_paid_deposit_applied_once_at_checkout(self):
        session = self._book()
        invoice = self._deposit_invoice(session)
        self._pay(invoice)
        self.assertEqual(self._state(session), "paid")
        self.assertEqual(session.halley_deposit_paid, 100.0)
        self._run(session)
        action = session.with_user(self.billing).action_create_invoices()
        checkout = self.env["account.move"].browse(action["res_id"])
        line = checkout.invoice_line_ids.filtered("halley_deposit_session_id")
        self.assertEqual((line.product_id, line.price_subtotal, line.halley_deposit_session_id),
                         (self.product, -100.0, session))
        checkout.with_user(self.billing).action_post()
        self.assertEqual(checkout.amount_total, 250.0, "350.00 less the 100.00 deposit")
        self.assertEqual(self._state(session), "applied")
        self.assertEqual(self._balance(self.deposits), 0.0)
        # Applied once: a hand-made invoice deducting it again is refused.
        other = self.env["account.move"].with_user(self.billing).create({
            "move_type": "out_invoice", "partner_id": self.patient.id, "invoice_date": NOW.date(),
            "invoice_line_ids": [
                Command.create({"product_id": self.protocol_ha.product_id.id, "quantity": 1}),
                Command.create({**session._halley_deposit_apply_vals(100.0)}),
            ],
        })
        with self.assertRaisesRegex(UserError, "cannot apply the deposit of .*: it is Applied. A deposit is applied once"):
            other.with_user(self.billing).action_post()
        # Nor refunded once applied.
        with self.assertRaisesRegex(UserError, "was Applied: it cannot be refunded as well"):
            self._credit_note(invoice)
        self.assertEqual(self._balance(self.deposits), 0.0)

    def test_unpaid_or_foreign_deposit_is_not_deducted(self):
        session = self._book()
        other = self._session(protocol=self.protocol_trio)
        self._run(other)
        checkout = self.env["account.move"].with_user(self.billing).create({
            "move_type": "out_invoice", "partner_id": self.patient.id, "invoice_date": NOW.date(),
            "invoice_line_ids": [
                Command.create({"product_id": self.protocol_trio.product_id.id, "quantity": 1}),
                Command.create(session._halley_deposit_apply_vals(100.0)),
            ],
        })
        with self.assertRaisesRegex(UserError, "it is Requested. A deposit is applied once, once paid"):
            checkout.action_post()
        self._pay(self._deposit_invoice(session))
        checkout.invoice_line_ids.filtered("halley_deposit_session_id").price_unit = -150.0
        with self.assertRaisesRegex(UserError, "but the patient paid .*100.00: a deposit is deducted up to what was paid"):
            checkout.action_post()
        stranger = self.env["account.move"].with_user(self.billing).create({
            "move_type": "out_invoice", "partner_id": self.patient_2.id, "invoice_date": NOW.date(),
            "invoice_line_ids": [
                Command.create({"product_id": self.protocol_trio.product_id.id, "quantity": 1}),
                Command.create(session._halley_deposit_apply_vals(100.0)),
            ],
        })
        with self.assertRaisesRegex(UserError, "a deposit is applied to its own patient's bill"):
            stranger.action_post()
        # The deposit product sold by hand (no session): refused in words.
        loose = self.env["account.move"].with_user(self.billing).create({
            "move_type": "out_invoice", "partner_id": self.patient.id, "invoice_date": NOW.date(),
            "invoice_line_ids": [Command.create({"product_id": self.product.id, "quantity": 1, "price_unit": 50})],
        })
        with self.assertRaisesRegex(UserError, "of the treatment deposit that is for no session"):
            loose.action_post()
        # Documents are not linked to a session by hand, even by a manager.
        with self.assertRaisesRegex(UserError, "not linked to a session by hand"):
            loose.with_user(self.manager).sudo().write({"halley_deposit_session_id": session.id})
        self.assertEqual(self._state(session), "paid")

    # ------------------------------------------------------------------ no-show, cancellation

    def test_no_show_forfeits_the_paid_deposit_as_a_fee(self):
        session = self._book(start=NOW - relativedelta(hours=2))
        self._pay(self._deposit_invoice(session))
        session.with_user(self.billing).action_no_show()
        self.assertEqual(self._state(session), "forfeited")
        self.assertEqual(self._balance(self.deposits), 0.0)
        self.assertEqual(self._balance(self.fees), -100.0, "a fee earned by the clinic")
        self.assertIn("forfeited as a fee (the patient did not come)", " ".join(session.message_ids.mapped("body")))
        with self.assertRaisesRegex(UserError, "was Forfeited: it cannot be refunded as well"):
            self._credit_note(self._deposit_invoice(session))

    def test_late_cancellation_forfeits_timely_one_refunds(self):
        late = self._book(start=NOW + relativedelta(hours=10))
        timely = self._book(start=NOW + relativedelta(days=3))
        self._pay(self._deposit_invoice(late))
        self._pay(self._deposit_invoice(timely))
        late.with_user(self.practitioner).action_cancel()
        timely.with_user(self.practitioner).action_cancel()
        self.assertEqual((self._state(late), self._state(timely)), ("forfeited", "refunded"))
        self.assertRegex(late.message_ids.mapped("body")[0], r"forfeited as a fee \(cancelled after 23/11/2026 19:00\)|forfeited as a fee \(cancelled after")
        refund = self.env["account.move"].search([("reversed_entry_id", "=", self._deposit_invoice(timely).id)])
        self.assertEqual((refund.state, refund.amount_total, refund.payment_state), ("posted", 100.0, "paid"))
        payment = refund.matched_payment_ids or self.env["account.payment"].search(
            [("partner_id", "=", self.patient.id), ("payment_type", "=", "outbound")])
        self.assertEqual((payment.payment_type, payment.amount), ("outbound", 100.0))
        self.assertEqual(self._balance(self.deposits), 0.0)
        self.assertEqual(self._balance(self.fees), -100.0)
        receivable = self.patient.property_account_receivable_id
        self.assertEqual(self._balance(receivable), 0.0)
        self.assertIn("refunded", timely.message_ids.mapped("body")[0])
        # A refund never exceeds what was paid: a second credit note of it is refused.
        with self.assertRaisesRegex(UserError, "a refund never exceeds what was paid"):
            self._credit_note(self._deposit_invoice(timely))

    def test_kept_as_credit_then_applied_at_her_next_checkout(self):
        self.company.halley_deposit_timely_policy = "credit"
        cancelled = self._book(start=NOW + relativedelta(days=3))
        self._pay(self._deposit_invoice(cancelled))
        cancelled.with_user(self.practitioner).action_cancel()
        self.assertEqual(self._state(cancelled), "credit")
        self.assertIn("kept as credit", cancelled.message_ids.mapped("body")[0])
        self.assertEqual(self._balance(self.deposits), -100.0, "still held for her")
        visit = self._session(protocol=self.protocol_trio)
        self._run(visit)
        action = visit.with_user(self.billing).action_create_invoices()
        checkout = self.env["account.move"].browse(action["res_id"])
        checkout.action_post()
        self.assertEqual(checkout.amount_total, 460.0, "560.00 less her 100.00 credit")
        self.assertEqual(self._state(cancelled), "applied")
        self.assertEqual(self._balance(self.deposits), 0.0)

    def test_unpaid_deposit_is_cancelled_with_its_session(self):
        session = self._book(start=NOW + relativedelta(hours=5))
        invoice = self._deposit_invoice(session)
        session.with_user(self.practitioner).action_cancel()
        self.assertEqual(invoice.state, "cancel")
        self.assertEqual(self._state(session), "cancelled")
        self.assertEqual(self._balance(self.deposits), 0.0)
        self.assertIn("was not paid: cancelled with the session", session.message_ids.mapped("body")[0])

    # ------------------------------------------------------------------ roles

    def test_practitioner_cannot_read_deposit_documents(self):
        session = self._book()
        invoice = self._deposit_invoice(session)
        self._pay(invoice)
        with self.assertRaises(AccessError):
            invoice.with_user(self.practitioner).check_access("read")
        with self.assertRaises(AccessError):
            self.env["account.payment"].with_user(self.practitioner).search([])
        with self.assertRaises(AccessError):
            session.with_user(self.practitioner).read(["halley_deposit_move_ids"])
        # She reads her state, in words.
        self.assertEqual(self._state(session), "paid")
        self.assertEqual(session.with_user(self.billing).halley_deposit_move_ids, invoice)

    def test_patient_sees_only_her_own_deposits(self):
        mine = self._book()
        theirs = self._book(patient=self.patient_2)
        portal = self.env["res.users"].create({
            "name": "Grace portal", "login": "t_grace_portal", "partner_id": self.patient.id,
            "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
        })
        Move = self.env["account.move"].with_user(portal)
        self.assertEqual(Move.search([("move_type", "=", "out_invoice")]), self._deposit_invoice(mine))
        with self.assertRaises(AccessError):
            self._deposit_invoice(theirs).with_user(portal).check_access("read")
        deposit = mine.sudo()._halley_portal_deposit()
        self.assertEqual((deposit["state"], deposit["amount"], deposit["pay"]), ("Requested", self.company.currency_id.format(100.0), True))
