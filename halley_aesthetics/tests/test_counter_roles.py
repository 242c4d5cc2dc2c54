from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import NOW
from .counter_common import HalleyCounterCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestCounterRoles(HalleyCounterCommon):
    """Who runs the counter (issue 23): billing sells, the manager manages the Point
    of Sale, practitioners never read the counter's orders or payments; company walls
    hold; a cashier outside the clinic groups sees the POS as without the addon."""

    def test_billing_runs_the_counter_and_the_manager_manages_it(self):
        self.assertTrue(self.billing.has_group("point_of_sale.group_pos_user"))
        self.assertFalse(self.billing.has_group("point_of_sale.group_pos_manager"))
        self.assertTrue(self.manager.has_group("point_of_sale.group_pos_manager"))
        self.assertFalse(self.practitioner.has_group("point_of_sale.group_pos_user"))
        pos_session = self._open_counter(self.billing)
        self.assertEqual(pos_session.state, "opened")
        order = self._sync([self._ui_order(pos_session, [self._ui_line(self.cream)])])
        self.assertEqual(order.state, "paid")

    def test_practitioners_never_read_counter_money(self):
        pos_session = self._open_counter()
        session = self._run(self._session())
        order = self._sync([self._ui_order(
            pos_session, [self._ui_line(session.treatment_product_id, session=session)], partner=self.patient)])
        for records in (order, order.payment_ids, order.lines, order.account_move.sudo().matched_payment_ids,
                        self.env["account.payment"].search([], limit=1)):
            if not records:
                continue
            with self.subTest(model=records._name), self.assertRaises(AccessError):
                records.with_user(self.practitioner).read(["display_name"])
        for model in ("pos.order", "pos.payment", "account.payment"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.practitioner).search([])
        # What she bought they do see, as products on her contact.
        self.assertEqual(
            self.patient.with_user(self.practitioner).halley_counter_product_ids, session.treatment_product_id)

    def test_session_of_another_company_is_refused(self):
        self._setup_second_company()
        protocol_b = self._protocol("B Rejuran Skin Healer", "injectable", [(self.needle, 1)], company=self.company_b)
        protocol_b.product_id.lst_price = 350.0
        needle_stock = self.env["stock.quant"].with_company(self.company_b).with_context(inventory_mode=True)
        needle_stock.create({"product_id": self.needle.id, "location_id": self.room_in_b.id,
                             "inventory_quantity": 10}).action_apply_inventory()
        Session = self.env["halley.treatment.session"].with_user(self.manager_b).with_company(self.company_b)
        session_b = Session.create({
            "patient_id": self.patient.id, "protocol_id": protocol_b.id, "room_id": self.room_in_b.id,
            "practitioner_id": self.manager_b.id, "scheduled_start": NOW,
        })
        self._sign(session_b, user=self.manager_b)
        self._run(session_b, user=self.manager_b)
        self.assertEqual(session_b.invoice_status, "to_invoice")
        pos_session = self._open_counter()
        self.assertCounterRefuses(
            "given in Halley Orchard \\(B\\): charge it at that company's counter",
            [self._ui_order(pos_session, [self._ui_line(protocol_b.product_id, session=session_b)],
                            partner=self.patient)],
        )

    def test_cashier_outside_the_clinic_sees_no_change(self):
        cashier = new_test_user(self.env, login="t_cashier", groups="base.group_user,point_of_sale.group_pos_user")
        sunscreen = self.env["product.product"].create(
            {"name": "T Tote bag", "is_storable": True, "available_in_pos": True, "lst_price": 12.0,
             "taxes_id": [Command.clear()]})
        self._set_stock(self.shelf, [(sunscreen, 3, None)])
        pos_session = self._open_counter(cashier)
        order = self._sync([self._ui_order(pos_session, [self._ui_line(sunscreen)])], user=cashier)
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.account_move)
        # The clinic's purchases on a contact are no field of hers.
        self.assertNotIn("halley_counter_product_ids", self.env["res.partner"].with_user(cashier).fields_get())
