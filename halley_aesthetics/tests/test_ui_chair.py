from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import HalleyUiCase, sign_consent

QUESTIONS = [
    ("Bleeding disorder (haemophilia, von Willebrand disease, low platelets)?", "hard_stop"),
    ("Anticoagulants or antiplatelet medication (warfarin, apixaban, aspirin, clopidogrel)?", "warning"),
    ("Aged 65 or over (higher risk of bruising)?", "warning"),
    ("Supplements in the last week: cod liver oil, ginseng, vitamin E, fish oil or ginkgo?", "warning"),
    ("Pregnant, trying to conceive or breastfeeding?", "hard_stop"),
    ("Fish or salmon allergy (PDRN is extracted from salmon germ cells)?", "hard_stop"),
    ("Local anaesthetic allergy (lidocaine, prilocaine, benzocaine)?", "hard_stop"),
    ("Active infection, cold sore, acne flare or open wound at the treatment site?", "hard_stop"),
]


@tagged("post_install", "-at_install")
class TestChairUi(HalleyUiCase):
    """A practitioner runs a booked session on a portrait tablet: one click per
    screening answer, a titled refusal, then Start and Done."""

    browser_size = "820x1180"

    def test_practitioner_screens_starts_and_completes_on_a_tablet(self):
        env = self.env
        doctor = self._user("chair_doctor", "halley_aesthetics.group_practitioner", tz="Asia/Singapore")
        room = self._room("Chair Room")
        vial, needle = env["product.product"].create(
            [{"name": "Chair Rejuran vial", "is_storable": True}, {"name": "Chair needle", "is_storable": True}]
        )
        self._count_in(room, [(vial, 5, None), (needle, 20, None)])
        protocol = self._protocol("Chair Rejuran", [(vial, 1), (needle, 4)])
        env["halley.screening.question"].create(
            [
                {"name": name, "severity": severity, "sequence": index, "protocol_ids": [Command.set(protocol.ids)]}
                for index, (name, severity) in enumerate(QUESTIONS)
            ]
        )
        patient = env["res.partner"].create({"name": "Chair Patient Grace", "is_patient": True})
        session = env["halley.treatment.session"].create(
            {
                "patient_id": patient.id,
                "protocol_id": protocol.id,
                "room_id": room.id,
                "practitioner_id": doctor.id,
                "scheduled_start": fields.Datetime.now() + timedelta(hours=1),
            }
        )
        sign_consent(session)
        session.action_confirm()
        self.assertEqual(len(session.screening_ids), 8)

        # The refused Start is logged once by Odoo's HTTP layer, as every refused call.
        with self.assertLogs("odoo.http", "WARNING") as logs:
            self.start_tour(
                f"/odoo/action-halley_aesthetics.halley_treatment_session_action/{session.id}",
                "halley_chair_tour",
                login=doctor.login,
            )
        self.assertEqual(len(logs.output), 1, logs.output)
        self.assertIn("cannot start: the screening has a hard stop", logs.output[0])

        self.assertEqual(session.state, "done")
        self.assertEqual(set(session.screening_ids.mapped("answer")), {"no"})
        self.assertEqual(session.screening_ids.acknowledged_by_id, env["res.users"])
