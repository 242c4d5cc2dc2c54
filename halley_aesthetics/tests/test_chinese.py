"""Chinese (Simplified): a patient who reads Chinese gets her aftercare sheet, her
reminder and aftercare emails and her recall message in Chinese, from the addon's
own i18n/zh_CN.po loaded by Odoo (no translation is written by these tests, except
the protocol's own name and instructions, which the clinic translates on the
protocol); a patient who reads English keeps getting English."""

import shutil
import subprocess
import unicodedata

import polib
from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools import file_path

from .common import NOW, HalleyCommon

REPORT = "halley_aesthetics.action_report_halley_aftercare"
# The clinic's aftercare rules, as the demo protocols carry them (their Chinese is in
# i18n/zh_CN.po).
INSTRUCTIONS = (
    "<p><strong>For two days after your treatment</strong>, avoid washing your face with warm water, "
    "saunas, excessive alcohol and vigorous exercise: they raise blood flow to the face.</p>"
    "<p>Bruises, if any, can be covered with make-up and usually fade in five to seven days.</p>"
)


def po_translations(lang="zh_CN"):
    """{msgid: msgstr} of the addon's translation file for ``lang``."""
    path = file_path(f"halley_aesthetics/i18n/{lang}.po")
    return {entry.msgid: entry.msgstr for entry in polib.pofile(path) if entry.msgstr}


