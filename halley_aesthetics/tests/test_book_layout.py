from datetime import datetime, time, timedelta

from pytz import timezone, utc

from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .common import HalleyCommon

SINGAPORE = timezone("Asia/Singapore")
BOOK = "halley.treatment.session"


@tagged("post_install", "-at_install")
class TestAppointmentBookLayout(HalleyCommon):
    """What the appointment book draws and what a click in it books, as each role
    reads it: overlapping sessions side by side, cancelled ones not at all; the
    practitioner of a new session; a patient typed on a session made with the
    clinic's quick form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nurse = cls.env["res.users"].create({
            "name": "T Nurse", "login": "t_nurse_book",
            "groups_id": [Command.set([cls.env.ref("halley_aesthetics.group_practitioner").id])],
        })
        for user in cls.manager | cls.practitioner | cls.nurse | cls.billing:
            user.tz = "Asia/Singapore"
        cls.day = (datetime.now(SINGAPORE) + timedelta(days=30)).date()
        cls.hours = cls.env["resource.calendar"].create({"name": "T Manager's clinic hours", "tz": "Asia/Singapore"})

    def _at(self, hour, minute=0):
        local = SINGAPORE.localize(datetime.combine(self.day, time(hour, minute)))
        return local.astimezone(utc).replace(tzinfo=None)

    def _book(self, user, by="room"):
        return self.env[BOOK].with_user(user).appointment_book_day(day=str(self.day), by=by)

    # ------------------------------------------------------------ drawing

    def test_overlapping_sessions_share_the_column(self):
        patients = self.env["res.partner"].create(
            [{"name": f"T Book Patient {n}", "is_patient": True} for n in range(5)]
        )
        confirmed = self._session(consent=False, patient=patients[0], start=self._at(10), scheduled_end=self._at(11))
        confirmed.action_confirm()
        over = self._session(consent=False, patient=patients[1], start=self._at(10, 30), scheduled_end=self._at(11, 30),
                             practitioner_id=self.nurse.id)
        after = self._session(consent=False, patient=patients[2], start=self._at(11), scheduled_end=self._at(12),
                              practitioner_id=False)
        alone = self._session(consent=False, patient=patients[3], start=self._at(14), scheduled_end=self._at(15))
        cancelled = self._session(consent=False, patient=patients[4], start=self._at(10), scheduled_end=self._at(11),
                                  practitioner_id=False)
        cancelled.action_cancel()

        blocks = {b["id"]: b for b in self._book(self.practitioner)["sessions"]}
        self.assertNotIn(cancelled.id, blocks, "a cancelled session is not drawn")
        self.assertEqual(set(blocks), {confirmed.id, over.id, after.id, alone.id})
        # The draft over the confirmed session takes the second half; the 11:00
        # session, overlapping the draft only, goes back to the first lane.
        self.assertEqual(
            [(blocks[s.id]["lane"], blocks[s.id]["lanes"]) for s in (confirmed, over, after, alone)],
            [(0, 2), (1, 2), (0, 2), (0, 1)],
        )
        # No two blocks of a column that overlap in time share a lane.
        for a in blocks.values():
            for b in blocks.values():
                if a["id"] < b["id"] and a["column"] == b["column"] and a["start"] < b["stop"] and b["start"] < a["stop"]:
                    self.assertNotEqual(a["lane"], b["lane"], (a["name"], b["name"]))

        # By practitioner, each is alone in its column (the 11:00 one has none).
        by_practitioner = self._book(self.manager, by="practitioner")
        self.assertEqual({(b["lane"], b["lanes"]) for b in by_practitioner["sessions"]}, {(0, 1)})
        self.assertIn("No practitioner", [c["name"] for c in by_practitioner["columns"]])

    # ------------------------------------------------------------ columns

    def test_only_practitioners_have_columns(self):
        names = [c["name"] for c in self._book(self.manager, by="practitioner")["columns"]]
        self.assertIn("Dr. Test", names)
        self.assertIn("T Nurse", names)
        self.assertNotIn("Clinic Manager", names, "a manager who does not see patients")
        self.assertNotIn("Billing Test", names)
        # A manager who treats patients is given her clinic hours: she has a column.
        self.manager.halley_working_calendar_id = self.hours
        names = [c["name"] for c in self._book(self.billing, by="practitioner")["columns"]]
        self.assertIn("Clinic Manager", names)

    # ------------------------------------------------------------ booking defaults

    def test_the_practitioner_of_a_slot(self):
        Session = self.env[BOOK]
        room_slot = {"default_room_id": self.room.id, "default_scheduled_start": str(self._at(16))}
        # The room view: the clicking user when she sees patients, else nobody.
        for user, expected in (
            (self.practitioner, self.practitioner),
            (self.nurse, self.nurse),
            (self.manager, self.env["res.users"]),
            (self.billing, self.env["res.users"]),
        ):
            values = Session.with_user(user).with_context(**room_slot).default_get(["practitioner_id", "room_id"])
            self.assertEqual(values.get("practitioner_id") or False, expected.id, user.name)
            self.assertEqual(values["room_id"], self.room.id)
        # The practitioners' view: the column's practitioner, whoever clicks.
        for user in (self.practitioner, self.manager):
            values = Session.with_user(user).with_context(default_practitioner_id=self.nurse.id).default_get(
                ["practitioner_id"]
            )
            self.assertEqual(values["practitioner_id"], self.nurse.id, user.name)
        # The "No practitioner" column.
        values = Session.with_user(self.practitioner).with_context(default_practitioner_id=False).default_get(
            ["practitioner_id"]
        )
        self.assertFalse(values["practitioner_id"])
        # What the form shows a manager who clicks a room's slot: nobody.
        form = Form(Session.with_user(self.manager.id).with_context(**room_slot, halley_clinic_names=True))
        self.assertFalse(form.practitioner_id)
        # The manager who treats patients.
        self.manager.halley_working_calendar_id = self.hours
        self.assertEqual(
            Session.with_user(self.manager).default_get(["practitioner_id"])["practitioner_id"], self.manager.id
        )

    # ------------------------------------------------------------ a new patient

    def test_a_patient_typed_on_a_session_opens_the_quick_form(self):
        arch = self.env[BOOK].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("halley_aesthetics.res_partner_view_form_halley_patient_quick", arch)
        # An existing patient opened from that field: the clinic's full patient form.
        field_context = {"form_view_ref": "halley_aesthetics.res_partner_view_form_halley_patient_quick"}
        action = self.patient.with_user(self.practitioner).with_context(**field_context).get_formview_action()
        self.assertEqual(action["views"], [(self.env.ref("halley_aesthetics.res_partner_view_form_halley_patient").id, "form")])
        # Elsewhere too, for clinic staff (docs/screens_that_fit.md); others keep Odoo's own.
        action = self.patient.with_user(self.practitioner).get_formview_action()
        self.assertEqual(action["views"], [(self.env.ref("halley_aesthetics.res_partner_view_form_halley_patient").id, "form")])
        clerk = new_test_user(self.env, "book_clerk", groups="base.group_user")
        action = self.patient.with_user(clerk).get_formview_action()
        self.assertEqual(action["views"], [(False, "form")], "outside the clinic groups, Odoo's own choice")

        quick = "halley_aesthetics.res_partner_view_form_halley_patient_quick"
        Partner = self.env["res.partner"].with_user(self.manager).with_context(default_is_patient=True)
        form = Form(Partner, view=quick)
        shown = set(form._view["fields"])
        for business in ("vat", "website", "function", "company_type", "parent_id"):
            self.assertNotIn(business, shown)
        form.name = "T Quick Patient"
        form.phone = "+65 8123 4567"
        form.email = "quick@example.com"
        form.lang = "en_US"
        form.halley_date_of_birth = datetime(1990, 2, 3).date()
        form.halley_sex = form._view["fields"]["halley_sex"]["selection"][0][0]
        salmon = self.env["halley.allergen"].search([], limit=1)
        form.halley_allergen_ids.add(salmon)
        form.halley_allergies = "Plasters"
        form.halley_medication = "Vitamin E"
        patient = form.save()
        self.assertTrue(patient.is_patient)
        chart = self.env["halley.patient.chart"].search([("patient_id", "=", patient.id)])
        self.assertEqual(len(chart), 1)
        self.assertEqual(chart.date_of_birth, datetime(1990, 2, 3).date())
        self.assertEqual(chart.allergen_ids, salmon)
        self.assertEqual(chart.allergies, "Plasters")
        self.assertEqual(chart.medication, "Vitamin E")

        # Billing staff, who read no charts, get the contact fields only; no chart is made.
        form = Form(self.env["res.partner"].with_user(self.billing).with_context(default_is_patient=True), view=quick)
        self.assertNotIn("halley_date_of_birth", form._view["fields"])
        form.name = "T Quick Billing Patient"
        patient = form.save()
        self.assertFalse(self.env["halley.patient.chart"].search([("patient_id", "=", patient.id)]))
        self.assertTrue(patient.is_patient)
