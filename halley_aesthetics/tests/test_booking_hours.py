from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import NOW, HalleyBookingMixin, HalleyCommon

# Thursday 26 November 2026 in Singapore (UTC+8): 09:00 is 01:00 UTC. A Rejuran
# session lasts 50 minutes.
THURSDAY = datetime(2026, 11, 26, 1, 0)
SUNDAY = datetime(2026, 11, 29, 1, 0)
HOUR = timedelta(hours=1)
MINUTES = timedelta(minutes=1)


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestBookingHours(HalleyBookingMixin, HalleyCommon):
    """Opening hours of the rooms and working hours of the practitioners: a session
    is booked while its room is open and its practitioner works."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def calendar(name, days, spans):
            return cls.env["resource.calendar"].create({
                "name": name,
                "tz": "Asia/Singapore",
                "attendance_ids": [Command.clear()] + [
                    Command.create({"name": f"{day} {start}", "dayofweek": str(day), "hour_from": start,
                                    "hour_to": stop, "day_period": "morning" if start < 12 else "afternoon"})
                    for day in days for start, stop in spans
                ],
            })

        cls.opening = calendar("T Opening hours", range(6), [(9, 19)])
        cls.doctor_hours = calendar("T Dr. Test's hours", range(5), [(9, 13), (14, 18)])
        cls.room.halley_opening_calendar_id = cls.opening
        cls.practitioner.halley_working_calendar_id = cls.doctor_hours
        cls.nurse = new_test_user(
            cls.env, login="t_nurse", groups="halley_aesthetics.group_practitioner", name="Nurse Test",
        )
        cls.internal = new_test_user(cls.env, login="t_clerk", groups="base.group_user", name="Clerk Test")
        cls.portal = new_test_user(cls.env, login="t_portal", groups="base.group_portal", name="Portal Test")
        (cls.manager | cls.practitioner | cls.nurse | cls.billing).write({"tz": "Asia/Singapore"})

    def _booking_practitioner(self):
        return self.nurse

    # ------------------------------------------------------------ the room's opening hours

    def test_a_room_closed_then_is_refused(self):
        evening = self._draft(self.manager, THURSDAY + 10 * HOUR + 30 * MINUTES)
        self.assertRefused(
            evening,
            "Test Room A is not open from 19:30 to 20:20 on Thu 26 Nov 2026 (opening hours that day: "
            "09:00–19:00): choose another time or room.",
        )
        # Starting before closing is not enough: the session ends after it.
        late = self._draft(self.practitioner, THURSDAY + 9 * HOUR + 30 * MINUTES)
        self.assertRefused(
            late,
            "Test Room A is not open from 18:30 to 19:20 on Thu 26 Nov 2026 (opening hours that day: "
            "09:00–19:00): choose another time or room.",
        )
        sunday = self._draft(self.manager, SUNDAY + HOUR)
        self.assertRefused(
            sunday,
            "Test Room A is not open from 10:00 to 10:50 on Sun 29 Nov 2026 (opening hours that day: "
            "closed): choose another time or room.",
        )

    def test_sessions_within_the_hours_are_booked(self):
        first = self._draft(self.manager, THURSDAY)  # 09:00, as the room opens
        last = self._draft(self.manager, THURSDAY + 10 * HOUR - 50 * MINUTES, patient=self.patient_2)  # to 19:00
        (first | last).action_confirm()
        self.assertEqual((first | last).mapped("state"), ["confirmed", "confirmed"])
        # A room and a practitioner without hours are never closed.
        night = self._draft(self.manager, THURSDAY + 13 * HOUR, room=self.room_b)
        night.action_confirm()
        self.assertEqual(night.state, "confirmed")

    def test_a_closure_of_the_room_is_refused(self):
        self.env["resource.calendar.leaves"].create({
            "name": "T Clinic closed for training",
            "calendar_id": self.opening.id,
            "date_from": THURSDAY - HOUR,
            "date_to": THURSDAY + 12 * HOUR,
        })
        session = self._draft(self.manager, THURSDAY + 2 * HOUR)
        self.assertRefused(
            session,
            "Test Room A is not open from 11:00 to 11:50 on Thu 26 Nov 2026 (opening hours that day: "
            "closed): choose another time or room.",
        )

    # ------------------------------------------------------------ the practitioner's working hours

    def test_a_practitioner_off_duty_is_refused(self):
        lunch = self._draft(self.practitioner, THURSDAY + 4 * HOUR + 15 * MINUTES, practitioner=self.practitioner)
        self.assertRefused(
            lunch,
            "Dr. Test does not work from 13:15 to 14:05 on Thu 26 Nov 2026 (working hours that day: "
            "09:00–13:00, 14:00–18:00): choose another time or practitioner.",
        )
        afternoon = self._draft(self.practitioner, THURSDAY + 5 * HOUR, practitioner=self.practitioner)
        afternoon.action_confirm()
        self.assertEqual(afternoon.state, "confirmed")

    # ------------------------------------------------------------ moves of a booked session

    def test_moving_a_booked_session_out_of_hours_is_refused_and_into_them_moves_its_transfer(self):
        session = self._draft(self.manager, THURSDAY + HOUR, practitioner=self.practitioner)
        session.action_confirm()
        picking = session.picking_id
        self.assertEqual(picking.scheduled_date, THURSDAY + HOUR)
        with self.assertRaises(ValidationError) as caught:
            session.with_user(self.practitioner).write({"scheduled_start": THURSDAY + 8 * HOUR + 30 * MINUTES})
        self.assertEqual(
            str(caught.exception),
            "Dr. Test does not work from 17:30 to 18:20 on Thu 26 Nov 2026 (working hours that day: "
            "09:00–13:00, 14:00–18:00): choose another time or practitioner.",
        )
        self.assertEqual(session.scheduled_start, THURSDAY + HOUR, "the session keeps its time")
        self.assertEqual(picking.scheduled_date, THURSDAY + HOUR)
        # To the nurse at 17:30: she has no set hours and the room is open.
        session.with_user(self.manager).write({
            "scheduled_start": THURSDAY + 8 * HOUR + 30 * MINUTES,
            "scheduled_end": THURSDAY + 9 * HOUR + 20 * MINUTES,
            "practitioner_id": self.nurse.id,
        })
        self.assertEqual(session.scheduled_start, THURSDAY + 8 * HOUR + 30 * MINUTES)
        self.assertEqual(picking.scheduled_date, THURSDAY + 8 * HOUR + 30 * MINUTES,
                         "the consumption transfer follows the session")
        self.assertEqual(set(picking.move_ids.mapped("date")), {THURSDAY + 8 * HOUR + 30 * MINUTES},
                         "so does the forecast demand of each component")

    def test_two_sessions_moved_together_move_their_transfers(self):
        sessions = self._draft(self.manager, THURSDAY) | self._draft(
            self.manager, THURSDAY, room=self.room_b, patient=self.patient_2, practitioner=self.practitioner
        )
        sessions.action_confirm()
        sessions.with_user(self.manager).write({"scheduled_start": THURSDAY + 2 * HOUR})
        self.assertEqual(set(sessions.picking_id.mapped("scheduled_date")), {THURSDAY + 2 * HOUR})
        self.assertEqual(set(sessions.picking_id.move_ids.mapped("date")), {THURSDAY + 2 * HOUR})

    def test_billing_cannot_move_a_session(self):
        session = self._draft(self.manager, THURSDAY + HOUR)
        session.action_confirm()
        with self.assertRaises(AccessError):
            session.with_user(self.billing).write({"scheduled_start": THURSDAY + 2 * HOUR})
        self.assertEqual(session.scheduled_start, THURSDAY + HOUR)
        self.assertEqual(session.picking_id.scheduled_date, THURSDAY + HOUR)

    # ------------------------------------------------------------ warned while drafting

    def test_the_front_desk_is_warned_while_drafting(self):
        form = Form(self.env["halley.treatment.session"].with_user(self.manager))
        form.patient_id = self.patient
        form.protocol_id = self.protocol_rejuran
        form.room_id = self.room_b
        form.practitioner_id = self.practitioner
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            form.scheduled_start = THURSDAY + 10 * HOUR
        self.assertEqual(
            logs.output,
            ["WARNING:odoo.tests.form.onchange:Outside opening hours Dr. Test does not work from 19:00 to 19:50 "
             "on Thu 26 Nov 2026 (working hours that day: 09:00–13:00, 14:00–18:00): choose another time or "
             "practitioner."],
        )
        session = form.save()  # a draft may still be saved: the refusal is at confirmation
        self.assertEqual(session.state, "draft")

    # ------------------------------------------------------------ who sees the hours

    def test_the_hours_are_the_clinic_users_only(self):
        for user in (self.internal, self.portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.practitioner.with_user(user).read(["halley_working_calendar_id"])
        with self.assertRaises(AccessError):
            self.room.with_user(self.internal).read(["halley_opening_calendar_id"])
        for user in (self.billing, self.nurse):
            with self.subTest(user=user.login):
                self.assertEqual(self.practitioner.with_user(user).halley_working_calendar_id, self.doctor_hours)

    # ------------------------------------------------------------ the appointment book

    def test_the_appointment_book_loads_a_day_in_one_call(self):
        booked = self._draft(self.manager, THURSDAY + HOUR, practitioner=self.practitioner)
        booked.action_confirm()
        self._draft(self.manager, THURSDAY + 5 * HOUR, room=self.room_b, patient=self.patient_2)
        Session = self.env["halley.treatment.session"]
        day = Session.with_user(self.practitioner).appointment_book_day("2026-11-26")
        self.assertEqual(day["label"], "Thursday 26 November 2026")
        self.assertEqual(day["day_start"], "2026-11-25 16:00:00")
        self.assertFalse(day["readonly"])
        columns = {column["name"]: column for column in day["columns"]}
        self.assertEqual(columns["Test Room A"]["hours"], [[9 * 60, 19 * 60]])
        self.assertIsNone(columns["Test Room B"]["hours"], "a room without hours is never closed")
        # The test's own sessions (the demo clinic books some today too).
        blocks = {block["name"]: block for block in day["sessions"] if block["name"].startswith("T Patient")}
        self.assertEqual(len(blocks), 2)
        self.assertEqual(
            blocks["T Patient Grace · T Rejuran Skin Healer"],
            {"id": booked.id, "name": "T Patient Grace · T Rejuran Skin Healer", "state": "confirmed",
             "state_label": "Confirmed", "column": self.room.id, "start": 10 * 60, "stop": 10 * 60 + 50,
             "time": "10:00–10:50", "lane": 0, "lanes": 1},
        )
        self.assertEqual(blocks["T Patient Aisha · T Rejuran Skin Healer"]["column"], self.room_b.id)
        self.assertEqual((day["first"], day["last"]), (9 * 60, 19 * 60))
        # Per practitioner: Dr. Test's column with her hours.
        by_practitioner = Session.with_user(self.manager).appointment_book_day("2026-11-26", by="practitioner")
        doctor = next(c for c in by_practitioner["columns"] if c["id"] == self.practitioner.id)
        self.assertEqual(doctor["hours"], [[9 * 60, 13 * 60], [14 * 60, 18 * 60]])
        self.assertEqual(
            {b["name"]: b["column"] for b in by_practitioner["sessions"] if b["name"].startswith("T Patient")},
            {"T Patient Grace · T Rejuran Skin Healer": self.practitioner.id,
             "T Patient Aisha · T Rejuran Skin Healer": self.nurse.id},
        )
        # Billing reads the book, and may not book from it; others may not read it.
        self.assertTrue(Session.with_user(self.billing).appointment_book_day("2026-11-26")["readonly"])
        with self.assertRaises(AccessError):
            Session.with_user(self.internal).appointment_book_day("2026-11-26")

    def test_the_appointment_book_reads_as_many_queries_for_ten_sessions_as_for_one(self):
        Session = self.env["halley.treatment.session"].with_user(self.manager)
        self._draft(self.manager, THURSDAY)
        for i in range(10):
            self._draft(self.manager, THURSDAY + 7 * 24 * HOUR + i * HOUR, room=self.room_b)
        counts = []
        for day in ("2026-11-26", "2026-12-03"):  # one session, then ten
            Session.appointment_book_day(day)  # warm-up: access rules (ormcache)
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            book = Session.appointment_book_day(day)
            counts.append(self.cr.sql_log_count - before)
            ours = [block for block in book["sessions"] if block["name"].startswith("T Patient")]
            self.assertEqual(len(ours), 1 if day == "2026-11-26" else 10)
        # Ten sessions cost no query more than one (the first call may still fill
        # the access rules' caches).
        self.assertLessEqual(counts[1], counts[0])
