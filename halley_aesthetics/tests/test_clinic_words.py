"""Screens and documents in the clinic's words: a session reads "Grace Lim · Rejuran
Skin Healer", a protocol its clinic name (no internal code), a room its own name on
the clinic's screens; Inventory's screens keep Odoo's full names."""

import ast

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo.tests import new_test_user, tagged

from .common import NOW, HalleyPackageCommon

CLINIC = {"halley_clinic_names": True}


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestClinicWords(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # As the demo clinic names them: the treatment product carries an internal
        # code, the protocol's reference is the treatment's name.
        cls.protocol_rejuran.product_id.write({"name": "Rejuran Skin Healer session", "default_code": "TRT-RJ"})
        cls.protocol_rejuran.code = "Rejuran Skin Healer"
        cls.protocol_rejuran.aftercare_instructions = "<p>No sauna for two days.</p>"
        # Without a reference: the treatment's name, without its code.
        cls.protocol_ha.product_id.write({"name": "HA Skin Booster", "default_code": "TRT-HA"})
        cls.grace = cls.env["res.partner"].create(
            {"name": "Grace Lim", "is_patient": True, "email": "grace.lim@example.com"}
        )
        cls.treatment_room = cls._create_room("Treatment Room 1")
        cls._set_stock(cls.treatment_room, [(cls.rejuran, 2, cls.lot_rj_late), (cls.numbing, 30, cls.lot_numb),
                                            (cls.needle, 20, None), (cls.recovery, 30, None)])
        cls.rachel = new_test_user(
            cls.env, login="t_rachel", groups="halley_aesthetics.group_practitioner", name="Dr. Rachel Tan"
        )
        cls.clerk = new_test_user(cls.env, login="t_clerk", groups="stock.group_stock_user", name="Warehouse Clerk")
        cls.Session = cls.env["halley.treatment.session"]
        cls.Session.search([("aftercare_state", "=", "to_send")]).write({"aftercare_state": False})

    def _grace_session(self, **vals):
        vals.setdefault("practitioner_id", self.rachel.id)
        return self._session(patient=self.grace, room=self.treatment_room, start=NOW + relativedelta(days=2), **vals)

    # ------------------------------------------------------------------ sessions

    def test_a_session_reads_patient_and_treatment(self):
        session = self._grace_session()
        self.assertTrue(session.name.startswith("SES/"))
        for user in (self.rachel, self.billing, self.manager):
            with self.subTest(user=user.login):
                self.assertEqual(session.with_user(user).display_name, "Grace Lim · Rejuran Skin Healer")
        # The reference stays searchable: typed in a field that picks a session.
        Session = self.Session.with_user(self.rachel)
        found = Session.name_search(session.name)
        self.assertEqual(found, [(session.id, "Grace Lim · Rejuran Skin Healer")])
        self.assertIn(session.id, [id_ for id_, _name in Session.name_search("Grace Lim")])
        # Another record refers to it in words: the package's history, the chatter links.
        self.assertIn("Grace Lim · Rejuran Skin Healer", session._get_html_link())

    def test_protocol_clinic_name_without_internal_code(self):
        rejuran, ha = self.protocol_rejuran, self.protocol_ha
        self.assertEqual(rejuran.clinic_name, "Rejuran Skin Healer")
        self.assertEqual(ha.clinic_name, "HA Skin Booster")
        # The clinic's screens read the clinic name; Manufacturing keeps Odoo's BoM name.
        self.assertEqual(rejuran.with_user(self.rachel).with_context(**CLINIC).display_name, "Rejuran Skin Healer")
        self.assertEqual(ha.with_user(self.rachel).with_context(**CLINIC).display_name, "HA Skin Booster")
        self.assertEqual(rejuran.display_name, "Rejuran Skin Healer: [TRT-RJ] Rejuran Skin Healer session")
        self.assertEqual(ha.display_name, "[TRT-HA] HA Skin Booster")

    # ------------------------------------------------------------------ rooms

    def test_rooms_by_their_name_on_clinic_screens_only(self):
        full_name = f"{self.stock_location.complete_name}/Treatment Room 1"
        room = self.treatment_room
        self.assertEqual(room.with_user(self.rachel).with_context(**CLINIC).display_name, "Treatment Room 1")
        self.assertEqual(room.with_user(self.rachel).display_name, full_name)
        # A warehouse clerk (no clinic group) reads Odoo's full name, in lists and pickers.
        clerk_room = room.with_user(self.clerk)
        self.assertEqual(clerk_room.display_name, full_name)
        self.assertIn((room.id, full_name), clerk_room.name_search("Treatment Room 1"))
        # What the calendar reads (the session action's context): rooms and treatments in words.
        session = self._grace_session()
        action = self.env["ir.actions.act_window"]._for_xml_id("halley_aesthetics.halley_treatment_session_action")
        context = ast.literal_eval(action["context"])
        self.assertEqual(context, CLINIC)
        [row] = self.Session.with_user(self.rachel).with_context(**context).search_read(
            [("id", "=", session.id)], ["display_name", "room_id", "protocol_id"]
        )
        self.assertEqual(
            (row["display_name"], row["room_id"][1], row["protocol_id"][1]),
            ("Grace Lim · Rejuran Skin Healer", "Treatment Room 1", "Rejuran Skin Healer"),
        )
        # Leaving for Inventory's transfer: Odoo's names again.
        session.with_user(self.rachel).action_confirm()
        to_transfer = session.with_user(self.manager).action_view_picking()
        self.assertEqual(to_transfer["context"], {"halley_clinic_names": False})
        self.assertEqual(session.picking_id.with_user(self.clerk).location_id.display_name, full_name)

    def test_clinic_views_use_clinic_names_and_hide_seconds(self):
        """The session's screens ask for the clinic's names (rooms, protocols) and
        show datetimes without seconds, lot expiry as a date."""
        Session = self.Session.with_user(self.rachel)
        for view_type in ("form", "list", "kanban", "calendar", "search"):
            with self.subTest(view=view_type):
                arch = etree.fromstring(Session.get_views([(False, view_type)])["views"][view_type]["arch"])
                for node in arch.xpath("//field[@name='room_id' or @name='protocol_id' or @name='location_id']"):
                    if view_type != "calendar":  # the calendar reads with its action's context
                        self.assertIn("'halley_clinic_names': True", node.get("context", ""), node.get("name"))
                for name in ("scheduled_start", "scheduled_end", "date_done"):
                    for node in arch.xpath(f"//field[@name='{name}']"):
                        self.assertIn("'show_seconds': false", node.get("options", ""), name)
                for node in arch.xpath("//field[@name='expiration_date']"):
                    self.assertIn("'show_time': false", node.get("options", ""))
        expiring = etree.fromstring(
            self.env["stock.quant"].with_user(self.manager).get_view(
                self.env.ref("halley_aesthetics.stock_quant_view_list_halley_expiry").id, "list"
            )["arch"]
        )
        self.assertIn("'show_time': false", expiring.xpath("//field[@name='expiration_date']")[0].get("options"))

    # ------------------------------------------------------------------ documents

    def test_invoice_line_in_words(self):
        session = self._run(self._grace_session())
        action = session.with_user(self.billing).action_create_invoices()
        self.assertEqual(action["context"], {"halley_clinic_names": False, "default_move_type": "out_invoice"})
        line = session.invoice_line_ids
        self.assertEqual(line.name, "Rejuran Skin Healer, 26 Nov 2026, Dr. Rachel Tan")
        self.assertNotIn("TRT-RJ", line.name)
        self.assertNotIn(session.name, line.name)
        # Without a practitioner, no trailing comma; the date in the patient's language.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.patient_2.lang = "fr_FR"
        aisha = self._run(self._session(
            patient=self.patient_2, protocol=self.protocol_ha, start=NOW + relativedelta(days=3), practitioner_id=False
        ))
        aisha.with_user(self.billing).action_create_invoices()
        self.assertEqual(aisha.invoice_line_ids.name, "HA Skin Booster, 27 nov. 2026")

    def test_aftercare_email_and_sheet_name_the_treatment(self):
        session = self._run(self._grace_session())
        sheet_html = (
            self.env["ir.actions.report"].with_user(self.rachel)._render_qweb_html(
                "halley_aesthetics.action_report_halley_aftercare", session.ids
            )[0].decode()
        )
        self.assertIn("Rejuran Skin Healer", sheet_html)
        self.assertIn("Treatment Room 1", self._treatment_record_html(session))
        for html in (sheet_html, self._treatment_record_html(session)):
            self.assertNotIn("TRT-RJ", html)
            self.assertNotIn("Rejuran Skin Healer session", html)
            self.assertNotIn("WH/Stock", html)
        self.Session._cron_send_aftercare()
        mail = self.env["mail.mail"].search(
            [("model", "=", session._name), ("res_id", "=", session.id), ("recipient_ids", "in", self.grace.ids)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, "Your aftercare after today's treatment (Rejuran Skin Healer)")
        self.assertRegex(mail.body_html, r"Your aftercare sheet for\s+Rejuran Skin Healer is attached")
        for text in (mail.subject, mail.body_html, session.aftercare_attachment_id.raw.decode()):
            self.assertNotIn("TRT-RJ", text)
            self.assertNotIn("Rejuran Skin Healer session", text)

    def _treatment_record_html(self, session):
        return self.env["ir.actions.report"].with_user(self.rachel)._render_qweb_html(
            "halley_aesthetics.action_report_halley_treatment_record", session.ids
        )[0].decode()

    def test_reminder_names_the_treatment(self):
        session = self._grace_session()
        template = self.env.ref("halley_aesthetics.mail_template_halley_session_reminder")
        body = template._render_field("body_html", session.ids)[session.id]
        self.assertIn("your Rejuran Skin Healer session", body)
        self.assertNotIn("session session", body)
