"""The patient's chart: clinicians only, one per patient and clinic, its alerts on
her sessions and its answers offered in her screening."""

import csv
import io
import zipfile
from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import NOW, HalleyCommon, sign_consent

PATIENT_FORM = "halley_aesthetics.res_partner_view_form_halley_patient"


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestPatientChart(HalleyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_second_company()
        cls.internal = new_test_user(cls.env, login="t_internal", groups="base.group_user", name="Internal User")
        cls.portal = new_test_user(cls.env, login="t_portal", groups="base.group_portal", name="Portal User")
        Question = cls.env["halley.screening.question"]
        cls.q_bleeding = Question.create({"name": "T Bleeding disorder?", "severity": "hard_stop", "sequence": 1})
        cls.q_anticoagulant = Question.create(
            {"name": "T Anticoagulants?", "severity": "warning", "chart_key": "anticoagulant", "sequence": 2}
        )
        cls.q_age = Question.create({"name": "T Aged 65 or over?", "severity": "warning", "chart_key": "age_65",
                                     "sequence": 3})
        cls.q_salmon = Question.create(
            {"name": "T Fish or salmon allergy?", "severity": "hard_stop", "chart_key": "salmon_allergy",
             "sequence": 4}
        )
        # Grace turned 67 in June 2026; Aisha is 40.
        cls.chart = cls.env["halley.patient.chart"].with_user(cls.practitioner).create(
            {
                "patient_id": cls.patient.id,
                "date_of_birth": date(1959, 6, 1),
                "sex": "female",
                "anticoagulant": True,
                "medication": "Warfarin 3 mg daily",
                "allergies": "Penicillin (rash)",
                "medical_alerts": "Check her INR before injecting",
            }
        )

    def _session(self, patient=None, **vals):
        session = self.env["halley.treatment.session"].create(
            {
                "patient_id": (patient or self.patient).id,
                "protocol_id": self.protocol_rejuran.id,
                "room_id": self.room.id,
                "practitioner_id": self.practitioner.id,
                "scheduled_start": NOW,
                **vals,
            }
        )
        sign_consent(session)
        return session

    def _answers(self, session):
        return {line.question_id: (line.chart_answer, line.answer) for line in session.screening_ids}

    # ------------------------------------------------------------------ who reads it

    def test_practitioner_keeps_the_chart_and_logs_notes(self):
        chart = self.chart.with_user(self.practitioner)
        self.assertEqual(chart.age, 67)
        self.assertEqual(chart.display_name, "T Patient Grace")
        chart.write({"allergies": "Penicillin (rash), latex"})
        chart.message_post(body="Bruised easily last time: ice pack after.", message_type="comment",
                           subtype_xmlid="mail.mt_note")
        self.assertIn("Bruised easily", chart.message_ids[:1].body)
        # The clinic's patient form shows it.
        patient = self.patient.with_user(self.practitioner)
        self.assertEqual(
            (patient.halley_chart_id, patient.halley_age, patient.halley_allergies, patient.halley_anticoagulant),
            (self.chart, 67, "Penicillin (rash), latex", True),
        )
        # A manager is a clinician too.
        self.chart.with_user(self.manager).medical_alerts = "INR 2.4 on 20 Nov"
        self.env.invalidate_all()  # a new request
        self.assertEqual(self.patient.with_user(self.manager).halley_medical_alerts, "INR 2.4 on 20 Nov")

    def test_changes_are_tracked_in_the_chart_not_on_the_contact(self):
        chart = self.chart.with_user(self.practitioner).with_context(tracking_disable=False)
        # A new request: the chart was created in this transaction (Odoo tracks no
        # change made in the transaction that created the record).
        self.env.cr.precommit.run()
        chart.anticoagulant = False
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = self.env["mail.tracking.value"].search([("field_id.model", "=", "halley.patient.chart")])
        # The flag follows her coded medicines: unticking it removed her warfarin, tracked.
        self.assertEqual(tracked.field_id.mapped("name"), ["medicine_ids"])
        self.assertEqual(
            (tracked.mail_message_id.model, tracked.mail_message_id.res_id, tracked.mail_message_id.author_id),
            ("halley.patient.chart", self.chart.id, self.practitioner.partner_id),
            "who removed her anticoagulant, and when, is in the chart's chatter, not the contact's",
        )

    def test_billing_and_outsiders_cannot_read_or_search_the_chart(self):
        session = self._session()
        for user in (self.billing, self.internal, self.portal):
            with self.subTest(user=user.login):
                Chart = self.env["halley.patient.chart"].with_user(user)
                attempts = {
                    "read": lambda: self.chart.with_user(user).read(["allergies"]),
                    "search": lambda: Chart.search([("anticoagulant", "=", True)]),
                    "read_group": lambda: Chart.read_group([], ["sex"], ["sex"]),
                    "create": lambda: Chart.create({"patient_id": self.patient_2.id}),
                    "contact": lambda: self.patient.with_user(user).read(["halley_allergies"]),
                    "contact search": lambda: self.env["res.partner"].with_user(user).search(
                        [("halley_anticoagulant", "=", True)]),
                    "session": lambda: session.with_user(user).read(["chart_medical_alerts"]),
                    "session search": lambda: self.env["halley.treatment.session"].with_user(user).search(
                        [("chart_medical_alerts", "!=", False)]),
                }
                for name, attempt in attempts.items():
                    with self.assertRaises(AccessError, msg=name):
                        attempt()
        # Contacts read as before for everyone outside the clinicians: no chart field.
        for user in (self.billing, self.internal):
            fields = self.env["res.partner"].with_user(user).fields_get()
            self.assertFalse([name for name in fields if name.startswith("halley_") and "chart" in name
                              or name in ("halley_allergies", "halley_anticoagulant", "halley_date_of_birth")])
            self.patient.with_user(user).read()  # every field she may read, as Odoo's tools do

    def test_no_one_deletes_a_chart(self):
        for user in (self.practitioner, self.manager):
            with self.assertRaises(AccessError):
                self.chart.with_user(user).unlink()

    def test_one_chart_per_patient_and_clinic_in_plain_words(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["halley.patient.chart"].with_user(self.practitioner).create({"patient_id": self.patient.id})
        with self.assertRaisesRegex(ValidationError, "T Patient Grace's date of birth cannot be in the future"):
            self.chart.with_user(self.practitioner).date_of_birth = date(2030, 1, 1)
        supplier = self.env["res.partner"].create({"name": "T Supplier"})
        with self.assertRaisesRegex(ValidationError, "T Supplier is not a patient of the clinic"):
            self.env["halley.patient.chart"].with_user(self.practitioner).create({"patient_id": supplier.id})

    def test_the_other_clinic_has_its_own_chart(self):
        chart_b = self.env["halley.patient.chart"].with_user(self.manager_b).with_company(self.company_b).create(
            {"patient_id": self.patient.id, "salmon_allergy": True, "medical_alerts": "B: fainted once"}
        )
        self.assertEqual(chart_b.company_id, self.company_b)
        Chart = self.env["halley.patient.chart"].with_user(self.manager_a)
        self.assertEqual(Chart.search([("patient_id", "=", self.patient.id)]), self.chart)
        self.assertFalse(Chart.search([("medical_alerts", "ilike", "fainted")]))
        with self.assertRaises(AccessError):
            chart_b.with_user(self.manager_a).read(["medical_alerts"])
        self.assertEqual(self.patient.with_user(self.manager_a).halley_medical_alerts, "Check her INR before injecting")
        self.assertEqual(self.patient.with_user(self.manager_b).halley_medical_alerts, "B: fainted once")
        # Company A's session: company B's salmon allergy is not hers here.
        session = self._session()
        self.assertEqual(self._answers(session)[self.q_salmon], (False, False))
        Session = self.env["halley.treatment.session"].with_user(self.manager_a)
        mine = [("patient_id", "=", self.patient.id)]
        self.assertEqual(Session.search(mine + [("chart_medical_alerts", "ilike", "INR")]), session)
        self.assertFalse(Session.search(mine + [("chart_salmon_allergy", "=", True)]))

    # ------------------------------------------------------------------ on her sessions

    def test_alerts_banner_on_her_sessions_for_clinicians(self):
        session = self._session()
        as_doctor = session.with_user(self.practitioner)
        self.assertEqual(
            (as_doctor.chart_medical_alerts, as_doctor.chart_allergies, as_doctor.chart_anticoagulant,
             as_doctor.chart_age),
            ("Check her INR before injecting", "Penicillin (rash)", True, 67),
        )
        Session = self.env["halley.treatment.session"]
        self.assertEqual(Session.with_user(self.practitioner).search(
            [("id", "=", session.id), ("chart_anticoagulant", "=", True)]), session)
        self.assertEqual(Session.with_user(self.practitioner).search(
            [("id", "=", session.id), ("patient_chart_id", "=", False)]), Session)
        arch = Session.with_user(self.practitioner).get_view(view_type="form")["arch"]
        self.assertIn("o_halley_chart_alerts", arch)
        self.assertIn("Check her INR", Session.with_user(self.practitioner).browse(session.id).chart_medical_alerts)
        self.assertNotIn("o_halley_chart_alerts", Session.with_user(self.billing).get_view(view_type="form")["arch"])
        # Without a chart, no banner data.
        other = self._session(patient=self.patient_2, room_id=self.room_b.id, scheduled_start=NOW.replace(hour=14))
        self.assertFalse(other.with_user(self.practitioner).patient_chart_id)

    def test_screening_offers_her_chart_answers_to_confirm(self):
        session = self._session().with_user(self.practitioner)
        self.assertEqual(
            self._answers(session),
            {self.q_bleeding: (False, False), self.q_anticoagulant: ("yes", "yes"), self.q_age: ("yes", "yes"),
             self.q_salmon: (False, False)},
            "her age and anticoagulant are offered from her chart; the rest is asked",
        )
        session.action_screening_all_no()
        self.assertEqual(self._answers(session)[self.q_anticoagulant], ("yes", "yes"), "All no keeps the chart's")
        session.action_confirm()
        with self.assertRaisesRegex(UserError, "Acknowledge the screening warnings"):
            session.action_start()
        # The practitioner confirms the age; she says she stopped warfarin: a no needs a note.
        lines = {line.question_id: line for line in session.screening_ids}
        lines[self.q_age].acknowledged = True
        lines[self.q_anticoagulant].answer = "no"
        with self.assertRaisesRegex(UserError, "T Patient Grace's chart says yes to these questions .*\n- T Anticoagulants"):
            session.action_start()
        self.assertEqual(session.state, "confirmed")
        lines[self.q_anticoagulant].note = "Stopped warfarin 2 weeks ago (cardiologist's letter)"
        session.action_start()
        self.assertEqual(session.state, "in_progress")
        # What the chart offered is kept on the answers.
        self.assertEqual(lines[self.q_anticoagulant].chart_answer, "yes")

    def test_a_chart_changed_after_booking_updates_open_sessions(self):
        session = self._session().with_user(self.practitioner)
        session.action_screening_all_no()
        self.chart.with_user(self.practitioner).salmon_allergy = True
        self.assertEqual(self._answers(session)[self.q_salmon], ("yes", "no"),
                         "answered already: the chart's yes is offered, her answer kept")
        session.screening_ids.filtered("flagged").acknowledged = True  # her age, her anticoagulant
        session.action_confirm()
        with self.assertRaisesRegex(UserError, "chart says yes to these questions .*\n- T Fish or salmon allergy"):
            session.action_start()
        # A new session: the salmon allergy is a hard stop.
        later = self._session(scheduled_start=NOW.replace(hour=15)).with_user(self.practitioner)
        self.assertEqual(self._answers(later)[self.q_salmon], ("yes", "yes"))
        later.action_screening_all_no()
        later.screening_ids.filtered("flagged").acknowledged = True
        later.action_confirm()
        with self.assertRaisesRegex(UserError, "hard stop"):
            later.action_start()
        # Taken off her chart: no longer offered, the answer given stays.
        self.chart.with_user(self.practitioner).salmon_allergy = False
        self.assertEqual(self._answers(later)[self.q_salmon], (False, "yes"))

    def test_under_65_on_the_session_day_is_not_offered(self):
        self.chart.with_user(self.practitioner).write({"date_of_birth": date(1961, 11, 25), "anticoagulant": False})
        session = self._session()
        self.assertEqual(self._answers(session)[self.q_age], (False, False), "64 today, 65 tomorrow")
        session.write({"scheduled_start": NOW.replace(day=25, hour=10)})
        session._sync_screening()
        self.assertEqual(self._answers(session)[self.q_age], ("yes", "yes"), "65 on the session's day")

    def test_chart_answers_cannot_be_forged(self):
        session = self._session()
        line = session.screening_ids.filtered(lambda ln: ln.question_id == self.q_bleeding)
        for user in (self.practitioner, self.manager):
            with self.assertRaisesRegex(UserError, "cannot be set by hand"):
                line.with_user(user).write({"chart_answer": "yes"})

    # ------------------------------------------------------------------ the clinic's patient form

    def test_clinic_patient_form(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("halley_aesthetics.halley_patient_action")
        form_view = self.env.ref(PATIENT_FORM)
        kanban_view = self.env.ref("halley_aesthetics.res_partner_view_kanban_halley_patient")
        self.assertEqual([tuple(view) for view in action["views"]],
                         [(kanban_view.id, "kanban"), (False, "list"), (form_view.id, "form")])
        # Creating a patient from Clinic > Patients marks her a patient (billing registers patients).
        context = dict(eval(action["context"]))  # noqa: S307, PGH001 - the action's own literal context
        with Form(self.env["res.partner"].with_user(self.billing).with_context(**context), view=form_view) as form:
            form.name = "T New Patient"
            form.phone = "+65 9000 0000"
        self.assertTrue(form.record.is_patient)
        arch = self.env["res.partner"].with_user(self.practitioner).get_view(form_view.id, "form")["arch"]
        for absent in ('name="function"', 'name="website"', 'name="vat"', "purchase_order_count", "on_time_rate"):
            self.assertNotIn(absent, arch)
        for present in ('name="halley_allergies"', "action_view_halley_packages", "action_open_halley_chart",
                        'name="treatment_session_ids"', "used_lot_names"):
            self.assertIn(present, arch)
        # Her Clinic record (PDPA) is on the clinic's form too: marketing-photo consent for
        # clinicians; the data export and who opened her record for the clinic manager.
        self.assertIn("action_halley_withdraw_marketing_photos", arch)
        self.assertNotIn("halley_access_log_ids", arch)
        manager_arch = self.env["res.partner"].with_user(self.manager).get_view(form_view.id, "form")["arch"]
        for present in ("action_halley_export_patient_data", 'name="halley_access_log_ids"'):
            self.assertIn(present, manager_arch)
        billing_arch = self.env["res.partner"].with_user(self.billing).get_view(form_view.id, "form")["arch"]
        self.assertNotIn("halley_allergies", billing_arch)
        self.assertNotIn("halley_marketing_photo_consent", billing_arch)
        self.assertIn("action_view_halley_packages", billing_arch)
        self.assertIn("action_view_partner_invoices", billing_arch)
        # Odoo's contact form stays the default.
        default = self.env["res.partner"].with_user(self.internal).get_view(view_type="form")
        self.assertEqual(default["id"], self.env.ref("base.view_partner_form").id)

    def test_open_chart_makes_it_once(self):
        patient = self.patient_2.with_user(self.practitioner)
        action = patient.action_open_halley_chart()
        chart = self.env["halley.patient.chart"].browse(action["res_id"])
        self.assertEqual((chart.patient_id, chart.company_id), (self.patient_2, self.company))
        self.assertEqual(patient.action_open_halley_chart()["res_id"], chart.id)

    def test_timeline_names_the_lots_used(self):
        self.chart.anticoagulant = False
        self.chart.date_of_birth = date(1990, 1, 1)
        session = self._session()
        session.screening_ids.answer = "no"
        session.action_confirm()
        session.action_start()
        session.with_context(halley_no_wizard=True).action_done()
        self.assertEqual(session.state, "done")
        self.assertEqual(session.used_lot_names, "TRJ-EARLY, TNUMB-1")
        self.assertIn(session, self.patient.with_user(self.practitioner).treatment_session_ids)

    def test_pdpa_export_holds_her_chart(self):
        content, _filename = self.patient.with_user(self.manager)._halley_export_patient_data()
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            rows = list(csv.DictReader(io.StringIO(archive.read("chart.csv").decode("utf-8-sig"))))
        self.assertEqual(
            [(r["Allergies"], r["On anticoagulants"], r["Medical alerts"], r["Coded medicines"]) for r in rows],
            [("Penicillin (rash)", "Yes", "Check her INR before injecting", "Warfarin")],
        )

    def test_merging_two_charts_of_one_clinic_is_refused(self):
        """Odoo's merge deletes the rows it cannot move: never a chart."""
        self.env["halley.patient.chart"].create({"patient_id": self.patient_2.id, "allergies": "Latex"})
        wizard = self.env["base.partner.merge.automatic.wizard"]
        with self.assertRaisesRegex(UserError, "each have a clinical chart at"):
            wizard._merge((self.patient | self.patient_2).ids, self.patient)
        self.assertEqual(len(self.env["halley.patient.chart"].search(
            [("patient_id", "in", (self.patient | self.patient_2).ids)])), 2)
        # Without two charts in one clinic, the merge moves her chart to the contact kept.
        duplicate = self.env["res.partner"].create({"name": "T Grace (duplicate)", "is_patient": True})
        wizard._merge((duplicate | self.patient).ids, duplicate)
        self.env.invalidate_all()
        self.assertEqual(self.chart.patient_id, duplicate)
