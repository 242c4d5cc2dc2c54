"""The patient portal: each patient sees her own treatments, packages and
aftercare sheets, and answers her screening before the visit; the practitioner
reviews those answers before Start."""

import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import NOW, SIGNATURE, HalleyPackageCommon, sign_consent

# The session and package fields the portal pages show (names, date, state): a
# portal page never renders a field its patient could not read herself.
SESSION_PORTAL_FIELDS = [
    "name", "scheduled_start", "scheduled_end", "state", "protocol_id", "room_id", "practitioner_id",
    "patient_id", "treatment_product_id", "access_url",
]
PACKAGE_PORTAL_FIELDS = [
    "name", "product_id", "date_purchase", "date_valid_until", "sessions_remaining", "sessions_total", "state",
]


class PortalCommon(HalleyPackageCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.doctor = new_test_user(
            cls.env, login="t_portal_doctor", groups="halley_aesthetics.group_practitioner", name="Portal Doctor"
        )
        Question = cls.env["halley.screening.question"]
        cls.q_bleeding = Question.create(
            {"name": "T Bleeding disorder?", "severity": "hard_stop", "protocol_ids": [Command.set(cls.protocol_trio.ids)]}
        )
        cls.q_supplements = Question.create(
            {"name": "T Supplements this week?", "severity": "warning", "protocol_ids": [Command.set(cls.protocol_trio.ids)]}
        )
        cls.patient.write({"email": "grace@example.com", "tz": "Asia/Singapore"})
        cls.patient_2.email = "aisha@example.com"
        cls.user_a = cls._portal_user("t_portal_grace", cls.patient)
        cls.user_b = cls._portal_user("t_portal_aisha", cls.patient_2)
        # An existing portal customer who is no patient: /my as before.
        cls.customer = new_test_user(cls.env, login="t_portal_customer", groups="base.group_portal", name="Customer")
        cls.done_a = cls._session(cls.patient, NOW - timedelta(days=1))
        sign_consent(cls.done_a, user=cls.doctor)
        cls.done_a.screening_ids.answer = "no"
        cls.done_a.with_user(cls.doctor).action_start()
        cls.done_a.with_user(cls.doctor).action_done()
        cls.done_b = cls._session(cls.patient_2, NOW - timedelta(days=1, hours=2))
        sign_consent(cls.done_b, user=cls.doctor)
        cls.done_b.screening_ids.answer = "no"
        cls.done_b.with_user(cls.doctor).action_start()
        cls.done_b.with_user(cls.doctor).action_done()
        cls.upcoming_a = cls._session(cls.patient, NOW + timedelta(days=1))
        cls.upcoming_b = cls._session(cls.patient_2, NOW + timedelta(days=1, hours=2))
        # Sold after the sessions were booked: they are not package sessions.
        invoice = cls.env["account.move"].with_user(cls.billing).create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.patient.id,
                "invoice_date": NOW.date(),
                "invoice_line_ids": [Command.create({"product_id": cls.trio_course.id, "quantity": 1})],
            }
        )
        invoice.action_post()
        cls.package_a = invoice.invoice_line_ids.patient_package_ids

    @classmethod
    def _portal_user(cls, login, partner):
        return cls.env["res.users"].with_context(no_reset_password=True).create(
            {
                "login": login,
                "password": login,
                "partner_id": partner.id,
                "groups_id": [Command.set(cls.env.ref("base.group_portal").ids)],
            }
        )

    @classmethod
    def _session(cls, patient, start):
        session = cls.env["halley.treatment.session"].create(
            {
                "patient_id": patient.id,
                "protocol_id": cls.protocol_trio.id,
                "room_id": cls.room.id,
                "practitioner_id": cls.doctor.id,
                "scheduled_start": start,
            }
        )
        session.with_user(cls.doctor).action_confirm()
        return session

    def _get(self, user, url):
        self.authenticate(user.login, user.login) if user else self.authenticate(None, None)
        with mute_logger("odoo.http"):
            return self.url_open(url, allow_redirects=False)

    def _sign_as_patient(self, session):
        return session.sudo()._halley_sign_consent(SIGNATURE, session.sudo().patient_id.name, channel="portal")

    def _answers(self, session, yes=()):
        return {
            line.id: ("yes" if line.question_id in yes else "no", "since Monday" if line.question_id in yes else "")
            for line in session.screening_ids
        }


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestPortal(PortalCommon):
    def test_each_patient_sees_her_own_treatments_and_packages(self):
        response = self._get(self.user_a, "/my/treatments")
        self.assertEqual(response.status_code, 200)
        for session in (self.done_a, self.upcoming_a):
            self.assertIn(f'href="/my/treatments/{session.id}"'.encode(), response.content)
        for session in (self.done_b, self.upcoming_b):
            self.assertNotIn(f'href="/my/treatments/{session.id}"'.encode(), response.content)
        self.assertIn(b"T Baby Skin Trio", response.content)
        self.assertIn(b"Portal Doctor", response.content)
        self.assertIn(b"Test Room A", response.content)
        # Her time zone (Singapore, UTC+8) and no seconds.
        start = (self.upcoming_a.scheduled_start + timedelta(hours=8)).strftime("%H:%M")
        self.assertIn(start.encode(), response.content)

        page = self._get(self.user_a, f"/my/treatments/{self.upcoming_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(b"T Bleeding disorder?", page.content)
        self.assertIn(b"Confirmed", page.content)

        packages = self._get(self.user_a, "/my/packages")
        self.assertEqual(packages.status_code, 200)
        self.assertIn(self.package_a.product_id.name.encode(), packages.content)

        # Another patient's session, page and sheet: refused, saying nothing of it.
        for session in (self.done_b, self.upcoming_b):
            response = self._get(self.user_a, f"/my/treatments/{session.id}")
            self.assertEqual(response.status_code, 303)
            self.assertTrue(response.headers["Location"].endswith("/my"))
        response = self._get(self.user_a, f"/my/treatments/{self.done_b.id}/aftercare")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(b"T Patient Aisha", response.content)
        self.assertNotIn(self.package_a.product_id.name.encode(), self._get(self.user_b, "/my/packages").content)

    def test_aftercare_sheet_only_for_her_done_sessions(self):
        response = self._get(self.user_a, f"/my/treatments/{self.done_a.id}/aftercare")
        self.assertEqual(response.status_code, 200)
        # Under test, Odoo renders PDF reports as their HTML: the lots used are on it.
        self.assertIn(b"TRJ-EARLY", response.content)
        self.assertIn(b"T Patient Grace", response.content)
        page = self._get(self.user_a, f"/my/treatments/{self.done_a.id}")
        self.assertIn(f"/my/treatments/{self.done_a.id}/aftercare".encode(), page.content)
        # Not for a session not done yet, nor for anyone else (clinicians print it from the session).
        self.assertEqual(self._get(self.user_a, f"/my/treatments/{self.upcoming_a.id}/aftercare").status_code, 303)
        for user in (self.user_b, self.customer, self.billing, self.doctor, None):
            with self.subTest(user=user and user.login):
                response = self._get(user, f"/my/treatments/{self.done_a.id}/aftercare")
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(b"TRJ-EARLY", response.content)
        # The report's own URL stays the clinicians'.
        report = f"/report/pdf/halley_aesthetics.report_halley_aftercare/{self.done_a.id}"
        self.assertIn(self._get(self.user_a, report).status_code, (403, 404))

    def test_a_patient_who_reads_chinese_gets_her_pages_and_sheet_in_chinese(self):
        """The demo activates Chinese (Simplified) and loads the addon's zh_CN.po."""
        self.assertTrue(self.env["res.lang"]._lang_get("zh_CN"), "the demo clinic activates Chinese")
        self.patient_2.lang = "zh_CN"
        self.user_b.lang = "zh_CN"
        # Odoo's frontend sends her to her language's URLs (/zh_CN/my/...).
        self.authenticate(self.user_b.login, self.user_b.login)
        page = self.url_open(f"/my/treatments/{self.upcoming_b.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"/my/treatments/{self.upcoming_b.id}", page.url)
        self.assertIn("就诊前", page.text, "Before your visit, in her language")
        sheet = self.url_open(f"/my/treatments/{self.done_b.id}/aftercare")
        self.assertEqual(sheet.status_code, 200)
        self.assertIn("治疗后的护理须知", sheet.text, "her aftercare sheet in Chinese")
        self.assertIn("您的术后护理", sheet.text)
        # Grace reads English: her sheet stays English.
        sheet_a = self._get(self.user_a, f"/my/treatments/{self.done_a.id}/aftercare")
        self.assertIn("Aftercare after your treatment", sheet_a.text)
        self.assertNotIn("治疗后的护理须知", sheet_a.text)

    def test_over_rpc_she_reads_her_own_records_and_no_clinical_field(self):
        Session = self.env["halley.treatment.session"].with_user(self.user_a)
        self.assertEqual(Session.search([]), self.done_a | self.upcoming_a)
        self.assertEqual(self.env["halley.patient.package"].with_user(self.user_a).search([]), self.package_a)
        self.assertFalse(self.env["halley.patient.package"].with_user(self.user_b).search([]))
        # What the pages show, she may read herself.
        self.upcoming_a.with_user(self.user_a).read(SESSION_PORTAL_FIELDS)
        self.package_a.with_user(self.user_a).read(PACKAGE_PORTAL_FIELDS)
        for attempt in (
            lambda: self.upcoming_b.with_user(self.user_a).read(["name"]),
            lambda: self.done_b.with_user(self.user_a).read(["scheduled_start"]),
            lambda: self.package_a.with_user(self.user_b).read(["name"]),
            lambda: self.done_a.with_user(self.user_a).read(["notes"]),
            lambda: self.done_a.with_user(self.user_a).read(["screening_ids"]),
            lambda: self.done_a.with_user(self.user_a).read(["deviation_reason"]),
            lambda: self.done_a.with_user(self.user_a).read(["chart_medical_alerts"]),
            lambda: self.done_a.with_user(self.user_a).read(["patient_answered_on"]),
            lambda: Session.search([("notes", "!=", False)]),
            lambda: self.env["halley.session.screening"].with_user(self.user_a).search([]),
            lambda: self.upcoming_a.with_user(self.user_a).write({"scheduled_start": NOW}),
        ):
            with self.subTest(attempt=attempt), self.assertRaises(AccessError):
                attempt()
        # Her answers are written by the portal only (as superuser, after its check).
        with self.assertRaises(UserError):
            self.upcoming_a.with_user(self.user_a)._halley_portal_answer_screening(self._answers(self.upcoming_a))

    def test_home_counters_only_for_patients(self):
        counters = ["halley_treatment_count", "halley_package_count"]
        for user, expected in ((self.user_a, {"halley_treatment_count": 2, "halley_package_count": 1}),
                               (self.customer, {"halley_treatment_count": 0, "halley_package_count": 0})):
            with self.subTest(user=user.login):
                self.authenticate(user.login, user.login)
                response = self.url_open(
                    "/my/counters",
                    data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {"counters": counters}}),
                    headers={"Content-Type": "application/json"},
                )
                result = response.json()["result"]
                self.assertEqual({key: result[key] for key in counters}, expected)
        # A non-patient's /my, and a page of the portal she is not given.
        self.assertEqual(self._get(self.customer, "/my").status_code, 200)
        self.assertEqual(self._get(self.customer, f"/my/treatments/{self.upcoming_a.id}").status_code, 303)

    def _sign_over_http(self, user, session, query):
        self.authenticate(user.login, user.login)
        response = self.url_open(
            f"/my/treatments/{session.id}/sign?{query}",
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "params": {"name": "T Patient Grace", "signature": SIGNATURE}}
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()["result"]

    def test_she_signs_her_consent_in_the_portal(self):
        page = self._get(self.user_a, f"/my/treatments/{self.upcoming_a.id}")
        self.assertIn(b"I agree to be treated with T Baby Skin Trio", page.content)
        self.assertIn(b"o_halley_portal_consent_choices", page.content)
        page = self._get(self.user_a, f"/my/treatments/{self.upcoming_a.id}?sign=1&photo_marketing=1")
        self.assertIn(b"portal.signature_form", page.content)
        # Another patient cannot sign it.
        result = self._sign_over_http(self.user_b, self.upcoming_a, "photo_record=1&photo_marketing=1")
        self.assertIn("error", result)
        self.assertFalse(self.upcoming_a.consent_ids)
        result = self._sign_over_http(self.user_a, self.upcoming_a, "photo_record=0&photo_marketing=1")
        self.assertTrue(result.get("force_refresh"), result)
        consent = self.upcoming_a.consent_ids
        self.assertEqual(len(consent), 1)
        self.assertEqual((consent.procedure, consent.photo_record, consent.photo_marketing), (True, False, True))
        self.assertEqual(consent.signed_channel, "portal")
        self.assertEqual(consent.recorded_by_id, self.user_a)
        # Signed once: a second signature is refused in her words.
        result = self._sign_over_http(self.user_a, self.upcoming_a, "photo_record=1&photo_marketing=1")
        self.assertIn("already signed", result["error"])
        page = self._get(self.user_a, f"/my/treatments/{self.upcoming_a.id}")
        self.assertIn(b"o_halley_portal_consent_signed", page.content)

    def test_billing_invites_a_patient_to_the_portal(self):
        patient = self.env["res.partner"].create({"name": "T Patient Mei", "is_patient": True, "email": "mei@example.com"})
        wizard = self.env["portal.wizard"].with_user(self.billing).with_context(active_ids=patient.ids).create({})
        wizard.user_ids.action_grant_access()
        self.assertTrue(patient.user_ids._is_portal())
        self.assertFalse(self.env["halley.treatment.session"].with_user(patient.user_ids).search([]))

    def test_the_reminder_link_opens_her_page_without_login(self):
        url = self.upcoming_a.get_portal_url()
        self.assertIn("access_token=", url)
        response = self._get(None, url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"T Bleeding disorder?", response.content)
        forged = self._get(None, f"/my/treatments/{self.upcoming_a.id}?access_token=nope")
        self.assertEqual(forged.status_code, 303)
        self.assertNotIn(b"T Bleeding disorder?", forged.content)
        # The token is the clinicians' and the workflow's: billing reads the session, not its link.
        with self.assertRaises(AccessError):
            self.upcoming_a.with_user(self.billing).read(["access_token"])
        with self.assertRaises(AccessError):
            self.upcoming_a.with_user(self.user_a).read(["access_token"])
        # The reminder email carries the link.
        self.upcoming_a._send_reminder()
        body = self.upcoming_a.message_ids[:1].body
        self.assertIn(f"/my/treatments/{self.upcoming_a.id}?access_token=", body)


