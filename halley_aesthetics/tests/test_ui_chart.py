from datetime import date, timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import HalleyUiCase


@tagged("post_install", "-at_install")
class TestChartUi(HalleyUiCase):
    """A practitioner reads a patient's chart and sees its alerts on her session."""

    def test_practitioner_sees_the_chart_and_the_alerts_banner(self):
        env = self.env
        doctor = self._user("tour_chart_doctor", "halley_aesthetics.group_practitioner")
        room = self._room("Tour Chart Room")
        cream = env["product.product"].create(
            {"name": "Tour chart cream", "is_storable": True,
             "halley_allergen_ids": [Command.set(env.ref("halley_aesthetics.allergen_salmon_dna").ids)]}
        )
        protocol = self._protocol("Tour Chart Rejuran", [(cream, 1)])
        env["halley.screening.question"].create(
            {"name": "Tour anticoagulants?", "severity": "warning", "chart_key": "anticoagulant",
             "protocol_ids": [Command.set(protocol.ids)]}
        )
        patient = env["res.partner"].create({"name": "Tour Chart Patient", "is_patient": True})
        env["halley.patient.chart"].create(
            # Typed as she told it: coded (salmon, Coumadin is warfarin), penicillin is not.
            {"patient_id": patient.id, "date_of_birth": date(1980, 3, 1), "medication": "Coumadin 5 mg daily",
             "allergies": "Penicillin, salmon", "medical_alerts": "Check her INR before injecting"}
        )
        env["halley.treatment.session"].create(
            {"patient_id": patient.id, "protocol_id": protocol.id, "room_id": room.id,
             "practitioner_id": doctor.id, "scheduled_start": fields.Datetime.now() + timedelta(days=1)}
        )
        self.start_tour("/odoo/action-halley_aesthetics.halley_patient_action", "halley_chart_tour",
                        login=doctor.login)
