"""Clinical data is for clinicians on every path; PDPA: a patient's data export
and the withdrawal of marketing-photo consent; user text is escaped in every
document sent to patients."""

import csv
import io
import zipfile

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import NOW, HalleyPackageCommon

XSS = '<img src=x onerror=alert(1)>'


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestClinicalData(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["halley.screening.question"].create(
            {"name": "T Taking anticoagulants?", "severity": "warning"}
        )
        cls.patient.email = "grace@example.com"

    def _done(self, **vals):
        session = self._session(notes="<p>HIV positive, viral load undetectable</p>", **vals)
        session.screening_ids.write({"answer": "yes", "note": "Warfarin 5 mg"})
        session.screening_ids.acknowledged = True
        session.action_confirm()
        session.action_start()
        self.move_of(session, self.needle).quantity = 5
        session.deviation_reason = "Warfarin: one more pass with a finer needle"
        session.action_done()
        self.env["halley.treatment.session"]._cron_send_aftercare()
        return session

    def test_billing_reads_what_invoicing_needs_and_no_clinical_field(self):
        session = self._done().with_user(self.billing)
        row = session.read(["patient_id", "protocol_id", "scheduled_start", "package_id", "invoice_status"])[0]
        self.assertEqual(row["patient_id"][0], self.patient.id)
        for field in ("notes", "deviation_reason", "screening_ids", "consent_ids", "has_procedure_consent"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                session.read([field])
        Session = self.env["halley.treatment.session"].with_user(self.billing)
        with self.assertRaises(AccessError):
            Session.search_count([("notes", "ilike", "HIV")])
        with self.assertRaises(AccessError):
            Session.search([("deviation_reason", "ilike", "warfarin")])
        with self.assertRaises(AccessError):
            Session.read_group([("notes", "!=", False)], ["patient_id"], ["patient_id"])
        with self.assertRaises(AccessError):
            Session.search([("screening_ids.note", "ilike", "warfarin")])
        # The form billing opens has none of them.
        arch = Session.get_views([(False, "form")])["views"]["form"]["arch"]
        for field in ("notes", "deviation_reason", "screening_ids", "consent_ids"):
            self.assertNotIn(f'name="{field}"', arch)

    def test_practitioner_reads_and_searches_them(self):
        session = self._done()
        Session = self.env["halley.treatment.session"].with_user(self.practitioner)
        self.assertEqual(Session.search([("notes", "ilike", "HIV")]), session)
        self.assertIn("Warfarin", session.with_user(self.practitioner).deviation_reason)

    def test_the_deviation_reason_never_reaches_the_chatter(self):
        session = self._done()
        values = session.message_ids.tracking_value_ids.sudo()
        self.assertFalse(values.filtered(lambda v: "Warfarin" in (v.new_value_char or "") + (v.old_value_char or "")))
        self.assertFalse(session.message_ids.filtered(lambda m: "Warfarin" in (m.body or "")))

    def test_treatment_record_for_clinicians_only_and_every_print_logged(self):
        session = self._done()
        Report = self.env["ir.actions.report"]
        name = "halley_aesthetics.report_halley_treatment_record"
        with self.assertRaisesRegex(AccessError, "only practitioners and clinic managers"):
            Report.with_user(self.billing)._render_qweb_html(name, session.ids)
        html = Report.with_user(self.practitioner)._render_qweb_html(name, session.ids)[0].decode()
        for text in ("Warfarin 5 mg", "HIV positive", "one more pass"):
            self.assertIn(text, html)
        log = self.env["halley.patient.access.log"].search([("patient_id", "=", self.patient.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual((log.user_id, log.session_id, log.action, log.date), (self.practitioner, session, "print", NOW))
        # Only the clinic manager reads the log; nobody writes it.
        self.assertEqual(self.patient.with_user(self.manager).halley_access_log_ids, log)
        with self.assertRaises(AccessError):
            log.with_user(self.practitioner).read(["user_id"])
        with self.assertRaises(AccessError):
            log.with_user(self.manager).write({"user_id": self.billing.id})
        with self.assertRaises(AccessError):
            self.env["halley.patient.access.log"].with_user(self.manager).create(
                {"patient_id": self.patient.id, "user_id": self.billing.id, "action": "print",
                 "company_id": self.company.id}
            )

    def test_files_of_a_session_are_clinical(self):
        session = self._done()
        sheet = session.aftercare_attachment_id
        self.assertTrue(sheet)
        as_billing = self.env["ir.attachment"].with_user(self.billing)
        self.assertFalse(as_billing.search([("res_model", "=", session._name)]))
        with self.assertRaises(AccessError):
            as_billing.browse(sheet.id).read(["raw"])
        with self.assertRaisesRegex(AccessError, "clinical record"):
            as_billing.browse(sheet.id).check("read")
        with self.assertRaises(AccessError):
            as_billing.create({"name": "x.pdf", "raw": b"x", "res_model": session._name, "res_id": session.id})
        self.assertTrue(self.env["ir.attachment"].with_user(self.practitioner).browse(sheet.id).raw)
        # Billing still opens the session and its chatter.
        self.assertTrue(session.with_user(self.billing).message_ids)


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestPdpa(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["halley.screening.question"].create({"name": "T Pregnant?", "severity": "hard_stop"})
        cls.patient.write({"email": "grace@example.com", "phone": "+65 8111 1111"})

    def _session_done(self, photo_marketing=False, **vals):
        session = self._session(consent=False, **vals)
        self._sign(session, user=self.practitioner, photo_marketing=photo_marketing)
        session.screening_ids.answer = "no"
        session.action_confirm()
        session.action_start()
        session.action_done()
        self.env["halley.treatment.session"]._cron_send_aftercare()
        return session

    def test_manager_exports_everything_the_clinic_holds_on_her(self):
        invoice = self._invoice([(self.trio_course, 1)])
        session = self._session_done(
            protocol=self.protocol_trio,
            notes="<p>Tolerated well</p>",
            consent_ids=[Command.create({"procedure": True, "photo_marketing": True, "note": "Form 12"})],
        )
        self.env["halley.treatment.session"].create(  # another patient: not in her export
            {"patient_id": self.patient_2.id, "protocol_id": self.protocol_rejuran.id, "room_id": self.room.id}
        )
        content, filename = self.patient.with_user(self.manager)._halley_export_patient_data()
        self.assertEqual(filename, "T Patient Grace - clinic record.zip")
        archive = zipfile.ZipFile(io.BytesIO(content))

        def rows(name):
            return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode("utf-8-sig"))))

        self.assertEqual(rows("profile")[0]["Email"], "grace@example.com")
        sessions = rows("sessions")
        # The session, and the next one of her course, proposed on completion.
        self.assertEqual([s["Session"] for s in sessions], [session.name, session.followup_session_id.name])
        self.assertEqual(sessions[0]["Clinical notes"], "Tolerated well")
        self.assertEqual(sessions[1]["Status"], "Draft")
        self.assertEqual({r["Question"] for r in rows("screening")}, {"T Pregnant?"})
        consents = rows("consents")
        self.assertEqual({c["Note"] for c in consents}, {"Form 12", ""})
        self.assertIn(self.patient.name, {c["Signed by"] for c in consents})
        lots = {r["Lot"] for r in rows("lots_used")}
        self.assertEqual(lots, {"TRJ-EARLY", "THA-1", "TNUMB-1", ""})
        package = rows("packages")[0]
        self.assertEqual((package["Sessions bought"], package["Used"], package["Remaining"]), ("3", "1", "2"))
        self.assertIn(invoice.name, {r["Invoice"] for r in rows("invoices")})
        self.assertIn(f"aftercare/{session.aftercare_attachment_id.name}", archive.namelist())
        log = self.env["halley.patient.access.log"].search([("patient_id", "=", self.patient.id)])
        self.assertEqual((log.action, log.user_id), ("export", self.manager))

    def test_only_managers_export(self):
        for user in (self.practitioner, self.billing):
            with self.subTest(user=user.login), self.assertRaisesRegex(AccessError, "Only clinic managers"):
                self.patient.with_user(user)._halley_export_patient_data()
        with self.assertRaisesRegex(UserError, "not a patient"):
            self.env["res.partner"].create({"name": "A supplier"}).with_user(self.manager).action_halley_export_patient_data()
        self.assertFalse(self.env["halley.patient.access.log"].search([]))

    def test_marketing_photo_consent_is_withdrawn_with_its_date(self):
        self._session_done(photo_marketing=True)
        patient = self.patient.with_user(self.practitioner)
        self.assertTrue(patient.halley_marketing_photo_consent)
        with freeze_time(NOW + relativedelta(days=3)):
            patient.action_halley_withdraw_marketing_photos()
        patient.invalidate_recordset()
        self.assertFalse(patient.halley_marketing_photo_consent)
        self.assertEqual(patient.halley_marketing_photo_withdrawn_on, NOW + relativedelta(days=3))
        consent = self.env["halley.session.consent"].search([("patient_id", "=", self.patient.id)])
        self.assertTrue(consent.photo_marketing, "what she consented to at the time is kept")
        self.assertEqual(consent.photo_marketing_withdrawn_by_id, self.practitioner)
        with self.assertRaisesRegex(UserError, "no marketing-photo consent to withdraw"):
            patient.action_halley_withdraw_marketing_photos()
        # Nothing about it in her contact's chatter (every employee reads that).
        self.assertFalse(self.patient.message_ids.filtered(lambda m: "marketing" in (m.body or "").lower()))
        # The withdrawal cannot be undone nor its date changed by hand, and who
        # recorded a consent and when cannot be forged.
        as_doctor = consent.with_user(self.practitioner)
        for vals in (
            {"photo_marketing_withdrawn_on": False},
            {"photo_marketing_withdrawn_by_id": False},
            {"date": NOW - relativedelta(years=5)},
            {"recorded_by_id": self.manager.id},
            {"photo_marketing": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                as_doctor.write(vals)
        with self.assertRaisesRegex(UserError, "recorded by the clinic's workflow"):
            self.env["halley.session.consent"].with_user(self.practitioner).create(
                {"session_id": consent.session_id.id, "procedure": True, "recorded_by_id": self.manager.id,
                 "date": NOW - relativedelta(years=5)}
            )
        # No context key or default gets round it (anyone can send those over RPC).
        with self.assertRaises(UserError):
            as_doctor.with_context(halley_consent_workflow=True).write({"photo_marketing_withdrawn_on": False})
        forged_defaults = self.env["halley.session.consent"].with_user(self.practitioner).with_context(
            default_recorded_by_id=self.manager.id, default_date=NOW - relativedelta(years=5),
            default_photo_marketing_withdrawn_on=NOW - relativedelta(years=4),
        ).create({"session_id": self._session(consent=False).id, "procedure": True})
        self.assertEqual(
            (forged_defaults.recorded_by_id, forged_defaults.date, forged_defaults.photo_marketing_withdrawn_on),
            (self.practitioner, NOW, False),
        )
        self.assertEqual(consent.photo_marketing_withdrawn_on, NOW + relativedelta(days=3))

    def test_billing_registers_a_patient(self):
        patient = self.env["res.partner"].with_user(self.billing).create(
            {"name": "T Walk-in", "is_patient": True, "phone": "+65 8000 0000"}
        )
        self.assertTrue(patient.is_patient)


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestEscapedTemplates(HalleyPackageCommon):
    """A patient whose name is markup: every document sent to her shows it as text."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patient.write({"name": XSS, "email": "x@example.com"})

    def assertEscaped(self, html):
        self.assertNotIn("<img", html)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", html)

    def test_aftercare_email_and_sheet(self):
        session = self._run(self._session())
        self.env["halley.treatment.session"]._cron_send_aftercare()
        message = session.message_ids.filtered(lambda m: m.subject and "aftercare" in m.subject)
        self.assertEscaped(message.body)
        # Under test, Odoo renders the report as its HTML (no wkhtmltopdf run); the
        # company logo is an <img> of the layout, so only the name is checked here.
        sheet = session.aftercare_attachment_id.raw.decode()
        self.assertNotIn(XSS, sheet)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", sheet, "printed as text on the sheet")

    def test_reminder(self):
        session = self._session(start=NOW + relativedelta(hours=20))
        session.action_confirm()
        self.env["halley.treatment.session"]._cron_send_reminders()
        message = session.message_ids.filtered(lambda m: m.subject and "Reminder" in m.subject)
        self.assertEqual(message.partner_ids, self.patient)
        self.assertEscaped(message.body)
        self.assertTrue(session.reminder_sent_on)
        self.env["halley.treatment.session"]._cron_send_reminders()
        self.assertEqual(len(session.message_ids.filtered(lambda m: m.subject and "Reminder" in m.subject)), 1)

    def test_recall_notice(self):
        session = self._run(self._session())
        recall = self.env["halley.lot.recall"].with_user(self.manager).create(
            {"lot_id": session.used_line_ids.lot_id.filtered(lambda lot: lot.product_id == self.rejuran).id}
        )
        recall.action_notify()
        self.env["halley.recall.notice"]._cron_post_recall_messages()
        message = self.env["halley.recall.notice"].search([]).message_id
        self.assertIn("Dear", message.body)
        self.assertEscaped(message.body)
