from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import HalleyUiCase


@tagged("post_install", "-at_install")
class TestOverviewUi(HalleyUiCase):
    """A clinic manager logs in and lands on the clinic overview."""

    def test_manager_lands_on_the_overview(self):
        env = self.env
        overview = env.ref("halley_aesthetics.halley_clinic_overview_action")
        manager = self._user("overview_manager", "halley_aesthetics.group_manager",
                             tz="UTC", action_id=overview.id)
        room = self._room("Overview Room")
        vial = env["product.product"].create({
            "name": "Overview Rejuran vial", "is_storable": True, "tracking": "lot",
            "use_expiration_date": True, "clinic_role": "consumable",
        })
        lot = env["stock.lot"].create({
            "name": "OV-SOON", "product_id": vial.id,
            "expiration_date": fields.Datetime.now() + timedelta(days=10),
        })
        self._count_in(room, [(vial, 3, lot)])
        protocol = self._protocol("Overview Rejuran", [(vial, 1)])
        patient = env["res.partner"].create({"name": "Overview Patient", "is_patient": True})
        now = fields.Datetime.now()
        session = env["halley.treatment.session"].create({
            "patient_id": patient.id,
            "protocol_id": protocol.id,
            "room_id": room.id,
            # today in UTC (the manager's time zone), whatever the hour
            "scheduled_start": now.replace(minute=0, second=0, microsecond=0),
        })
        session.action_confirm()

        self.start_tour("/odoo", "halley_overview_tour", login=manager.login)
