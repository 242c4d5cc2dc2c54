from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import HalleyUiCase


class SignatureFitsMixin:
    """The consent's signature opens in Draw mode and fits the dialog, on the
    clinic's tablet or phone (Sign consent) and in the patient's portal: the box,
    the drawing area and the signature drawn stay inside the dialog, which does not
    scroll sideways; the drawing is accepted by the ink checks."""

    def _clinic(self, tag):
        env = self.env
        doctor = self._user(f"fit_doctor_{tag}", "halley_aesthetics.group_practitioner", tz="Asia/Singapore")
        room = self._room(f"Fit Room {tag}")
        needle = env["product.product"].create({"name": f"Fit needle {tag}", "is_storable": True})
        self._count_in(room, [(needle, 50, None)])
        protocol = self._protocol(f"Fit Rejuran {tag}", [(needle, 2)])
        return doctor, room, protocol

    def _session(self, patient, doctor, room, protocol, hours):
        return self.env["halley.treatment.session"].create({
            "patient_id": patient.id, "protocol_id": protocol.id, "room_id": room.id,
            "practitioner_id": doctor.id, "scheduled_start": fields.Datetime.now() + timedelta(hours=hours),
        })

    def test_the_clinic_signature_fits(self):
        doctor, room, protocol = self._clinic("clinic")
        patient = self.env["res.partner"].create({"name": "Fit Patient Grace", "is_patient": True})
        session = self._session(patient, doctor, room, protocol, 2)
        self.start_tour(
            f"/odoo/action-halley_aesthetics.halley_treatment_session_action/{session.id}",
            "halley_signature_fits_clinic_tour", login=doctor.login,
        )
        consent = session.consent_ids.filtered("signed_on")
        self.assertEqual(len(consent), 1)
        self.assertTrue(consent.signature)

    def test_the_portal_signature_fits(self):
        doctor, room, protocol = self._clinic("portal")
        patient = self.env["res.partner"].create(
            {"name": "Fit Patient Aisha", "is_patient": True, "email": "fit.aisha@example.com"}
        )
        self.env["res.users"].with_context(no_reset_password=True).create({
            "login": "fit_portal_aisha", "password": "fit_portal_aisha", "partner_id": patient.id,
            "groups_id": [Command.set(self.env.ref("base.group_portal").ids)],
        })
        session = self._session(patient, doctor, room, protocol, 3)
        session.action_confirm()
        self.start_tour(
            f"/my/treatments/{session.id}?sign=1&photo_record=0&photo_marketing=0",
            "halley_signature_fits_portal_tour", login="fit_portal_aisha",
        )
        consent = session.consent_ids.filtered("signed_on")
        self.assertEqual(len(consent), 1)
        self.assertEqual(consent.signed_channel, "portal")


@tagged("post_install", "-at_install")
class TestSignatureFitsTablet(SignatureFitsMixin, HalleyUiCase):
    """On the clinic's portrait tablet (820 px)."""

    allow_inherited_tests_method = True
    browser_size = "820x1180"


@tagged("post_install", "-at_install")
class TestSignatureFitsPhone(SignatureFitsMixin, HalleyUiCase):
    """On a phone (390 px)."""

    allow_inherited_tests_method = True
    browser_size = "390x844"
    touch_enabled = True
