"""Screens that fit the clinic's day: a refused Start says everything missing at
once; the practitioner's day earliest first, in words, without billing columns;
the package liability without closed packages; patients without the other
apps' badges; the photo dialog in words, marketing use only with her consent."""

import ast
import xmlrpc.client
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.addons.base.controllers import rpc
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..tools import ClinicUserError
from .common import NOW, HalleyCommon, HalleyPackageCommon, HalleyUiCase
from .test_session_photos import SessionPhotoCommon

TODAY_ACTION = "halley_aesthetics.halley_treatment_session_action_today"
PATIENT_ACTION = "halley_aesthetics.halley_patient_action"


def arch_of(model, action_xmlid, view_type):
    """The arch of ``action_xmlid``'s ``view_type`` view as ``model``'s user gets it."""
    action = model.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
    views = model.get_views(action["views"] + [(False, "search")], {})["views"]
    return etree.fromstring(views[view_type]["arch"])


def field_names(arch):
    return {node.get("name") for node in arch.iter("field")}


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestStartRefusedAtOnce(HalleyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Question = cls.env["halley.screening.question"]
        protocols = [Command.set(cls.protocol_rejuran.ids)]
        cls.q_keloid = Question.create(
            {"name": "T Keloid history?", "severity": "warning", "sequence": 1, "protocol_ids": protocols}
        )
        cls.q_anticoagulant = Question.create(
            {"name": "T Anticoagulants?", "severity": "warning", "sequence": 2, "protocol_ids": protocols}
        )

    def _booked(self):
        """Booked without her consent; the anticoagulant question answered yes (a
        warning not acknowledged), the keloid one not answered."""
        session = self._session(consent=False)
        session.screening_ids.filtered(lambda ln: ln.question_id == self.q_anticoagulant).answer = "yes"
        session.with_user(self.practitioner).action_confirm()
        return session

    def test_one_refusal_lists_screening_alerts_and_consent(self):
        session = self._booked()
        with self.assertRaises(ClinicUserError) as refusal:
            session.with_user(self.practitioner).action_start()
        error = refusal.exception
        self.assertEqual(error.title, "Session cannot start")
        message = error.args[0]
        # Each in its own words, in one message.
        self.assertIn(f"Screen the patient before starting {session.name}:\n- T Keloid history?", message)
        self.assertIn(f"Acknowledge the screening warnings of {session.name} before starting:\n- T Anticoagulants?",
                      message)
        self.assertIn(f"The patient has not signed the consent to {session.name}", message)
        self.assertEqual(session.state, "confirmed")
        self.assertFalse(session.move_ids.move_line_ids, "nothing reserved")
        # An RPC client reads the same message.
        with self.assertRaises(xmlrpc.client.Fault) as fault:
            xmlrpc.client.loads(rpc.xmlrpc_handle_exception_string(error))
        self.assertEqual(fault.exception.faultCode, "warning -- UserError\n\n" + message)

    def test_each_thing_done_leaves_the_rest(self):
        session = self._booked()
        as_doctor = session.with_user(self.practitioner)
        as_doctor.screening_ids.filtered(lambda ln: not ln.answer).answer = "no"
        with self.assertRaises(UserError) as refusal:
            as_doctor.action_start()
        message = refusal.exception.args[0]
        self.assertNotIn("Screen the patient", message)
        self.assertIn("Acknowledge the screening warnings", message)
        self.assertIn("has not signed the consent", message)
        as_doctor.screening_ids.filtered("flagged").acknowledged = True
        with self.assertRaisesRegex(UserError, r"^The patient has not signed the consent to [^\n]*$"):
            as_doctor.action_start()
        self._sign(session)
        as_doctor.action_start()
        self.assertEqual(session.state, "in_progress")

    def test_several_sessions_each_say_what_they_miss(self):
        first, second = self._booked(), self._booked()
        with self.assertRaises(UserError) as refusal:
            (first | second).with_user(self.practitioner).action_start()
        message = refusal.exception.args[0]
        for session in (first, second):
            self.assertIn(f"The patient has not signed the consent to {session.name}", message)
            self.assertIn(f"Screen the patient before starting {session.name}", message)
        self.assertEqual(set((first | second).mapped("state")), {"confirmed"})


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestPractitionerDay(HalleyCommon):
    """Her sessions of the day on the tablet: earliest first, patient and treatment
    in words, no reference nor billing columns."""

    def test_my_day_list_as_the_practitioner(self):
        Session = self.env["halley.treatment.session"].with_user(self.practitioner)
        action = Session.env["ir.actions.act_window"]._for_xml_id(TODAY_ACTION)
        self.assertEqual(action["view_mode"], "list,form")
        context = ast.literal_eval(action["context"])
        self.assertEqual((context["search_default_today"], context["search_default_mine"]), (1, 1))
        arch = arch_of(Session, TODAY_ACTION, "list")
        self.assertEqual(arch.get("default_order"), "scheduled_start, id", "earliest first")
        names = field_names(arch)
        self.assertTrue({"scheduled_start", "patient_id", "protocol_id", "state"} <= names, names)
        self.assertFalse({"name", "invoice_status", "package_id", "company_id"} & names, names)
        self.assertIn("o_halley_today_list", arch.get("class"), "the names wrap at 820 px")
        search = Session.get_views([(False, "search")], {})["views"]["search"]["arch"]
        filters = {node.get("name") for node in etree.fromstring(search).iter("filter")}
        self.assertTrue({"today", "mine"} <= filters)
        # Today and Mine in two groups: both on, her sessions of the day (not either).
        between = etree.fromstring(search).xpath(
            "//filter[@name='today']/following-sibling::*[following-sibling::filter[@name='mine']]"
        )
        self.assertIn("separator", [node.tag for node in between])
        menu = self.env.ref("halley_aesthetics.halley_treatment_session_menu_today")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.practitioner)._visible_menu_ids())
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.billing)._visible_menu_ids())

    def test_the_overview_opens_her_day_earliest_first(self):
        self.practitioner.tz = self.billing.tz = "UTC"
        late = self._session(start=NOW + timedelta(hours=5), consent=False)
        early = self._session(start=NOW + timedelta(hours=1), consent=False)
        self._session(start=NOW + timedelta(days=1), consent=False)  # tomorrow
        Overview = self.env["halley.clinic.overview"]
        action = Overview.with_user(self.practitioner).action_open_card("sessions")
        self.assertEqual(action["views"][0][1], "list")
        self.assertEqual(action["views"][0][0], self.env.ref(
            "halley_aesthetics.halley_treatment_session_view_list_today").id)
        self.assertEqual(action["context"].get("search_default_mine"), 1, "hers first: she has sessions today")
        arch = arch_of(self.env["halley.treatment.session"].with_user(self.practitioner), TODAY_ACTION, "list")
        listed = self.env["halley.treatment.session"].with_user(self.practitioner).search(
            action["domain"], order=arch.get("default_order")
        )
        self.assertEqual(listed, early | late)
        self.assertEqual(listed.ids, [early.id, late.id], "earliest first")
        # Billing has no sessions of her own: the whole day, no Mine filter.
        action = Overview.with_user(self.billing).action_open_card("sessions")
        self.assertNotIn("search_default_mine", action["context"])


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestLiabilityHidesClosedPackages(HalleyPackageCommon):
    def test_closed_packages_are_left_out_by_default(self):
        Ledger = self.env["halley.package.ledger"].with_user(self.billing)
        refunded_invoice = self._invoice([(self.trio_course, 1)], date=NOW.date() - relativedelta(days=10))
        self._invoice([(self.mixed_course, 1)], patient=self.patient_2)
        refunded = refunded_invoice.invoice_line_ids.patient_package_ids
        self._credit_note(refunded_invoice)
        self.assertEqual(refunded.state, "refunded")
        ours = [("patient_id", "in", (self.patient | self.patient_2).ids)]
        everything = Ledger.search(ours)
        self.assertIn(refunded, everything.package_id, "its movements are kept")
        open_rows = Ledger.search(ours + [("package_open", "=", True)])
        self.assertEqual(open_rows.package_id.product_id, self.mixed_course.product_variant_id)
        self.assertAlmostEqual(sum(open_rows.mapped("amount")), sum(everything.mapped("amount")),
                               msg="closed ones owe nothing")
        self.assertEqual(Ledger.search(ours + [("package_open", "=", False)]).package_id, refunded)
        # Before its refund, it was owed.
        before = Ledger.with_context(halley_liability_date=NOW.date() - relativedelta(days=1))
        self.assertIn(refunded, before.search(ours + [("package_open", "=", True)]).package_id)
        # The menu and the wizard open the list with the filter on, which she can remove.
        action = Ledger.env["ir.actions.act_window"]._for_xml_id("halley_aesthetics.halley_package_ledger_action")
        self.assertIn("'search_default_open': 1", action["context"])
        search = etree.fromstring(Ledger.get_views([(False, "search")], {})["views"]["search"]["arch"])
        self.assertEqual(search.xpath("//filter[@name='open']/@domain"), ["[('package_open', '=', True)]"])
        wizard = self.env["halley.package.liability"].with_user(self.billing).create(
            {"date": NOW.date() - relativedelta(days=1)}
        )
        context = wizard.action_open()["context"]
        self.assertEqual(context["search_default_open"], 1)
        shown = Ledger.with_context(**context).search(ours + [("package_open", "=", True)] + wizard.action_open()["domain"])
        self.assertEqual(shown.package_id, refunded, "at that date only the trio course was sold, and owed")
        with self.assertRaisesRegex(UserError, "open or closed packages"):
            Ledger.search([("package_open", "in", [True])])


