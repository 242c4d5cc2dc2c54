"""The injection chart on a tablet: the demo practitioner charts ten points on a
started demo Rejuran session by tapping the face (a tap on the left profile's
lateral cheek charts that zone, then is deleted), reads the totals and completes
it (tours/halley_injection_chart_tour.js)."""

import base64
import math
import os
import pathlib
from collections import defaultdict
from datetime import datetime, timedelta
from unittest.mock import patch

import pytz

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser

from .common import HalleyUiCase, sign_consent

SCREENSHOT_SIGNAL = "halley:screenshot"
SINGAPORE = pytz.timezone("Asia/Singapore")

# (zone, number of points) as the tour taps them, 0.2 mL each.
TAPPED = {
    "forehead": 3,
    "periorbital_right": 1,
    "periorbital_left": 1,
    "cheek_right": 2,
    "cheek_left": 2,
    "chin": 1,
}


@tagged("post_install", "-at_install")
class TestInjectionChartUi(HalleyUiCase):
    browser_size = "820x1180"
    browser_timezone = "Asia/Singapore"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.doctor = ref("halley_aesthetics.user_doctor_demo")
        cls.room = ref("halley_aesthetics.room_1_demo")
        cls.protocol = ref("halley_aesthetics.bom_rejuran_demo")
        cls.vial = ref("halley_aesthetics.product_rejuran_vial_demo")
        cls.lot = ref("halley_aesthetics.lot_rejuran_a_demo")
        # The vial is charted in mL, 2 mL a vial (as the demo catalogue charts it).
        if not cls.vial.halley_charted or cls.vial.halley_dose_uom_id.name != "mL":
            ml = cls.env["uom.uom"].search([("name", "=", "mL"), ("category_id.name", "=", "Volume")], limit=1)
            ml = ml or cls.env["uom.uom"].create({
                "name": "mL", "category_id": ref("uom.product_uom_categ_vol").id,
                "uom_type": "smaller", "factor": 1000, "rounding": 0.01,
            })
            cls.vial.product_tmpl_id.write(
                {"halley_charted": True, "halley_dose_uom_id": ml.id, "halley_dose_per_unit": 2.0}
            )
        # Two more vials of RJ24A017 counted in Treatment Room 1, whatever the demo's
        # sessions already used of it: the room can supply the chart.
        on_hand = cls.env["stock.quant"]._gather(cls.vial, cls.room, lot_id=cls.lot, strict=True)
        cls.env["stock.quant"].with_context(inventory_mode=True).create({
            "product_id": cls.vial.id, "location_id": cls.room.id, "lot_id": cls.lot.id,
            "inventory_quantity": sum(on_hand.mapped("quantity")) + 2,
        }).action_apply_inventory()
        # A started Rejuran session of a demo patient, in the demo's Treatment Room 1,
        # screened (all no) and consented as at the chair, with nothing charted yet.
        # Booked at 10:00 Singapore time on the first day the room and the doctor are open.
        today = datetime.now(SINGAPORE).replace(hour=10, minute=0, second=0, microsecond=0)
        for day in range(1, 15):
            start = (today + timedelta(days=day)).astimezone(pytz.utc).replace(tzinfo=None)
            try:
                with cls.env.cr.savepoint():
                    cls.chart_session = cls.env["halley.treatment.session"].create({
                        "patient_id": ref("halley_aesthetics.patient_aisha_demo").id,
                        "protocol_id": cls.protocol.id,
                        "room_id": cls.room.id,
                        "practitioner_id": cls.doctor.id,
                        "scheduled_start": start,
                    })
                break
            except ValidationError:
                continue
        sign_consent(cls.chart_session)
        cls.chart_session.action_confirm()
        cls.chart_session.screening_ids.write({"answer": "no"})
        cls.chart_session.action_start()
        cls.chart_session.injection_ids.unlink()

    def _tour_with_screenshot(self, path):
        """Run the tour; when it logs SCREENSHOT_SIGNAL, Chrome's own screenshot of the
        page is saved to ``path`` (None: no screenshot)."""
        handle_console = ChromeBrowser._handle_console

        def console(browser, type, args=None, **kw):  # pylint: disable=redefined-builtin
            if args and args[0].get("value") == SCREENSHOT_SIGNAL:
                if path:
                    future = browser._websocket_send(
                        "Page.captureScreenshot", params={"format": "png"}, with_future=True
                    )
                    future.add_done_callback(
                        lambda f: path.write_bytes(base64.b64decode(f.result()["data"]))
                    )
                return None
            return handle_console(browser, type, args=args, **kw)

        with patch.object(ChromeBrowser, "_handle_console", console):
            self.start_tour(
                f"/odoo/action-halley_aesthetics.halley_treatment_session_action/{self.chart_session.id}",
                "halley_injection_chart_tour",
                login=self.doctor.login,
                timeout=180,
            )

    def test_practitioner_charts_ten_points_and_completes(self):
        # HALLEY_SCREENSHOT_DIR=docs/screenshots retakes docs/screenshots/injection_chart.png.
        directory = os.environ.get("HALLEY_SCREENSHOT_DIR")
        self._tour_with_screenshot(pathlib.Path(directory) / "injection_chart.png" if directory else None)

        session = self.chart_session
        self.assertEqual(session.state, "done")
        entries = session.injection_ids
        self.assertEqual(len(entries), 10)
        zones = defaultdict(int)
        for entry in entries:
            zones[entry.zone_id.code] += 1
        self.assertEqual(dict(zones), TAPPED)
        self.assertEqual(set(entries.mapped("product_id")), {self.vial})
        self.assertEqual(set(entries.mapped("lot_id")), {self.lot})
        self.assertEqual(set(entries.mapped("quantity")), {0.2})
        self.assertEqual(set(entries.mapped("depth")), {"intradermal"})
        self.assertFalse(any(entries.mapped("painted")))
        self.assertEqual(set(entries.mapped("diagram")), {"front"})
        self.assertEqual(set(entries.mapped("create_uid")), {self.doctor})
        # Where she tapped, in the diagram's coordinates: inside the zone hit.
        for entry in entries:
            points = [tuple(map(float, pair.split(","))) for pair in entry.zone_id.shape.split()]
            self.assertTrue(_inside(entry.x, entry.y, points), f"{entry.x},{entry.y} not in {entry.zone_id.name}")

        # The consumption is the chart: 10 x 0.2 mL = 2 mL of RJ24A017 = one 2 mL vial,
        # consumed from that lot (the done move lines, per product and lot, are the
        # chart's totals).
        totals = session._halley_chart_totals().get(session.id)
        self.assertEqual(totals, {(self.vial.id, self.lot.id): 1.0})
        done_lines = session.move_ids.filtered(lambda m: m.product_id == self.vial).move_line_ids
        self.assertEqual(set(done_lines.mapped("state")), {"done"})
        used = defaultdict(float)
        for line in done_lines:
            used[(line.product_id.id, line.lot_id.id)] += line.quantity
        charted = defaultdict(float)
        for entry in entries:
            charted[(entry.product_id.id, entry.lot_id.id)] += entry.quantity
        per_vial = self.vial.halley_dose_per_unit
        self.assertEqual(dict(used), {key: math.ceil(round(dose / per_vial, 6)) for key, dose in charted.items()})
        self.assertEqual(dict(used), totals)

def _inside(x, y, points):
    inside = False
    j = len(points) - 1
    for i, (xi, yi) in enumerate(points):
        xj, yj = points[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside
