"""Clinical photos: taken on the session with the patient's consent, seen by
clinicians only, compared side by side, used for marketing only with consent."""

import base64
import io
import xmlrpc.client

from freezegun import freeze_time
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import file_open, mute_logger

from .common import NOW, HalleyCommon


def photo_png(marker, colour=(200, 160, 140)):
    """A small PNG carrying ``marker`` in a text chunk: served as is (it needs no
    resizing), so a response holding the marker holds the photo."""
    info = PngInfo()
    info.add_text("halley", marker)
    buffer = io.BytesIO()
    Image.new("RGB", (24, 32), colour).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


class SessionPhotoCommon(HalleyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.internal = new_test_user(cls.env, login="t_internal", groups="base.group_user", name="Internal User")
        cls.portal = new_test_user(cls.env, login="t_portal", groups="base.group_portal", name="Portal User")
        cls.marker = "HALLEY-PHOTO-7f3a"
        cls.png = photo_png(cls.marker)
        cls.png_b64 = base64.b64encode(cls.png)

    def _photo_session(self, patient=None, marketing=False, **vals):
        """A draft session whose patient consented to the procedure and to photos
        for her clinical record (and for marketing if asked)."""
        session = self._session(patient=patient, consent=False, **vals)
        self._sign(session, photo_record=True, photo_marketing=marketing)
        return session

    def _photo(self, session, phase="before", angle="front", user=None, **vals):
        env = self.env(user=user or self.practitioner)
        return env["halley.session.photo"].create(
            {"session_id": session.id, "phase": phase, "angle": angle, "image": self.png_b64, **vals}
        )

    def _complete(self, session):
        session.screening_ids.answer = "no"
        as_doctor = session.with_user(self.practitioner)
        as_doctor.action_confirm()
        as_doctor.action_start()
        as_doctor.action_done()


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestSessionPhotos(SessionPhotoCommon):
    def test_practitioner_takes_before_and_after_photos(self):
        session = self._photo_session()
        before = self._photo(session, "before", "front", note="Cheeks, daylight")
        # From the session form: the Photos tab writes the session's photos.
        session.with_user(self.practitioner).write(
            {
                "photo_ids": [
                    Command.create({"phase": "after", "angle": "front", "image": self.png_b64}),
                    Command.create({"phase": "after", "angle": "left", "image": self.png_b64}),
                ]
            }
        )
        photos = session.photo_ids
        self.assertEqual(len(photos), 3)
        self.assertEqual(session.photo_count, 3)
        self.assertEqual(set(photos.mapped("phase")), {"before", "after"})
        self.assertEqual(photos.taken_by_id, self.practitioner)
        self.assertEqual(set(photos.mapped("taken_on")), {NOW})
        self.assertEqual(before.patient_id, self.patient)
        self.assertEqual(before.company_id, self.company)
        self.assertEqual(base64.b64decode(before.image), self.png, "a small photo is kept as taken")
        self.assertIn("Before", before.display_name)

    def test_who_and_when_cannot_be_forged(self):
        session = self._photo_session()
        for user in (self.practitioner, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "recorded by the clinic's workflow"):
                    self._photo(session, user=user, taken_by_id=self.manager.id)
                with self.assertRaisesRegex(UserError, "recorded by the clinic's workflow"):
                    self._photo(session, user=user, taken_on="2026-01-01 10:00:00")
                photo = self._photo(session, user=user)
                for vals in ({"taken_by_id": self.manager.id}, {"taken_on": "2026-01-01 10:00:00"},
                             {"marketing_withdrawn_on": "2026-01-01 10:00:00"}):
                    with self.assertRaisesRegex(UserError, "recorded by the clinic's workflow"):
                        photo.with_user(user).write(vals)
                self.assertEqual(photo.taken_by_id, user)
                self.assertEqual(photo.taken_on, NOW)

    def test_refused_without_record_photo_consent(self):
        procedure_only = self._session()
        no_consent = self._session(consent=False)
        for session in (procedure_only, no_consent):
            with self.subTest(session=session.name):
                with self.assertRaisesRegex(UserError, "has not consented to photos for her clinical record"):
                    self._photo(session)
                self.assertFalse(session.photo_ids)
        # Her signed consent is kept as signed: consent to photos is recorded anew.
        self.env["halley.session.consent"].with_user(self.practitioner).create(
            {"session_id": procedure_only.id, "photo_record": True}
        )
        self.assertTrue(self._photo(procedure_only))

    def test_withdrawn_record_photo_consent_refuses_photos(self):
        """Where a withdrawal of record-photo consent exists, a withdrawn consent no
        longer allows photos."""
        session = self._photo_session()
        consent = session.consent_ids
        if "photo_record_withdrawn_on" not in consent._fields:
            self.skipTest("no withdrawal of record-photo consent on this branch")
        consent.sudo().photo_record_withdrawn_on = NOW
        with self.assertRaisesRegex(UserError, "has not consented"):
            self._photo(session)

    def test_done_session_keeps_its_photos(self):
        session = self._photo_session()
        mistake = self._photo(session, angle="left")
        mistake.with_user(self.practitioner).unlink()  # taken by mistake, session not done
        before = self._photo(session)
        self._complete(session)
        self.assertEqual(session.state, "done")
        # The after-photo, taken once the session is completed.
        after = self._photo(session, "after")
        after.with_user(self.practitioner).note = "Slight redness"
        for user in (self.practitioner, self.manager):
            for photo in (before, after):
                with self.assertRaisesRegex(UserError, "is done"):
                    photo.with_user(user).unlink()
                with self.assertRaisesRegex(UserError, "is done"):
                    photo.with_user(user).write({"angle": "right"})
                with self.assertRaisesRegex(UserError, "is done"):
                    photo.with_user(user).write({"image": self.png_b64})
        self.assertEqual(len(session.photo_ids), 2)

    def test_no_photos_for_a_cancelled_session(self):
        session = self._photo_session()
        session.with_user(self.practitioner).action_cancel()
        with self.assertRaisesRegex(UserError, "cancelled"):
            self._photo(session)

    def test_photo_stays_with_its_session(self):
        session, other = self._photo_session(), self._photo_session()
        photo = self._photo(session)
        with self.assertRaisesRegex(UserError, "stays with the session"):
            photo.with_user(self.practitioner).write({"session_id": other.id})

    def test_deleting_a_draft_session_deletes_its_photo_files(self):
        # A session holding a signed consent is kept (cancelled, not deleted): this one
        # has the practitioner's record of her consent to photos only.
        session = self._session(consent=False, consent_ids=[Command.create({"photo_record": True})])
        photo = self._photo(session)
        Attachment = self.env["ir.attachment"].sudo()
        domain = [("res_model", "=", "halley.session.photo"), ("res_id", "=", photo.id), ("res_field", "=", "image")]
        self.assertTrue(Attachment.search(domain))
        session.with_user(self.practitioner).unlink()
        self.assertFalse(photo.exists())
        self.assertFalse(Attachment.search(domain), "no orphaned photo file")

    def test_outsiders_cannot_read_write_or_create_photos(self):
        session = self._photo_session()
        photo = self._photo(session)
        for user in (self.billing, self.internal, self.portal):
            with self.subTest(user=user.login):
                Photo = self.env["halley.session.photo"].with_user(user)
                with self.assertRaises(AccessError):
                    photo.with_user(user).read(["image"])
                with self.assertRaises(AccessError):
                    Photo.search([("patient_id", "=", self.patient.id)])
                with self.assertRaises(AccessError):
                    Photo.create({"session_id": session.id, "image": self.png_b64})
                with self.assertRaises(AccessError):
                    photo.with_user(user).write({"note": "x"})
                with self.assertRaises(AccessError):
                    photo.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["halley.photo.comparison"].with_user(user).create(
                        {"patient_id": self.patient.id, "session_a_id": session.id, "session_b_id": session.id}
                    )
        # Billing reads the session, never its photos.
        with self.assertRaises(AccessError):
            session.with_user(self.billing).read(["photo_ids"])
        with self.assertRaises(AccessError):
            self.env["halley.treatment.session"].with_user(self.billing).search_count([("photo_ids", "!=", False)])
        # The photo's file is refused too.
        attachment = self.env["ir.attachment"].sudo().search(
            [("res_model", "=", "halley.session.photo"), ("res_id", "=", photo.id), ("res_field", "=", "image")]
        )
        for user in (self.billing, self.internal):
            with self.assertRaises(AccessError):
                attachment.with_user(user).check("read")

    def test_compare_two_sessions_of_the_same_patient(self):
        first = self._photo_session(start=NOW)
        second = self._photo_session(start=NOW.replace(day=26))
        photos = {}
        for session in (first, second):
            for angle in ("front", "left"):
                photos[session, angle] = self._photo(session, "after", angle)
        first_before = self._photo(first, "before", "front")
        Wizard = self.env["halley.photo.comparison"].with_user(self.practitioner)
        action = second.with_user(self.practitioner).action_compare_photos()
        defaults = action["context"]
        self.assertEqual(defaults["default_session_a_id"], first.id, "her previous session with photos")
        self.assertEqual(defaults["default_session_b_id"], second.id)
        wizard = Wizard.with_context(**defaults).create({})
        self.assertEqual(wizard.phase, "after", "after-photos by default")
        html = str(wizard.comparison)
        for angle, label in (("front", "Front"), ("left", "Left")):
            self.assertIn(label, html)
            left_pos = html.index(f"/web/image/halley.session.photo/{photos[first, angle].id}/image")
            right_pos = html.index(f"/web/image/halley.session.photo/{photos[second, angle].id}/image")
            self.assertLess(left_pos, right_pos, "session A on the left")
        self.assertNotIn("Right", html, "an angle neither session has is left out")
        self.assertNotIn(f"/{first_before.id}/image", html)
        wizard.phase = "before"
        html = str(wizard.comparison)
        self.assertIn(f"/web/image/halley.session.photo/{first_before.id}/image", html)
        self.assertIn("No photo", html, "session B has no before-photo")
        # From her clinic form: her first and last sessions with photos.
        action = self.patient.with_user(self.practitioner).action_halley_compare_photos()
        self.assertEqual(action["context"]["default_session_a_id"], first.id)
        self.assertEqual(action["context"]["default_session_b_id"], second.id)

    def test_compare_one_session_before_and_after(self):
        session = self._photo_session()
        before, after = self._photo(session, "before"), self._photo(session, "after")
        action = session.with_user(self.practitioner).action_compare_photos()
        self.assertEqual(action["context"]["default_session_a_id"], session.id, "her only session with photos")
        wizard = self.env["halley.photo.comparison"].with_user(self.practitioner).with_context(
            **action["context"]
        ).create({})
        html = str(wizard.comparison)
        self.assertLess(
            html.index(f"/web/image/halley.session.photo/{before.id}/image"),
            html.index(f"/web/image/halley.session.photo/{after.id}/image"),
            "before on the left, after on the right",
        )

    def test_compare_refuses_another_patients_session(self):
        mine = self._photo_session()
        hers = self._photo_session(patient=self.patient_2)
        self._photo(mine, "after")
        self._photo(hers, "after")
        Wizard = self.env["halley.photo.comparison"].with_user(self.practitioner)
        with self.assertRaisesRegex(ValidationError, "another patient"):
            Wizard.create({"patient_id": self.patient.id, "session_a_id": mine.id, "session_b_id": hers.id})
        wizard = Wizard.create({"patient_id": self.patient.id, "session_a_id": mine.id, "session_b_id": mine.id})
        with self.assertRaisesRegex(ValidationError, "another patient"):
            wizard.session_b_id = hers

    def test_marketing_needs_consent_and_is_cleared_on_withdrawal(self):
        no_marketing = self._photo_session()
        with self.assertRaisesRegex(UserError, "has not consented to photos for marketing"):
            self._photo(no_marketing, use_for_marketing=True)
        photo = self._photo(no_marketing)
        with self.assertRaisesRegex(UserError, "has not consented to photos for marketing"):
            photo.with_user(self.practitioner).write({"use_for_marketing": True})
        self.assertFalse(photo.use_for_marketing)

        # Another session where she consents to marketing photos: her photos may be used.
        consenting = self._photo_session(marketing=True)
        self.env.invalidate_all()  # her consent is computed, not stored
        self.assertTrue(self.patient.halley_marketing_photo_consent)
        used = self._photo(consenting, "after", use_for_marketing=True)
        photo.with_user(self.practitioner).write({"use_for_marketing": True})
        other = self._photo(self._photo_session(patient=self.patient_2))
        Photo = self.env["halley.session.photo"].with_user(self.practitioner)
        usable = [("use_for_marketing", "=", True), ("patient_id.halley_marketing_photo_consent", "=", True)]
        self.assertEqual(Photo.search(usable), used | photo)

        self.patient.with_user(self.practitioner).action_halley_withdraw_marketing_photos()
        self.env.invalidate_all()
        self.assertFalse(self.patient.halley_marketing_photo_consent)
        for each in (used, photo):
            self.assertFalse(each.use_for_marketing)
            self.assertEqual(each.marketing_withdrawn_on, NOW)
        self.assertFalse(other.marketing_withdrawn_on)
        self.assertFalse(Photo.search(usable))
        with self.assertRaisesRegex(UserError, "has not consented to photos for marketing"):
            used.with_user(self.practitioner).write({"use_for_marketing": True})


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestSessionPhotoUrls(SessionPhotoCommon, HttpCase):
    """The photo over /web/image and /web/content, and the model over XML-RPC, as
    each role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        session = cls.env["halley.treatment.session"].create(
            {
                "patient_id": cls.patient.id,
                "protocol_id": cls.protocol_rejuran.id,
                "room_id": cls.room.id,
                "practitioner_id": cls.practitioner.id,
                "scheduled_start": NOW,
                "consent_ids": [Command.create({"procedure": True, "photo_record": True})],
            }
        )
        cls.photo = cls.env["halley.session.photo"].with_user(cls.practitioner).create(
            {"session_id": session.id, "phase": "before", "angle": "front", "image": cls.png_b64}
        )
        cls.attachment = cls.env["ir.attachment"].sudo().search(
            [("res_model", "=", "halley.session.photo"), ("res_id", "=", cls.photo.id), ("res_field", "=", "image")]
        )

    def _get(self, user, url):
        self.authenticate(user.login, user.login)
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_attachment"):
            return self.url_open(url, allow_redirects=False)

    def test_photo_urls_as_each_role(self):
        self.assertEqual(len(self.attachment), 1)
        urls = [
            f"/web/image/halley.session.photo/{self.photo.id}/image",
            f"/web/image/halley.session.photo/{self.photo.id}/image?download=true",
            f"/web/content/halley.session.photo/{self.photo.id}/image",
            f"/web/content/{self.attachment.id}",
            f"/web/image/{self.attachment.id}",
        ]
        marker = self.marker.encode()
        for user in (self.practitioner, self.manager):
            for url in urls:
                with self.subTest(user=user.login, url=url):
                    response = self._get(user, url)
                    self.assertEqual(response.status_code, 200)
                    self.assertIn(marker, response.content)
        with file_open("web/static/img/placeholder.png", "rb") as placeholder_file:
            placeholder = placeholder_file.read()
        for user in (self.billing, self.internal, self.portal):
            for url in urls:
                with self.subTest(user=user.login, url=url):
                    response = self._get(user, url)
                    self.assertNotIn(marker, response.content)
                    if response.status_code == 200:
                        # /web/image answers a forbidden record with Odoo's placeholder.
                        self.assertTrue(url.startswith("/web/image/"), url)
                        self.assertEqual(response.content, placeholder)
                    else:
                        self.assertIn(response.status_code, (303, 403, 404))

    def test_photo_model_over_xmlrpc(self):
        def call(user, method, *args, **kwargs):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, user.id, user.login, "halley.session.photo", method, list(args), kwargs
            )

        rows = call(self.practitioner, "read", [self.photo.id], ["taken_by_id", "image"])
        self.assertEqual(rows[0]["taken_by_id"][0], self.practitioner.id)
        for user in (self.billing, self.internal):
            for method, args in (
                ("read", ([self.photo.id], ["image"])),
                ("search_read", ([],)),
                ("write", ([self.photo.id], {"note": "x"})),
                ("create", ({"session_id": self.photo.session_id.id, "image": self.png_b64.decode()},)),
                ("unlink", ([self.photo.id],)),
            ):
                with self.subTest(user=user.login, method=method), mute_logger("odoo.http"):
                    with self.assertRaisesRegex(xmlrpc.client.Fault, "AccessError|not allowed"):
                        call(user, method, *args)
        with mute_logger("odoo.http"), self.assertRaisesRegex(xmlrpc.client.Fault, "recorded by the clinic's workflow"):
            call(self.practitioner, "write", [self.photo.id], {"taken_by_id": self.manager.id})
        self.assertEqual(self.photo.taken_by_id, self.practitioner)


@tagged("post_install", "-at_install")
class TestSessionPhotosUi(SessionPhotoCommon, HttpCase):
    """The Photos tab on a portrait tablet: the photo, the comparison, the camera."""

    browser_size = "820x1180"

    def test_photos_tab_on_a_tablet(self):
        session = self._photo_session()
        self._photo(session, "before", note="UI before")
        self.start_tour(
            f"/odoo/action-halley_aesthetics.halley_treatment_session_action/{session.id}",
            "halley_photos_tour",
            login=self.practitioner.login,
        )
