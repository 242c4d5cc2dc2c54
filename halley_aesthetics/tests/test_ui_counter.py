from odoo import fields
from odoo.tests import tagged

from .common import HalleyUiCase, demo_open_day, sign_consent


@tagged("post_install", "-at_install")
class TestCounterCheckoutUi(HalleyUiCase):
    """Billing checks a patient out at the demo clinic's counter (Odoo's Point of Sale,
    issue 23) on a desk-sized screen: her treatment of the day is due when she is
    picked, she buys a Baby Skin Trio course and her aftercare cream, pays half by
    PayNow QR and half by card; the receipt names her and is emailed to her. Then the
    order is paid and invoiced, the session "Invoiced", the course her package, the
    cream gone from the retail shelf."""

    browser_size = "1280x800"
    browser_timezone = "Asia/Singapore"

    def test_billing_checks_a_patient_out_at_the_counter(self):
        env = self.env
        ref = env.ref
        counter = ref("halley_aesthetics.pos_config_counter_demo")
        patient = ref("halley_aesthetics.patient_aisha_demo")
        course = ref("halley_aesthetics.product_package_trio_demo")
        cream = ref("halley_aesthetics.product_recovery_cream_retail_demo")
        paynow = ref("halley_aesthetics.pos_payment_method_paynow_demo")
        card = ref("halley_aesthetics.pos_payment_method_card_demo")
        billing = self._user("tour_counter_billing", "halley_aesthetics.group_billing", email="counter@halley.example.com")

        # Her Rejuran session of today (17:00 in Singapore, or the next open day), done
        # and paid per session: the counter charges it.
        session = env["halley.treatment.session"].create({
            "patient_id": patient.id,
            "protocol_id": ref("halley_aesthetics.bom_rejuran_demo").id,
            "room_id": ref("halley_aesthetics.room_1_demo").id,
            "practitioner_id": ref("halley_aesthetics.user_doctor_demo").id,
            "scheduled_start": demo_open_day(fields.Datetime.now(), hour=17),
        })
        sign_consent(session)
        session.screening_ids.answer = "no"
        session.action_confirm()
        session.action_start()
        session.action_done()
        self.assertEqual(session.invoice_status, "to_invoice")

        shelf = counter.picking_type_id.default_location_src_id
        lot = env["stock.lot"].search([("product_id", "=", cream.id), ("name", "=", "RC25H031")])
        on_shelf = self._on_hand(cream, shelf, lot)
        self.assertGreater(on_shelf, 0, "the demo's cream is on the retail shelf")

        counter.with_user(billing).open_ui()
        # One static request first: the server reads the addons' manifests once, not in
        # the browser's parallel requests (Python 3.11 can fail parsing them in several
        # threads at once: "AST constructor recursion depth mismatch").
        self.url_open("/web/static/img/spin.svg")
        self.start_tour(f"/pos/ui?config_id={counter.id}", "halley_counter_checkout", login=billing.login,
                        timeout=300)

        order = env["pos.order"].search(
            [("partner_id", "=", patient.id), ("config_id", "=", counter.id)], order="id desc", limit=1
        )
        self.assertTrue(order, "the counter's order was saved")
        self.assertIn(order.state, ("paid", "done", "invoiced"))
        self.assertAlmostEqual(order.amount_paid, order.amount_total, places=2)
        self.assertEqual(
            sorted(order.payment_ids.mapped("payment_method_id").ids), sorted((paynow | card).ids),
            "paid by PayNow QR and by card",
        )
        by_paynow = sum(order.payment_ids.filtered(lambda p: p.payment_method_id == paynow).mapped("amount"))
        self.assertAlmostEqual(by_paynow, order.amount_total / 2, delta=0.01, msg="half by PayNow")

        session_line = order.lines.filtered(lambda line: line.halley_session_id == session)
        self.assertEqual(len(session_line), 1, "one line charges her session")
        self.assertEqual(session_line.qty, 1)
        self.assertIn("Rejuran Skin Healer", session_line.full_product_name)
        self.assertIn("Dr. Rachel Tan", session_line.full_product_name)

        invoice = order.account_move
        self.assertTrue(invoice, "an order with a session and a course is invoiced")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.partner_id, patient)
        self.assertEqual(session.invoice_status, "invoiced")
        self.assertEqual(session.invoice_line_ids.move_id, invoice)

        package = env["halley.patient.package"].search([("patient_id", "=", patient.id), ("product_id", "=", course.id)])
        self.assertEqual(len(package), 1, "the course became her package")
        self.assertEqual(package.invoice_id, invoice)
        self.assertEqual(package.sessions_remaining, 3)

        self.assertEqual(order.lines.filtered(lambda line: line.product_id == cream).qty, 1)
        moved = order.picking_ids.move_line_ids.filtered(lambda line: line.product_id == cream)
        self.assertEqual(moved.mapped("state"), ["done"], "the counter's delivery is done")
        self.assertEqual(moved.location_id, shelf)
        self.assertAlmostEqual(self._on_hand(cream, shelf, lot), on_shelf - 1, msg="the cream left the retail shelf")

        receipt_mail = env["mail.mail"].search([("email_to", "=", patient.email), ("subject", "ilike", order.name)])
        self.assertTrue(receipt_mail, "the receipt was emailed to her address")

    def _on_hand(self, product, location, lot):
        quants = self.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "=", location.id), ("lot_id", "=", lot.id)]
        )
        return sum(quants.mapped("quantity"))
