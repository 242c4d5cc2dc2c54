from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import NOW, HalleyBookingMixin, HalleyCommon

# 15:15 in Singapore on Thursday 26 November 2026; a session lasts 50 minutes
# (30 of numbing, 20 of procedure): until 16:05.
SLOT = datetime(2026, 11, 26, 7, 15)
MINUTES = timedelta(minutes=1)


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestBooking(HalleyBookingMixin, HalleyCommon):
    """The appointment book: a room, a practitioner and a patient are never booked
    twice at the same time."""

    _booking_start = SLOT

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nurse = new_test_user(
            cls.env, login="t_nurse", groups="halley_aesthetics.group_practitioner", name="Nurse Test",
        )
        (cls.manager | cls.practitioner | cls.nurse).write({"tz": "Asia/Singapore"})
        # Chen Wei's session is booked: Test Room A, Dr. Test, 15:15 to 16:05.
        cls.booked = cls.env["halley.treatment.session"].create(
            {
                "patient_id": cls.patient_2.id,
                "protocol_id": cls.protocol_rejuran.id,
                "room_id": cls.room.id,
                "practitioner_id": cls.practitioner.id,
                "scheduled_start": SLOT,
            }
        )
        cls.booked.action_confirm()

    # ------------------------------------------------------------ refused at confirmation

    def test_room_clash_is_refused(self):
        # The front desk books Grace with the nurse in the room Dr. Test holds.
        session = self._draft(self.manager, start=SLOT + 15 * MINUTES, practitioner=self.nurse)
        self.assertRefused(
            session,
            "Test Room A is already booked from 15:15 to 16:05 on 26 Nov 2026 "
            "(T Patient Aisha, T Rejuran Skin Healer): choose another time or room.",
        )

    def test_practitioner_clash_is_refused(self):
        # The doctor books herself in the other room while she is with Aisha.
        session = self._draft(self.practitioner, start=SLOT - 30 * MINUTES, room=self.room_b)
        self.assertRefused(
            session,
            "Dr. Test already has a session from 15:15 to 16:05 on 26 Nov 2026 "
            "(T Patient Aisha, T Rejuran Skin Healer): choose another time or practitioner.",
        )

    def test_patient_clash_is_refused(self):
        grace = self._draft(self.manager, start=SLOT + 2 * timedelta(hours=1))
        grace.action_confirm()
        # Grace cannot be in the other room with the nurse at 17:45.
        session = self._draft(
            self.practitioner, start=SLOT + 150 * MINUTES, room=self.room_b, practitioner=self.nurse
        )
        self.assertRefused(
            session,
            "T Patient Grace already has a session from 17:15 to 18:05 on 26 Nov 2026 "
            "(T Rejuran Skin Healer, Test Room A): choose another time.",
        )

    def test_back_to_back_sessions_are_booked(self):
        before = self._draft(self.manager, start=SLOT - 50 * MINUTES, patient=self.patient_2)
        after = self._draft(self.practitioner, start=self.booked.scheduled_end, patient=self.patient_2)
        (before | after).action_confirm()
        self.assertEqual((before | after).mapped("state"), ["confirmed", "confirmed"])
        self.assertEqual(before.scheduled_end, self.booked.scheduled_start)

    def test_drafts_and_cancelled_sessions_hold_nothing(self):
        self.booked.action_cancel()
        self._draft(self.manager, patient=self.patient_2)  # another draft at the same time
        session = self._draft(self.practitioner)
        session.action_confirm()
        self.assertEqual(session.state, "confirmed")

    def test_a_batch_clashing_with_itself_is_refused_whole(self):
        first = self._draft(self.manager, start=SLOT + 3 * timedelta(hours=1))
        second = self._draft(self.manager, start=SLOT + 200 * MINUTES, room=self.room_b, practitioner=self.nurse)
        free = self._draft(self.manager, start=SLOT + 6 * timedelta(hours=1), room=self.room_b, practitioner=self.nurse)
        batch = free | first | second
        with self.assertRaises(ValidationError) as caught:
            batch.action_confirm()
        self.assertEqual(
            str(caught.exception),
            "T Patient Grace already has a session from 18:35 to 19:25 on 26 Nov 2026 "
            "(T Rejuran Skin Healer, Test Room B): choose another time.",
        )
        self.assertEqual(batch.mapped("state"), ["draft"] * 3, "nothing confirmed")
        self.assertFalse(batch.picking_id)

    def test_the_check_reads_a_batch_in_one_query(self):
        Session = self.env["halley.treatment.session"]

        def drafts(count, hour):
            return Session.browse(
                [self._draft(self.manager, start=SLOT + timedelta(hours=hour + i), room=self.room_b).id
                 for i in range(count)]
            )

        one, ten = drafts(1, 3), drafts(10, 5)
        for batch in (one, ten):
            self.env.invalidate_all()
            batch.fetch(["scheduled_start", "scheduled_end", "room_id", "practitioner_id", "patient_id"])
            with self.assertQueryCount(1):
                self.assertEqual(batch._booking_clash_messages(within=True), {})

    # ------------------------------------------------------------ rescheduled or reassigned

    def test_moving_a_booked_session_into_a_clash_is_refused(self):
        later = self._draft(
            self.manager, start=SLOT + 3 * timedelta(hours=1), room=self.room_b, practitioner=self.nurse,
            patient=self.patient_2,
        )
        later.action_confirm()
        later_start = later.scheduled_start
        # The practitioner moves Aisha's second session to when she is already here.
        with self.assertRaises(ValidationError) as caught:
            later.with_user(self.practitioner).write({"scheduled_start": SLOT + 20 * MINUTES})
        self.assertEqual(
            str(caught.exception),
            "T Patient Aisha already has a session from 15:15 to 16:05 on 26 Nov 2026 "
            "(T Rejuran Skin Healer, Test Room A): choose another time.",
        )
        self.assertEqual(later.scheduled_start, later_start, "the session keeps its time")
        # Same time, but with the doctor who is busy then.
        same_time = self._draft(self.manager, room=self.room_b, practitioner=self.nurse)
        same_time.action_confirm()
        with self.assertRaises(ValidationError) as caught:
            same_time.with_user(self.manager).write({"practitioner_id": self.practitioner.id})
        self.assertEqual(
            str(caught.exception),
            "Dr. Test already has a session from 15:15 to 16:05 on 26 Nov 2026 "
            "(T Patient Aisha, T Rejuran Skin Healer): choose another time or practitioner.",
        )
        self.assertEqual(same_time.practitioner_id, self.nurse)
        # Moved to a free time, it is simply moved.
        same_time.with_user(self.manager).write({"scheduled_start": SLOT + 50 * MINUTES})
        self.assertEqual(same_time.scheduled_start, SLOT + 50 * MINUTES)
        self.assertEqual(same_time.picking_id.scheduled_date, SLOT + 50 * MINUTES)

    # ------------------------------------------------------------ warned while drafting

    def test_the_front_desk_is_warned_while_drafting(self):
        form = Form(self.env["halley.treatment.session"].with_user(self.manager))
        form.patient_id = self.patient
        form.protocol_id = self.protocol_rejuran
        form.room_id = self.room
        form.practitioner_id = self.nurse
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            form.scheduled_start = SLOT + 40 * MINUTES
        self.assertEqual(
            logs.output,
            [
                "WARNING:odoo.tests.form.onchange:Double booking Test Room A is already booked from 15:15 "
                "to 16:05 on 26 Nov 2026 (T Patient Aisha, T Rejuran Skin Healer): choose another time or room."
            ],
        )
        session = form.save()  # a draft may still be saved: the refusal is at confirmation
        self.assertEqual(session.state, "draft")
        # Away from the clash, no warning.
        Session = self.env["halley.treatment.session"].with_user(self.manager)
        free = Session.new(
            {"patient_id": self.patient.id, "protocol_id": self.protocol_rejuran.id, "room_id": self.room.id,
             "practitioner_id": self.nurse.id, "scheduled_start": self.booked.scheduled_end}
        )
        self.assertIsNone(free._onchange_booking_clash())

    # ------------------------------------------------------------ another company's session

    def test_another_company_session_is_not_revealed(self):
        self._setup_second_company()
        self.manager_a.tz = "Asia/Singapore"
        protocol_b = self._protocol("B Needles only", "injectable", [(self.needle, 3)], company=self.company_b)
        chen = self.env["res.partner"].create({"name": "B Patient Chen", "is_patient": True})
        self.nurse.company_ids |= self.company_b  # she works at both clinics
        elsewhere = (
            self.env["halley.treatment.session"]
            .with_company(self.company_b)
            .create(
                {"patient_id": chen.id, "protocol_id": protocol_b.id, "room_id": self.room_in_b.id,
                 "practitioner_id": self.nurse.id, "scheduled_start": SLOT}
            )
        )
        elsewhere.action_confirm()
        session = self._draft(self.manager_a, room=self.room_b, practitioner=self.nurse)
        with self.assertRaises(ValidationError) as caught:
            session.action_confirm()
        self.assertEqual(
            str(caught.exception),
            "Nurse Test already has a session at that time: choose another time or practitioner.",
        )
        self.assertNotIn("Chen", str(caught.exception))
        self.assertEqual(session.state, "draft")
