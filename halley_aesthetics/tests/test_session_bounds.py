"""Bounds a clinic would defend: a session's times (it ends after it starts, lasts
5 minutes to 12 hours, starts between 2000 and 2 years from today; drafts
included, moves too; "next tuesday" is answered in words), its used quantities
(never above the room's stock of the lot less what others hold, nor above the
protocol's most used; NaN, inf, 1e308 and negatives in words; a typo never
reserves the room's stock), and its buttons on the wrong state saying why."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import NOW, HalleyCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestSessionTimes(HalleyCommon):
    def _draft(self, start=None, **vals):
        start = NOW + relativedelta(hours=1) if start is None else start
        return self._session(start=start, user=self.practitioner, consent=False, **vals)

    def test_a_session_ends_after_it_starts(self):
        start = NOW + relativedelta(hours=1)
        for end, words in ((start - relativedelta(minutes=30), "not after it starts"),
                           (start, "not after it starts"),
                           (start + relativedelta(minutes=4), "between 5 minutes and 12 hours"),
                           (start + relativedelta(hours=12, minutes=1), "between 5 minutes and 12 hours")):
            with self.subTest(end=end), self.assertRaisesRegex(ValidationError, words):
                self._draft(start=start, scheduled_end=end)
        shortest = self._draft(start=start, scheduled_end=start + relativedelta(minutes=5))
        self.assertEqual(shortest.scheduled_end - shortest.scheduled_start, timedelta(minutes=5))
        longest = self._draft(start=start + relativedelta(days=1), scheduled_end=start + relativedelta(days=1, hours=12))
        self.assertEqual(longest.state, "draft")

    def test_a_session_starts_within_a_sane_window(self):
        for start, words in ((NOW.replace(year=1900), "in the year 2000 or later"),
                             (NOW.replace(year=1, month=1, day=1), "in the year 2000 or later"),
                             (NOW + relativedelta(years=2, days=1), "more than 2 years away"),
                             (NOW.replace(year=9999), "more than 2 years away")):
            with self.subTest(start=start), self.assertRaisesRegex(ValidationError, words):
                self._draft(start=start)
        self.assertTrue(self._draft(start=NOW.replace(year=2000, month=1, day=1)))
        self.assertTrue(self._draft(start=NOW + relativedelta(years=2, days=-1)))

    def test_moving_a_session_keeps_the_bounds(self):
        session = self._session(start=NOW + relativedelta(hours=1))
        session.action_confirm()
        start, end = session.scheduled_start, session.scheduled_end
        self.env.flush_all()  # what is refused below is then dropped from the cache alone
        with self.assertRaisesRegex(ValidationError, "not after it starts"):
            session.with_user(self.practitioner).write({"scheduled_end": start - relativedelta(minutes=10)})
        with self.assertRaisesRegex(ValidationError, "between 5 minutes and 12 hours"):
            session.with_user(self.manager).write({"scheduled_end": start + relativedelta(minutes=2)})
        with self.assertRaisesRegex(ValidationError, "in the year 2000 or later"):
            session.with_user(self.manager).write({"scheduled_start": NOW.replace(year=1900)})
        self.env.invalidate_all(flush=False)  # the refused values, gone from the database, leave the cache too
        self.assertEqual((session.scheduled_start, session.scheduled_end), (start, end))
        # Moved an hour later: its length comes along.
        session.with_user(self.practitioner).scheduled_start = start + relativedelta(hours=1)
        self.assertEqual(session.scheduled_end, end + relativedelta(hours=1))

    def test_a_start_that_is_no_date_gets_a_sentence(self):
        for value in ("next tuesday", "2026-13-45 25:00:00", "x" * 1000):
            with self.subTest(value=value[:20]), self.assertRaisesRegex(ValidationError, "is not a date and time"):
                self._draft(start=value)
        session = self._draft()
        with self.assertRaisesRegex(ValidationError, "is not a date and time for the session's end"):
            session.write({"scheduled_end": "next tuesday"})
        # Odoo's own format is read as before.
        session.write({"scheduled_start": "2026-11-26 02:00:00"})
        self.assertEqual(session.scheduled_start, NOW.replace(day=26, hour=2))

    def test_a_protocol_fits_a_session(self):
        self.env.flush_all()
        with self.assertRaisesRegex(ValidationError, "at most 12 hours"):
            self.protocol_rejuran.write({"procedure_minutes": 700})
        for factor in (0.5, 0, -1, 1e9, float("nan")):
            with self.subTest(factor=factor), self.assertRaisesRegex(ValidationError, "between 1 and 1000 times"):
                self.protocol_rejuran.write({"max_used_factor": factor})
        self.env.invalidate_all(flush=False)
        self.assertEqual(self.protocol_rejuran.max_used_factor, 10)


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestUsedQuantityBounds(HalleyCommon):
    def _started(self, **vals):
        session = self._session(**vals).with_user(self.practitioner)
        session.action_confirm()
        session.action_start()
        return session

    def reserved(self, product, lot=None):
        quants = self.env["stock.quant"].search([("product_id", "=", product.id), ("location_id", "=", self.room.id)])
        if lot is not None:
            quants = quants.filtered(lambda q: q.lot_id == lot)
        return sum(quants.mapped("reserved_quantity"))

    def test_a_typo_never_reserves_the_room(self):
        session = self._started()
        numbing = self.move_of(session, self.numbing)
        before = self.reserved(self.numbing)
        for quantity in (1e9, 1e308, 61):
            with self.subTest(quantity=quantity), self.assertRaisesRegex(UserError, "Check the quantity used"):
                session.write({"move_ids": [Command.update(numbing.id, {"quantity": quantity})]})
            with self.subTest(quantity=quantity, on="line"), self.assertRaisesRegex(
                UserError, "Check the quantity used"
            ):
                numbing.move_line_ids.with_user(self.practitioner).write({"quantity": quantity})
        self.assertEqual(self.reserved(self.numbing), before)
        self.assertEqual(numbing.quantity, 5)
        # Another session in the room starts as before.
        other = self._started(patient=self.patient_2)
        self.assertEqual(other.state, "in_progress")

    def test_no_number_that_is_none(self):
        session = self._started()
        move = self.move_of(session, self.recovery)
        for value in (float("nan"), float("inf"), float("-inf"), -1, -1e308, "3", None, [3]):
            with self.subTest(value=value), self.assertRaisesRegex(UserError, "is a number and never negative"):
                move.with_user(self.practitioner).write({"quantity": value})
            with self.subTest(value=value, on="line"), self.assertRaisesRegex(
                UserError, "is a number and never negative"
            ):
                move.move_line_ids.with_user(self.practitioner).write({"quantity": value})
        self.assertEqual(move.quantity, 3)

    def test_not_more_than_the_room_holds_of_the_lot(self):
        # TRJ-EARLY: 3 vials in the room; the protocol plans 1 (up to 10 used).
        session = self._started()
        line = self.move_of(session, self.rejuran).move_line_ids
        self.assertEqual(line.lot_id, self.lot_rj_early)
        with self.assertRaisesRegex(UserError, r"cannot use 4 .*T Rejuran vial \(lot TRJ-EARLY\).*holds 3"):
            line.with_user(self.practitioner).quantity = 4
        self.assertEqual(self.reserved(self.rejuran, self.lot_rj_early), 1)
        # Another session holds one of the three: two are left for this one.
        other = self._started(patient=self.patient_2)
        self.assertEqual(self.move_of(other, self.rejuran).move_line_ids.lot_id, self.lot_rj_early)
        with self.assertRaisesRegex(UserError, "1.0 .*of which other sessions or transfers hold"):
            line.with_user(self.practitioner).quantity = 3
        line.with_user(self.practitioner).quantity = 2
        self.assertEqual(self.reserved(self.rejuran, self.lot_rj_early), 3)
        # A new line of the same lot counts with the first.
        with self.assertRaisesRegex(UserError, "holds 3"):
            self.env["stock.move.line"].with_user(self.practitioner).create({
                "move_id": line.move_id.id, "product_id": self.rejuran.id, "lot_id": self.lot_rj_early.id,
                "quantity": 1, "location_id": self.room.id, "location_dest_id": line.location_dest_id.id,
            })
        session.write({"deviation_reason": "Two vials: a wide area."})
        session.action_done()
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 1)

    def test_not_more_than_the_protocol_s_most_used(self):
        self.protocol_rejuran.max_used_factor = 2
        session = self._started()
        numbing = self.move_of(session, self.numbing)
        with self.assertRaisesRegex(UserError, "plans 5.0 g.*at most 2.0 times that"):
            session.write({"move_ids": [Command.update(numbing.id, {"quantity": 11})]})
        session.write({"move_ids": [Command.update(numbing.id, {"quantity": 10})]})
        self.assertEqual(numbing.quantity, 10)
        with self.assertRaisesRegex(UserError, "at most 2.0 times that"):
            numbing.move_line_ids.with_user(self.practitioner).quantity = 10.5


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestButtonStates(HalleyCommon):
    def test_start_on_a_cancelled_or_done_session_says_why(self):
        cancelled = self._session().with_user(self.practitioner)
        cancelled.action_confirm()
        cancelled.action_cancel()
        with self.assertRaisesRegex(UserError, "is cancelled: it cannot be started"):
            cancelled.action_start()
        with self.assertRaisesRegex(UserError, "is cancelled: it cannot be completed"):
            cancelled.action_done()
        with self.assertRaisesRegex(UserError, "is cancelled: reset it to draft before confirming it again"):
            cancelled.action_confirm()
        self.assertEqual(cancelled.state, "cancel")
        self.assertIs(cancelled.action_cancel(), True, "cancelling again changes nothing")

        done = self._session().with_user(self.practitioner)
        done.action_confirm()
        done.action_start()
        done.action_done()
        with self.assertRaisesRegex(UserError, "is already completed: it cannot be started again"):
            done.action_start()
        with self.assertRaisesRegex(UserError, "is completed: it cannot be booked again"):
            done.action_confirm()
        self.assertIs(done.action_done(), True, "completing again changes nothing")
        self.assertEqual(done.state, "done")

    def test_start_on_a_draft_and_draft_of_a_started_session_say_why(self):
        draft = self._session().with_user(self.practitioner)
        with self.assertRaisesRegex(UserError, "is a draft: confirm it before starting it"):
            draft.action_start()
        with self.assertRaisesRegex(UserError, "Start the session .* before completing it"):
            draft.action_done()
        draft.action_confirm()
        self.assertIs(draft.action_confirm(), True, "confirming again changes nothing")
        draft.action_start()
        self.assertIs(draft.action_start(), True, "starting again changes nothing")
        with self.assertRaisesRegex(UserError, "has started: complete it, or cancel it"):
            draft.action_draft()
        self.assertEqual(draft.state, "in_progress")

    def test_the_refusal_names_the_session(self):
        cancelled = self._session().with_user(self.manager)
        cancelled.action_cancel()
        with self.assertRaisesRegex(UserError, f"^{self.patient.name} · {self.protocol_rejuran.clinic_name} is"):
            cancelled.action_start()