class ChineseClinicCase(HalleyCommon):
    """The small clinic of the tests, with Chinese active and a patient reading it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Chinese activated as Settings > Languages does; the addon's zh_CN.po loaded.
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._get("halley_aesthetics")._update_translations(["zh_CN"])
        cls.company.phone = "+65 6123 4567"
        cls.patient_zh = cls.env["res.partner"].create(
            {"name": "Tan Mei Ling", "is_patient": True, "email": "meiling@example.com",
             "lang": "zh_CN", "tz": "Asia/Singapore"}
        )
        cls.patient.write({"email": "grace@example.com", "lang": "en_US"})
        # The protocol's name for patients and its instructions, translated by the
        # clinic on the protocol (Rejuran Skin Healer is its 婴儿针).
        rejuran = cls.protocol_rejuran
        rejuran.write({"patient_label": "Rejuran Skin Healer", "aftercare_instructions": INSTRUCTIONS})
        rejuran.update_field_translations("patient_label", {"zh_CN": "婴儿针"})
        po = po_translations()
        terms = rejuran._fields["aftercare_instructions"].get_trans_terms(INSTRUCTIONS)
        rejuran.update_field_translations("aftercare_instructions", {"zh_CN": {term: po[term] for term in terms}})
        cls.Session = cls.env["halley.treatment.session"]
        cls.Session.search([("aftercare_state", "=", "to_send")]).write({"aftercare_state": False})

    def _done(self, patient):
        session = self._session(patient=patient)
        session.screening_ids.answer = "no"
        session = session.with_user(self.practitioner)
        session.action_confirm()
        session.action_start()
        session.action_done()
        return session.with_user(self.env.user)

    def _sheet_html(self, session):
        html, _format = self.env["ir.actions.report"].with_user(self.practitioner)._render_qweb_html(
            REPORT, session.ids
        )
        return html.decode()



@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestChinese(ChineseClinicCase):
    # ------------------------------------------------------------------ the sheet

    def test_aftercare_sheet_html_reads_chinese(self):
        html = self._sheet_html(self._done(self.patient_zh))
        for chinese in (
            "治疗后的护理须知",  # Aftercare after your treatment
            "您的术后护理",  # Your aftercare
            "婴儿针",  # the treatment's name for patients
            "<strong>治疗后两天内</strong>，请避免用温水洗脸",  # the protocol's instructions
            "2026年11月24日",  # the day, as her language writes it
            "您治疗中使用的产品",  # Products used in your treatment
            "如有任何不适或疑虑，请致电",  # If anything worries you, call
        ):
            self.assertIn(chinese, html)
        for english in ("Aftercare after your treatment", "Your aftercare", "Rejuran Skin Healer",
                        "For two days after your treatment"):
            self.assertNotIn(english, html)

    def test_english_patient_keeps_an_english_sheet(self):
        html = self._sheet_html(self._done(self.patient))
        for english in ("Aftercare after your treatment", "Your aftercare", "Rejuran Skin Healer",
                        "For two days after your treatment", "24 Nov 2026"):
            self.assertIn(english, html)
        self.assertNotIn("婴儿针", html)
        self.assertNotIn("术后护理", html)

    def test_aftercare_sheet_file_name_reads_chinese(self):
        session = self._done(self.patient_zh)
        self.assertEqual(session._aftercare_sheet_name(), "术后护理 - Tan Mei Ling - 2026年11月24日")
        english = self._done(self.patient)
        self.assertEqual(english._aftercare_sheet_name(), "Aftercare - T Patient Grace - 24 Nov 2026")

    # ------------------------------------------------------------------ emails

    def test_aftercare_email_reads_chinese(self):
        session = self._done(self.patient_zh)
        session._send_aftercare()
        self.assertEqual(session.aftercare_state, "sent")
        message = session.message_ids.filtered(lambda m: self.patient_zh in m.partner_ids)[:1]
        self.assertEqual(message.subject, "今天治疗后的护理须知（婴儿针）")
        self.assertIn("亲爱的 Tan Mei Ling", message.body)
        self.assertIn("感谢您的光临", message.body)
        self.assertIn("治疗后两天内", message.body)
        self.assertTrue(session.aftercare_attachment_id.name.startswith("术后护理 - Tan Mei Ling - 2026年11月24日."))

    def test_reminder_email_reads_chinese(self):
        session = self._session(patient=self.patient_zh)
        session.screening_ids.answer = "no"
        session.action_confirm()
        session._send_reminder()
        message = session.message_ids.filtered(lambda m: self.patient_zh in m.partner_ids)[:1]
        self.assertTrue(message.subject.startswith("提醒：您的治疗时间为 2026年11月24日"), message.subject)
        for chinese in ("亲爱的 Tan Mei Ling", "温馨提醒", "婴儿针", "鱼肝油、人参和维生素 E"):
            self.assertIn(chinese, message.body)
        self.assertNotIn("Reminder", message.subject)

    def test_invoice_line_reads_chinese(self):
        session = self._done(self.patient_zh)
        self.assertEqual(session._invoice_line_text(), "婴儿针, 2026年11月24日, Dr. Test")

    # ------------------------------------------------------------------ recall

    def test_recall_message_in_the_patients_language(self):
        """The manager (English) recalls a lot: the Chinese patient's message lists
        her sessions in Chinese; the note left for the managers stays English."""
        session = self._done(self.patient_zh)
        lots = session.used_line_ids.lot_id
        self.assertTrue(lots)
        self.manager.lang = "en_US"
        Notice = self.env["halley.recall.notice"].with_user(self.manager)
        notices = Notice._halley_notify(lots, "Recall", "<p>Please call the clinic.</p>")
        self.env["halley.recall.notice"]._cron_post_recall_messages()
        message = notices[:1].message_id
        # The recall writes her name itself: the text the manager edited has no placeholder.
        self.assertEqual(message.body.count("Tan Mei Ling"), 1)
        self.assertNotIn("{{", message.body)
        self.assertIn("批号", message.body)
        self.assertIn("您于 2026年11月24日 接受的婴儿针治疗", message.body)
        self.assertNotIn("your Rejuran Skin Healer session", message.body)

    # ------------------------------------------------------------------ the demo

    def test_demo_patient_reads_chinese(self):
        """The demo's Chinese reader: Tan Mei Ling's completed 婴儿针 session has a
        Chinese aftercare sheet, from the translations the demo's zh_CN.po gives its
        protocols."""
        session = self.env.ref("halley_aesthetics.session_meiling_1_demo", raise_if_not_found=False)
        if not session:
            self.skipTest("the demo data is not installed")
        self.assertTrue(self.env["res.lang"]._lang_get("zh_CN").active)
        self.assertEqual((session.patient_id.lang, session.state), ("zh_CN", "done"))
        html = self._sheet_html(session)
        for chinese in ("婴儿针", "治疗后两天内", "可能会出现小肿块", "您的术后护理"):
            self.assertIn(chinese, html)


@tagged("post_install", "-at_install")
class TestChinesePdf(ChineseClinicCase, HttpCase):
    """The sheet as a real PDF: wkhtmltopdf fetches the report's styles from Odoo's
    HTTP server, which serves them inside the test's transaction (HttpCase)."""

    def test_aftercare_sheet_pdf_has_the_chinese_glyphs(self):
        """The PDF itself (wkhtmltopdf, with a CJK font installed: fonts-noto-cjk)
        carries the Chinese text, read back with pdftotext (poppler-utils)."""
        if not shutil.which("pdftotext") or not shutil.which("wkhtmltopdf"):
            self.skipTest("wkhtmltopdf and pdftotext (poppler-utils) are needed: see scripts/setup.sh")
        session = self._done(self.patient_zh)
        Report = self.env["ir.actions.report"].with_user(self.practitioner).with_context(force_report_rendering=True)
        # The patched build scripts/setup.sh installs writes nothing on stderr (Debian's
        # says it ignores the header and footer, which Odoo logs as a warning).
        content, kind = Report._render_qweb_pdf(REPORT, session.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True,
                              check=True).stdout.decode()
        # Noto CJK maps some glyphs to their Kangxi radical (儿 as ⼉): NFKC reads them back.
        text = unicodedata.normalize("NFKC", text)
        for chinese in ("治疗后的护理须知", "婴儿针", "治疗后两天内", "您的术后护理"):
            self.assertIn(chinese, text)
