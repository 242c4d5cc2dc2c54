from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import NOW, HalleyCommon, sign_consent


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestSecurity(HalleyCommon):
    def test_practitioner_runs_a_session_end_to_end(self):
        Session = self.env["halley.treatment.session"].with_user(self.practitioner)
        form = Form(Session)
        form.patient_id = self.patient
        form.protocol_id = self.protocol_rejuran
        form.room_id = self.room
        form.scheduled_start = NOW
        session = form.save()
        self.assertEqual(session.practitioner_id, self.practitioner)
        sign_consent(session)
        session.action_confirm()
        session.action_start()
        self.assertIs(session.action_done(), True)
        self.assertEqual(session.state, "done")
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 2)

    def test_billing_reads_but_cannot_change_sessions(self):
        session = self._session()
        session.action_confirm()
        as_billing = session.with_user(self.billing)
        self.assertEqual(as_billing.patient_id, self.patient)
        self.assertTrue(as_billing.move_ids.mapped("product_id"))
        with self.assertRaises(AccessError):
            as_billing.write({"notes": "<p>changed</p>"})
        with self.assertRaises(AccessError):
            self.env["halley.treatment.session"].with_user(self.billing).create(
                {
                    "patient_id": self.patient.id,
                    "protocol_id": self.protocol_rejuran.id,
                    "room_id": self.room.id,
                }
            )
        with self.assertRaises(AccessError):
            as_billing.action_start()

    def test_only_managers_change_protocols(self):
        with self.assertRaises(AccessError):
            self.protocol_rejuran.with_user(self.practitioner).write({"procedure_minutes": 5})
        self.protocol_rejuran.with_user(self.manager).write({"procedure_minutes": 25})
        self.assertEqual(self.protocol_rejuran.session_minutes, 55)
        with self.assertRaises(AccessError):
            self.room.with_user(self.practitioner).write({"name": "Renamed"})

    def test_manager_sets_up_a_room_and_protocol(self):
        room = self.env["stock.location"].with_user(self.manager).create(
            {"name": "Room M", "location_id": self.stock_location.id, "is_treatment_room": True}
        )
        treatment = self.env["product.product"].with_user(self.manager).create(
            {"name": "M treatment", "type": "consu", "clinic_role": "treatment"}
        )
        protocol = self.env["mrp.bom"].with_user(self.manager).create(
            {
                "product_tmpl_id": treatment.product_tmpl_id.id,
                "type": "phantom",
                "is_treatment_protocol": True,
                "consent_text": "<p>I agree to a needling treatment.</p>",
                "bom_line_ids": [Command.create({"product_id": self.needle.id, "product_qty": 2})],
            }
        )
        self._set_stock(room, [(self.needle, 10, None)])
        session = self._session(protocol=protocol, room=room, user=self.manager)
        session.action_confirm()
        session.action_start()
        session.action_done()
        self.assertEqual(self.on_hand(self.needle, room), 8)

    def test_users_outside_the_clinic_see_no_session(self):
        stranger = new_test_user(self.env, login="t_stranger", groups="base.group_user")
        self._session()
        with self.assertRaises(AccessError):
            self.env["halley.treatment.session"].with_user(stranger).search([])

    def test_practitioner_cannot_touch_other_transfers(self):
        with self.assertRaises(AccessError):
            self.env["stock.picking"].with_user(self.practitioner).create(
                {"picking_type_id": self.warehouse.out_type_id.id}
            )


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestMultiCompany(HalleyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_second_company()

    def test_room_of_another_company_is_refused(self):
        with self.assertRaises(UserError):
            self._session(room=self.room_in_b)

    def test_second_company_has_its_own_consumption_and_sessions(self):
        protocol_b = self._protocol("B Needles only", "injectable", [(self.needle, 3)], company=self.company_b)
        self.env["stock.quant"].with_company(self.company_b).with_context(inventory_mode=True).create(
            {"product_id": self.needle.id, "location_id": self.room_in_b.id, "inventory_quantity": 30}
        ).action_apply_inventory()
        session = (
            self.env["halley.treatment.session"]
            .with_user(self.manager_b)
            .with_company(self.company_b)
            .create(
                {
                    "patient_id": self.patient.id,
                    "protocol_id": protocol_b.id,
                    "room_id": self.room_in_b.id,
                    "scheduled_start": NOW,
                }
            )
        )
        sign_consent(session)
        self.assertEqual(session.company_id, self.company_b)
        session.action_confirm()
        session.action_start()
        session.action_done()
        picking_type = session.picking_id.picking_type_id
        self.assertEqual(picking_type.company_id, self.company_b)
        self.assertEqual(picking_type, self.warehouse_b.halley_consumption_type_id)
        self.assertNotEqual(picking_type, self.warehouse.halley_consumption_type_id)
        self.assertEqual(self.on_hand(self.needle, self.room_in_b), 27)
        # company A's users do not see company B's sessions
        self.assertFalse(
            self.env["halley.treatment.session"].with_user(self.manager_a).search([("id", "=", session.id)])
        )
        self.assertTrue(
            self.env["halley.treatment.session"].with_user(self.manager_b).search([("id", "=", session.id)])
        )
