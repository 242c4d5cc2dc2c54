from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import HalleyUiCase, sign_consent


@tagged("post_install", "-at_install")
class TestRecallUi(HalleyUiCase):
    """A manager types a recalled lot number, finds every patient who received
    it and notifies them."""

    def test_manager_recalls_a_lot_in_the_browser(self):
        env = self.env
        manager = self._user("recall_manager", "halley_aesthetics.group_manager", email="manager@example.com")
        room = self._room("Recall Room")
        vial = env["product.product"].create(
            {"name": "Recall Rejuran vial", "is_storable": True, "tracking": "lot"}
        )
        recalled, other = env["stock.lot"].create(
            [
                {"name": "TOUR-RECALL-1", "product_id": vial.id},
                {"name": "TOUR-SAFE-2", "product_id": vial.id},
            ]
        )
        self._count_in(room, [(vial, 2, recalled), (vial, 5, other)])
        protocol = self._protocol("Recall Rejuran", [(vial, 1)])
        patients = env["res.partner"].create(
            [
                {"name": "Recall Patient One", "email": "one@example.com", "is_patient": True},
                {"name": "Recall Patient Two", "email": "two@example.com", "is_patient": True},
                {"name": "Recall Patient Three", "email": "three@example.com", "is_patient": True},
            ]
        )
        for hour, patient in enumerate(patients):  # one after the other in the room
            session = env["halley.treatment.session"].create(
                {
                    "patient_id": patient.id,
                    "protocol_id": protocol.id,
                    "room_id": room.id,
                    "scheduled_start": fields.Datetime.now() + timedelta(hours=hour),
                }
            )
            sign_consent(session)
            session.action_confirm()
            session.action_start()  # first expiry first: the recalled lot, then the other
            session.action_done()

        self.start_tour("/odoo/action-halley_aesthetics.halley_treatment_session_action", "halley_recall_tour",
                        login=manager.login)

        notices = env["halley.recall.notice"].search([("lot_id", "=", recalled.id)])
        self.assertEqual(notices.patient_id, patients[:2])
        self.assertEqual(set(notices.mapped("user_id")), {manager})
        self.assertEqual(set(notices.mapped("state")), {"queued"})
        # The messages are posted by the cron the recall triggered.
        env["halley.recall.notice"]._cron_post_recall_messages()
        grace_notice = notices.filtered(lambda n: n.patient_id == patients[0])
        self.assertIn("TOUR-RECALL-1", grace_notice.message_id.body)
        self.assertEqual(grace_notice.message_id.partner_ids, patients[0])
