from datetime import datetime, time, timedelta

from pytz import timezone, utc

from odoo.tests import tagged

from .common import HalleyUiCase

SINGAPORE = timezone("Asia/Singapore")


@tagged("post_install", "-at_install")
class TestAppointmentBookUi(HalleyUiCase):
    """The front desk books from the appointment book in a real browser: a click on
    a free slot opens the new session there; a double booking is refused with the
    model's message; a block dragged to a free slot moves the session, into a clash
    it is refused and stays. A draft booked over a confirmed session is drawn beside
    it (both seen, clicked, dragged); a cancelled session is not drawn; in the
    practitioners' view a slot books the column's practitioner, and only
    practitioners have a column."""

    def test_front_desk_books_from_the_appointment_book(self):
        env = self.env
        doctor = self._user("book_doctor", "halley_aesthetics.group_practitioner", tz="Asia/Singapore")
        nurse = self._user("book_nurse", "halley_aesthetics.group_practitioner", tz="Asia/Singapore")
        # A clinic manager without clinic working hours does not see patients: no column.
        self._user("book_manager", "halley_aesthetics.group_manager", tz="Asia/Singapore")
        room_a, room_b = self._room("Book Room A"), self._room("Book Room B")
        needle = env["product.product"].create({"name": "Book needle", "is_storable": True})
        self._count_in(room_a, [(needle, 50, None)])
        self._count_in(room_b, [(needle, 50, None)])
        protocol = self._protocol("Book Rejuran", [(needle, 4)])  # no minutes set: an hour
        grace, aisha, noor, cancelled = env["res.partner"].create(
            [{"name": name, "is_patient": True}
             for name in ("Book Patient Grace", "Book Patient Aisha", "Book Patient Noor", "Book Patient Ivy")]
        )
        # Today in Singapore (the book opens on the user's today), 11:15 to 12:05:
        # the manager sees Aisha in room B.
        today = datetime.now(SINGAPORE).date()
        held_start = SINGAPORE.localize(datetime.combine(today, time(11, 15))).astimezone(utc).replace(tzinfo=None)
        held = env["halley.treatment.session"].create({
            "patient_id": aisha.id, "protocol_id": protocol.id, "room_id": room_b.id,
            "practitioner_id": doctor.id, "scheduled_start": held_start,
        })
        held.action_confirm()
        # A draft booked over it, from 11:30, with the nurse; a cancelled one at 16:00.
        env["halley.treatment.session"].create({
            "patient_id": noor.id, "protocol_id": protocol.id, "room_id": room_b.id,
            "practitioner_id": nurse.id, "scheduled_start": held_start + timedelta(minutes=15),
        })
        env["halley.treatment.session"].create({
            "patient_id": cancelled.id, "protocol_id": protocol.id, "room_id": room_b.id,
            "practitioner_id": nurse.id, "scheduled_start": held_start + timedelta(hours=4, minutes=45),
        }).action_cancel()

        # The refused confirmation and the refused move are logged by Odoo's RPC layer.
        with self.assertLogs("odoo.http", "WARNING") as logs:
            self.start_tour(
                "/odoo/action-halley_aesthetics.halley_appointment_book_action", "halley_appointment_book_tour",
                login=doctor.login,
            )
        self.assertEqual(len(logs.output), 2)
        for line in logs.output:
            self.assertIn("Book Doctor already has a session from 11:15 to 12:05", line)

        booked = env["halley.treatment.session"].search([("patient_id", "=", grace.id)])
        self.assertEqual(len(booked), 2, "the booked session, and the refused one kept as a draft")
        confirmed = booked.filtered(lambda s: s.state == "confirmed")
        self.assertEqual(confirmed.room_id, room_a)
        self.assertEqual(confirmed.practitioner_id, doctor, "the clicking practitioner")
        # Booked at 14:00, dragged to 15:00 (an hour, its length kept), then refused at 11:30.
        self.assertEqual(confirmed.scheduled_start, held_start + timedelta(hours=3, minutes=45), "15:00 there")
        self.assertEqual(confirmed.scheduled_end - confirmed.scheduled_start, timedelta(minutes=50))
        self.assertEqual(confirmed.picking_id.scheduled_date, confirmed.scheduled_start,
                         "the consumption transfer follows the session")
        refused = booked - confirmed
        self.assertEqual(refused.state, "draft")
        self.assertEqual(refused.scheduled_start, held_start - timedelta(minutes=15), "11:00 there")