@tagged("post_install", "-at_install")
class TestPatientWithoutOtherAppsBadges(HalleyCommon):
    BADGES = {"sale_order_count", "purchase_order_count", "on_time_rate"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A clinic manager who also buys for the clinic (as the demo's administrator).
        cls.manager.groups_id += cls.env.ref("purchase.group_purchase_user")
        cls.salesman = new_test_user(cls.env, login="t_salesman", groups="sales_team.group_sale_salesman")
        cls.buyer = new_test_user(cls.env, login="t_buyer", groups="purchase.group_purchase_user")

    def test_clinic_patient_screens_have_no_sales_or_purchases_badges(self):
        for user in (self.billing, self.manager, self.practitioner):
            Partner = self.env["res.partner"].with_user(user)
            for view_type in ("kanban", "form"):
                with self.subTest(user=user.login, view=view_type):
                    arch = arch_of(Partner, PATIENT_ACTION, view_type)
                    self.assertFalse(self.BADGES & field_names(arch))
                    self.assertFalse(arch.xpath("//*[@name='action_view_sale_order']"))
        # The billing user is a salesman: Odoo's contact card would show her Sales.
        self.assertTrue(self.billing.has_group("sales_team.group_sale_salesman"))
        self.assertIn("patient_package_sessions_left", field_names(arch_of(
            self.env["res.partner"].with_user(self.billing), PATIENT_ACTION, "kanban")))

    def test_odoos_contact_screens_keep_them(self):
        for user, badge in ((self.salesman, "sale_order_count"), (self.buyer, "purchase_order_count"),
                            (self.billing, "sale_order_count")):
            Partner = self.env["res.partner"].with_user(user)
            for view_type in ("kanban", "form"):
                with self.subTest(user=user.login, view=view_type):
                    # Odoo's own contact views (the default ones, as Contacts and Sales open them).
                    arch = etree.fromstring(Partner.get_views([(False, view_type)], {})["views"][view_type]["arch"])
                    self.assertIn(badge, field_names(arch))

    def test_a_patient_opens_in_the_clinic_form_for_clinic_users_only(self):
        patient_form = self.env.ref("halley_aesthetics.res_partner_view_form_halley_patient").id
        company = self.env["res.partner"].create({"name": "T Supplier", "is_company": True})
        for user in (self.billing, self.practitioner, self.manager):
            self.assertEqual(self.patient.with_user(user).get_formview_id(), patient_form)
            self.assertEqual(self.patient.with_user(user).get_formview_action()["views"], [(patient_form, "form")])
            self.assertFalse(company.with_user(user).get_formview_id())
        self.assertFalse(self.patient.with_user(self.salesman).get_formview_id(), "Odoo's contact form")


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestPhotoDialog(SessionPhotoCommon, HttpCase):
    def test_add_photo_and_marketing_only_with_her_consent(self):
        Session = self.env["halley.treatment.session"].with_user(self.practitioner)
        form = etree.fromstring(Session.get_views([(False, "form")], {})["views"]["form"]["arch"])
        [photos] = form.xpath("//field[@name='photo_ids']")
        self.assertEqual((photos.get("widget"), photos.get("add-label")), ("halley_photo_x2many", "Add photo"))
        photo_form = self.env["halley.session.photo"].with_user(self.practitioner).get_views([(False, "form")], {})
        [marketing] = etree.fromstring(photo_form["views"]["form"]["arch"]).xpath("//field[@name='use_for_marketing']")
        self.assertEqual(marketing.get("invisible"), "not patient_marketing_consent and not use_for_marketing")
        # What the condition reads, for a patient with and one without that consent.
        consenting = self._photo_session(patient=self.patient_2, marketing=True)
        not_consenting = self._photo_session()
        Photo = self.env["halley.session.photo"].with_user(self.practitioner)
        for session, shown in ((consenting, True), (not_consenting, False)):
            new = Photo.new({"session_id": session.id})
            self.assertEqual(new.patient_marketing_consent, shown, session.patient_id.name)
        # The model refuses it in words, over XML-RPC too.
        photo = self._photo(not_consenting)
        with mute_logger("odoo.http"), self.assertRaisesRegex(
            xmlrpc.client.Fault, "T Patient Grace has not consented to photos for marketing"
        ):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, self.practitioner.id, self.practitioner.login, "halley.session.photo",
                "write", [[photo.id], {"use_for_marketing": True}], {},
            )
        self.assertFalse(photo.use_for_marketing)


@tagged("post_install", "-at_install")
class TestPractitionerDayUi(HalleyUiCase):
    """Her day on a portrait tablet: earliest first, names whole, no billing columns."""

    browser_size = "820x1180"

    def test_my_day_on_a_tablet(self):
        env = self.env
        doctor = self._user("day_doctor", "halley_aesthetics.group_practitioner", tz="UTC")
        other = self._user("day_nurse", "halley_aesthetics.group_practitioner", tz="UTC")
        room = self._room("Day Room")
        vial = env["product.product"].create({"name": "Day Rejuran vial", "is_storable": True})
        protocol = self._protocol("Rejuran Skin Healer with Fractional CO2 laser resurfacing", [(vial, 1)])
        day = fields.Datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        Session = env["halley.treatment.session"]
        for name, hours, practitioner in (
            ("Late Patient Nurul Aisyah binte Abdul Rahman", 3, doctor),
            ("Early Patient Josephine Alexandra Wong-Abdullah", 1, doctor),
            ("Other Patient", 2, other),
        ):
            Session.create({
                "patient_id": env["res.partner"].create({"name": name, "is_patient": True}).id,
                "protocol_id": protocol.id,
                "room_id": room.id,
                "practitioner_id": practitioner.id,
                "scheduled_start": day + timedelta(hours=hours),
            })
        self.start_tour("/odoo/action-halley_aesthetics.halley_treatment_session_action_today",
                        "halley_my_day_tour", login=doctor.login)
