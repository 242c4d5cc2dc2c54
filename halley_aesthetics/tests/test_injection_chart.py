from contextlib import contextmanager

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import NOW, HalleyCommon

# ------------------------------------------------------------ zone geometry
# A zone's shape is "x1,y1 x2,y2 ..." in its diagram's 200 x 240 viewBox.


def _points(shape):
    return [tuple(float(c) for c in pair.split(",")) for pair in shape.split()]


def _edges(points):
    return list(zip(points, points[1:] + points[:1], strict=True))


def _side(a, b, c):
    """Which side of the line a-b the point c lies on: 1, -1, or 0 on it."""
    value = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (value > 1e-9) - (value < -1e-9)


def _cross(a, b, c, d):
    """Whether the segments a-b and c-d cross (touching does not count)."""
    return _side(a, b, c) * _side(a, b, d) < 0 and _side(c, d, a) * _side(c, d, b) < 0


def _strictly_inside(x, y, points):
    """Inside the polygon (ray casting, concave too), not on its outline."""
    for a, b in _edges(points):
        if (_side(a, b, (x, y)) == 0 and min(a[0], b[0]) <= x <= max(a[0], b[0])
                and min(a[1], b[1]) <= y <= max(a[1], b[1])):
            return False
    inside = False
    for (xi, yi), (xj, yj) in zip(points, points[-1:] + points[:-1], strict=True):
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
    return inside


def _area(points):
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in _edges(points))) / 2


