"""A clinic day in Singapore, in a real browser, as each role and both demo patients
read it, on a server in another time zone: the server's process runs in UTC, the
user who runs the reminder job reads Brussels time, the browsers are Singapore's.
Times are Singapore's, dates day-first (Chinese as Chinese writes them), no seconds,
no internal code and no template placeholder (tours/halley_clinic_day_tour.js)."""

import pytz

from odoo import Command
from odoo.tests import tagged

from .common import HalleyUiCase

SINGAPORE = pytz.timezone("Asia/Singapore")


@tagged("post_install", "-at_install")
class TestClinicDayUi(HalleyUiCase):
    browser_timezone = "Asia/Singapore"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.aisha = ref("halley_aesthetics.patient_aisha_demo")
        cls.grace = ref("halley_aesthetics.patient_grace_demo")
        cls.meiling = ref("halley_aesthetics.patient_meiling_demo")
        # Aisha has no time zone of her own: the clinic's applies.
        cls.aisha.tz = False
        # Booked at 11:00 Singapore time (03:00 UTC) on the next opening day.
        cls.aisha_session = ref("halley_aesthetics.session_aisha_1_demo")

    def _portal_user(self, partner, login):
        return self.env["res.users"].with_context(no_reset_password=True).create({
            "name": partner.name, "login": login, "password": login, "partner_id": partner.id,
            "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
        })

    def test_manager_reads_the_reminder_at_eleven(self):
        """The reminder job runs as a user in Brussels on a UTC server; Aisha's 11:00
        session is announced at 11:00, day-first, and her session reads the same."""
        self.assertEqual(self.aisha_session.state, "confirmed")
        self.assertEqual(
            pytz.utc.localize(self.aisha_session.scheduled_start).astimezone(SINGAPORE).strftime("%H:%M"), "11:00"
        )
        job_user = self._user("brussels_job", "halley_aesthetics.group_manager", tz="Europe/Brussels",
                              email="jobs@halley-aesthetics.example.com")
        self.env["halley.treatment.session"].with_user(job_user)._cron_send_reminders(hours=96)
        admin = self.env.ref("base.user_admin")
        self.assertEqual(admin.lang, "en_GB", "the demo's manager reads day-first dates")
        self.browser_size = "1440x900"
        self.start_tour(f"/odoo/action-halley_aesthetics.halley_treatment_session_action/{self.aisha_session.id}",
                        "halley_clinic_day_manager", login="admin")

    def test_each_role_reads_its_screens_in_words(self):
        """Manager at 1440 px, practitioner on a tablet (820 px), billing at the counter:
        the screens the clinic reads every day, in words and Singapore's time."""
        screens = [
            ("admin", "1440x900", "halley_treatment_session_action"),
            ("admin", "1440x900", "mrp_bom_action_halley_protocol"),
            ("admin", "1440x900", "stock_warehouse_orderpoint_action_halley"),
            ("admin", "1440x900", "halley_patient_package_action"),
            ("doctor", "820x1180", "halley_treatment_session_action_today"),
            ("billing", "1440x900", "halley_treatment_session_action_to_invoice"),
            ("billing", "1440x900", "account_move_action_halley_patient_invoices"),
        ]
        done = self.env.ref("halley_aesthetics.session_grace_1_demo")
        screens.append(("admin", "1440x900", f"halley_treatment_session_action/{done.id}"))
        for login, size, path in screens:
            with self.subTest(login=login, screen=path):
                self.browser_size = size
                self.start_tour(f"/odoo/action-halley_aesthetics.{path}", "halley_clinic_day_screen", login=login)

    def test_patients_read_their_portal_on_a_phone(self):
        """Grace (English) reads day-first dates at the clinic's times; Tan Mei Ling's
        first page after login is in Chinese."""
        self._portal_user(self.grace, "grace_phone")
        self._portal_user(self.meiling, "meiling_phone")
        self.browser_size = "390x844"
        self.touch_enabled = True
        self.start_tour("/my/treatments", "halley_clinic_day_patient", login="grace_phone")
        self.start_tour("/my", "halley_clinic_day_patient_zh", login="meiling_phone")
