"""A signature is a drawing by the patient, and a session's consent is signed
once: every path (the clinic's Sign consent, the model's method, the portal's
route, a create over RPC) refuses what is not a drawing with a sentence and
writes nothing; the database holds one signed procedure consent per session.
Clinical photos that are not images are refused in words too."""

import base64
import importlib.util
import io
import json
import os
from datetime import timedelta
from pathlib import Path

import psycopg2.errors
from freezegun import freeze_time
from PIL import Image

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..images import PNG_MAGIC, drawn_signature_png
from ..models.halley_session_consent import ONE_SIGNED_CONSENT_INDEX
from .common import NOW, SIGNATURE
from .test_portal import PortalCommon


def _png(image, fmt="PNG"):
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return base64.b64encode(buffer.getvalue()).decode()


def _blank():
    return _png(Image.new("RGBA", (400, 150), (255, 255, 255, 0)))


def _dot():
    image = Image.new("RGBA", (400, 150), (255, 255, 255, 0))
    image.putpixel((200, 75), (0, 0, 139, 255))
    return _png(image)


NOT_A_DRAWING = "the box is blank or nearly so"
NOT_PNG = "it is not a PNG or JPEG image"
NOT_BASE64 = "it is not an image file"

# Each hostile signature and the words that refuse it.
HOSTILE_SIGNATURES = {
    "plain text in base64": (base64.b64encode(b"I agree, Grace Lim").decode(), NOT_PNG),
    "invalid base64": ("this is not base64 at all!!", NOT_BASE64),
    "SVG with a script": (
        base64.b64encode(
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script>'
            b'<path d="M0 0 L100 100" stroke="black"/></svg>'
        ).decode(),
        NOT_PNG,
    ),
    "12 MB of random bytes after a PNG header": (
        base64.b64encode(PNG_MAGIC + os.urandom(12 * 1024 * 1024)).decode(), "larger than 1 MB"
    ),
    "random bytes after a PNG header": (
        base64.b64encode(PNG_MAGIC + os.urandom(4000)).decode(), "could not be read"
    ),
    "a drawing cut short": (
        base64.b64encode(base64.b64decode(SIGNATURE)[: len(base64.b64decode(SIGNATURE)) // 2]).decode(),
        "could not be read",
    ),
    "a blank canvas": (_blank(), NOT_A_DRAWING),
    "a 1-pixel dot": (_dot(), NOT_A_DRAWING),
    "a white JPEG": (_png(Image.new("RGB", (400, 150), "white"), "JPEG"), NOT_A_DRAWING),
    "a 1x1 PNG": (_png(Image.new("RGBA", (1, 1), (0, 0, 0, 255))), NOT_A_DRAWING),
    "a black rectangle": (_png(Image.new("RGB", (400, 150), "black")), "ink covers most of the box"),
    "an image of 5000 x 20 pixels": (_png(Image.new("L", (5000, 20), 255)), "more than the 4000 x 4000"),
}
LONG_NAME = "Grace " * 3334  # 20,004 characters


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestSignatureIntegrity(PortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.doctor.tz = "Asia/Singapore"
        # The workflow's own writes, read in the clinic's zone.
        cls.Consent = cls.env["halley.session.consent"].sudo().with_context(tz="Asia/Singapore")

    def _count(self):
        return self.Consent.search_count([])

    def _sign_over_http(self, session, signature, name="T Patient Grace"):
        self.authenticate(self.user_a.login, self.user_a.login)
        response = self.url_open(
            f"/my/treatments/{session.id}/sign?photo_record=1&photo_marketing=0",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {"name": name, "signature": signature}}),
            headers={"Content-Type": "application/json"},
        )
        return response.json()["result"]

    def _refused_everywhere(self, signature, name, words):
        """``signature`` signed by ``name`` is refused with ``words`` on every
        path, and nothing is written."""
        session = self.upcoming_a
        before = self._count()
        as_doctor = session.with_user(self.doctor)
        with self.assertRaisesRegex(UserError, words):
            as_doctor._halley_sign_consent(signature, name, channel="clinic")
        with self.assertRaisesRegex(UserError, words):
            self.env["halley.consent.sign"].with_user(self.doctor).create(
                {"session_id": session.id, "signed_by_name": name, "signature": signature}
            )
        with self.assertRaisesRegex(UserError, words):
            session.sudo()._halley_sign_consent(signature, name, channel="portal")
        # The workflow's own create (as superuser) refuses it too.
        with self.assertRaisesRegex(UserError, words):
            self.Consent.create(
                {"session_id": session.id, "procedure": True, "signature": signature, "signed_by_name": name,
                 "signed_on": NOW, "signed_channel": "clinic"}
            )
        result = self._sign_over_http(session, signature, name)
        self.assertRegex(result.get("error", ""), words, result)
        self.assertEqual(self._count(), before, "nothing written")
        self.assertFalse(session.sudo().consent_ids)

    def test_hostile_signatures_are_refused_on_every_path(self):
        for label, (signature, words) in HOSTILE_SIGNATURES.items():
            with self.subTest(label):
                self._refused_everywhere(signature, "T Patient Grace", words)
        for value in (42, ["iVBOR"], {"png": 1}):
            with self.subTest(value=value):
                self._refused_everywhere(value, "T Patient Grace", NOT_BASE64)

    def test_the_signer_name_is_bounded(self):
        self._refused_everywhere(SIGNATURE, LONG_NAME, "has 20003 characters: a name has at most 128")
        self._refused_everywhere(SIGNATURE, "   ", "Write the name of the person signing")
        with self.assertRaisesRegex(UserError, "Write the name of the person signing"):
            self.upcoming_a.sudo()._halley_sign_consent(SIGNATURE, 12, channel="portal")

    def test_a_drawing_is_accepted(self):
        before = self._count()
        result = self._sign_over_http(self.upcoming_a, SIGNATURE, name="  T Patient \n Grace  ")
        self.assertTrue(result.get("force_refresh"), result)
        consent = self.upcoming_a.sudo().consent_ids
        self.assertEqual(self._count(), before + 1)
        self.assertEqual((consent.signed_by_name, consent.signed_channel), ("T Patient Grace", "portal"))
        self.assertTrue(consent.signature)
        # A JPEG of a drawing on white paper (a tablet's large canvas) and a small canvas sign too.
        tablet = Image.open(io.BytesIO(base64.b64decode(drawn_signature_png(1350, 450))))
        paper = Image.new("RGB", tablet.size, "white")
        paper.paste(tablet, mask=tablet)
        for days, signature in enumerate((_png(paper, "JPEG"), drawn_signature_png(300, 100)), start=3):
            session = self._session(self.patient, NOW + timedelta(days=days))
            consent = session.with_user(self.doctor)._halley_sign_consent(signature, "T Patient Grace", channel="clinic")
            self.assertTrue(consent.signed_on)

    def test_a_second_signature_is_refused_with_who_and_when(self):
        session = self.upcoming_a
        with Form(
            self.env["halley.consent.sign"].with_user(self.doctor).with_context(default_session_id=session.id)
        ) as form:
            form.signature = SIGNATURE
        form.record.action_sign()
        self.assertEqual(len(session.sudo().consent_ids), 1)
        # 09:00 UTC is 17:00 in Singapore, the practitioner's and the patient's zone.
        words = "T Patient Grace already signed this consent at 17:00."
        with self.assertRaisesRegex(UserError, words):
            session.with_user(self.doctor)._halley_sign_consent(SIGNATURE, "T Patient Grace", channel="clinic")
        with self.assertRaisesRegex(UserError, words):
            session.with_user(self.doctor).action_sign_consent()
        result = self._sign_over_http(session, SIGNATURE)
        self.assertEqual(result.get("error"), words)
        with self.assertRaisesRegex(UserError, words):
            self.Consent.create(
                {"session_id": session.id, "procedure": True, "signature": SIGNATURE,
                 "signed_by_name": "Someone", "signed_on": NOW, "signed_channel": "clinic"}
            )
        unsigned = self.Consent.create({"session_id": session.id, "procedure": True})
        with self.assertRaisesRegex(UserError, words):
            unsigned.write({"signature": SIGNATURE, "signed_by_name": "Someone", "signed_on": NOW})
        self.doctor.lang = "en_GB"  # the demo clinic's English: day first
        with freeze_time(NOW + timedelta(days=1)):
            # The day as the reader's language writes it, at the clinic's time.
            with self.assertRaisesRegex(UserError, "already signed this consent on 24/11/2026 at 17:00."):
                session.with_user(self.doctor)._halley_sign_consent(SIGNATURE, "T Patient Grace", channel="clinic")
        self.assertEqual(len(session.sudo().consent_ids.filtered("signed_on")), 1)

    def test_the_database_keeps_one_signed_consent_per_session(self):
        """Even a write that skips every check (SQL) cannot add a second signed
        procedure consent: the partial unique index refuses it."""
        consent = self.upcoming_a.sudo()._halley_sign_consent(SIGNATURE, "T Patient Grace", channel="portal")
        self.env.flush_all()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation) as caught, \
                self.env.cr.savepoint():
            self.env.cr.execute(
                """INSERT INTO halley_session_consent (session_id, procedure, signed_on, signed_by_name, date,
                                                       recorded_by_id, company_id, patient_id)
                   SELECT session_id, TRUE, signed_on, 'Forged', date, recorded_by_id, company_id, patient_id
                     FROM halley_session_consent WHERE id = %s""",
                [consent.id],
            )
        self.assertEqual(caught.exception.diag.constraint_name, ONE_SIGNED_CONSENT_INDEX)

    def test_upgrade_keeps_the_first_of_two_signatures(self):
        """A database signed twice before this release (the race): the upgrade
        keeps the first signature as the one that counts, marks the second and
        withdraws its photo consents; the index is then created."""
        session = self.upcoming_a
        first = session.sudo()._halley_sign_consent(SIGNATURE, "T Patient Grace", photo_record=True, channel="portal")
        self.env.flush_all()
        self.env.cr.execute(f'DROP INDEX "{ONE_SIGNED_CONSENT_INDEX}"')
        self.env.cr.execute(
            """INSERT INTO halley_session_consent (session_id, procedure, photo_marketing, signed_on, signed_by_name,
                                                   date, recorded_by_id, company_id, patient_id, signature)
               SELECT session_id, TRUE, TRUE, signed_on + interval '1 second', signed_by_name, date,
                      recorded_by_id, company_id, patient_id, signature
                 FROM halley_session_consent WHERE id = %s RETURNING id""",
            [first.id],
        )
        second = self.Consent.browse(self.env.cr.fetchone()[0])
        self.env.invalidate_all()
        migrations = Path(__file__).resolve().parents[1] / "migrations" / "18.0.1.5.0"
        for script in ("pre-sign.py", "post-sign.py"):
            spec = importlib.util.spec_from_file_location(f"halley_{script[:-3]}", migrations / script)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            module.migrate(self.env.cr, "18.0.1.4.0")
            if script == "pre-sign.py":
                self.env.invalidate_all()
                self.Consent.init()  # as the upgrade does between the two scripts
        self.env.invalidate_all()
        self.assertFalse(first.duplicate_of_id)
        self.assertEqual(second.duplicate_of_id, first)
        self.assertTrue(second.photo_marketing_withdrawn_on, "only the first signature's photo choices hold")
        self.assertFalse(self.patient.halley_marketing_photo_consent)
        self.assertTrue(self.patient.halley_record_photo_consent)
        self.assertIn("signed twice", session.sudo().message_ids[0].body)
        self.env.cr.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [ONE_SIGNED_CONSENT_INDEX])
        self.assertTrue(self.env.cr.fetchone())

    def test_clinical_photos_must_be_images(self):
        session = self.upcoming_a
        session.sudo()._halley_sign_consent(SIGNATURE, "T Patient Grace", photo_record=True, channel="portal")
        Photo = self.env["halley.session.photo"].with_user(self.doctor)
        photo = Photo.create({"session_id": session.id, "image": _png(Image.new("RGB", (64, 48), "pink"))})
        corrupt_png = base64.b64encode(
            base64.b64decode(_png(Image.new("RGB", (64, 48), "pink")))[:60] + b"\xff\xfe\xc3\x28" * 40
        ).decode()
        photo_png = base64.b64decode(_png(Image.effect_noise((64, 48), 40).convert("RGB")))
        truncated_png = base64.b64encode(photo_png[: len(photo_png) // 2]).decode()
        photo_jpeg = base64.b64decode(_png(Image.effect_noise((64, 48), 40).convert("RGB"), "JPEG"))
        truncated_jpeg = base64.b64encode(photo_jpeg[: len(photo_jpeg) // 2]).decode()
        hostile = {
            "a corrupt PNG": (corrupt_png, "could not be read"),
            "a PNG cut short": (truncated_png, "could not be read"),
            "a JPEG cut short": (truncated_jpeg, "could not be read"),
            "random bytes": (base64.b64encode(os.urandom(3000)).decode(), NOT_PNG),
            "text in base64": (base64.b64encode(b"a photo of her cheek").decode(), NOT_PNG),
            "invalid base64": ("%%% not base64 %%%", NOT_BASE64),
            "SVG with a script": (base64.b64encode(b"<svg><script>alert(1)</script></svg>").decode(), NOT_PNG),
            "a number": (12345, NOT_BASE64),
        }
        count = self.env["halley.session.photo"].sudo().search_count([])
        kept = photo.sudo().image
        for label, (value, words) in hostile.items():
            with self.subTest(label):
                with self.assertRaisesRegex(ValidationError, f"The photo: .*{words}"):
                    Photo.create({"session_id": session.id, "image": value})
                with self.assertRaisesRegex(ValidationError, f"The photo: .*{words}"):
                    photo.write({"image": value})
                with self.assertRaisesRegex(ValidationError, f"The photo: .*{words}"):
                    photo.write({"image_256": value})
        self.assertEqual(self.env["halley.session.photo"].sudo().search_count([]), count)
        self.assertEqual(photo.sudo().image, kept)

    def test_the_consent_forms_draw_only(self):
        """The signature is drawn: the clinic's signing form and the portal's do
        not offer the typed-name (Auto) mode."""
        view = self.env.ref("halley_aesthetics.halley_consent_sign_view_form")
        self.assertIn('widget="halley_signature_draw"', view.arch)
        self.assertNotIn("full_name", view.arch)
        self.authenticate(self.user_a.login, self.user_a.login)
        page = self.url_open(f"/my/treatments/{self.upcoming_a.id}?sign=1").text
        self.assertIn("o_halley_draw_only", page)
        self.assertIn("&#34;mode&#34;: &#34;draw&#34;", page)
