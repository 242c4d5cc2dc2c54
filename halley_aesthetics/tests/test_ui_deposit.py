from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import HalleyUiCase, sign_consent


@tagged("post_install", "-at_install")
class TestDepositPortalUi(HalleyUiCase):
    """A new patient books a treatment that asks for a deposit, and pays it from her
    portal with Odoo's demo payment provider, in a real browser."""

    def test_patient_pays_her_deposit_online(self):
        env = self.env
        company = env.company
        provider = env.ref("payment.payment_provider_demo")
        if provider.sudo().module_state != "installed":
            self.skipTest("Odoo's demo payment provider (payment_demo, installed by the demo data) is not installed")
        provider.sudo().write({"state": "test", "is_published": True, "company_id": company.id})
        # The demo provider only: the payment form shows it alone.
        env["payment.provider"].sudo().search([("id", "!=", provider.id), ("state", "!=", "disabled")]).state = (
            "disabled"
        )
        practitioner = self._user("tour_deposit_doctor", "halley_aesthetics.group_practitioner")
        room = self._room("Tour Deposit Room")
        syringe = env["product.product"].create({"name": "Tour deposit syringe", "is_storable": True})
        self._count_in(room, [(syringe, 1, None)])
        protocol = self._protocol("Tour Deposit Booster", [(syringe, 1)])
        protocol.write({"halley_deposit_type": "fixed", "halley_deposit_amount": 80.0})
        patient = env["res.partner"].create({"name": "Tour Deposit Patient", "email": "tour.deposit@example.com",
                                             "is_patient": True, "lang": "en_US"})
        portal = env["res.users"].create({
            "name": patient.name, "login": "tour_deposit_patient", "password": "tour_deposit_patient",
            "partner_id": patient.id, "groups_id": [Command.set([env.ref("base.group_portal").id])],
        })
        session = env["halley.treatment.session"].with_user(practitioner).create({
            "patient_id": patient.id, "protocol_id": protocol.id, "room_id": room.id,
            "practitioner_id": practitioner.id,
            "scheduled_start": fields.Datetime.now().replace(second=0, microsecond=0) + timedelta(days=3),
        })
        sign_consent(session)
        session.action_confirm()
        self.assertEqual(session.halley_deposit_state, "requested")

        self.start_tour(f"/my/treatments/{session.id}", "halley_deposit_portal_tour", login=portal.login)

        session.invalidate_recordset()
        self.assertEqual(session.halley_deposit_state, "paid")
        self.assertEqual(session.halley_deposit_paid, 80.0)
        invoice = env["account.move"].search([("halley_deposit_session_id", "=", session.id)])
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
