from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoClinic(TransactionCase):
    """The demo clinic that `make run` serves: every demo protocol runs a session
    in its room and the room's stock drops by lot."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("halley_aesthetics.bom_rejuran_demo", raise_if_not_found=False):
            self.skipTest("demo data not installed")

    def test_demo_session_was_completed_with_its_lots(self):
        session = self.env.ref("halley_aesthetics.session_grace_1_demo")
        self.assertEqual(session.state, "done")
        lots = session.used_line_ids.lot_id.mapped("name")
        self.assertIn("RJ24A017", lots, "the vial that expires first was used")

    def test_every_demo_protocol_runs_in_its_room(self):
        room_1 = self.env.ref("halley_aesthetics.room_1_demo")
        laser = self.env.ref("halley_aesthetics.room_laser_demo")
        patient = self.env.ref("halley_aesthetics.patient_wei_demo")
        for xmlid in ("bom_rejuran_demo", "bom_ha_demo", "bom_trio_demo",
                      "bom_rejuran_co2_demo", "bom_rejuran_fraxel_demo"):
            protocol = self.env.ref(f"halley_aesthetics.{xmlid}")
            room = laser if protocol.modality == "combined" else room_1
            with self.subTest(protocol=protocol.display_name):
                quants = self.env["stock.quant"].search([("location_id", "=", room.id)])
                before = {(q.product_id, q.lot_id): q.quantity for q in quants}
                session = self.env["halley.treatment.session"].create(
                    {"patient_id": patient.id, "protocol_id": protocol.id, "room_id": room.id}
                )
                session.action_confirm()
                session.action_start()
                self.assertIs(session.action_done(), True)
                self.assertEqual(session.move_ids.product_id, protocol.bom_line_ids.product_id)
                for line in session.used_line_ids:
                    quant = self.env["stock.quant"].search([
                        ("location_id", "=", room.id),
                        ("product_id", "=", line.product_id.id),
                        ("lot_id", "=", line.lot_id.id),
                    ])
                    self.assertAlmostEqual(
                        quant.quantity,
                        before[(line.product_id, line.lot_id)] - line.quantity,
                    )
