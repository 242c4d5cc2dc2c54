"""The injection chart in the session's records: the treatment record (picture and
table), the aftercare sheet (zones treated, in her language), the lot recall (zones
that received the lot, per patient, in the list and in her message), the PDPA
export, the history beside her photos and per zone; clinicians only on every path
(a billing user gets no zone even through sudo), company walls; 200 points in one
create, and Done of a charted session bounded by the uncharted Done."""

import csv
import io
import time
import zipfile

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import NOW, HalleyPackageCommon

TREATMENT_RECORD = "halley_aesthetics.report_halley_treatment_record"
AFTERCARE = "halley_aesthetics.report_halley_aftercare"


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestInjectionChartRecords(HalleyPackageCommon):
    # Done of a session charted with 20 points over two lots may cost this many
    # queries more than Done of the same session uncharted (the chart's totals
    # read once, the second lot's move line): a constant, whatever the points.
    CHARTED_DONE_EXTRA_QUERIES = 30

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patient.write({"email": "grace@example.com"})
        cls.uom_ml = cls.env["uom.uom"].create(
            {"name": "T mL", "category_id": cls.env.ref("uom.product_uom_categ_vol").id, "uom_type": "smaller",
             "factor": 1000.0, "rounding": 0.01}
        )
        # A 2 mL vial charted in mL.
        cls.rejuran.product_tmpl_id.write(
            {"halley_charted": True, "halley_dose_uom_id": cls.uom_ml.id, "halley_dose_per_unit": 2.0}
        )
        zone = cls.env.ref
        cls.forehead = zone("halley_aesthetics.chart_zone_forehead")
        cls.cheek_left = zone("halley_aesthetics.chart_zone_cheek_left")
        cls.cheek_right = zone("halley_aesthetics.chart_zone_cheek_right")

    # ------------------------------------------------------------------ helpers

    def _point(self, zone, quantity, lot, **vals):
        """A point tapped in the middle of ``zone`` (its shape's first corner, moved in)."""
        x, y = (float(c) for c in zone.shape.split()[0].split(","))
        return {"zone_id": zone.id, "x": x + 4, "y": y + 4, "product_id": self.rejuran.id, "lot_id": lot.id,
                "quantity": quantity, "depth": "subdermal", "device": "needle", "gauge": "32g", **vals}

    def _started(self, patient=None, days=0, **vals):
        session = self._session(patient=patient, start=NOW + relativedelta(days=days), **vals)
        session.action_confirm()
        session.action_start()
        return session

    def _charted_done(self, points, patient=None, days=0):
        """A session of ``patient`` charted by the practitioner with ``points``
        (values of ``_point``), then completed."""
        session = self._started(patient=patient, days=days)
        self.env["halley.session.injection"].with_user(self.practitioner).create(
            [{"session_id": session.id, **point} for point in points]
        )
        session.deviation_reason = "Charted"
        session.action_done()
        self.assertEqual(session.state, "done")
        return session

    def _cheeks(self, lot=None, patient=None, days=0):
        lot = lot or self.lot_rj_early
        return self._charted_done(
            [self._point(self.cheek_left, 0.4, lot), self._point(self.cheek_right, 0.2, lot),
             self._point(self.cheek_right, 0.2, lot), self._point(self.forehead, 0.2, self.lot_rj_late)],
            patient=patient, days=days,
        )

    def _html(self, report, session, user):
        return self.env["ir.actions.report"].with_user(user)._render_qweb_html(report, session.ids)[0].decode()

    # ------------------------------------------------------------------ treatment record

    def test_treatment_record_shows_the_chart_picture_and_table(self):
        session = self._cheeks()
        html = self._html(TREATMENT_RECORD, session, self.practitioner)
        self.assertIn("Injection chart", html)
        # The picture: the front diagram's zones, the points with their dose.
        self.assertIn("<svg", html)
        self.assertEqual(html.count("<circle"), 4, "a point per entry")
        corners = " ".join("{:g},{:g}".format(*map(float, p.split(","))) for p in self.cheek_left.shape.split())
        self.assertIn(f'points="{corners}"', html, "the zone drawn from its shape")
        self.assertIn("Face, front", html)
        # The table: zone, product by name, lot, dose with its unit, technique.
        for text in ("Left cheek", "Right cheek", "Forehead", "T Rejuran vial", "TRJ-EARLY", "TRJ-LATE",
                     "0.4 T mL", "0.2 T mL", "Subdermal, needle 32G"):
            self.assertIn(text, html)
        # The manager prints it too; billing does not, even through a superuser path.
        self.assertIn("Left cheek", self._html(TREATMENT_RECORD, session, self.manager))
        with self.assertRaises(AccessError):
            self._html(TREATMENT_RECORD, session, self.billing)
        as_billing_sudo = (
            self.env["ir.actions.report"].with_user(self.billing).sudo()._render_qweb_html(TREATMENT_RECORD, session.ids)
        )[0].decode()
        self.assertIn("Treatment record", as_billing_sudo)
        for text in ("Injection chart", "Left cheek", "<circle"):
            self.assertNotIn(text, as_billing_sudo)

    def test_an_uncharted_session_has_no_chart_section(self):
        session = self._started()
        session.action_done()
        html = self._html(TREATMENT_RECORD, session, self.practitioner)
        self.assertNotIn("Injection chart", html)
        self.assertNotIn("<svg", html)

    def test_company_walls(self):
        """A clinic manager of another company neither prints the session nor reads
        its zones through the chart's readers."""
        self._setup_second_company()
        session = self._cheeks()
        with self.assertRaises(AccessError):
            self._html(TREATMENT_RECORD, session, self.manager_b)
        in_b = session.with_user(self.manager_b).with_company(self.company_b)
        self.assertFalse(in_b.sudo()._halley_chart_entries(), "another clinic's chart, through sudo")
        self.assertFalse(in_b.sudo()._halley_dose_per_zone())
        Session = self.env["halley.treatment.session"].with_user(self.manager_b).with_company(self.company_b)
        keys = [(self.patient.id, self.lot_rj_early.id, self.company.id)]
        self.assertEqual(Session.sudo()._halley_lot_zone_doses(keys), {})
        self.assertTrue(session.with_user(self.manager_a)._halley_lot_zone_doses(keys))

    # ------------------------------------------------------------------ aftercare

    def test_aftercare_lists_the_zones_treated_in_her_language(self):
        session = self._cheeks()
        html = self._html(AFTERCARE, session, self.practitioner)
        self.assertIn("Areas treated", html)
        self.assertIn("Forehead, Right cheek, Left cheek", html, "once each, in the clinic's zone order")
        # In Chinese for a patient who reads Chinese.
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._get("halley_aesthetics")._update_translations(["zh_CN"])
        self.cheek_left.update_field_translations("name", {"zh_CN": "左脸颊"})
        self.patient.lang = "zh_CN"
        html = self._html(AFTERCARE, session, self.practitioner)
        self.assertIn("治疗部位", html)
        self.assertIn("左脸颊", html)
        self.assertNotIn("Left cheek", html)
        # The sheet emailed by the aftercare job (as superuser) carries them too.
        self.assertIn("左脸颊", self.env["ir.actions.report"]._render_qweb_html(AFTERCARE, session.ids)[0].decode())

    def test_no_zone_on_a_sheet_billing_renders_through_sudo(self):
        session = self._cheeks()
        html = self.env["ir.actions.report"].with_user(self.billing).sudo()._render_qweb_html(
            AFTERCARE, session.ids
        )[0].decode()
        self.assertIn("Aftercare after your treatment", html)
        self.assertNotIn("Areas treated", html)
        self.assertNotIn("Left cheek", html)

    def test_her_own_sheet_on_the_portal_lists_the_zones(self):
        session = self._cheeks()
        portal = self.env["res.users"].with_context(no_reset_password=True).create(
            {"name": "T Grace portal", "login": "t_grace_portal", "partner_id": self.patient.id,
             "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]}
        )
        Report = self.env["ir.actions.report"].with_user(portal).sudo()
        # As the portal renders it after checking it is hers (its context key).
        mine = Report.with_context(halley_chart_patient_session=session.id)._render_qweb_html(AFTERCARE, session.ids)
        self.assertIn("Left cheek", mine[0].decode())
        other = self._cheeks(patient=self.patient_2, days=1)
        # The key names one session: another one's sheet lists nothing.
        theirs = Report.with_context(halley_chart_patient_session=session.id)._render_qweb_html(AFTERCARE, other.ids)
        self.assertNotIn("Left cheek", theirs[0].decode())
        # An employee (billing) with the key gets nothing either.
        billing = self.env["ir.actions.report"].with_user(self.billing).sudo().with_context(
            halley_chart_patient_session=session.id
        )._render_qweb_html(AFTERCARE, session.ids)
        self.assertNotIn("Left cheek", billing[0].decode())

    # ------------------------------------------------------------------ lot recall

    def _recall_rows(self, lot):
        recall = self.env["halley.lot.recall"].with_user(self.manager).create({"lot_id": lot.id})
        action = recall.action_find_patients()
        return self.env[action["res_model"]].with_user(self.manager).search(action["domain"])

    def test_recall_list_names_the_zones_that_received_the_lot(self):
        self._cheeks(patient=self.patient)
        self._cheeks(patient=self.patient, days=1)
        self._charted_done([self._point(self.forehead, 0.3, self.lot_rj_early)], patient=self.patient_2, days=2)
        rows = self._recall_rows(self.lot_rj_early)
        by_patient = {row.patient_id: row.zone_doses for row in rows}
        # Her two sessions: 0.8 mL in the left cheek, 0.8 mL in the right (the
        # forehead had the other lot).
        self.assertEqual(by_patient[self.patient], "Right cheek (0.8 T mL), Left cheek (0.8 T mL)")
        self.assertEqual(by_patient[self.patient_2], "Forehead (0.3 T mL)")
        late = self._recall_rows(self.lot_rj_late)
        self.assertEqual(set(late.mapped("zone_doses")), {"Forehead (0.4 T mL)"})
        # Billing neither lists the recall nor reads a zone through sudo.
        with self.assertRaises(AccessError):
            self.env["halley.lot.recall.patient"].with_user(self.billing).search([])
        as_billing = self.env["halley.lot.recall.patient"].with_user(self.billing).sudo().browse(rows.ids)
        self.assertEqual(set(as_billing.mapped("zone_doses")), {""})

    def test_recall_list_reads_the_zones_of_a_page_in_one_query(self):
        """The zones of the rows shown cost the same queries for one patient as for
        four: one query for the page."""
        patients = self.patient | self.patient_2 | self.env["res.partner"].create(
            [{"name": f"T Patient {i}", "is_patient": True} for i in range(2)]
        )
        self._set_stock(self.room, [(self.rejuran, 20, self.lot_rj_early), (self.rejuran, 20, self.lot_rj_late)])
        for i, patient in enumerate(patients):
            self._cheeks(patient=patient, days=i)
        Row = self.env["halley.lot.recall.patient"].with_user(self.manager)
        domain = [("lot_id", "=", self.lot_rj_early.id)]
        Row.web_search_read(domain, {"patient_id": {}, "zone_doses": {}}, limit=4)  # warm-up
        counts = []
        for limit in (1, 4):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            page = Row.web_search_read(domain, {"patient_id": {}, "zone_doses": {}}, limit=limit)
            counts.append(self.cr.sql_log_count - before)
            self.assertEqual(len(page["records"]), limit)
            self.assertTrue(all(r["zone_doses"] for r in page["records"]))
        self.assertEqual(counts[0], counts[1], f"1 row: {counts[0]} queries, 4 rows: {counts[1]}")

    def test_recall_notice_tells_her_which_zones_received_the_lot(self):
        self._cheeks(patient=self.patient)
        recall = self.env["halley.lot.recall"].with_user(self.manager).create({"lot_id": self.lot_rj_early.id})
        recall.action_notify()
        Notice = self.env["halley.recall.notice"]
        Notice._cron_post_recall_messages()
        body = Notice.search([("patient_id", "=", self.patient.id)]).message_id.body
        self.assertIn(
            "T Rejuran vial, lot TRJ-EARLY: your T Rejuran Skin Healer session of 24 Nov 2026"
            "; injected in: Right cheek (0.4 T mL), Left cheek (0.4 T mL)",
            body,
        )
        self.assertNotIn("Forehead", body, "the forehead received the other lot")

    def test_recall_notice_in_chinese_names_the_zones_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._get("halley_aesthetics")._update_translations(["zh_CN"])
        self.cheek_left.update_field_translations("name", {"zh_CN": "左脸颊"})
        self.cheek_right.update_field_translations("name", {"zh_CN": "右脸颊"})
        self.patient.lang = "zh_CN"
        self._cheeks(patient=self.patient)
        self.env["halley.lot.recall"].with_user(self.manager).create({"lot_id": self.lot_rj_early.id}).action_notify()
        Notice = self.env["halley.recall.notice"]
        Notice._cron_post_recall_messages()
        body = Notice.search([("patient_id", "=", self.patient.id)]).message_id.body
        self.assertIn("；注射部位：右脸颊（0.4 T mL）, 左脸颊（0.4 T mL）", body)

    # ------------------------------------------------------------------ PDPA export

    def test_pdpa_export_includes_her_chart_entries(self):
        session = self._cheeks()
        self._charted_done([self._point(self.forehead, 0.5, self.lot_rj_early)], patient=self.patient_2, days=1)
        content, _filename = self.patient.with_user(self.manager)._halley_export_patient_data()
        archive = zipfile.ZipFile(io.BytesIO(content))

        def rows(name):
            return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode("utf-8-sig"))))

        entries = rows("chart_entries")
        self.assertEqual(len(entries), 4, "her four points, not the other patient's")
        first = entries[0]
        self.assertEqual(
            (first["Session"], first["Zone"], first["Product"], first["Lot"], first["Dose"], first["Dose unit"],
             first["Depth"], first["Needle or cannula"], first["Gauge"], first["Diagram"], first["Whole zone"]),
            (session.name, "Left cheek", "T Rejuran vial", "TRJ-EARLY", "0.4", "T mL", "Subdermal", "Needle", "32G",
             "Face, front", "No"),
        )
        # Times in the clinic's zone, as her other files: 09:00 UTC is 17:00 in Singapore.
        self.assertEqual(first["Session start"], rows("sessions")[0]["Start"])
        self.assertEqual(first["Session start"], "2026-11-24 17:00")
        self.assertRegex(first["Charted on"], r"^\d{4}-\d\d-\d\d \d\d:\d\d$", "to the minute")
        self.assertEqual(first["Charted by"], self.practitioner.name)

    # ------------------------------------------------------------------ history

    def test_compare_photos_shows_each_sessions_chart_and_dose_per_zone(self):
        first = self._cheeks()
        second = self._charted_done([self._point(self.forehead, 0.6, self.lot_rj_late)], days=28)
        wizard = self.env["halley.photo.comparison"].with_user(self.practitioner).create(
            {"patient_id": self.patient.id, "session_a_id": first.id, "session_b_id": second.id}
        )
        html = str(wizard.comparison)
        self.assertIn("Injection chart (total dose per zone)", html)
        # One picture per session (each nests its diagram's outline artwork, an <svg> too).
        self.assertEqual(html.count('role="img"'), 2, "each session's chart beside its photos")
        self.assertIn("Left cheek: 0.4 T mL", html)
        self.assertIn("Right cheek: 0.4 T mL", html)
        self.assertIn("Forehead: 0.6 T mL", html)

    def test_dose_per_zone_from_the_patient(self):
        first = self._cheeks()
        second = self._cheeks(days=28)
        action = self.patient.with_user(self.practitioner).action_halley_dose_per_zone()
        Entry = self.env[action["res_model"]].with_user(self.practitioner).with_context(**action["context"])
        groups = Entry.read_group(action["domain"], ["quantity:sum"], ["zone_id", "session_id"], lazy=False)
        totals = {(g["zone_id"][0], g["session_id"][0]): g["quantity"] for g in groups}
        self.assertEqual(totals[(self.cheek_right.id, first.id)], 0.4)
        self.assertEqual(totals[(self.cheek_right.id, second.id)], 0.4)
        self.assertEqual(totals[(self.forehead.id, second.id)], 0.2)
        self.assertEqual(first._halley_dose_per_zone()[first.id][0], ("Forehead", 0.2, "T mL"))
        # Its views open for clinicians.
        for view_type in ("pivot", "list", "search"):
            self.assertTrue(Entry.get_views([(False, view_type)])["views"][view_type]["arch"])
        with self.assertRaisesRegex(AccessError, "Only practitioners and clinic managers"):
            self.patient.with_user(self.billing).action_halley_dose_per_zone()
        with self.assertRaises(AccessError):
            self.env["halley.session.injection"].with_user(self.billing).read_group(
                action["domain"], ["quantity:sum"], ["zone_id"]
            )
        self.assertEqual(first.with_user(self.billing).sudo()._halley_dose_per_zone(), {})

    # ------------------------------------------------------------------ scale

    def test_a_chart_of_200_points_is_saved_in_one_create(self):
        session = self._started()
        points = [self._point((self.forehead, self.cheek_left, self.cheek_right)[i % 3], 0.01,
                              (self.lot_rj_early, self.lot_rj_late)[i % 2]) for i in range(200)]
        Entry = self.env["halley.session.injection"].with_user(self.practitioner)
        counts = []
        for size in (20, 200):
            self.env.invalidate_all()
            with self.env.cr.savepoint(flush=True) as savepoint:
                before, began = self.cr.sql_log_count, time.perf_counter()
                entries = Entry.create([{"session_id": session.id, **point} for point in points[:size]])
                self.env.flush_all()
                seconds = time.perf_counter() - began
                counts.append(self.cr.sql_log_count - before)
                self.assertEqual(len(entries), size)
                savepoint.rollback()
        self.assertLess(seconds, 1.0, "200 points save in under a second")
        self.assertLessEqual(counts[1], counts[0] + 5, f"20 points: {counts[0]} queries, 200 points: {counts[1]}")

    def _done_queries(self, session):
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        session.action_done()
        self.env.flush_all()
        self.assertEqual(session.state, "done")
        return self.cr.sql_log_count - before

    def test_done_of_a_charted_session_costs_a_constant_more(self):
        self._set_stock(self.room, [(self.rejuran, 20, self.lot_rj_early), (self.rejuran, 20, self.lot_rj_late)])
        plain = self._started()
        plain_queries = self._done_queries(plain)
        charted = self._started(days=1)
        self.env["halley.session.injection"].with_user(self.practitioner).create(
            [{"session_id": charted.id,
              **self._point((self.forehead, self.cheek_left, self.cheek_right)[i % 3], 0.05,
                            (self.lot_rj_early, self.lot_rj_late)[i % 2])} for i in range(20)]
        )
        charted.deviation_reason = "Charted over two lots"
        with self.assertQueryCount(plain_queries + self.CHARTED_DONE_EXTRA_QUERIES):
            self._done_queries(charted)