def _overlap(first, second):
    """Two zones overlap when their outlines cross or a corner of one is inside the
    other (sharing an edge or a corner is not overlapping)."""
    return (
        any(_cross(*e, *f) for e in _edges(first) for f in _edges(second))
        or any(_strictly_inside(*p, second) for p in first)
        or any(_strictly_inside(*p, first) for p in second)
    )


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestInjectionChart(HalleyCommon):
    """The injection chart is the consumption of the charted products: charted by
    the practitioner (as herself), consumed at Done per lot, refused at entry in
    words when the room cannot supply it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.zone = {
            code: cls.env.ref(f"halley_aesthetics.chart_zone_{code}")
            for code in ("forehead", "cheek_left", "cheek_right", "periorbital_left", "chin")
        }
        cls.Entry = cls.env["halley.session.injection"]

    @contextmanager
    def refused(self, regex):
        """Refused in words, nothing written (Odoo's assertRaises rolls back)."""
        with self.assertRaises(UserError) as caught:
            yield
        self.assertRegex(caught.exception.args[0], regex)

    def _started(self, protocol=None, **vals):
        session = self._session(protocol=protocol, **vals)
        session.screening_ids.answer = "no"
        session.with_user(self.practitioner).action_confirm()
        session.with_user(self.practitioner).action_start()
        return session

    def _chart(self, session, rows, user=None):
        """rows: (zone code, quantity in mL, lot or None, product or Rejuran)."""
        return self.Entry.with_user(user or self.practitioner).create([
            {
                "session_id": session.id,
                "zone_id": self.zone[code].id,
                "product_id": (product or self.rejuran).id,
                "quantity": quantity,
                "x": 100, "y": 50,
                "depth": "intradermal", "device": "needle", "gauge": "32g",
                **({"lot_id": lot.id} if lot else {}),
            }
            for code, quantity, lot, product in ((*row, None, None)[:4] for row in rows)
        ])

    def _lines(self, session, product):
        return {
            line.lot_id: line.quantity
            for line in self.move_of(session, product).move_line_ids
        }

    # ------------------------------------------------------------ consumption

    def test_done_consumes_the_chart_per_lot(self):
        session = self._started()
        self._chart(session, [
            ("forehead", 0.8), ("cheek_left", 0.8), ("chin", 0.4),  # 2 mL, first expiry: 1 vial
            ("cheek_right", 1.0, self.lot_rj_late),  # an opened vial is used up: 1 vial
        ])
        # While in progress the consumption already says what the chart takes.
        self.assertEqual(self._lines(session, self.rejuran), {self.lot_rj_early: 1.0, self.lot_rj_late: 1.0})
        self.assertTrue(session.has_deviation, "2 vials charted, 1 planned")
        with self.refused("differ from the protocol"):
            session.with_user(self.practitioner).with_context(halley_no_wizard=True).action_done()
        session.with_user(self.practitioner).deviation_reason = "Both cheeks needed more"
        session.with_user(self.practitioner).with_context(halley_no_wizard=True).action_done()
        self.assertEqual(session.state, "done")
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 2)
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_late), 4)
        used = session.used_line_ids.filtered(lambda ml: ml.product_id == self.rejuran)
        self.assertEqual({ml.lot_id: ml.quantity for ml in used}, {self.lot_rj_early: 1, self.lot_rj_late: 1})
        self.assertEqual(set(used.move_id.mapped("state")), {"done"})
        # The components that are not charted keep the protocol's quantities.
        self.assertEqual(self.on_hand(self.numbing, lot=self.lot_numb), 55)
        self.assertEqual(self.on_hand(self.needle), 96)

    def test_chart_as_planned_completes_without_a_reason(self):
        session = self._started()
        self._chart(session, [("forehead", 0.5), ("cheek_left", 0.5), ("cheek_right", 0.5), ("chin", 0.5)])
        self.assertFalse(session.has_deviation)
        self.assertIs(session.with_user(self.practitioner).action_done(), True)
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 2)
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_late), 5)

    def test_charted_consumption_is_changed_on_the_chart_only(self):
        session = self._started()
        self._chart(session, [("forehead", 2.0)])
        move = self.move_of(session, self.rejuran).with_user(self.practitioner)
        line = move.move_line_ids
        for attempt in (
            lambda: move.write({"quantity": 2}),
            lambda: line.write({"lot_id": self.lot_rj_late.id}),
            lambda: line.unlink(),
            lambda: self.env["stock.move.line"].with_user(self.practitioner).create({
                "move_id": move.id, "product_id": self.rejuran.id, "lot_id": self.lot_rj_late.id, "quantity": 1,
                "location_id": self.room.id, "location_dest_id": move.location_dest_id.id,
            }),
        ):
            with self.refused("T Rejuran vial is consumed in .* as its injection chart says"):
                attempt()
        self.assertEqual(self._lines(session, self.rejuran), {self.lot_rj_early: 1.0})
        # What is not charted is still recorded by hand.
        self.move_of(session, self.numbing).with_user(self.practitioner).quantity = 6
        self.assertEqual(self.move_of(session, self.numbing).quantity, 6)

    def test_chart_totals_convert_doses_to_vials(self):
        session = self._started()
        self._chart(session, [("forehead", 0.8), ("cheek_left", 0.8), ("chin", 0.4), ("cheek_right", 0.2)])
        totals = session._halley_chart_totals()
        self.assertEqual(totals, {session.id: {(self.rejuran.id, self.lot_rj_early.id): 2.0}}, "2.2 mL: 2 vials")

    def test_a_session_without_chart_consumes_the_protocol(self):
        session = self._started()
        session.with_user(self.practitioner).action_done()
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 2)

    def test_chart_before_start_is_consumed(self):
        session = self._session()
        session.screening_ids.answer = "no"
        session.with_user(self.practitioner).action_confirm()
        self._chart(session, [("forehead", 2.0, self.lot_rj_late)])
        session.with_user(self.practitioner).action_start()
        self.assertEqual(self._lines(session, self.rejuran), {self.lot_rj_late: 1.0})
        session.with_user(self.practitioner).action_done()
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 3)
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_late), 4)

    def test_deleting_an_entry_gives_the_lot_back(self):
        session = self._started()
        entries = self._chart(session, [("forehead", 2.0), ("chin", 2.0, self.lot_rj_late)])
        entries[1].with_user(self.practitioner).unlink()
        self.assertEqual(self._lines(session, self.rejuran), {self.lot_rj_early: 1.0})
        quant = self.lot_rj_late.quant_ids.filtered(lambda q: q.location_id == self.room)
        self.assertEqual(quant.reserved_quantity, 0)

    def test_cancel_after_done_returns_the_charted_lots(self):
        session = self._started()
        self._chart(session, [("forehead", 2.0, self.lot_rj_late)])
        session.with_user(self.practitioner).action_done()
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_late), 4)
        session.with_user(self.practitioner).action_cancel()
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_late), 5)
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 3)

    # ------------------------------------------------------------ lots

    def test_default_lot_is_first_to_expire_that_can_supply(self):
        session = self._started()
        entries = self._chart(session, [("forehead", 2.0), ("cheek_left", 2.0), ("cheek_right", 2.0)])
        self.assertEqual(entries.lot_id, self.lot_rj_early, "3 vials of the early lot: 6 mL")
        more = self._chart(session, [("chin", 0.5)])
        self.assertEqual(more.lot_id, self.lot_rj_late, "the early lot is used up: the next one")

    def test_lot_not_in_the_room_is_refused_in_words(self):
        elsewhere = self._lot(self.rejuran, "TRJ-B", months=6)
        self._set_stock(self.room_b, [(self.rejuran, 2, elsewhere)])
        session = self._started()
        with self.refused(r"Lot TRJ-B of T Rejuran vial is not in Test Room A"):
            self._chart(session, [("forehead", 0.5, elsewhere)])
        self.assertFalse(session.injection_ids)

    def test_more_than_the_room_supplies_is_refused_counting_other_entries(self):
        session = self._started()
        self._chart(session, [("forehead", 4.0, self.lot_rj_early)])
        with self.refused(r"Test Room A cannot supply .* T Rejuran vial \(lot TRJ-EARLY\): 4 Units charted, 3 Units free"
        ):
            self._chart(session, [("chin", 2.5, self.lot_rj_early)])
        self.assertEqual(len(session.injection_ids), 1)
        self.assertEqual(self._lines(session, self.rejuran), {self.lot_rj_early: 2.0})
        # Another session holding the lot leaves less of it free.
        other = self._started(patient=self.patient_2, room=self.room)
        with self.refused("cannot supply"):
            self._chart(other, [("forehead", 4.0, self.lot_rj_early)])

    def test_expired_lot_is_refused_at_entry(self):
        expired = self._lot(self.rejuran, "TRJ-OLD", months=-1)
        self._set_stock(self.room, [(self.rejuran, 1, expired)])
        session = self._started()
        with self.refused("Lot TRJ-OLD of T Rejuran vial expired on"):
            self._chart(session, [("forehead", 0.5, expired)])
        self.assertNotEqual(self._chart(session, [("forehead", 0.5)]).lot_id, expired, "FEFO skips expired lots")

    def test_what_is_not_charted_is_refused(self):
        session = self._started()
        with self.refused("T Needle 32G is not charted in T Rejuran Skin Healer"):
            self._chart(session, [("forehead", 1.0, None, self.needle)])
        with self.refused("T HA syringe is not charted in T Rejuran Skin Healer"):
            self._chart(session, [("forehead", 1.0, self.lot_ha, self.ha)])
        with self.refused("Lot THA-1 is a lot of T HA syringe"):
            self._chart(session, [("forehead", 1.0, self.lot_ha)])
        for vals, message in (
            ({"quantity": 0}, "more than zero"),
            ({"quantity": -1}, "more than zero"),
            ({"quantity": 5000}, "at most 1000"),
            ({"x": 500}, "outside the diagram"),
            ({"y": -3}, "outside the diagram"),
        ):
            with self.subTest(vals=vals), self.refused(message):
                self.Entry.with_user(self.practitioner).create({
                    "session_id": session.id, "zone_id": self.zone["chin"].id,
                    "product_id": self.rejuran.id, "quantity": 1.0, **vals,
                })
        self.assertFalse(session.injection_ids)

    def test_most_used_of_the_protocol_is_refused_at_entry(self):
        self._set_stock(self.room, [(self.rejuran, 30, self.lot_rj_late)])
        session = self._started()
        with self.refused("uses at most 10"):
            self._chart(session, [("forehead", 24.0, self.lot_rj_late)])

    # ------------------------------------------------------------ zones

    def test_profiles_carry_the_zones_charted_from_the_side(self):
        """Each profile has its side's temple, lateral cheek and jawline (the right's
        drawn as the left's mirror, as the artwork is); the front keeps its ten zones,
        its single jawline among them; the neck its one."""
        standard = self.env["halley.chart.zone"].search([("company_id", "=", False)]).filtered(
            lambda z: z.get_external_id()[z.id].startswith("halley_aesthetics.chart_zone_")
        )
        codes = {diagram: standard.filtered(lambda z, d=diagram: z.diagram == d).mapped("code")
                 for diagram in ("front", "left", "right", "neck")}
        self.assertEqual(codes["left"], ["temple_left", "cheek_lateral_left", "jawline_left"])
        self.assertEqual(codes["right"], ["temple_right", "cheek_lateral_right", "jawline_right"])
        self.assertEqual(codes["front"], [
            "forehead", "glabella", "periorbital_right", "periorbital_left", "cheek_right", "cheek_left",
            "nasolabial", "perioral", "chin", "jawline",
        ])
        self.assertEqual(codes["neck"], ["neck"])
        ref = self.env.ref
        self.assertEqual(ref("halley_aesthetics.chart_zone_cheek_lateral_left").name, "Left lateral cheek")
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._get("halley_aesthetics")._update_translations(["zh_CN"])
        self.assertEqual(
            [ref(f"halley_aesthetics.chart_zone_{code}").with_context(lang="zh_CN").name
             for code in ("temple_right", "cheek_lateral_left", "jawline_right")],
            ["右太阳穴", "左外侧脸颊", "右下颌线"],
        )
        for side in ("temple", "cheek_lateral", "jawline"):
            left = _points(ref(f"halley_aesthetics.chart_zone_{side}_left").shape)
            right = _points(ref(f"halley_aesthetics.chart_zone_{side}_right").shape)
            self.assertEqual(right, [(200 - x, y) for x, y in left], f"{side}: the right is the left mirrored")
        # Sorted by sequence, the zones of every clinic read down the face: the
        # temples after the glabella, the lateral cheeks after the cheeks, the lateral
        # jawlines after the front's, the neck last.
        ordered = standard.sorted(lambda z: (z.sequence, z.id)).mapped("code")
        self.assertEqual(ordered, [
            "forehead", "glabella", "temple_right", "temple_left", "periorbital_right", "periorbital_left",
            "cheek_right", "cheek_left", "cheek_lateral_right", "cheek_lateral_left", "nasolabial", "perioral",
            "chin", "jawline", "jawline_right", "jawline_left", "neck",
        ])

    def test_profile_zones_are_polygons_inside_the_diagram_apart(self):
        """Every zone drawn on a profile is a simple polygon (three corners or more,
        an area, no edge crossing another) inside the 200 x 240 diagram, and no two
        zones of a profile overlap: a tap in one is never taken for another. Top to
        bottom in sequence order."""
        zones = self.env["halley.chart.zone"].search([("diagram", "in", ("left", "right"))])
        for diagram in ("left", "right"):
            shapes = {z.code: _points(z.shape) for z in zones if z.diagram == diagram}
            self.assertEqual(len(shapes), 3, diagram)
            for code, points in shapes.items():
                with self.subTest(zone=code):
                    self.assertGreaterEqual(len(points), 3)
                    self.assertTrue(all(0 < x < 200 and 0 < y < 240 for x, y in points), points)
                    self.assertGreater(_area(points), 200, "a zone a fingertip can hit")
                    edges = _edges(points)
                    crossing = [
                        (edges[i], edges[j]) for i in range(len(edges)) for j in range(i + 2, len(edges))
                        if not (i == 0 and j == len(edges) - 1) and _cross(*edges[i], *edges[j])
                    ]
                    self.assertFalse(crossing, "the outline crosses itself")
            for first, second in ((a, b) for a in shapes for b in shapes if a < b):
                self.assertFalse(_overlap(shapes[first], shapes[second]), f"{first} overlaps {second}")
            tops = [
                min(y for _x, y in _points(z.shape))
                for z in zones.filtered(lambda z, d=diagram: z.diagram == d).sorted(lambda z: (z.sequence, z.id))
            ]
            self.assertEqual(tops, sorted(tops), f"{diagram}: the list reads top to bottom")

    def test_a_point_on_a_profile_is_charted_in_its_zone(self):
        """A point tapped on the left profile's lateral cheek is an entry of that
        zone, on the left profile, consumed like any other."""
        zone = self.env.ref("halley_aesthetics.chart_zone_cheek_lateral_left")
        session = self._started()
        entry = self.Entry.with_user(self.practitioner).create({
            "session_id": session.id, "zone_id": zone.id, "product_id": self.rejuran.id,
            "quantity": 0.4, "x": 108, "y": 130, "depth": "subdermal",
        })
        self.assertTrue(_strictly_inside(entry.x, entry.y, _points(zone.shape)))
        self.assertEqual((entry.zone_id.code, entry.diagram), ("cheek_lateral_left", "left"))
        self.assertEqual(session._halley_chart_totals()[session.id], {(self.rejuran.id, self.lot_rj_early.id): 1.0})

    # ------------------------------------------------------------ frozen

    def test_chart_is_frozen_once_done(self):
        session = self._started()
        entry = self._chart(session, [("forehead", 2.0)])
        session.with_user(self.practitioner).action_done()
        for user in (self.practitioner, self.manager):
            with self.subTest(user=user.login):
                with self.refused("kept as it was charted.*addendum"):
                    entry.with_user(user).write({"quantity": 1.0})
                with self.refused("kept as it was charted"):
                    entry.with_user(user).unlink()
                with self.refused("kept as it was charted"):
                    self._chart(session, [("chin", 0.5)], user=user)
                with self.refused("kept as it was"):
                    session.with_user(user).write({"injection_ids": [Command.unlink(entry.id)]})
        self.assertEqual(entry.quantity, 2.0)
        self.assertEqual(len(session.injection_ids), 1)

    def test_entry_stays_with_its_session(self):
        session = self._started()
        other = self._session(patient=self.patient_2)
        entry = self._chart(session, [("forehead", 1.0)])
        with self.refused("stays in the chart of the session"):
            entry.with_user(self.practitioner).session_id = other

    # ------------------------------------------------------------ templates

    def test_protocol_chart_and_same_as_last_time(self):
        self.protocol_rejuran.with_user(self.manager).write({
            "halley_injection_ids": [
                Command.create({"zone_id": self.zone[code].id, "product_id": self.rejuran.id, "quantity": 0.5,
                                "depth": "intradermal", "device": "needle", "gauge": "32g"})
                for code in ("forehead", "cheek_left", "cheek_right", "chin")
            ]
        })
        first = self._started(start=NOW + relativedelta(hours=1))
        first.with_user(self.practitioner).action_chart_from_protocol()
        self.assertEqual(len(first.injection_ids), 4)
        self.assertEqual(first.injection_ids.lot_id, self.lot_rj_early)
        self.assertEqual(set(first.injection_ids.mapped("depth")), {"intradermal"})
        with self.refused("already charted"):
            first.with_user(self.practitioner).action_chart_from_protocol()
        first.injection_ids[0].with_user(self.practitioner).quantity = 1.0
        first.with_user(self.practitioner).deviation_reason = "More on the forehead"
        first.with_user(self.practitioner).with_context(halley_no_wizard=True).action_done()

        second = self._session(start=NOW + relativedelta(days=28))
        second.with_user(self.practitioner).action_chart_same_as_last_time()
        self.assertEqual(
            sorted((e.zone_id.code, e.quantity) for e in second.injection_ids),
            sorted((e.zone_id.code, e.quantity) for e in first.injection_ids),
        )
        self.assertFalse(self._session(patient=self.patient_2).injection_ids)
        with self.refused("no earlier charted session"):
            self._session(patient=self.patient_2).with_user(self.practitioner).action_chart_same_as_last_time()

    def test_protocol_chart_holds_charted_components_only(self):
        with self.refused("T Needle 32G is not a charted component"):
            self.env["halley.protocol.injection"].with_user(self.manager).create({
                "bom_id": self.protocol_rejuran.id, "zone_id": self.zone["chin"].id,
                "product_id": self.needle.id, "quantity": 1,
            })

    # ------------------------------------------------------------ who

    def test_clinicians_only_on_every_path(self):
        session = self._started()
        self._chart(session, [("forehead", 1.0)])
        internal = new_test_user(self.env, login="t_chart_internal", groups="base.group_user")
        stock_admin = new_test_user(self.env, login="t_chart_stock", groups="stock.group_stock_manager")
        for user in (self.billing, internal, stock_admin):
            Entry = self.Entry.with_user(user)
            with self.subTest(user=user.login):
                for attempt in (
                    lambda Entry=Entry: Entry.search([]),
                    lambda Entry=Entry: Entry.read_group([], ["quantity:sum"], ["zone_id"]),
                    lambda Entry=Entry: Entry.browse(session.injection_ids.ids).read(["quantity"]),
                    lambda Entry=Entry: Entry.create({
                        "session_id": session.id, "zone_id": self.zone["chin"].id,
                        "product_id": self.rejuran.id, "quantity": 0.5,
                    }),
                ):
                    with self.assertRaises(AccessError):
                        attempt()
        with self.assertRaises(AccessError):
            session.with_user(self.billing).read(["injection_ids"])
        with self.assertRaises(AccessError):
            self.env["halley.treatment.session"].with_user(self.billing).search([("injection_ids", "!=", False)])
        self.assertEqual(len(session.with_user(self.practitioner).injection_ids), 1)

    def test_company_walls(self):
        self._setup_second_company()
        session = self._started()
        self._chart(session, [("forehead", 1.0)])
        self.assertFalse(self.Entry.with_user(self.manager_b).search([("session_id", "=", session.id)]))
        self.assertFalse(self.Entry.with_user(self.manager_b).search([]).filtered(lambda e: e.sudo().company_id != self.company_b))
        self.assertFalse(self.Entry.with_user(self.manager_b).read_group([], ["quantity:sum"], [])[0]["quantity"])
        self.assertEqual(self.Entry.with_user(self.manager_a).search_count([("session_id", "=", session.id)]), 1)
        with self.assertRaises(AccessError):
            self.Entry.with_user(self.manager_b).create({
                "session_id": session.id, "zone_id": self.zone["chin"].id,
                "product_id": self.rejuran.id, "quantity": 0.5,
            })

    def test_chart_totals_read_once_for_many_sessions(self):
        sessions = self.env["halley.treatment.session"]
        for hours in range(1, 4):
            session = self._session(start=NOW + relativedelta(days=1, hours=hours))
            self._chart(session, [("forehead", 0.5)])
            sessions |= session
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=5):
            sessions[:1]._halley_chart_totals()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=5):
            totals = sessions._halley_chart_totals()
        self.assertEqual(len(totals), 3)

    def test_two_hundred_points_in_one_save(self):
        """A busy chart (200 points, one save as the form sends it) is consumed as
        its totals: 200 x 0.05 mL = 10 mL, 5 vials of the room's lots, first expiry first."""
        session = self._started()
        zones = list(self.zone.values())
        vals_list = [
            {"session_id": session.id, "zone_id": zones[i % len(zones)].id, "product_id": self.rejuran.id,
             "quantity": 0.05, "x": 50 + i % 100, "y": 40 + i % 150, "depth": "intradermal"}
            for i in range(200)
        ]
        entries = self.Entry.with_user(self.practitioner).create(vals_list)
        self.assertEqual(len(entries), 200)
        self.assertEqual(self._lines(session, self.rejuran), {self.lot_rj_early: 3.0, self.lot_rj_late: 2.0})
        session.with_user(self.practitioner).deviation_reason = "A full face"
        session.with_user(self.practitioner).with_context(halley_no_wizard=True).action_done()
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 0)
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_late), 3)
