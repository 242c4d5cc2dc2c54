from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestRecallUi(HttpCase):
    """A manager types a recalled lot number and notifies, in one screen, every
    patient who received it."""

    def test_manager_recalls_a_lot_in_the_browser(self):
        env = self.env
        manager = env["res.users"].create(
            {
                "name": "Recall Manager",
                "login": "recall_manager",
                "password": "recall_manager",
                "email": "manager@example.com",
                "groups_id": [Command.set([env.ref("halley_aesthetics.group_manager").id])],
            }
        )
        stock = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).lot_stock_id
        room = env["stock.location"].create(
            {"name": "Recall Room", "location_id": stock.id, "is_treatment_room": True}
        )
        vial = env["product.product"].create(
            {"name": "Recall Rejuran vial", "is_storable": True, "tracking": "lot"}
        )
        recalled, other = env["stock.lot"].create(
            [
                {"name": "TOUR-RECALL-1", "product_id": vial.id},
                {"name": "TOUR-SAFE-2", "product_id": vial.id},
            ]
        )
        env["stock.quant"].with_context(inventory_mode=True).create(
            [
                {"product_id": vial.id, "lot_id": recalled.id, "location_id": room.id, "inventory_quantity": 2},
                {"product_id": vial.id, "lot_id": other.id, "location_id": room.id, "inventory_quantity": 5},
            ]
        ).action_apply_inventory()
        treatment = env["product.product"].create({"name": "Recall Rejuran", "type": "consu"})
        protocol = env["mrp.bom"].create(
            {
                "product_tmpl_id": treatment.product_tmpl_id.id,
                "type": "phantom",
                "is_treatment_protocol": True,
                "bom_line_ids": [Command.create({"product_id": vial.id, "product_qty": 1})],
            }
        )
        patients = env["res.partner"].create(
            [
                {"name": "Recall Patient One", "email": "one@example.com", "is_patient": True},
                {"name": "Recall Patient Two", "email": "two@example.com", "is_patient": True},
                {"name": "Recall Patient Three", "email": "three@example.com", "is_patient": True},
            ]
        )
        for patient in patients:
            session = env["halley.treatment.session"].create(
                {
                    "patient_id": patient.id,
                    "protocol_id": protocol.id,
                    "room_id": room.id,
                    "consent_ids": [Command.create({"procedure": True})],
                }
            )
            session.action_confirm()
            session.action_start()  # first expiry first: the recalled lot, then the other
            session.action_done()

        self.start_tour("/odoo/action-halley_aesthetics.halley_treatment_session_action", "halley_recall_tour",
                        login=manager.login)

        notices = env["halley.recall.notice"].search([("lot_id", "=", recalled.id)])
        self.assertEqual(notices.patient_id, patients[:2])
        self.assertEqual(set(notices.mapped("user_id")), {manager})
        self.assertIn("TOUR-RECALL-1", patients[0].message_ids[0].body)
