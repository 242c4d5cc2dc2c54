"""The clinic's time and the reader's dates: every text about a session gives its
time in the patient's time zone, else the clinic's (the company's "Clinic time
zone"), never the server's nor the time zone of the user who runs the job; with
the reader's language's date format and no seconds.

The clinic is in Singapore; the job runs as a user in Brussels; the server's own
zone is UTC (Odoo's): a session at 11:00 in Singapore is at 03:00 UTC and at
04:00 in Brussels."""

import csv
import io
import re
import zipfile
from datetime import datetime

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..clinic_time import format_local, text_tz
from .common import HalleyPackageCommon

# 11:00 on Tuesday 8 December 2026 in Singapore (UTC+8).
START = datetime(2026, 12, 8, 3, 0)
# The day before, 12:00 UTC (20:00 in Singapore): the reminder job's run.
TODAY = datetime(2026, 12, 7, 12, 0)
# What a text must never show: Brussels' or UTC's hour, an offset, seconds, 12-hour clocks.
WRONG = ("04:00", "03:00", "+0100", "+01:00", "11:00:00", "AM", "PM", "12/08/2026", "秒")


def _text(node):
    return " ".join("".join(node.itertext()).split())


def _page(html):
    """The text a reader reads on the rendered report (not its assets' names)."""
    tree = etree.fromstring(html, etree.HTMLParser())
    return " | ".join(_text(page) for page in tree.xpath("//div[contains(@class, 'page')]"))


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestClinicTime(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("en_GB", "zh_CN"):
            cls.env["res.lang"]._activate_lang(code)
        # The clinic's time zone is the company's setting: its contact has none.
        cls.company.write({"halley_tz": "Asia/Singapore"})
        cls.company.partner_id.tz = False
        cls.patient.write({"email": "grace@example.com", "lang": "en_GB", "tz": False})
        cls.patient_2.write({"email": "aisha@example.com", "lang": "en_GB", "tz": False})
        # Whoever runs the jobs reads Brussels time: nothing of it shows.
        cls.brussels = new_test_user(
            cls.env, login="t_brussels", groups="halley_aesthetics.group_manager,base.group_system",
            name="Brussels Admin", tz="Europe/Brussels",
        )
        cls.env.user.tz = "Europe/Brussels"
        cls.practitioner.tz = "Europe/Brussels"
        cls.Session = cls.env["halley.treatment.session"]
        # The demo clinic's sessions wait for their reminders too: out of the way.
        cls.Session.search([("reminder_sent_on", "=", False)]).sudo().write({"reminder_sent_on": TODAY})

    def _booked(self, patient=None, start=START):
        session = self._session(patient=patient, start=start)
        session.with_user(self.practitioner).action_confirm()
        return session

    def _reminder(self, session):
        self.Session.with_user(self.brussels)._cron_send_reminders()
        message = session.message_ids.filtered(lambda m: m.subject and session.patient_id in m.partner_ids)
        self.assertEqual(len(message), 1, "one reminder, sent by the job")
        return message

    def assertReadsRight(self, text, expected):
        self.assertIn(expected, text)
        for wrong in WRONG:
            self.assertNotIn(wrong, text, f"{wrong!r} in {text!r}")

    # ------------------------------------------------------------------ the setting

    def test_clinic_time_zone_defaults_from_the_country(self):
        Company = self.env["res.company"]
        singapore = Company.create({"name": "T Clinic SG", "country_id": self.env.ref("base.sg").id})
        belgium = Company.create({"name": "T Clinic BE", "country_id": self.env.ref("base.be").id})
        self.assertEqual(singapore.halley_tz, "Asia/Singapore")
        self.assertEqual(belgium.halley_tz, "Europe/Brussels")
        # The settings show it and change it.
        settings = self.env["res.config.settings"].with_company(singapore).create({})
        self.assertEqual(settings.halley_tz, "Asia/Singapore")
        self.assertEqual(text_tz(singapore, self.patient), "Asia/Singapore", "a patient without time zone: her clinic's")
        singapore.halley_tz = "Asia/Kuala_Lumpur"
        self.assertEqual(text_tz(singapore), "Asia/Kuala_Lumpur")

    def test_the_helper_writes_the_readers_format_without_seconds(self):
        self.assertEqual(format_local(self.env, START, "Asia/Singapore", lang_code="en_GB"), "08/12/2026 11:00")
        self.assertEqual(format_local(self.env, START, "Asia/Singapore", lang_code="en_US"), "12/08/2026 11:00")
        self.assertEqual(format_local(self.env, START, "Asia/Singapore", lang_code="zh_CN"), "2026年12月08日 11时00分")
        self.assertEqual(format_local(self.env, START, "Europe/Brussels", lang_code="en_GB", time_only=True), "04:00")
        # The calendar's last hour has no later local time: written in UTC, not refused.
        self.assertEqual(format_local(self.env, datetime(9999, 12, 31, 23, 0), "Asia/Singapore", lang_code="en_GB"),
                         "31/12/9999 23:00")

    # ------------------------------------------------------------------ the reminder

    def test_reminder_says_eleven_in_singapore_day_first(self):
        session = self._booked()
        message = self._reminder(session)
        self.assertReadsRight(message.subject, "08/12/2026 11:00")
        self.assertReadsRight(str(message.body), "08/12/2026 11:00")

    def test_reminder_in_her_own_time_zone(self):
        self.patient_2.tz = "Asia/Jakarta"  # UTC+7
        session = self._booked(patient=self.patient_2)
        message = self._reminder(session)
        self.assertIn("08/12/2026 10:00", message.subject)
        self.assertIn("08/12/2026 10:00", str(message.body))

    def test_chinese_reminder_has_no_seconds(self):
        self.patient.lang = "zh_CN"
        session = self._booked()
        message = self._reminder(session)
        self.assertReadsRight(str(message.body), "2026年12月08日 11时00分")
        self.assertReadsRight(message.subject, "2026年12月08日 11时00分")

    # ------------------------------------------------------------------ documents

    def test_aftercare_sheet_gives_her_day_as_its_file_name(self):
        session = self._booked()
        html = self.env["ir.actions.report"].with_user(self.practitioner)._render_qweb_html(
            "halley_aesthetics.action_report_halley_aftercare", session.ids
        )[0].decode()
        day = etree.fromstring(html, etree.HTMLParser()).xpath(
            "//table[contains(@class, 'o_halley_aftercare_session')]//tr[th='Date']/td"
        )[0]
        self.assertEqual(_text(day), "8 Dec 2026")
        self.assertEqual(session._aftercare_sheet_name(), "Aftercare - T Patient Grace - 8 Dec 2026")

    def test_aftercare_sheet_next_session_at_local_time(self):
        session = self._booked()
        followup = self._session(start=datetime(2026, 12, 29, 3, 0), consent=False)
        session.sudo().followup_session_id = followup
        html = self.env["ir.actions.report"].with_user(self.practitioner)._render_qweb_html(
            "halley_aesthetics.action_report_halley_aftercare", session.ids
        )[0].decode()
        self.assertReadsRight(_page(html), "29/12/2026 11:00")

    def test_consent_pdf_gives_the_session_and_signature_at_local_time(self):
        session = self._booked()
        consent = session.consent_ids.filtered("signed_on")
        self.assertEqual(consent.signed_on, TODAY)
        html = self.env["ir.actions.report"].with_user(self.practitioner)._render_qweb_html(
            "halley_aesthetics.action_report_halley_consent", consent.ids
        )[0].decode()
        tree = etree.fromstring(html, etree.HTMLParser())
        date = tree.xpath("//table[contains(@class, 'o_halley_consent_session')]//tr[th='Date']/td")[0]
        signed = tree.xpath("//table[contains(@class, 'o_halley_consent_signed_by')]//tr[th='Signed on']/td")[0]
        self.assertEqual(_text(date), "08/12/2026 11:00")
        self.assertEqual(_text(signed), "07/12/2026 20:00")
        self.assertEqual(consent._halley_signed_pdf_name(), "Consent - T Patient Grace - 8 Dec 2026")

    def test_chinese_consent_pdf_has_no_seconds(self):
        self.patient.lang = "zh_CN"
        session = self._booked()
        consent = session.consent_ids.filtered("signed_on")
        html = self.env["ir.actions.report"].with_user(self.practitioner)._render_qweb_html(
            "halley_aesthetics.action_report_halley_consent", consent.ids
        )[0].decode()
        self.assertReadsRight(_page(html), "2026年12月08日 11时00分")
        self.assertIn("2026年12月07日 20时00分", _page(html))

    def test_second_signature_refused_at_the_clinics_time(self):
        session = self._booked()
        with self.assertRaisesRegex(UserError, r"already signed this consent at 20:00\.$"):
            self._sign(session.with_user(self.brussels))

    # ------------------------------------------------------------------ export

    def test_pdpa_export_gives_local_times_to_the_minute(self):
        self._booked()
        content, _name = self.patient.with_user(self.manager)._halley_export_patient_data()
        archive = zipfile.ZipFile(io.BytesIO(content))

        def rows(name):
            return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode("utf-8-sig"))))

        self.assertEqual([row["Start"] for row in rows("sessions")], ["2026-12-08 11:00"])
        self.assertEqual([row["Signed on"] for row in rows("consents")], ["2026-12-07 20:00"])
        for name in archive.namelist():
            if name.endswith(".csv"):
                text = archive.read(name).decode("utf-8-sig")
                self.assertFalse(re.search(r"\d\d:\d\d:\d\d", text), f"{name}: no seconds, no microseconds")

    # ------------------------------------------------------------------ screens

    def test_clinic_screens_show_no_seconds(self):
        """Odoo 18's web client shows a datetime with its seconds unless the field
        says ``show_seconds: false``: every datetime field of the addon's own
        views says so (or shows the date only)."""
        views = self.env["ir.ui.view"].search(
            [("model_data_id.module", "=", "halley_aesthetics"), ("type", "in", ("form", "list", "kanban"))]
        )
        missing = []

        def walk(node, model, view):
            for child in node:
                if not isinstance(child.tag, str):
                    continue
                field = model._fields.get(child.get("name")) if child.tag == "field" else None
                if field is not None and field.type in ("one2many", "many2many"):
                    walk(child, self.env[field.comodel_name], view)  # its list and form
                    continue
                if field is not None and field.type == "datetime" and not child.get("position") \
                        and child.get("invisible") != "1":
                    options = child.get("options") or ""
                    if not re.search(r"'show_(seconds|time)':\s*(False|false)", options) \
                            and child.get("widget") not in ("daterange", "remaining_days"):
                        missing.append(f"{view.xml_id or view.name}: {model._name}.{field.name}")
                walk(child, model, view)

        for view in views:
            walk(etree.fromstring(view.arch_db.encode()), self.env[view.model], view)
        self.assertFalse(missing, "datetime fields shown with their seconds")
