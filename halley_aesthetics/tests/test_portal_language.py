"""The patient portal in her language from the first page, the rooms' names for
patients, the invitation from her form in one click, and a home that shows the
clinic's logo and only what she has."""

import json

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import NOW
from .test_portal import PortalCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestPortalLanguage(PortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Aisha reads Chinese; Grace English. The room has its name for patients in both.
        cls.patient_2.lang = "zh_CN"
        cls.room.patient_label = "T Room for patients"
        cls.room.with_context(lang="zh_CN").patient_label = "一号治疗室"
        cls.customer.lang = "zh_CN"

    def _open(self, user, url, cookie_lang="en_US"):
        """GET url as user (None: not logged in) from a browser whose last portal
        page was English (its frontend_lang cookie)."""
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)
        if cookie_lang:
            self.opener.cookies["frontend_lang"] = cookie_lang
        return self.url_open(url)

    def test_the_zh_cn_language_is_there(self):
        self.assertTrue(self.env["res.lang"]._lang_get("zh_CN"), "the demo clinic activates Chinese")

    def test_her_first_page_is_in_her_language_over_the_cookie(self):
        home = self._open(self.user_b, "/my")
        self.assertEqual(home.status_code, 200)
        self.assertIn("/zh_CN/my", home.url, "Odoo's own URLs of her language")
        self.assertIn("治疗项目", home.text, "Treatments, in Chinese")
        self.assertNotIn("Your upcoming and past treatments", home.text)
        page = self.url_open(f"/my/treatments/{self.upcoming_b.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("就诊前", page.text, "Before your visit, in Chinese")
        self.assertNotIn("Before your visit", page.text)
        self.assertIn("一号治疗室", page.text, "the room's Chinese name")
        self.assertNotIn("T Room for patients", page.text)
        self.assertIn("治疗室", page.text, "the Room label")
        listing = self.url_open("/my/treatments")
        self.assertIn("一号治疗室", listing.text)

    def test_english_reader_keeps_english_over_a_chinese_cookie(self):
        page = self._open(self.user_a, f"/my/treatments/{self.upcoming_a.id}", cookie_lang="zh_CN")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("/zh_CN/", page.url)
        self.assertIn("Before your visit", page.text)
        self.assertIn("T Room for patients", page.text)
        self.assertNotIn("一号治疗室", page.text)
        self.assertNotIn("就诊前", page.text)

    def test_non_patients_keep_odoos_choice(self):
        """A portal customer who is no patient: the cookie still wins, as in Odoo."""
        home = self._open(self.customer, "/my", cookie_lang="en_US")
        self.assertEqual(home.status_code, 200)
        self.assertNotIn("/zh_CN/", home.url)
        home = self._open(self.customer, "/my", cookie_lang=None)
        self.assertIn("/zh_CN/my", home.url, "without a cookie, Odoo follows her language")

    def test_her_reminder_link_opens_in_her_language(self):
        page = self._open(None, self.upcoming_b.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn("就诊前", page.text)
        self.assertIn("一号治疗室", page.text)
        self.assertNotIn("Before your visit", page.text)
        # Grace's link, in English, even from a Chinese browser.
        page = self._open(None, self.upcoming_a.get_portal_url(), cookie_lang="zh_CN")
        self.assertIn("Before your visit", page.text)
        self.assertNotIn("就诊前", page.text)

    def test_room_names_for_patients_are_translated(self):
        room = self.room.with_user(self.doctor)
        self.assertEqual(room.with_context(lang="en_US").room_patient_name, "T Room for patients")
        self.assertEqual(room.with_context(lang="zh_CN").room_patient_name, "一号治疗室")
        self.room.with_context(lang="en_US").patient_label = False
        self.assertEqual(room.with_context(lang="en_US").room_patient_name, self.room.name, "empty: the room's name")


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestPortalInvitation(PortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's own Chinese for the portal (its invitation email), as the demo
        # clinic loads it when it activates Chinese.
        cls.env["ir.module.module"].search([("name", "=", "portal")])._update_translations("zh_CN")
        cls.mei = cls.env["res.partner"].create(
            {"name": "T Patient Mei", "is_patient": True, "email": "t.mei@example.com", "lang": "zh_CN"}
        )

    def test_invite_from_her_form_grants_in_one_click(self):
        action = self.mei.with_user(self.billing).action_halley_portal_invite()
        self.assertEqual((action["res_model"], action["target"]), ("portal.wizard", "new"))
        wizard = self.env["portal.wizard"].with_user(self.billing).browse(action["res_id"])
        line = wizard.user_ids
        self.assertEqual(line.partner_id, self.mei, "her line is in the wizard")
        self.assertTrue(isinstance(line.id, int) and line.id > 0, "saved: its Grant Access button works")
        self.assertEqual((line.email, line.email_state, line.is_portal), ("t.mei@example.com", "ok", False))
        line.action_grant_access()
        user = self.mei.user_ids
        self.assertTrue(user._is_portal())
        self.assertEqual(user.lang, "zh_CN")
        # Her invitation, in Chinese: Odoo's template, rendered in her language.
        template = self.env.ref("portal.mail_template_data_portal_welcome")
        mail = template._generate_template(line.ids, ("subject", "body_html"))[line.id]
        self.assertIn("您在", mail["subject"])
        self.assertIn("门户", mail["body_html"], "Portal, in Chinese")
        self.assertNotIn("Welcome to", mail["body_html"])

    def test_only_who_manages_contacts_invites(self):
        with self.assertRaises(AccessError):
            self.mei.with_user(self.doctor).action_halley_portal_invite()
        customer = self.env["res.partner"].create({"name": "T Not a patient"})
        with self.assertRaises(UserError):
            customer.with_user(self.billing).action_halley_portal_invite()


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestPortalHome(PortalCommon):
    def test_her_home_shows_the_clinic_logo_and_only_what_she_has(self):
        company = self.env.company
        home = self._open_home(self.user_b)
        self.assertIn(f"/logo.png?company={company.id}", home.text)
        # Her home marks her a patient: every entry then follows its counter
        # (static/src/portal/halley_portal_home_counters.js; the portal tour sees it).
        self.assertIn('data-halley-patient="1"', home.text)
        counters = self._counters(["order_count", "quotation_count", "invoice_count", "halley_treatment_count"])
        self.assertEqual(counters["order_count"], 0, "no orders: no Your Orders")
        self.assertEqual(counters["invoice_count"], 0)
        self.assertEqual(counters["halley_treatment_count"], 2)
        # A customer who is no patient: Odoo's home as before.
        self.assertNotIn("data-halley-patient", self._open_home(self.customer).text)

    def test_the_demo_clinic_has_its_logo(self):
        if not self.env.ref("halley_aesthetics.patient_grace_demo", raise_if_not_found=False):
            self.skipTest("no demo data")
        self.assertFalse(self.env.ref("base.main_company").uses_default_logo, "not Odoo's Your logo")

    def _open_home(self, user):
        self.authenticate(user.login, user.login)
        return self.url_open("/my")

    def _counters(self, names):
        response = self.url_open(
            "/my/counters",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {"counters": names}}),
            headers={"Content-Type": "application/json"},
        )
        return response.json()["result"]
