from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSessionUi(HttpCase):
    """A manager runs a Rejuran session end to end in a real browser."""

    def test_manager_runs_a_session_in_the_browser(self):
        env = self.env
        manager = env["res.users"].create(
            {
                "name": "Tour Manager",
                "login": "tour_manager",
                "password": "tour_manager",
                "groups_id": [Command.set([env.ref("halley_aesthetics.group_manager").id])],
            }
        )
        stock = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).lot_stock_id
        room = env["stock.location"].create(
            {
                "name": "Tour Room",
                "location_id": stock.id,
                "is_treatment_room": True,
                "removal_strategy_id": env.ref("product_expiry.removal_fefo").id,
            }
        )
        vial, cream = env["product.product"].create(
            [
                {
                    "name": "Tour Rejuran vial",
                    "is_storable": True,
                    "tracking": "lot",
                    "use_expiration_date": True,
                },
                {
                    "name": "Tour cream",
                    "is_storable": True,
                    "uom_id": env.ref("uom.product_uom_gram").id,
                    "uom_po_id": env.ref("halley_aesthetics.uom_tube_30g").id,
                },
            ]
        )
        early, late = env["stock.lot"].create(
            [
                {"name": "TOUR-EARLY", "product_id": vial.id, "expiration_date": "2099-01-01"},
                {"name": "TOUR-LATE", "product_id": vial.id, "expiration_date": "2099-06-01"},
            ]
        )
        quants = env["stock.quant"].with_context(inventory_mode=True).create(
            [
                {"product_id": vial.id, "lot_id": early.id, "location_id": room.id, "inventory_quantity": 2},
                {"product_id": vial.id, "lot_id": late.id, "location_id": room.id, "inventory_quantity": 2},
                {"product_id": cream.id, "location_id": room.id, "inventory_quantity": 30},
            ]
        )
        quants.action_apply_inventory()
        treatment = env["product.product"].create({"name": "Tour Rejuran", "type": "consu"})
        env["mrp.bom"].create(
            {
                "product_tmpl_id": treatment.product_tmpl_id.id,
                "type": "phantom",
                "is_treatment_protocol": True,
                "bom_line_ids": [
                    Command.create({"product_id": vial.id, "product_qty": 1}),
                    Command.create({"product_id": cream.id, "product_qty": 5}),
                ],
            }
        )
        patient = env["res.partner"].create({"name": "Tour Patient", "is_patient": True})

        self.start_tour("/odoo/action-halley_aesthetics.halley_treatment_session_action", "halley_session_tour", login=manager.login)

        session = env["halley.treatment.session"].search([("patient_id", "=", patient.id)])
        self.assertEqual(session.state, "done")
        self.assertEqual(session.deviation_reason, "Larger area treated")
        on_hand = {
            q.lot_id.name or q.product_id.name: q.quantity
            for q in env["stock.quant"].search([("location_id", "=", room.id)])
        }
        self.assertEqual(on_hand, {"TOUR-EARLY": 1, "TOUR-LATE": 2, "Tour cream": 23})
