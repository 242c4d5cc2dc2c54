from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import NOW, HalleyCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestAttendance(HalleyCommon):
    def test_a_no_show_is_kept_and_counted_on_the_patient(self):
        missed = self._session(start=NOW - relativedelta(hours=2))
        missed.action_confirm()
        booked = missed.picking_id
        self.assertNotEqual(booked.state, "cancel")
        missed.with_user(self.practitioner).action_no_show()
        self.assertEqual((missed.state, missed.no_show), ("cancel", True))
        self.assertEqual(booked.state, "cancel", "her booked consumption no longer counts as demand")
        self.assertIn("no-show", missed.message_ids[:1].body)
        patient = self.patient.with_user(self.practitioner)
        self.assertEqual(patient.halley_no_show_count, 1)
        action = patient.with_context(halley_no_show=True).action_view_treatment_sessions()
        self.assertEqual(self.env["halley.treatment.session"].search(action["domain"]), missed)
        # Kept as it is: not reset to draft, not forged either way.
        with self.assertRaisesRegex(UserError, "is kept as a no-show: book a new session instead"):
            missed.with_user(self.practitioner).action_draft()
        attended = self._session(start=NOW + relativedelta(days=1))
        for session, vals in ((attended, {"no_show": True}), (missed, {"no_show": False})):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "recorded by the clinic's workflow"):
                session.with_user(self.manager).write(vals)
        self.assertEqual(self.patient.halley_no_show_count, 1)

    def test_no_show_only_for_a_booked_session_whose_time_has_come(self):
        later = self._session(start=NOW + relativedelta(hours=3))
        later.action_confirm()
        with self.assertRaisesRegex(UserError, "record a no-show once its time has come"):
            later.with_user(self.practitioner).action_no_show()
        self.assertEqual((later.state, later.no_show), ("confirmed", False))
        draft = self._session(start=NOW - relativedelta(hours=3))
        with self.assertRaisesRegex(UserError, "Only a booked session the patient did not come to is a no-show"):
            draft.with_user(self.practitioner).action_no_show()
        self.assertFalse(draft.no_show)
