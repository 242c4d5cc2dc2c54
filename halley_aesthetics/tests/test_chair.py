"""At the chair: the clinic's refusals titled with what was refused, the
aftercare sheet named for the patient, no-shows recorded by the front desk, the
reminder in the patient's language."""

import xmlrpc.client
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, http
from odoo.addons.base.controllers import rpc
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval, time

from ..tools import ClinicUserError, ClinicValidationError
from .common import NOW, HalleyCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestChair(HalleyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Question = cls.env["halley.screening.question"]
        cls.q_bleeding, cls.q_fish = Question.create(
            [
                {"name": "T Bleeding disorder?", "severity": "hard_stop", "sequence": 1,
                 "protocol_ids": [Command.set(cls.protocol_rejuran.ids)]},
                {"name": "T Fish allergy?", "severity": "hard_stop", "sequence": 2,
                 "protocol_ids": [Command.set(cls.protocol_rejuran.ids)]},
            ]
        )
        cls.outsider = new_test_user(cls.env, login="t_outsider", groups="base.group_user")

    def _screened(self, answers=None):
        """A booked session screened: every question no, except ``answers``
        {question: answer}."""
        session = self._session()
        session.screening_ids.answer = "no"
        for line in session.screening_ids:
            if line.question_id in (answers or {}):
                line.answer = answers[line.question_id]
        session.with_user(self.practitioner).action_confirm()
        return session

    # ------------------------------------------------------------------ titled refusals

    def test_a_refused_start_is_titled_and_lists_one_question_per_line(self):
        session = self._screened({self.q_bleeding: "yes", self.q_fish: "yes"})
        with self.assertRaises(ClinicUserError) as refusal:
            session.with_user(self.practitioner).action_start()
        error = refusal.exception
        self.assertIsInstance(error, UserError)
        self.assertEqual(error.title, "Session cannot start")
        lines = error.args[0].splitlines()
        self.assertIn("cannot start: the screening has a hard stop", lines[0])
        self.assertEqual(lines[1:], ["- T Bleeding disorder?", "- T Fish allergy?"])
        self.assertEqual(session.state, "confirmed", "nothing started")
        self.assertFalse(session.move_ids.move_line_ids, "nothing reserved")
        # The web client gets the class's name (its dialog) and the title.
        data = http.serialize_exception(error)
        self.assertEqual(data["name"], "odoo.addons.halley_aesthetics.tools.ClinicUserError")
        self.assertEqual(data["context"], {"halley_title": "Session cannot start"})
        self.assertEqual(data["arguments"], (error.args[0],))
        # XML-RPC clients get a plain UserError fault with the message.
        for handler, code in (
            (rpc.xmlrpc_handle_exception_string, "warning -- UserError\n\n" + error.args[0]),
            (rpc.xmlrpc_handle_exception_int, rpc.RPC_FAULT_CODE_WARNING),
        ):
            with self.assertRaises(xmlrpc.client.Fault) as fault:
                xmlrpc.client.loads(handler(error))
            self.assertEqual(fault.exception.faultCode, code)

    def test_a_refused_done_and_a_missing_reason_are_titled(self):
        session = self._screened()
        with self.assertRaisesRegex(ClinicUserError, "Start the session .* before completing it") as refusal:
            session.with_user(self.practitioner).action_done()
        self.assertEqual(refusal.exception.title, "Session cannot be completed")
        session.with_user(self.practitioner).action_start()
        session.move_ids.filtered(lambda m: m.product_id == self.needle).quantity = 6
        wizard = self.env["halley.session.deviation"].with_user(self.practitioner).create(
            {"session_id": session.id, "reason": "   "}
        )
        with self.assertRaisesRegex(ClinicUserError, "Give the reason for the difference") as refusal:
            wizard.action_confirm()
        self.assertEqual(refusal.exception.title, "Session cannot be completed")
        self.assertEqual(session.state, "in_progress")
        # Several sessions at once: the differences listed, one per line.
        with self.assertRaisesRegex(ClinicUserError, r"differ from the protocol:\n.*Needle") as refusal:
            session.with_user(self.practitioner).with_context(halley_no_wizard=True).action_done()
        self.assertEqual(refusal.exception.title, "Session cannot be completed")

    def test_a_booking_clash_is_titled_and_still_a_validation_error(self):
        first = self._screened()
        clash = self._session(start=first.scheduled_start, patient=self.patient_2)
        with self.assertRaisesRegex(ClinicValidationError, "Test Room A is already booked") as refusal:
            clash.with_user(self.practitioner).action_confirm()
        self.assertIsInstance(refusal.exception, ValidationError)
        self.assertEqual(refusal.exception.title, "Booking refused")
        self.assertEqual(clash.state, "draft")
        # Moving a booked session onto another: refused the same way, kept where it was.
        other = self._session(patient=self.patient_2)
        other.action_confirm()
        start = other.scheduled_start
        with self.assertRaises(ClinicValidationError) as refusal:
            other.with_user(self.practitioner).write({"scheduled_start": first.scheduled_start})
        self.assertIn("Test Room A is already booked", refusal.exception.args[0])
        self.assertEqual(refusal.exception.title, "Booking refused")
        self.assertEqual(other.scheduled_start, start)

    def test_access_errors_are_not_retitled(self):
        session = self._screened()
        with self.assertRaises(AccessError) as refusal:
            session.with_user(self.outsider).action_start()
        self.assertNotIsInstance(refusal.exception, ClinicUserError)
        with self.assertRaises(AccessError):
            session.with_user(self.billing).action_start()
        self.assertEqual(session.state, "confirmed")

    # ------------------------------------------------------------------ aftercare sheet name

    def test_the_aftercare_sheet_is_named_for_the_patient(self):
        self.patient.write({"name": "Grace Lim", "tz": "Asia/Singapore"})
        # 01:30 in Singapore on 26 November: still the 25th in UTC.
        session = self._session(start=datetime(2026, 11, 25, 17, 30))
        report = self.env.ref("halley_aesthetics.action_report_halley_aftercare")
        name = safe_eval(report.print_report_name, {"object": session.with_user(self.practitioner), "time": time})
        self.assertEqual(name, "Aftercare - Grace Lim - 26 Nov 2026")
        self.assertNotIn(session.name.replace("/", "-"), name)

    # ------------------------------------------------------------------ no-shows

    def test_the_front_desk_records_a_no_show(self):
        """Billing is the front desk of a small clinic: it records who did not
        come, and still cannot change a session otherwise."""
        missed = self._session(start=NOW - timedelta(hours=2))
        missed.action_confirm()
        missed.with_user(self.billing).action_no_show()
        self.assertEqual((missed.state, missed.no_show), ("cancel", True))
        self.assertEqual(missed.picking_id.state, "cancel")
        note = missed.message_ids.filtered(lambda m: "no-show" in (m.body or ""))
        self.assertEqual(note.author_id, self.billing.partner_id)
        later = self._session(start=NOW - timedelta(hours=1), patient=self.patient_2)
        later.action_confirm()
        for vals in ({"notes": "forged"}, {"scheduled_start": NOW}, {"no_show": True}):
            with self.subTest(vals=vals), self.assertRaises(UserError):  # access, or the workflow's field
                later.with_user(self.billing).write(vals)
        for method in ("action_cancel", "action_start", "action_draft"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(later.with_user(self.billing), method)()
        with self.assertRaises(AccessError):
            later.with_user(self.outsider).action_no_show()
        self.assertEqual((later.state, later.no_show), ("confirmed", False))
        # Refused in plain words, titled, for billing as for the practitioner.
        upcoming = self._session(start=NOW + timedelta(hours=3), patient=self.patient_2)
        upcoming.action_confirm()
        with self.assertRaisesRegex(ClinicUserError, "once its time has come") as refusal:
            upcoming.with_user(self.billing).action_no_show()
        self.assertEqual(refusal.exception.title, "No-show not recorded")
        self.assertFalse(upcoming.no_show)

    # ------------------------------------------------------------------ reminder

    def test_the_reminder_is_in_her_language_with_the_advice(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.patient.write({"lang": "zh_CN", "email": "grace@example.com", "tz": "Asia/Singapore"})
        self.patient_2.write({"email": "aisha@example.com", "lang": "en_US", "tz": "Asia/Singapore"})
        hers = self._session(start=NOW + timedelta(hours=20))
        other = self._session(start=NOW + timedelta(hours=22), patient=self.patient_2)
        (hers | other).action_confirm()
        self.env["halley.treatment.session"]._cron_send_reminders()
        reminders = {
            session: session.message_ids.filtered(lambda m: m.subject and m.subject.startswith(start))
            for session, start in ((hers, "提醒"), (other, "Reminder"))
        }
        self.assertIn("2026年11月25日", reminders[hers].subject, "her date in Chinese")
        # Her language's date format (en_US: month first), her clinic's time, no seconds.
        self.assertTrue(reminders[other].subject.endswith("11/25/2026 15:00"), reminders[other].subject)
        for advice in ("鱼肝油", "人参", "维生素 E"):
            self.assertIn(advice, reminders[hers].body, "the advice in her language")
        for advice in ("cod liver oil", "ginseng", "vitamin E", "blood thinners"):
            self.assertIn(advice, reminders[other].body)
