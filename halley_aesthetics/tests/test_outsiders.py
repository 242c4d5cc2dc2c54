"""Installing the addon changes nothing for the people of the same Odoo outside
the clinic: an accountant, a warehouse clerk, a manufacturing user. (Odoo's own
suites check the rest: `make test-core`.)"""

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import NOW, HalleyPackageCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestOutsiders(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(cls.env, login="t_accountant", groups="account.group_account_manager")
        cls.clerk = new_test_user(cls.env, login="t_clerk", groups="stock.group_stock_user")
        cls.maker = new_test_user(cls.env, login="t_maker", groups="mrp.group_mrp_user")

    def _clinic_invoice(self):
        """An invoice billing made: a package and a session, posted."""
        session = self._run(self._session())
        invoice = self.env["account.move"].with_user(self.billing).create(
            {
                "move_type": "out_invoice",
                "partner_id": self.patient.id,
                "invoice_date": NOW.date(),
                "invoice_line_ids": [
                    Command.create({"product_id": self.trio_course.id}),
                    Command.create({"product_id": session.treatment_product_id.id,
                                    "treatment_session_id": session.id}),
                ],
            }
        )
        invoice.action_post()
        return invoice

    def test_accountant_works_with_clinic_invoices_as_with_any(self):
        invoice = self._clinic_invoice().with_user(self.accountant)
        arch = invoice.get_views([(False, "form")])["views"]["form"]["arch"]
        for field in ("patient_package_ids", "halley_refunded_package_ids", "treatment_session_id"):
            self.assertNotIn(f'name="{field}"', arch)
        with Form(invoice) as form:
            self.assertEqual(len(form.invoice_line_ids), 2)
        rows = self.env["account.move.line"].with_user(self.accountant).search_read(
            [("move_id", "=", invoice.id), ("display_type", "=", "product")],
            ["name", "price_unit", "treatment_session_id", "halley_package_id"],
        )
        self.assertEqual(len(rows), 2)
        # Reverse it (a credit note cancelling the package), then reset and repost it.
        refund = self._credit_note(invoice, user=self.accountant)
        package = invoice.sudo().invoice_line_ids.patient_package_ids
        self.assertEqual(package.state, "refunded")
        self.assertEqual(package.refund_id, refund)

    def test_accountant_resets_and_reverses_any_entry(self):
        Move = self.env["account.move"].with_user(self.accountant)
        invoice = Move.create(
            {"move_type": "out_invoice", "partner_id": self.patient.id, "invoice_date": NOW.date(),
             "invoice_line_ids": [Command.create({"name": "Consulting", "price_unit": 100.0})]}
        )
        invoice.action_post()
        invoice.button_draft()
        invoice.action_post()
        bill = Move.create(
            {"move_type": "in_invoice", "partner_id": self.patient.id, "invoice_date": NOW.date(),
             "invoice_line_ids": [Command.create({"name": "Gloves", "price_unit": 30.0})]}
        )
        bill.action_post()
        refund = self._credit_note(bill, user=self.accountant)
        self.assertEqual((refund.state, refund.reversed_entry_id), ("posted", bill))
        entry = Move.create(
            {"move_type": "entry", "date": NOW.date(), "line_ids": [
                Command.create({"name": "Accrual", "account_id": self.revenue_account.id, "balance": 50.0}),
                Command.create({"name": "Accrual", "account_id": self.deferred_account.id, "balance": -50.0}),
            ]}
        )
        entry.action_post()
        reversal = entry._reverse_moves(cancel=True)
        self.assertEqual(reversal.state, "posted")

    def test_session_names_stay_references_outside_the_clinic(self):
        """A stock move of a session, read by a warehouse clerk or an accountant,
        names the session by its reference, not by its patient and treatment."""
        session = self._run(self._session())
        move = session.move_ids[:1]
        line = move.move_line_ids[:1]
        for user in (self.clerk, self.accountant):
            with self.subTest(user=user.login):
                self.assertEqual(move.with_user(user).read(["treatment_session_id"])[0]["treatment_session_id"],
                                 (session.id, session.name))
                self.assertEqual(line.with_user(user).read(["treatment_session_id"])[0]["treatment_session_id"],
                                 (session.id, session.name))
        words = f"{self.patient.name} · {session.protocol_id.clinic_name}"
        self.assertEqual(move.with_user(self.practitioner).read(["treatment_session_id"])[0]["treatment_session_id"],
                         (session.id, words))

    def test_contacts_boms_and_locations_read_as_before(self):
        for user in (self.accountant, self.clerk, self.maker):
            with self.subTest(user=user.login):
                self.assertTrue(self.patient.with_user(user).read())
                arch = self.env["res.partner"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
                self.assertNotIn("is_patient", arch)
                self.assertNotIn("halley", arch)
        self.assertTrue(self.room.with_user(self.accountant).read())
        bom = self.protocol_rejuran.with_user(self.maker)
        self.assertTrue(bom.read())
        arch = bom.get_views([(False, "form")])["views"]["form"]["arch"]
        for field in ("is_treatment_protocol", "screening_question_ids", "aftercare_instructions"):
            self.assertNotIn(field, arch)
        form = Form(bom)  # she opens it as before (Manufacturing users do not edit BoMs)
        self.assertEqual(form.product_qty, 1)

    def test_a_clerk_cannot_take_a_move_from_its_session(self):
        """Inventory users edit moves; which session a move belongs to (what a lot
        recall finds the patient by) is not theirs to change."""
        session = self._run(self._session())
        vial_move = self.move_of(session, self.rejuran).with_user(self.clerk)
        for vals in ({"treatment_session_id": False}, {"protocol_quantity": 5}):
            # A completed session's moves: frozen, whatever the field.
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "kept as it was recorded"):
                vial_move.write(vals)
        recall = self.env["halley.lot.recall"].with_user(self.manager).create({"lot_id": self.lot_rj_early.id})
        rows = self.env["halley.lot.recall.patient"].with_user(self.manager).search(
            recall.action_find_patients()["domain"]
        )
        self.assertEqual(rows.patient_id, session.patient_id)

    def test_an_accountant_duplicates_a_patient_contact(self):
        """Odoo's generic tools read every stored field of a contact."""
        bookkeeper = new_test_user(
            self.env, login="t_bookkeeper", groups="account.group_account_manager,base.group_partner_manager"
        )
        copy = self.patient.with_user(bookkeeper).copy()
        self.assertEqual(copy.name, "T Patient Grace (copy)")

    def test_other_products_reorder_as_odoo_does(self):
        """Expired lots are not taken off the forecast of products outside the clinic."""
        product = self.env["product.product"].create(
            {"name": "T Paint", "is_storable": True, "tracking": "lot", "use_expiration_date": True}
        )
        lot = self.env["stock.lot"].create(
            {"name": "PAINT-OLD", "product_id": product.id, "expiration_date": NOW - relativedelta(days=1)}
        )
        self._set_stock(self.stock_location, [(product, 10, lot)])
        rule = self.env["stock.warehouse.orderpoint"].create(
            {"product_id": product.id, "location_id": self.stock_location.id, "product_min_qty": 5,
             "product_max_qty": 20, "trigger": "manual"}
        ).with_user(self.clerk)
        self.assertEqual(rule.qty_forecast, 10)
        self.assertEqual(rule.qty_to_order, 0)
        self.assertEqual(rule.halley_expired_qty, 0)
