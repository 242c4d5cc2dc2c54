from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import NOW, HalleyPackageCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestSafety(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Question = cls.env["halley.screening.question"]
        cls.q_bleeding = Question.create(
            {"name": "T Bleeding disorder?", "severity": "hard_stop", "sequence": 1,
             "protocol_ids": [Command.set((cls.protocol_rejuran | cls.protocol_trio).ids)]}
        )
        cls.q_anticoagulant = Question.create(
            {"name": "T Anticoagulants?", "severity": "warning", "sequence": 2,
             "protocol_ids": [Command.set((cls.protocol_rejuran | cls.protocol_trio).ids)]}
        )
        cls.q_fish = Question.create(
            {"name": "T Fish allergy?", "severity": "hard_stop", "sequence": 3,
             "protocol_ids": [Command.set(cls.protocol_rejuran.ids)]}
        )
        cls.patient.email = "grace@example.com"

    def _answer(self, session, **answers):
        """Answer the screening: every question no, except those given."""
        by_question = {"bleeding": self.q_bleeding, "anticoagulant": self.q_anticoagulant, "fish": self.q_fish}
        for line in session.screening_ids:
            line.answer = "no"
        for key, value in answers.items():
            session.screening_ids.filtered(lambda ln: ln.question_id == by_question[key]).answer = value

    def _screened(self, **vals):
        session = self._session(**vals)
        self._answer(session)
        return session

    # ------------------------------------------------------------------ screening

    def test_questions_of_the_protocol_are_asked(self):
        rejuran = self._session()
        self.assertEqual(rejuran.screening_ids.question_id, self.q_bleeding | self.q_anticoagulant | self.q_fish)
        ha = self._session(protocol=self.protocol_ha)
        self.assertFalse(ha.screening_ids, "no question set for this protocol")
        rejuran.with_user(self.practitioner).action_confirm()
        with self.assertRaisesRegex(UserError, "Screen the patient before starting .*T Bleeding disorder"):
            rejuran.with_user(self.practitioner).action_start()
        self.assertEqual(rejuran.state, "confirmed")

    def test_a_question_added_after_booking_is_asked_before_start(self):
        session = self._screened()
        session.action_confirm()
        late = self.env["halley.screening.question"].create(
            {"name": "T Keloid history?", "severity": "warning", "protocol_ids": [Command.set(self.protocol_rejuran.ids)]}
        )
        self.assertIn(late, session.screening_ids.question_id, "offered at once")
        with self.assertRaisesRegex(UserError, "Screen the patient before starting .*T Keloid history"):
            session.action_start()
        session.screening_ids.filtered(lambda ln: ln.question_id == late).answer = "no"
        session.action_start()
        self.assertEqual(session.state, "in_progress")

    def test_hard_stop_blocks_the_start(self):
        session = self._session()
        self._answer(session, bleeding="yes")
        session.action_confirm()
        with self.assertRaisesRegex(UserError, r"cannot start: the screening has a hard stop \(T Bleeding disorder\?\)"):
            session.with_user(self.practitioner).action_start()
        self.assertEqual(session.state, "confirmed")
        self.assertFalse(session.picking_id.move_ids.move_line_ids, "nothing reserved")

    def test_warning_needs_acknowledgement(self):
        session = self._session()
        self._answer(session, anticoagulant="yes")
        session.action_confirm()
        as_doctor = session.with_user(self.practitioner)
        with self.assertRaisesRegex(UserError, "Acknowledge the screening warnings .*T Anticoagulants"):
            as_doctor.action_start()
        line = as_doctor.screening_ids.filtered(lambda ln: ln.question_id == self.q_anticoagulant)
        line.write({"acknowledged": True, "note": "Aspirin 100 mg; bruising risk explained"})
        self.assertEqual(line.acknowledged_by_id, self.practitioner)
        as_doctor.action_start()
        self.assertEqual(session.state, "in_progress")

    def test_who_acknowledged_and_last_answers_cannot_be_forged(self):
        session = self._session()
        self._answer(session, anticoagulant="yes")
        line = session.screening_ids.filtered("flagged").with_user(self.practitioner)
        for vals in ({"acknowledged_by_id": self.manager.id}, {"previous_answer": "no"}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "recorded by the clinic's workflow"):
                line.write(vals)
        line.acknowledged = True
        self.assertEqual(line.acknowledged_by_id, self.practitioner)

    def test_a_changed_answer_must_be_acknowledged_again(self):
        session = self._session()
        self._answer(session, anticoagulant="yes")
        line = session.screening_ids.filtered(lambda ln: ln.question_id == self.q_anticoagulant)
        line.acknowledged = True
        line.answer = "no"
        line.answer = "yes"
        self.assertFalse(line.acknowledged)

    def test_last_answers_are_offered_at_the_next_session(self):
        first = self._session()
        self._answer(first, anticoagulant="yes")
        first.screening_ids.filtered("flagged").acknowledged = True
        self._run(first)
        second = self._session(start=NOW + relativedelta(days=30))
        previous = {ln.question_id: ln.previous_answer for ln in second.screening_ids}
        self.assertEqual(previous, {self.q_bleeding: "no", self.q_anticoagulant: "yes", self.q_fish: "no"})
        self.assertFalse(any(second.screening_ids.mapped("answer")), "offered, not assumed")
        second.action_use_previous_answers()
        self.assertEqual(
            {ln.question_id: ln.answer for ln in second.screening_ids},
            {self.q_bleeding: "no", self.q_anticoagulant: "yes", self.q_fish: "no"},
        )

    # ------------------------------------------------------------------ consent

    def test_no_consent_no_start(self):
        session = self._session(consent=False)
        self._answer(session)
        session.action_confirm()
        with self.assertRaisesRegex(UserError, "No procedure consent is recorded for .*record the patient's consent"):
            session.with_user(self.practitioner).action_start()
        action = session.with_user(self.practitioner).action_record_consent()
        consent = self.env["halley.session.consent"].with_user(self.practitioner).with_context(**action["context"]).create(
            {"photo_record": True, "photo_marketing": False, "note": "Form CF-1"}
        )
        self.assertEqual((consent.procedure, consent.recorded_by_id, consent.date), (True, self.practitioner, NOW))
        session.with_user(self.practitioner).action_start()
        self.assertEqual(session.state, "in_progress")

    def test_billing_cannot_read_screening_answers(self):
        session = self._screened()
        self.assertEqual(session.with_user(self.billing).patient_id, self.patient)
        with self.assertRaises(AccessError):
            session.with_user(self.billing).screening_ids  # noqa: B018
        with self.assertRaises(AccessError):
            self.env["halley.session.screening"].with_user(self.billing).search([])
        with self.assertRaises(AccessError):
            self.env["halley.session.consent"].with_user(self.billing).search([])

    # ------------------------------------------------------------------ treatment record

    def test_treatment_record_report_holds_the_session(self):
        session = self._session()
        self._answer(session, anticoagulant="yes")
        session.screening_ids.filtered("flagged").write({"acknowledged": True, "note": "Aspirin"})
        session.notes = "<p>Tolerated well</p>"
        self._run(session)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "halley_aesthetics.action_report_halley_treatment_record", session.ids
        )
        html = html.decode()
        for expected in ("T Patient Grace", "T Anticoagulants?", "Aspirin", "Dr. Test", "TRJ-EARLY", "TNUMB-1",
                         "Tolerated well", session.name):
            self.assertIn(expected, html)
        self.assertNotIn("TRJ-LATE", html)

    # ------------------------------------------------------------------ follow-up

    def test_a_course_session_proposes_the_next_one(self):
        self.protocol_trio.session_interval_days = 28
        self._invoice([(self.trio_course, 1)])
        first = self._screened(protocol=self.protocol_trio)
        self._run(first)
        followup = first.followup_session_id
        self.assertTrue(followup)
        self.assertEqual(followup.state, "draft")
        self.assertEqual(
            (followup.patient_id, followup.protocol_id, followup.package_id, followup.room_id),
            (self.patient, self.protocol_trio, first.package_id, first.room_id),
        )
        self.assertEqual(followup.scheduled_start, first.scheduled_start + relativedelta(days=28))
        self.assertEqual(followup.previous_session_id, first)
        self.assertEqual(followup.package_progress, "Session 2 of 3 (when done)")

    def test_no_follow_up_outside_a_course_or_after_the_last_session(self):
        single = self._run(self._screened())
        self.assertFalse(single.followup_session_id, "no package: no course")
        self._invoice([(self.trio_course, 1)])
        last = None
        for days in (0, 21, 42):
            last = self._screened(protocol=self.protocol_trio, start=NOW + relativedelta(days=days, hours=1))
            self._run(last)
        self.assertFalse(last.followup_session_id, "the course is complete")


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestLotRecall(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patient.write({"email": "grace@example.com", "phone": "+65 8111 1111"})
        cls.patient_3 = cls.env["res.partner"].create({"name": "T Patient Wei", "is_patient": True})

    def _session_with_lots(self, patient, lots, days):
        """A session whose vials came from ``lots`` [(lot, qty)]."""
        session = self._session(patient=patient, start=NOW + relativedelta(days=days))
        session.action_confirm()
        session.action_start()
        move = self.move_of(session, self.rejuran)
        move.move_line_ids.unlink()
        move.write(
            {
                "move_line_ids": [
                    Command.create(
                        {"product_id": self.rejuran.id, "lot_id": lot.id, "quantity": qty,
                         "location_id": self.room.id, "location_dest_id": move.location_dest_id.id}
                    )
                    for lot, qty in lots
                ]
            }
        )
        session.deviation_reason = "Two vials"
        session.action_done()
        return session

    def test_recall_finds_every_patient_who_received_the_lot(self):
        grace = self._session_with_lots(self.patient, [(self.lot_rj_early, 1)], 0)
        split = self._session_with_lots(self.patient_2, [(self.lot_rj_early, 1), (self.lot_rj_late, 1)], 1)
        other = self._session_with_lots(self.patient_3, [(self.lot_rj_late, 1)], 2)
        undone = self._session_with_lots(self.patient_3, [(self.lot_rj_early, 1)], 3)
        undone.action_cancel()  # entered by mistake: its stock went back
        Recall = self.env["halley.lot.recall"].with_user(self.manager)
        by_lot = Recall.create({"lot_id": self.lot_rj_early.id})
        self.assertEqual(by_lot.line_ids.session_id, grace | split)
        self.assertEqual(by_lot.patient_count, 2)
        row = by_lot.line_ids.filtered(lambda ln: ln.session_id == grace)
        self.assertEqual((row.patient_id, row.email, row.phone, row.practitioner_id, row.quantity),
                         (self.patient, "grace@example.com", "+65 8111 1111", self.practitioner, 1))
        self.assertNotIn(other, by_lot.line_ids.session_id)
        # Typed as on the manufacturer's notice.
        typed = Recall.create({"product_id": self.rejuran.id, "lot_name": " trj-early "})
        self.assertEqual(typed.lot_ids, self.lot_rj_early)
        self.assertEqual(typed.line_ids.session_id, grace | split)

    def test_notifying_emails_and_logs_on_each_patient(self):
        self._session_with_lots(self.patient, [(self.lot_rj_early, 1)], 0)
        self._session_with_lots(self.patient_2, [(self.lot_rj_early, 1), (self.lot_rj_late, 1)], 1)
        recall = self.env["halley.lot.recall"].with_user(self.manager).create(
            {"lot_id": self.lot_rj_early.id, "subject": "Recall of T Rejuran"}
        )
        action = recall.action_notify()
        notices = self.env["halley.recall.notice"].search(action["domain"])
        self.assertEqual(notices.patient_id, self.patient | self.patient_2)
        self.assertEqual(set(notices.mapped("user_id")), {self.manager})
        self.assertEqual(set(notices.mapped("date")), {NOW})
        self.assertEqual(notices.lot_id, self.lot_rj_early)
        grace_notice = notices.filtered(lambda n: n.patient_id == self.patient)
        message = grace_notice.message_id
        # On the notice, which clinic managers read; not in her contact's chatter,
        # which every employee reads.
        self.assertEqual((message.model, message.res_id), ("halley.recall.notice", grace_notice.id))
        self.assertFalse(self.patient.message_ids.filtered(lambda m: "TRJ-EARLY" in (m.body or "")))
        self.assertIn("TRJ-EARLY", message.body)
        self.assertIn("Dear T Patient Grace,", message.body, "the template is rendered for each patient")
        self.assertEqual(message.subject, "Recall of T Rejuran")
        self.assertEqual(message.partner_ids, self.patient, "emailed to her")
        self.assertEqual(message.notification_ids.notification_type, "email")
        # Aisha has no email: the notice is logged, and a note says to call her.
        aisha_notice = notices.filtered(lambda n: n.patient_id == self.patient_2)
        self.assertIn("call T Patient Aisha", aisha_notice.message_id.body)
        self.assertFalse(aisha_notice.message_id.partner_ids)

    def test_a_lot_number_matches_as_typed_only(self):
        grace = self._session_with_lots(self.patient, [(self.lot_rj_early, 1)], 0)
        Recall = self.env["halley.lot.recall"].with_user(self.manager)
        for typed in ("%", "TRJ%", "_RJ-EARL_", "TRJ-EARLY%", "TRJ\\-EARLY", "TRJ-EARL"):
            with self.subTest(typed=typed):
                recall = Recall.create({"lot_name": typed})
                self.assertFalse(recall.lot_ids)
                self.assertFalse(recall.line_ids)
                with self.assertRaises(UserError):
                    recall.action_notify()
        for typed in ("TRJ-EARLY", " trj-early ", "Trj-Early"):
            with self.subTest(typed=typed):
                self.assertEqual(Recall.create({"lot_name": typed}).line_ids.session_id, grace)

    def test_a_number_two_products_share_needs_the_product(self):
        grace = self._session_with_lots(self.patient, [(self.lot_rj_early, 1)], 0)
        self._lot(self.ha, "TRJ-EARLY", months=6)  # the HA supplier prints the same number
        Recall = self.env["halley.lot.recall"].with_user(self.manager)
        ambiguous = Recall.create({"lot_name": "TRJ-EARLY"})
        self.assertIn("exists for several products", ambiguous.message)
        self.assertIn("T Rejuran vial", ambiguous.message)
        self.assertFalse(ambiguous.line_ids)
        with self.assertRaisesRegex(UserError, "choose the product"):
            ambiguous.action_notify()
        chosen = Recall.create({"lot_name": "TRJ-EARLY", "product_id": self.rejuran.id})
        self.assertFalse(chosen.message)
        self.assertEqual(chosen.line_ids.session_id, grace)

    def test_only_managers_recall(self):
        with self.assertRaises(AccessError):
            self.env["halley.lot.recall"].with_user(self.practitioner).create({"lot_id": self.lot_rj_early.id})
        with self.assertRaises(AccessError):
            self.env["halley.recall.notice"].with_user(self.practitioner).search([])
        with self.assertRaisesRegex(UserError, "No patient received this lot"):
            self.env["halley.lot.recall"].with_user(self.manager).create({"lot_id": self.lot_ha.id}).action_notify()