@tagged("post_install", "-at_install")
class TestPortalPreVisit(PortalCommon):
    """Not under frozen time: the browser tour runs against the real clock (the
    sessions are those of NOW, in the past or not, booked and not started)."""

    def test_her_answers_are_marked_and_reviewed_before_start(self):
        session = self.upcoming_a
        session.sudo()._halley_portal_answer_screening(self._answers(session, yes=self.q_supplements))
        supplements = session.screening_ids.filtered(lambda ln: ln.question_id == self.q_supplements)
        self.assertEqual(supplements.answer, "yes")
        self.assertEqual(supplements.note, "since Monday")
        self.assertTrue(all(session.screening_ids.mapped("answered_by_patient")))
        self.assertTrue(session.patient_answers_to_review)
        # Nobody sets "answered by the patient" by hand, nor the review.
        for vals in ({"answered_by_patient": False}, {"answered_by_patient_on": NOW}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                supplements.with_user(self.doctor).write(vals)
        with self.assertRaises(UserError):
            session.with_user(self.doctor).write({"patient_answers_reviewed_on": NOW})
        # Start: refused until the practitioner has reviewed her answers.
        as_doctor = session.with_user(self.doctor)
        with self.assertRaisesRegex(UserError, "review her answers"):
            as_doctor.action_start()
        supplements.with_user(self.doctor).acknowledged = True
        self._sign_as_patient(session)
        as_doctor.action_review_patient_answers()
        self.assertFalse(session.patient_answers_to_review)
        self.assertEqual(session.patient_answers_reviewed_by_id, self.doctor)
        as_doctor.action_start()
        self.assertEqual(session.state, "in_progress")
        # Started: she can no longer answer.
        with self.assertRaisesRegex(UserError, "already started"):
            session.sudo()._halley_portal_answer_screening(self._answers(session))

    def test_a_hard_stop_she_answers_still_blocks_start(self):
        session = self.upcoming_a
        session.sudo()._halley_portal_answer_screening(self._answers(session, yes=self.q_bleeding))
        self._sign_as_patient(session)
        as_doctor = session.with_user(self.doctor)
        as_doctor.action_review_patient_answers()
        with self.assertRaisesRegex(UserError, "hard stop"):
            as_doctor.action_start()
        self.assertEqual(session.state, "confirmed")

    def test_every_question_needs_an_answer(self):
        session = self.upcoming_a
        answers = self._answers(session)
        answers[session.screening_ids[:1].id] = (None, "")
        with self.assertRaisesRegex(UserError, "answer every question"):
            session.sudo()._halley_portal_answer_screening(answers)
        self.assertFalse(any(session.screening_ids.mapped("answered_by_patient")))

    def test_billing_never_reviews_clinical_answers(self):
        with self.assertRaises(AccessError):
            self.upcoming_a.with_user(self.billing).action_review_patient_answers()

    def test_previsit_tour(self):
        session = self.upcoming_a
        self.start_tour("/my", "halley_portal_previsit_tour", login=self.user_a.login)
        lines = session.screening_ids
        self.assertTrue(all(lines.mapped("answered_by_patient")))
        supplements = lines.filtered(lambda ln: ln.question_id == self.q_supplements)
        self.assertEqual(supplements.answer, "yes")
        self.assertEqual(supplements.note, "Vitamin E until Monday")
        self.assertEqual(set((lines - supplements).mapped("answer")), {"no"})
        # She signed her consent in the portal: clinical-record photos yes, marketing no.
        consent = session.consent_ids.filtered("signed_on")
        self.assertEqual(len(consent), 1)
        self.assertEqual(consent.signed_channel, "portal")
        self.assertTrue(consent.procedure)
        self.assertTrue(consent.photo_record)
        self.assertFalse(consent.photo_marketing)
        self.assertEqual(consent.signed_by_name, "T Patient Grace")
        self.assertFalse(consent.witness_id)
        as_doctor = session.with_user(self.doctor)
        with self.assertRaisesRegex(UserError, "review her answers"):
            as_doctor.action_start()
        supplements.with_user(self.doctor).acknowledged = True
        as_doctor.action_review_patient_answers()
        as_doctor.action_start()
        self.assertEqual(session.state, "in_progress")
