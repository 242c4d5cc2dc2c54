"""The aftercare sheet: a QWeb report with the protocol's own instructions and the
lots used, emailed by the aftercare cron after Done is committed (Done itself
renders and sends nothing).

Under test, Odoo renders PDF reports as their HTML (no wkhtmltopdf run, whose
Debian build warns): the sheet's content is asserted on that HTML, and its file
name carries that format's extension (".pdf" in production)."""

from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import NOW, HalleyPackageCommon

REPORT = "halley_aesthetics.action_report_halley_aftercare"
INSTRUCTIONS = "<p>No sauna for two days.</p><p>Massage small bumps gently.</p>"
FALLBACK = "Your practitioner will give you your aftercare instructions."


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestAftercare(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patient.email = "grace@example.com"
        cls.company.phone = "+65 6123 4567"
        cls.protocol_rejuran.aftercare_instructions = INSTRUCTIONS
        cls.Session = cls.env["halley.treatment.session"]
        # Sessions of the demo clinic completed at install wait for the cron too:
        # out of these tests' way.
        cls.Session.search([("aftercare_state", "=", "to_send")]).write({"aftercare_state": False})
        cls.cron = cls.env.ref("halley_aesthetics.ir_cron_halley_aftercare")
        cls.template = cls.env.ref("halley_aesthetics.mail_template_halley_aftercare")

    def _done(self, **vals):
        session = self._session(**vals)
        session.screening_ids.answer = "no"
        return self._run(session)

    def _mails(self, session):
        """The emails of the session to its patient (followers may be notified too)."""
        return self.env["mail.mail"].search(
            [("model", "=", session._name), ("res_id", "=", session.id),
             ("recipient_ids", "in", session.patient_id.ids)]
        )

    def _sheet_name(self, session):
        # The patient's name and the day, no session code (sessions here start on NOW's day).
        return f"Aftercare - {session.patient_id.name} - 24 Nov 2026"

    def _aftercare_messages(self, session):
        return session.message_ids.filtered(lambda m: m.subject and "aftercare" in m.subject)

    # ------------------------------------------------------------------ Done

    def test_done_marks_the_session_and_renders_and_sends_nothing(self):
        self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]).unlink()
        Report = type(self.env["ir.actions.report"])
        session = self._session()  # her consent signed (its PDF rendered) before Done
        session.screening_ids.answer = "no"
        with patch.object(Report, "_render_qweb_pdf", side_effect=AssertionError("Done rendered a report")):
            self._run(session)
        self.assertEqual((session.state, session.aftercare_state), ("done", "to_send"))
        self.assertFalse(session.aftercare_attachment_id)
        self.assertFalse(self.env["ir.attachment"].search([("res_model", "=", session._name), ("res_id", "=", session.id)]))
        self.assertFalse(self._mails(session))
        self.assertFalse(self._aftercare_messages(session))
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]),
            "the aftercare cron runs once Done is committed",
        )

    def test_aftercare_state_is_recorded_by_the_workflow_only(self):
        session = self._done()
        with self.assertRaisesRegex(UserError, "recorded by the clinic's workflow"):
            session.with_user(self.manager).write({"aftercare_state": "sent"})

    # ------------------------------------------------------------------ cron

    def test_cron_queues_the_email_with_the_sheet(self):
        session = self._done()
        self.Session._cron_send_aftercare()
        self.assertEqual(session.aftercare_state, "sent")
        sheet = session.aftercare_attachment_id
        self.assertEqual((sheet.res_model, sheet.res_id), (session._name, session.id), "the sheet stays on the session")
        self.assertTrue(sheet.name.startswith(self._sheet_name(session) + "."), sheet.name)
        content = sheet.raw.decode()
        for expected in ("T Patient Grace", "T Rejuran Skin Healer", "Dr. Test",
                         "No sauna for two days.", "Massage small bumps gently.", "TRJ-EARLY", "TNUMB-1",
                         "+65 6123 4567"):
            self.assertIn(expected, content)
        self.assertNotIn(session.name, content, "her sheet names the treatment and the day, not the session's code")
        self.assertNotIn("TRJ-LATE", content)
        self.assertNotIn(FALLBACK, content)
        # The session's Aftercare tab opens the sheet itself.
        action = session.with_user(self.practitioner).action_open_aftercare_sheet()
        self.assertEqual((action["type"], action["url"]), ("ir.actions.act_url", f"/web/content/{sheet.id}"))
        # One email, in Odoo's mail queue (sent by its cron, triggered), to the
        # patient, with the sheet; posted on the session's chatter.
        mail = self._mails(session)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.patient)
        self.assertEqual(mail.attachment_ids, sheet)
        self.assertEqual(mail.subject, "Your aftercare after today's treatment (T Rejuran Skin Healer)")
        self.assertIn("No sauna for two days.", mail.body_html, "the protocol's instructions in the email too")
        self.assertNotIn("hot water", mail.body_html)
        message = self._aftercare_messages(session)
        self.assertEqual((message.partner_ids, message.attachment_ids), (self.patient, sheet))
        self.assertEqual(message.author_id, self.practitioner.partner_id, "from her practitioner, not OdooBot")
        queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", queue.id)]))

    def test_the_sheet_gives_the_next_session_of_a_course(self):
        self._invoice([(self.trio_course, 1)])
        session = self._done(protocol=self.protocol_trio)
        self.assertTrue(session.followup_session_id)
        self.Session._cron_send_aftercare()
        self.assertIn("Your next session", session.aftercare_attachment_id.raw.decode())

    def test_cron_twice_sends_once(self):
        session = self._done()
        self.Session._cron_send_aftercare()
        self.Session._cron_send_aftercare()
        self.assertEqual(len(self._mails(session)), 1)
        self.assertEqual(len(self._aftercare_messages(session)), 1)

    def test_patient_without_email_gets_a_sheet_to_print(self):
        session = self._done(patient=self.patient_2, protocol=self.protocol_ha)
        self.Session._cron_send_aftercare()
        self.assertEqual(session.aftercare_state, "no_email")
        self.assertFalse(self._mails(session))
        sheet = session.aftercare_attachment_id
        self.assertEqual((sheet.res_model, sheet.res_id), (session._name, session.id))
        self.assertTrue(sheet.name.startswith(self._sheet_name(session) + "."), sheet.name)
        content = sheet.raw.decode()
        self.assertIn("THA-1", content)
        self.assertIn(FALLBACK, content, "the protocol has no instructions")
        note = session.message_ids.filtered(lambda m: "has no email address" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("T Patient Aisha has no email address: give her the printed aftercare sheet.", note.body)
        self.assertEqual(note.attachment_ids, sheet)
        self.assertFalse(note.partner_ids)

    def test_a_failing_sheet_does_not_stop_the_others(self):
        failing = self._done()
        other = self._done(patient=self.patient_2)
        other.patient_id.email = "aisha@example.com"
        Report = type(self.env["ir.actions.report"])
        render = Report._render_qweb_pdf

        def fail_for_one(report, report_ref, res_ids=None, data=None):
            if failing.id in (res_ids or []):
                raise UserError(self.env._("Unable to find Wkhtmltopdf on this system."))
            return render(report, report_ref, res_ids=res_ids, data=data)

        with patch.object(Report, "_render_qweb_pdf", fail_for_one):
            self.Session._cron_send_aftercare()
        self.assertEqual(other.aftercare_state, "sent")
        self.assertEqual(len(self._mails(other)), 1)
        self.assertEqual(failing.aftercare_state, "failed")
        self.assertFalse(failing.aftercare_attachment_id)
        self.assertFalse(self._mails(failing))
        self.assertFalse(self._aftercare_messages(failing), "nothing of the failed attempt is kept")
        self.assertTrue(
            failing.message_ids.filtered(
                lambda m: "The aftercare sheet could not be sent: Unable to find Wkhtmltopdf" in (m.body or "")
            )
        )
        activity = failing.activity_ids
        self.assertEqual((activity.summary, activity.user_id), ("Aftercare sheet not sent", self.practitioner))
        # Once the cause is fixed, the practitioner sends it again.
        failing.with_user(self.practitioner).action_send_aftercare()
        self.assertEqual(failing.aftercare_state, "to_send")
        self.Session._cron_send_aftercare()
        self.assertEqual(failing.aftercare_state, "sent")
        self.assertEqual(len(self._mails(failing)), 1)

    def test_cron_works_in_batches(self):
        sessions = self._done() | self._done(patient=self.patient_2)
        self.Session._cron_send_aftercare(batch_size=1)
        self.assertEqual(sessions.mapped("aftercare_state"), ["sent", "to_send"], "the first completed first")
        self.Session._cron_send_aftercare(batch_size=1)
        self.assertEqual(sorted(sessions.mapped("aftercare_state")), ["no_email", "sent"])

    def test_a_session_cancelled_before_the_cron_gets_no_sheet(self):
        session = self._done()
        session.with_user(self.practitioner).action_cancel()
        self.assertFalse(session.aftercare_state)
        self.Session._cron_send_aftercare()
        self.assertFalse(self._mails(session))
        self.assertFalse(session.aftercare_attachment_id)

    # ------------------------------------------------------------------ report

    def test_the_template_attaches_the_report(self):
        report = self.env.ref(REPORT)
        self.assertEqual(self.template.report_template_ids, report)
        self.assertEqual(
            (report.model, report.report_type, report.report_name),
            ("halley.treatment.session", "qweb-pdf", "halley_aesthetics.report_halley_aftercare"),
        )
        self.assertNotIn("hot water", self.template.body_html, "no hard-coded aftercare rules")

    def test_only_clinicians_print_the_sheet(self):
        session = self._done()
        Report = self.env["ir.actions.report"]
        with self.assertRaisesRegex(AccessError, "only practitioners and clinic managers"):
            Report.with_user(self.billing)._render_qweb_pdf(REPORT, session.ids)
        for user in (self.practitioner, self.manager):
            with self.subTest(user=user.login):
                content, _format = Report.with_user(user)._render_qweb_pdf(REPORT, session.ids)
                self.assertIn("No sauna for two days.", content.decode())
        action = session.with_user(self.practitioner).action_print_aftercare()
        self.assertEqual((action["type"], action["report_name"]), ("ir.actions.report", "halley_aesthetics.report_halley_aftercare"))
