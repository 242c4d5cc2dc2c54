from odoo.tests import tagged

from .common import HalleyUiCase


@tagged("post_install", "-at_install")
class TestSessionUi(HalleyUiCase):
    """A manager runs a Rejuran session end to end in a real browser."""

    def test_manager_runs_a_session_in_the_browser(self):
        env = self.env
        manager = self._user("tour_manager", "halley_aesthetics.group_manager")
        room = self._room("Tour Room", removal_strategy_id=env.ref("product_expiry.removal_fefo").id)
        vial, cream = env["product.product"].create(
            [
                {
                    "name": "Tour Rejuran vial",
                    # Searched by the staff, never shown on the session (the tour checks it).
                    "default_code": "TOUR-RJ-2",
                    "is_storable": True,
                    "tracking": "lot",
                    "use_expiration_date": True,
                },
                {
                    "name": "Tour cream",
                    "is_storable": True,
                    "uom_id": env.ref("uom.product_uom_gram").id,
                    "uom_po_id": env.ref("uom.product_uom_kgm").id,
                },
            ]
        )
        early, late = env["stock.lot"].create(
            [
                {"name": "TOUR-EARLY", "product_id": vial.id, "expiration_date": "2099-01-01"},
                {"name": "TOUR-LATE", "product_id": vial.id, "expiration_date": "2099-06-01"},
            ]
        )
        self._count_in(room, [(vial, 2, early), (vial, 2, late), (cream, 30, None)])
        self._protocol("Tour Rejuran", [(vial, 1), (cream, 5)])
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
