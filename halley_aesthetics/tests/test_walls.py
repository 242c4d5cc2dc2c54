"""Walls (issue 20): only the clinic's staff write in a session's chatter, on
every path; a refusal about another company's chart says the same whether it
exists or not; the patient data export is safe to open in a spreadsheet."""

import csv
import io
import zipfile

import odoo
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import file_open, mute_logger

from ..models.res_partner import _csv_value
from .common import HalleyPackageCommon
from .test_portal import PortalCommon

NO_POST = "Only the clinic's staff write in a treatment session's notes"


@tagged("post_install", "-at_install")
class TestSessionChatterWall(PortalCommon):
    """The patient (portal) and whoever holds her reminder's link (public, with
    the session's token or a notification's hash) cannot write in the session's
    chatter: no message, reaction or attachment is created."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.visit = cls.upcoming_a
        cls.token = cls.visit.sudo()._portal_ensure_token()
        cls.staff_message = cls.visit.with_user(cls.doctor).message_post(
            body="Call her back about the time", message_type="comment", subtype_xmlid="mail.mt_comment"
        )

    def _messages(self):
        return self.env["mail.message"].sudo().search(
            [("model", "=", self.visit._name), ("res_id", "=", self.visit.id)]
        )

    def _route_calls(self, **access):
        """Each chatter route that writes, with ``access`` (token, hash and pid)."""
        post_data = {"body": "I will be late", "message_type": "comment", "subtype_xmlid": "mail.mt_note"}
        thread = {"thread_model": self.visit._name, "thread_id": self.visit.id}
        return {
            "/mail/message/post": {**thread, "post_data": post_data, **access},
            "/mail/message/reaction": {
                "message_id": self.staff_message.id, "content": "👍", "action": "add", **access,
            },
        }

    def _upload(self, **access):
        with mute_logger("odoo.http"), file_open("addons/web/__init__.py") as file:
            response = self.url_open(
                "/mail/attachment/upload",
                data={
                    "csrf_token": odoo.http.Request.csrf_token(self),
                    "thread_id": self.visit.id,
                    "thread_model": self.visit._name,
                    **access,
                },
                files={"ufile": file},
            )
        return response

    def test_she_cannot_post_over_rpc(self):
        before = self._messages()
        with self.assertRaisesRegex(AccessError, NO_POST):
            self.visit.with_user(self.user_a).message_post(body="Hello", message_type="comment")
        with self.assertRaisesRegex(AccessError, NO_POST):
            self.visit.with_user(self.user_a).sudo().message_post(body="Hello", subtype_xmlid="mail.mt_note")
        with self.assertRaises(AccessError):
            self.env["mail.message"].with_user(self.user_a).create(
                {"model": self.visit._name, "res_id": self.visit.id, "body": "Hello", "message_type": "comment"}
            )
        # Nor on her package (read access, no write).
        with self.assertRaises(AccessError):
            self.package_a.with_user(self.user_a).message_post(body="Hello")
        self.assertEqual(self._messages(), before)

    def test_the_chatter_routes_refuse_her_and_the_link_holder(self):
        hash_pid = {"hash": self.visit.sudo()._sign_token(self.patient.id), "pid": self.patient.id}
        who = [
            ("patient", self.user_a, {}),
            ("patient with token", self.user_a, {"token": self.token}),
            ("public with token", None, {"token": self.token}),
            ("public with hash", None, hash_pid),
        ]
        before_messages = self._messages()
        reactions = self.env["mail.message.reaction"].sudo().search([("message_id", "=", self.staff_message.id)])
        attachments = self.env["ir.attachment"].sudo().search_count([])
        for label, user, access in who:
            self.authenticate(user.login, user.login) if user else self.authenticate(None, None)
            for route, params in self._route_calls(**access).items():
                with self.subTest(who=label, route=route), mute_logger("odoo.http"):
                    with self.assertRaises(JsonRpcException):
                        self.make_jsonrpc_request(route, params)
            with self.subTest(who=label, route="/mail/attachment/upload"):
                self.assertEqual(self._upload(**access).status_code, 404)
        self.assertEqual(self._messages(), before_messages, "nothing written in the session's chatter")
        self.assertEqual(
            self.env["mail.message.reaction"].sudo().search([("message_id", "=", self.staff_message.id)]), reactions
        )
        self.assertEqual(self.env["ir.attachment"].sudo().search_count([]), attachments)
        # The same calls as the practitioner go through: the refusal is the wall's.
        self.authenticate(self.doctor.login, self.doctor.login)
        self.make_jsonrpc_request("/mail/message/post", self._route_calls()["/mail/message/post"])
        self.assertEqual(len(self._messages()), len(before_messages) + 1)
        self.assertEqual(self._upload().status_code, 200)

    def test_her_link_still_reads_her_page_and_her_answers_reach_the_clinic(self):
        self.authenticate(None, None)
        page = self.url_open(f"/my/treatments/{self.visit.id}?access_token={self.token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(b"T Bleeding disorder?", page.content)
        self.visit.sudo()._halley_portal_answer_screening(self._answers(self.visit))
        note = self._messages().filtered(lambda m: "answered the screening questions" in (m.body or ""))
        self.assertTrue(note.subtype_id.internal, "an internal note of the workflow, not a message of hers")

    def test_billing_reads_no_message_written_by_a_patient_or_the_public(self):
        for _label, user, access in (
            ("patient", self.user_a, {"token": self.token}),
            ("public", None, {"token": self.token}),
        ):
            self.authenticate(user.login, user.login) if user else self.authenticate(None, None)
            with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
                self.make_jsonrpc_request("/mail/message/post", self._route_calls(**access)["/mail/message/post"])
        outsiders = self.user_a.partner_id | self.env.ref("base.public_partner")
        read_by_billing = self.visit.with_user(self.billing).message_ids
        self.assertTrue(read_by_billing)
        self.assertFalse(read_by_billing.filtered(lambda m: m.sudo().author_id & outsiders))


@tagged("post_install", "-at_install")
class TestChartCompanyWall(HalleyPackageCommon):
    """A practitioner of company B creating a chart in company A for a patient both
    treat: the same refusal whether company A holds her chart or not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_second_company()
        cls.doctor_b = new_test_user(
            cls.env, login="t_walls_doctor_b", groups="halley_aesthetics.group_practitioner",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)],
        )
        Partner = cls.env["res.partner"]
        cls.charted_in_a = Partner.create({"name": "T Charted in A", "is_patient": True, "company_id": False})
        cls.not_charted = Partner.create({"name": "T Not charted", "is_patient": True, "company_id": False})
        cls.env["halley.patient.chart"].create(
            {"patient_id": cls.charted_in_a.id, "company_id": cls.company.id, "allergies": "Latex"}
        )

    def _refused(self, call):
        with self.assertRaises(AccessError) as caught:
            call()
        return caught.exception.args[0]

    def test_same_refusal_whether_company_a_holds_her_chart_or_not(self):
        Chart = self.env["halley.patient.chart"].with_user(self.doctor_b).with_company(self.company_b)
        refusals = {
            patient: self._refused(lambda p=patient: Chart.create({"patient_id": p.id, "company_id": self.company.id}))
            for patient in (self.charted_in_a, self.not_charted)
        }
        self.assertEqual(refusals[self.charted_in_a], refusals[self.not_charted])
        self.assertIn("in a clinic you are working in", refusals[self.charted_in_a])
        # Her chart in her own clinic is made as before; moving it into company A
        # is refused in the same words, whether company A holds one or not.
        charts_b = {patient: Chart.create({"patient_id": patient.id}) for patient in refusals}
        moved = {
            patient: self._refused(lambda c=chart: c.write({"company_id": self.company.id}))
            for patient, chart in charts_b.items()
        }
        self.assertEqual(moved[self.charted_in_a], moved[self.not_charted])
        self.assertEqual(moved[self.charted_in_a], refusals[self.charted_in_a])
        Charts = self.env["halley.patient.chart"]
        self.assertEqual(Charts.search([("patient_id", "=", self.not_charted.id)]).company_id, self.company_b)
        self.assertEqual(
            Charts.search([("patient_id", "=", self.charted_in_a.id)]).mapped("company_id"),
            self.company | self.company_b,
        )

    def test_another_companys_session_state_is_not_told(self):
        """A screening line or consent for company A's session, made by company B's
        practitioner: the same refusal whether that session is done or booked."""
        Session = self.env["halley.treatment.session"]
        booked = Session.create(
            {"patient_id": self.charted_in_a.id, "protocol_id": self.protocol_rejuran.id, "room_id": self.room.id}
        )
        cancelled = booked.copy()
        cancelled.action_cancel()
        question = self.env["halley.screening.question"].create({"name": "T Walls question?", "severity": "warning"})
        for model, vals in (
            ("halley.session.screening", {"question_id": question.id, "answer": "no"}),
            ("halley.session.consent", {"procedure": False, "photo_record": True}),
        ):
            Model = self.env[model].with_user(self.doctor_b).with_company(self.company_b)
            refusals = {}
            for session in (booked, cancelled):
                with self.assertRaises(AccessError) as caught:
                    Model.create({**vals, "session_id": session.id})
                refusals[session.state] = caught.exception.args[0].replace(str(session.id), "ID").replace(
                    session.name, "NAME"
                )
            with self.subTest(model=model):
                self.assertEqual(refusals["draft"], refusals["cancel"])


