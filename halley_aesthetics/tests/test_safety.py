from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.sql import index_exists

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
        with self.assertRaisesRegex(UserError, r"(?s)Screen the patient before starting .*:\n- T Bleeding disorder\?\n- "):
            rejuran.with_user(self.practitioner).action_start()
        self.assertEqual(rejuran.state, "confirmed")

    def test_a_question_added_after_booking_is_asked_before_start(self):
        session = self._screened()
        session.action_confirm()
        late = self.env["halley.screening.question"].create(
            {"name": "T Keloid history?", "severity": "warning", "protocol_ids": [Command.set(self.protocol_rejuran.ids)]}
        )
        self.assertIn(late, session.screening_ids.question_id, "offered at once")
        with self.assertRaisesRegex(UserError, r"Screen the patient before starting .*:\n- T Keloid history\?$"):
            session.action_start()
        session.screening_ids.filtered(lambda ln: ln.question_id == late).answer = "no"
        session.action_start()
        self.assertEqual(session.state, "in_progress")

    def test_hard_stop_blocks_the_start(self):
        session = self._session()
        self._answer(session, bleeding="yes")
        session.action_confirm()
        with self.assertRaisesRegex(
            UserError, r"cannot start: the screening has a hard stop\. Do not treat; discuss an alternative with the "
            r"patient\.\n- T Bleeding disorder\?$"
        ):
            session.with_user(self.practitioner).action_start()
        self.assertEqual(session.state, "confirmed")
        self.assertFalse(session.picking_id.move_ids.move_line_ids, "nothing reserved")

    def test_warning_needs_acknowledgement(self):
        session = self._session()
        self._answer(session, anticoagulant="yes")
        session.action_confirm()
        as_doctor = session.with_user(self.practitioner)
        with self.assertRaisesRegex(UserError, r"Acknowledge the screening warnings .*:\n- T Anticoagulants"):
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

    def test_all_no_in_one_click(self):
        session = self._session()
        line = session.screening_ids.filtered(lambda ln: ln.question_id == self.q_anticoagulant)
        line.write({"answer": "yes", "acknowledged": True})
        session.with_user(self.practitioner).action_screening_all_no()
        self.assertEqual(
            {ln.question_id: ln.answer for ln in session.screening_ids},
            {self.q_bleeding: "no", self.q_anticoagulant: "yes", self.q_fish: "no"},
            "the questions not answered yet: an answer given stays",
        )
        self.assertTrue(line.acknowledged)
        session.action_confirm()
        session.with_user(self.practitioner).action_start()
        self.assertEqual(session.state, "in_progress")

    def test_same_answers_without_a_previous_session_says_so(self):
        session = self._session()
        with self.assertRaisesRegex(
            UserError, "T Patient Grace has no earlier answers to these questions in this clinic: ask her each question"
        ):
            session.with_user(self.practitioner).action_use_previous_answers()
        self.assertFalse(any(session.screening_ids.mapped("answer")))

    # ------------------------------------------------------------------ consent

    def test_no_consent_no_start(self):
        session = self._session(consent=False)
        self._answer(session)
        session.action_confirm()
        with self.assertRaisesRegex(UserError, "The patient has not signed the consent to .*Sign consent"):
            session.with_user(self.practitioner).action_start()
        # A consent the practitioner ticks without her signature does not count.
        self.env["halley.session.consent"].with_user(self.practitioner).create(
            {"session_id": session.id, "procedure": True, "note": "Form CF-1"}
        )
        with self.assertRaisesRegex(UserError, "The patient has not signed the consent"):
            session.with_user(self.practitioner).action_start()
        action = session.with_user(self.practitioner).action_record_consent()
        self.assertEqual(action["res_model"], "halley.consent.sign")
        consent = self._sign(session, user=self.practitioner, photo_record=True)
        self.assertEqual(
            (consent.procedure, consent.recorded_by_id, consent.witness_id, consent.date),
            (True, self.practitioner, self.practitioner, NOW),
        )
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
                         "Tolerated well", session._treatment_record_title()):
            self.assertIn(expected, html)
        self.assertNotIn("TRJ-LATE", html)
        self.assertNotIn(session.name, html, "the treatment and its day, not the session's code")

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
        single = self._run(self._screened())  # an hour from now
        self.assertFalse(single.followup_session_id, "no package: no course")
        self._invoice([(self.trio_course, 1)])
        last = None
        for days in (0, 21, 42):  # the course starts after the single session
            last = self._screened(protocol=self.protocol_trio, start=NOW + relativedelta(days=days, hours=3))
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

    def _patients(self, recall):
        """The rows *Find patients* lists, as the recall's user reads them."""
        action = recall.action_find_patients()
        self.assertEqual(action["res_model"], "halley.lot.recall.patient")
        return self.env[action["res_model"]].with_user(recall.env.user).search(action["domain"])

    def test_recall_form_counts_once(self):
        """The form counts the patients when the lot is picked (its onchange) and
        sends the counts back when it is saved for *Find patients*: they are kept,
        not counted again; counts that are not whole numbers are counted again."""
        self._session_with_lots(self.patient, [(self.lot_rj_early, 1)], 0)
        self._session_with_lots(self.patient_2, [(self.lot_rj_early, 1)], 1)
        Recall = self.env["halley.lot.recall"].with_user(self.manager)
        spec = {name: {} for name in ("lot_id", "patient_count", "session_count", "subject")}
        picked = Recall.onchange({"lot_id": self.lot_rj_early.id}, ["lot_id"], spec)["value"]
        self.assertEqual((picked["patient_count"], picked["session_count"]), (2, 2))
        # Saved with what the form shows (a count the form holds, here told apart).
        saved = Recall.web_save({"lot_id": self.lot_rj_early.id, "patient_count": 2, "session_count": 5}, spec)[0]
        self.assertEqual((saved["patient_count"], saved["session_count"]), (2, 5), "kept, not counted again")
        for forged in (-1, "many", 2**40):
            recall = Recall.create({"lot_id": self.lot_rj_early.id, "patient_count": forged, "session_count": 1})
            self.assertEqual((recall.patient_count, recall.session_count), (2, 2), forged)
        recall = Recall.create({"lot_id": self.lot_rj_early.id})
        self.assertEqual((recall.patient_count, recall.session_count), (2, 2))
        recall.write({"lot_id": self.lot_rj_late.id})
        self.assertEqual((recall.patient_count, recall.session_count), (0, 0), "another lot: counted again")

    def test_recall_finds_every_patient_who_received_the_lot(self):
        grace = self._session_with_lots(self.patient, [(self.lot_rj_early, 1)], 0)
        split = self._session_with_lots(self.patient_2, [(self.lot_rj_early, 1), (self.lot_rj_late, 1)], 1)
        other = self._session_with_lots(self.patient_3, [(self.lot_rj_late, 1)], 2)
        undone = self._session_with_lots(self.patient_3, [(self.lot_rj_early, 1)], 3)
        undone.action_cancel()  # entered by mistake: its stock went back
        grace_again = self._session_with_lots(self.patient, [(self.lot_rj_early, 1)], 4)
        Recall = self.env["halley.lot.recall"].with_user(self.manager)
        by_lot = Recall.create({"lot_id": self.lot_rj_early.id})
        self.assertEqual((by_lot.patient_count, by_lot.session_count), (2, 3))
        rows = self._patients(by_lot)
        self.assertEqual(rows.patient_id, self.patient | self.patient_2, "one row per patient and lot")
        row = rows.filtered(lambda r: r.patient_id == self.patient)
        self.assertEqual(
            (row.lot_id, row.email, row.phone, row.practitioner_id, row.quantity, row.session_count,
             row.first_date, row.last_date),
            (self.lot_rj_early, "grace@example.com", "+65 8111 1111", self.practitioner, 2, 2,
             grace.scheduled_start, grace_again.scheduled_start),
        )
        self.assertEqual(rows.filtered(lambda r: r.patient_id == self.patient_2).first_date, split.scheduled_start)
        self.assertNotIn(self.patient_3, rows.patient_id, "her session with the lot was cancelled")
        self.assertTrue(other)
        # The move lines carry their session (what the recall reads), the return's do not.
        lines = self.env["stock.move.line"].search([("treatment_session_id", "=", undone.id)])
        self.assertEqual(lines.move_id.picking_id, undone.picking_id)
        self.assertIn(self.lot_rj_early, lines.lot_id)
        # Typed as on the manufacturer's notice.
        typed = Recall.create({"product_id": self.rejuran.id, "lot_name": " trj-early "})
        self.assertEqual(typed.lot_ids, self.lot_rj_early)
        self.assertEqual(self._patients(typed), rows)

    def test_notifying_queues_then_emails_each_patient(self):
        self._session_with_lots(self.patient, [(self.lot_rj_early, 1)], 0)
        self._session_with_lots(self.patient_2, [(self.lot_rj_early, 1), (self.lot_rj_late, 1)], 1)
        recall = self.env["halley.lot.recall"].with_user(self.manager).create(
            {"lot_id": self.lot_rj_early.id, "subject": "Recall of T Rejuran"}
        )
        action = recall.action_notify()
        # The notices are there at once, for the user; the messages come from the cron.
        notices = self.env["halley.recall.notice"].with_user(self.manager).search(action["domain"])
        self.assertEqual(notices.patient_id, self.patient | self.patient_2)
        self.assertEqual(set(notices.mapped("user_id")), {self.manager})
        self.assertEqual(set(notices.mapped("date")), {NOW})
        self.assertEqual(notices.lot_id, self.lot_rj_early)
        self.assertEqual(set(notices.mapped("state")), {"queued"})
        self.assertFalse(notices.message_id)
        grace_notice = notices.filtered(lambda n: n.patient_id == self.patient)
        self.assertEqual(grace_notice.session_ids.patient_id, self.patient)
        self.assertEqual(grace_notice.email, "grace@example.com")
        cron = self.env.ref("halley_aesthetics.ir_cron_halley_recall_notify")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]), "the cron is triggered")

        self.env["halley.recall.notice"]._cron_post_recall_messages()
        self.assertEqual(set(notices.mapped("state")), {"done"})
        message = grace_notice.message_id
        # On the notice, which clinic managers read; not in her contact's chatter,
        # which every employee reads.
        self.assertEqual((message.model, message.res_id), ("halley.recall.notice", grace_notice.id))
        self.assertFalse(self.patient.message_ids.filtered(lambda m: "TRJ-EARLY" in (m.body or "")))
        self.assertIn("TRJ-EARLY", message.body)
        # In words: the product and her treatment, the day (no internal code, no seconds).
        self.assertIn("T Rejuran vial, lot TRJ-EARLY: your T Rejuran Skin Healer session of 24 Nov 2026", message.body)
        self.assertIn("Dear T Patient Grace,", message.body, "the template is rendered for each patient")
        self.assertEqual(message.subject, "Recall of T Rejuran")
        self.assertEqual(message.author_id, self.manager.partner_id, "from the manager who sent it")
        self.assertEqual(message.partner_ids, self.patient, "emailed to her")
        self.assertEqual(message.notification_ids.notification_type, "email")
        # Queued in Odoo's mail queue, not sent in the cron's transaction.
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual((mail.state, mail.recipient_ids), ("outgoing", self.patient))
        # Aisha has no email: the notice is logged, and a note says to call her.
        aisha_notice = notices.filtered(lambda n: n.patient_id == self.patient_2)
        self.assertIn("call T Patient Aisha", aisha_notice.message_id.body)
        self.assertFalse(aisha_notice.message_id.partner_ids)
        # Run again: nothing more is posted.
        self.env["halley.recall.notice"]._cron_post_recall_messages()
        self.assertEqual(len(grace_notice.message_ids.filtered(lambda m: m.subject == "Recall of T Rejuran")), 1)

    def test_one_message_per_patient_in_batches(self):
        """One message per patient, listing each of her sessions; the cron posts a
        batch of patients per run and tells Odoo what is left (it commits and runs
        again)."""
        first = self._session_with_lots(self.patient, [(self.lot_rj_early, 1)], 0)
        second = self._session_with_lots(self.patient, [(self.lot_rj_early, 1)], 1)
        self._session_with_lots(self.patient_2, [(self.lot_rj_early, 1)], 2)
        self.patient_2.email = "aisha@example.com"
        self._session_with_lots(self.patient_3, [(self.lot_rj_late, 1)], 3)
        self.patient_3.email = "wei@example.com"
        Recall = self.env["halley.lot.recall"].with_user(self.manager)
        Recall.create({"lot_id": self.lot_rj_early.id}).action_notify()
        with freeze_time(NOW + relativedelta(seconds=1)):  # another recall, of the other lot
            Recall.create({"lot_id": self.lot_rj_late.id}).action_notify()
        Notice = self.env["halley.recall.notice"]
        self.assertEqual(Notice.search_count([("state", "=", "queued")]), 3)
        cron = self.env.ref("halley_aesthetics.ir_cron_halley_recall_notify")
        _cron, progress = cron._add_progress()
        Notice.with_context(ir_cron_progress_id=progress.id)._cron_post_recall_messages(batch_size=2)
        self.assertEqual((progress.done, progress.remaining), (2, 1))
        Notice._cron_post_recall_messages(batch_size=2)
        self.assertEqual(Notice.search_count([("state", "=", "queued")]), 0)
        grace_notice = Notice.search([("patient_id", "=", self.patient.id)])
        self.assertEqual(grace_notice.session_ids, first | second)
        body = grace_notice.message_id.body
        self.assertEqual(body.count("TRJ-EARLY"), 2, "her two sessions in one message")
        self.assertEqual(len(Notice.search([]).message_id), 3)

    def test_a_lot_number_matches_as_typed_only(self):
        grace = self._session_with_lots(self.patient, [(self.lot_rj_early, 1)], 0)
        Recall = self.env["halley.lot.recall"].with_user(self.manager)
        for typed in ("%", "TRJ%", "_RJ-EARL_", "TRJ-EARLY%", "TRJ\\-EARLY", "TRJ-EARL"):
            with self.subTest(typed=typed):
                recall = Recall.create({"lot_name": typed})
                self.assertFalse(recall.lot_ids)
                self.assertFalse(recall.patient_count)
                with self.assertRaises(UserError):
                    recall.action_find_patients()
                with self.assertRaises(UserError):
                    recall.action_notify()
        for typed in ("TRJ-EARLY", " trj-early ", "Trj-Early"):
            with self.subTest(typed=typed):
                recall = Recall.create({"lot_name": typed})
                self.assertEqual(recall.patient_count, 1)
                self.assertEqual(self._patients(recall).patient_id, grace.patient_id)

    def test_a_number_two_products_share_needs_the_product(self):
        grace = self._session_with_lots(self.patient, [(self.lot_rj_early, 1)], 0)
        self._lot(self.ha, "TRJ-EARLY", months=6)  # the HA supplier prints the same number
        Recall = self.env["halley.lot.recall"].with_user(self.manager)
        ambiguous = Recall.create({"lot_name": "TRJ-EARLY"})
        self.assertIn("exists for several products", ambiguous.message)
        self.assertIn("T Rejuran vial", ambiguous.message)
        self.assertFalse(ambiguous.patient_count)
        with self.assertRaisesRegex(UserError, "choose the product"):
            ambiguous.action_find_patients()
        with self.assertRaisesRegex(UserError, "choose the product"):
            ambiguous.action_notify()
        chosen = Recall.create({"lot_name": "TRJ-EARLY", "product_id": self.rejuran.id})
        self.assertFalse(chosen.message)
        self.assertEqual(self._patients(chosen).patient_id, grace.patient_id)

    def test_only_managers_recall(self):
        with self.assertRaises(AccessError):
            self.env["halley.lot.recall"].with_user(self.practitioner).create({"lot_id": self.lot_rj_early.id})
        with self.assertRaises(AccessError):
            self.env["halley.recall.notice"].with_user(self.practitioner).search([])
        with self.assertRaises(AccessError):
            self.env["halley.lot.recall.patient"].with_user(self.practitioner).search([])
        with self.assertRaisesRegex(UserError, "No patient received this lot"):
            self.env["halley.lot.recall"].with_user(self.manager).create({"lot_id": self.lot_ha.id}).action_notify()

    def test_move_lines_are_indexed_by_lot(self):
        self.assertTrue(index_exists(self.env.cr, "stock_move_line_halley_lot_id_index"))

    def test_recall_queries_do_not_grow_with_the_sessions(self):
        """The first screen of a recall (the lot picked or typed, its counts, the
        first page of patients) and Notify run as many queries for 2 sessions as
        for 20."""
        vial = self.env["product.product"].create(
            {"name": "T Bulk vial", "is_storable": True, "tracking": "lot", "categ_id": self.category.id,
             "use_expiration_date": True, "expiration_time": 730}
        )
        small, large = self._lot(vial, "TQ-SMALL", months=2), self._lot(vial, "TQ-LARGE", months=6)
        self._set_stock(self.room, [(vial, 2, small), (vial, 20, large)])
        protocol = self._protocol("T Bulk", "injectable", [(vial, 1)])
        patients = self.env["res.partner"].create(
            [{"name": f"T Bulk patient {i}", "is_patient": True, "email": f"bulk{i}@example.com"} for i in range(22)]
        )
        for i, patient in enumerate(patients):  # first expiry first: 2 sessions of the small lot, then 20
            self._run(self._session(protocol=protocol, patient=patient, start=NOW + relativedelta(hours=i)))
        Recall = self.env["halley.lot.recall"].with_user(self.manager)
        Patients = self.env["halley.lot.recall.patient"].with_user(self.manager)
        list_fields = {name: {} for name in ("patient_id", "email", "phone", "session_count", "first_date",
                                             "last_date", "practitioner_id", "lot_id", "quantity")}

        def first_screen(lot, typed):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            values = {"lot_name": lot.name} if typed else {"lot_id": lot.id}
            recall = Recall.create(values)
            counts = (recall.patient_count, recall.session_count)
            action = recall.action_find_patients()
            page = Patients.web_search_read(action["domain"], list_fields, limit=80)
            return self.env.cr.sql_log_count - before, counts, page["length"]

        def notify(lot):
            recall = Recall.create({"lot_id": lot.id})
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            recall.action_notify()
            return self.env.cr.sql_log_count - before

        for typed in (False, True):
            with self.subTest(typed=typed):
                first_screen(small, typed)  # Odoo's caches (rules, views) filled
                queries_small, counts_small, rows_small = first_screen(small, typed)
                queries_large, counts_large, rows_large = first_screen(large, typed)
                self.assertEqual((counts_small, counts_large, rows_small, rows_large), ((2, 2), (20, 20), 2, 20))
                self.assertEqual(queries_small, queries_large)
        # A page of the list and the count of all rows, read together.
        everyone = Patients.search([("lot_id", "=", large.id)])
        for offset, limit, count_limit, length in ((0, 5, None, 20), (15, 10, None, 20), (0, 5, 10, 10)):
            page = Patients.web_search_read([("lot_id", "=", large.id)], list_fields, offset=offset, limit=limit,
                                            count_limit=count_limit)
            self.assertEqual(page["length"], length)
            self.assertEqual([r["id"] for r in page["records"]], everyone[offset:offset + limit].ids)
            self.assertEqual([r["patient_id"] for r in page["records"]],
                             everyone[offset:offset + limit].patient_id.ids)
        notify(small)  # Odoo's caches filled
        self.assertEqual(notify(small), notify(large))
        self.assertEqual(self.env["halley.recall.notice"].search_count([("state", "=", "queued")]), 2 + 2 + 20)
