"""Two companies, a patient both treat, a clinic manager in each: neither sees the
other's sessions, answers or patients, through any sudo() search of the addon."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import NOW, HalleyPackageCommon, sign_consent


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestCompanyWalls(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_second_company()
        cls.shared = cls.env["res.partner"].create(
            {"name": "T Shared Patient", "is_patient": True, "email": "shared@example.com", "company_id": False}
        )
        cls.question = cls.env["halley.screening.question"].create(
            {"name": "T Taking anticoagulants?", "severity": "warning"}
        )
        # Company A treated her: she takes warfarin.
        session_a = cls.env["halley.treatment.session"].create(
            {
                "patient_id": cls.shared.id, "protocol_id": cls.protocol_rejuran.id, "room_id": cls.room.id,
                "scheduled_start": NOW,
            }
        )
        sign_consent(session_a)
        session_a.screening_ids.write({"answer": "yes", "note": "Warfarin 5 mg", "acknowledged": True})
        session_a.action_confirm()
        session_a.action_start()
        session_a.action_done()
        cls.session_a = session_a
        cls.protocol_b = cls._protocol("B Needles only", "injectable", [(cls.needle, 3)], company=cls.company_b)

    def test_another_companys_answers_are_never_offered(self):
        session_b = (
            self.env["halley.treatment.session"].with_user(self.manager_b).with_company(self.company_b).create(
                {"patient_id": self.shared.id, "protocol_id": self.protocol_b.id, "room_id": self.room_in_b.id,
                 "scheduled_start": NOW}
            )
        )
        line = session_b.screening_ids
        self.assertEqual(line.question_id, self.question)
        self.assertFalse(line.previous_answer, "company A's answer stays in company A")
        with self.assertRaisesRegex(UserError, "has no earlier answers to these questions in this clinic"):
            session_b.action_use_previous_answers()
        self.assertFalse(line.answer)
        # Company A's next session does offer it.
        session_a2 = self.env["halley.treatment.session"].with_user(self.manager_a).create(
            {"patient_id": self.shared.id, "protocol_id": self.protocol_rejuran.id, "room_id": self.room.id,
             "scheduled_start": NOW}
        )
        self.assertEqual(session_a2.screening_ids.previous_answer, "yes")

    def test_recall_shows_only_the_users_companies(self):
        lot = self.session_a.used_line_ids.lot_id.filtered(lambda lot: lot.product_id == self.rejuran)
        Recall = self.env["halley.lot.recall"].with_user(self.manager_b).with_company(self.company_b)
        Patients = self.env["halley.lot.recall.patient"].with_user(self.manager_b).with_company(self.company_b)
        by_id = Recall.create({"lot_id": lot.id})
        self.assertFalse(by_id.patient_count, "a company A lot gives company B nothing")
        self.assertFalse(by_id.lot_ids)
        by_name = Recall.create({"lot_name": lot.name})
        self.assertFalse(by_name.patient_count)
        self.assertIn("No lot", by_name.message)
        for action in (by_name.action_find_patients, by_name.action_notify, by_id.action_find_patients):
            with self.subTest(action=action.__name__), self.assertRaises(UserError):
                action()
        # A lot number both companies hold (no company on the lot): still only
        # company B's sessions for company B, on every path to the patients.
        lot.company_id = False
        self.assertFalse(Recall.create({"lot_id": lot.id}).patient_count)
        self.assertFalse(Patients.search([("lot_id", "=", lot.id)]))
        self.assertFalse(Patients.search_count([]))
        row_a = self.env["halley.lot.recall.patient"].search([("lot_id", "=", lot.id)])
        self.assertEqual(row_a.company_id, self.company)
        with self.assertRaises(AccessError):
            Patients.browse(row_a.id).read(["patient_id", "email"])
        with self.assertRaises(UserError):
            Recall.create({"lot_id": lot.id}).action_notify()
        self.assertFalse(self.env["halley.recall.notice"].search([]))
        as_a = self.env["halley.lot.recall"].with_user(self.manager_a).create({"lot_id": lot.id})
        self.assertEqual(as_a.patient_count, 1)
        rows = self.env["halley.lot.recall.patient"].with_user(self.manager_a).search(
            as_a.action_find_patients()["domain"]
        )
        self.assertEqual(rows.patient_id, self.shared)

    def test_contacts_do_not_tell_which_patients_another_company_treats(self):
        Partner = self.env["res.partner"].with_user(self.manager_b).with_company(self.company_b)
        for domain in (
            [("treatment_session_ids", "!=", False)],
            [("treatment_session_ids", "in", self.session_a.ids)],
            [("treatment_session_ids", "=", self.session_a.id)],
        ):
            with self.subTest(domain=domain):
                self.assertNotIn(self.shared, Partner.search(domain))
        self.assertIn(self.shared, Partner.search([("treatment_session_ids", "=", False)]))
        as_a = self.env["res.partner"].with_user(self.manager_a)
        self.assertIn(self.shared, as_a.search([("treatment_session_ids", "!=", False)]))

    def test_wizards_never_open_another_companys_session(self):
        with self.assertRaises(AccessError):
            self.env["halley.session.deviation"].with_user(self.manager_b).with_company(self.company_b).create(
                {"session_id": self.session_a.id, "reason": "x"}
            )

    def test_package_of_another_company_is_never_proposed_nor_accepted(self):
        invoice = self._invoice([(self.trio_course, 1)], patient=self.shared)
        package = invoice.invoice_line_ids.patient_package_ids
        protocol_b = self._protocol("B Trio", "injectable", [(self.needle, 3)], company=self.company_b)
        Session = self.env["halley.treatment.session"].with_user(self.manager_b).with_company(self.company_b)
        session_b = Session.create(
            {"patient_id": self.shared.id, "protocol_id": protocol_b.id, "room_id": self.room_in_b.id,
             "scheduled_start": NOW}
        )
        self.assertFalse(session_b.package_id)
        with self.assertRaises(UserError):  # AccessError and ValidationError included
            session_b.package_id = package

    def test_access_log_stays_in_its_company(self):
        self.env["ir.actions.report"].with_user(self.manager_a)._render_qweb_html(
            "halley_aesthetics.report_halley_treatment_record", self.session_a.ids
        )
        Log = self.env["halley.patient.access.log"]
        self.assertEqual(len(Log.with_user(self.manager_a).search([("patient_id", "=", self.shared.id)])), 1)
        self.assertFalse(Log.with_user(self.manager_b).search([("patient_id", "=", self.shared.id)]))
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.manager_b)._render_qweb_html(
                "halley_aesthetics.report_halley_treatment_record", self.session_a.ids
            )