@tagged("post_install", "-at_install")
class TestExportFormulas(HalleyPackageCommon):
    """OWASP CSV injection: a text cell that starts like a formula is exported
    with a leading single quote, in every CSV file of the export."""

    HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd", "-1+1", "@SUM(1)", "\t=1", "\r=1"]

    def test_formula_cells_are_neutralised(self):
        for name in self.HOSTILE:
            with self.subTest(name=name):
                patient = self.env["res.partner"].create(
                    {"name": name, "is_patient": True, "city": name, "street": "-5 Jalan Besar"}
                )
                self.env["halley.patient.chart"].create({"patient_id": patient.id, "medical_alerts": name})
                content, _filename = patient.with_user(self.manager)._halley_export_patient_data()
                archive = zipfile.ZipFile(io.BytesIO(content))

                def rows(table, archive=archive):
                    text = archive.read(f"{table}.csv").decode("utf-8-sig")
                    return list(csv.DictReader(io.StringIO(text, newline="")))

                profile = rows("profile")[0]
                self.assertEqual(profile["Name"], "'" + name)
                self.assertEqual(profile["City"], "'" + name)
                self.assertEqual(profile["Street"], "'-5 Jalan Besar")
                self.assertEqual(rows("chart")[0]["Medical alerts"], "'" + name)

    def test_numbers_and_plain_text_are_left_as_they_are(self):
        self.assertEqual(_csv_value(-5), -5, "a number the export writes stays a number")
        self.assertEqual(_csv_value(-2.5), -2.5)
        self.assertEqual(_csv_value("Grace Lim"), "Grace Lim")
        self.assertEqual(_csv_value("a=b"), "a=b")
        self.assertEqual(_csv_value(True), "Yes")
        self.assertEqual(_csv_value(False), "")
