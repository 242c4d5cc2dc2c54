from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import HalleyUiCase, sign_consent


@tagged("post_install", "-at_install")
class TestPackageUi(HalleyUiCase):
    """A billing user sells the Baby Skin Trio in a real browser; three sessions
    later the package shows used up, its deferred revenue earned."""

    def test_billing_sells_a_trio_course_and_sees_it_used_up(self):
        env = self.env
        billing = self._user("tour_billing", "halley_aesthetics.group_billing")
        practitioner = self._user("tour_doctor", "halley_aesthetics.group_practitioner")
        room = self._room("Tour Trio Room")
        syringe = env["product.product"].create({"name": "Tour HA syringe", "is_storable": True})
        self._count_in(room, [(syringe, 3, None)])
        protocol = self._protocol("Tour Trio session", [(syringe, 1)])
        course = env["product.product"].create(
            {
                "name": "Tour Trio course",
                "type": "service",
                "clinic_role": "package",
                "lst_price": 1500.0,
                "taxes_id": [Command.clear()],
                "package_min_interval_days": 21,
                "package_line_ids": [Command.create({"protocol_id": protocol.id, "session_count": 3})],
            }
        )
        patient = env["res.partner"].create({"name": "Tour Trio Patient"})

        self.start_tour("/odoo/action-account.action_move_out_invoice_type", "halley_package_sale_tour",
                        login=billing.login)

        package = env["halley.patient.package"].search([("patient_id", "=", patient.id)])
        self.assertEqual(len(package), 1)
        self.assertEqual(package.product_id, course)
        self.assertEqual(package.invoice_id.state, "posted")
        self.assertTrue(patient.is_patient, "the buyer became a patient")
        self.assertEqual(
            package.invoice_line_id.account_id, env.company._halley_get_deferred_account(),
            "the price waits in deferred revenue",
        )

        start = fields.Datetime.now()
        for week in (0, 3, 6):
            session = env["halley.treatment.session"].with_user(practitioner).create(
                {
                    "patient_id": patient.id,
                    "protocol_id": protocol.id,
                    "room_id": room.id,
                    "scheduled_start": start + timedelta(weeks=week),
                }
            )
            sign_consent(session)
            self.assertEqual(session.package_id, package)
            session.action_confirm()
            session.action_start()
            session.action_done()
        self.assertEqual(package.state, "used")

        self.start_tour(f"/odoo/action-halley_aesthetics.halley_patient_package_action/{package.id}",
                        "halley_package_used_tour", login=billing.login)


@tagged("post_install", "-at_install")
class TestToInvoiceUi(HalleyUiCase):
    """Billing invoices the day's sessions from Clinic > Billing > To invoice in a real
    browser: the list opens unfolded with prices, Create invoices is a visible button,
    and the invoice line reads as the clinic speaks."""

    def test_billing_invoices_a_session_from_the_to_invoice_list(self):
        env = self.env
        billing = self._user("tour_invoice_billing", "halley_aesthetics.group_billing")
        practitioner = self._user("tour_doctor", "halley_aesthetics.group_practitioner")
        room = self._room("Tour Invoice Room")
        vial = env["product.product"].create({"name": "Tour invoice vial", "is_storable": True})
        self._count_in(room, [(vial, 2, None)])
        protocol = self._protocol("Tour Rejuran treatment", [(vial, 1)])
        protocol.code = "Tour Skin Healer"
        protocol.product_tmpl_id.write({"list_price": 280.0, "taxes_id": [Command.clear()]})
        patient = env["res.partner"].create({"name": "Tour Invoice Patient"})
        session = env["halley.treatment.session"].with_user(practitioner).create(
            {
                "patient_id": patient.id,
                "protocol_id": protocol.id,
                "room_id": room.id,
            }
        )
        sign_consent(session)
        session.action_confirm()
        session.action_start()
        session.action_done()
        session = session.with_env(env)
        self.assertEqual(session.invoice_status, "to_invoice")

        self.start_tour("/odoo/action-halley_aesthetics.halley_treatment_session_action_to_invoice",
                        "halley_to_invoice_tour", login=billing.login)

        self.assertEqual(session.invoice_status, "invoiced")
        line = session.invoice_line_ids
        self.assertEqual(line.move_id.partner_id, patient)
        self.assertEqual(line.move_id.state, "draft")
        self.assertEqual(line.price_unit, 280.0)
        self.assertRegex(line.name, r"^Tour Skin Healer, \d{1,2} \w{3} \d{4}, Tour Doctor$")
