"""`make bench`: the addon at chain scale, each line side by side with Odoo's own.

The database BENCH_DB (default halley_bench, the addon installed without demo
data) gets chain-sized data once, committed, and a marker (the system parameter
``halley_bench.built``) so later runs skip building it:

- 300 clinic consumables (a third lot-tracked with expiry), each with a reordering
  rule on the warehouse's stock, bought from one vendor by the Buy route; and, for
  Odoo's own side, 300 plain storable products built the same way (same tracking,
  stock, vendor, route and rule), which no hook of the addon touches;
- 60 protocols (kits flagged as protocols) of 5 clinic consumables each, 4 rooms,
  3,000 patients with an email, 2,000 active packages (the company's "Reorder for
  prepaid packages" on) and 2,000 booked (confirmed) sessions over the next 8
  weeks; for Odoo's side, 2,000 confirmed deliveries of the plain twins of the
  same components, from the same rooms on the same dates;
- one Rejuran-like lot used by BENCH_RECALL_N done sessions (default 100,000): one
  session is done through the ORM, then cloned set-wise in SQL (session,
  consumption transfer, moves, move lines), ids from their sequences.

Every measurement then runs in a savepoint rolled back afterwards (both sides
start from the same state), the ORM and registry caches cleared first, tracking
and mail on; after a warm-up run, time and queries come from the fastest of a
few timed runs (up to 5, or 3 s in all), peak Python memory (tracemalloc) from
another run of the same work. Everything is rolled back at the
end; only the built data stays.
"""

import os
import subprocess
import sys
import time
import tracemalloc
from datetime import datetime, timedelta

from lxml import etree

import odoo
from odoo import Command, api, fields
from odoo.modules.registry import Registry
from odoo.tools.safe_eval import safe_eval

MARKER = "halley_bench.built"
RECALL_MARKER = "halley_bench.recall_sessions"
BUILD_VERSION = "1"
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "300"))
PROTOCOL_SIZE = 5
ROOMS = 4
PACKAGES = int(os.environ.get("BENCH_PACKAGES", "2000"))
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "2000"))
PATIENTS = PACKAGES + SESSIONS // 2
RECALL_N = int(os.environ.get("BENCH_RECALL_N", "100000"))
BATCH_N = 100  # sessions completed in one call
CHART_POINTS = 20  # the charted session's points (two lots)
BOOKED_DAYS = 56  # the booked sessions: over the next 8 weeks, 9:00 to 18:00
# Peak memory needs a second run of the work, traced (slower): skipped after a first
# run longer than this many seconds.
TRACE_WITHIN = float(os.environ.get("BENCH_TRACE_WITHIN", "120"))
# Short work is timed again, up to TIMED_RUNS runs or TIMED_SECONDS in all (per side of a
# comparison, the two sides' runs interleaved); the fastest counts.
TIMED_RUNS = int(os.environ.get("BENCH_TIMED_RUNS", "7"))
TIMED_SECONDS = float(os.environ.get("BENCH_TIMED_SECONDS", "3"))
PAGE = 80
MIB = 1024 * 1024
# The groups of lines to run (comma separated; default all): scheduler, replenishment,
# recall, done, counter.
ONLY = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}


def wanted(group):
    return not ONLY or group in ONLY


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- measuring


class Result:
    def __init__(self, seconds, queries, peak):
        self.seconds, self.queries, self.peak = seconds, queries, peak

    def __str__(self):
        if self.seconds < 1:
            duration = f"{self.seconds * 1000:.0f} ms"
        else:
            duration = f"{self.seconds:.2f} s"
        text = f"{duration}, {self.queries:,} q"
        text += f", {self.peak / MIB:.1f} MiB" if self.peak is not None else ", memory not measured"
        return text


def _fresh(env):
    env.invalidate_all(flush=False)
    env.registry.clear_cache()


def _commit_work(env):
    """What a commit does before COMMIT: flush, then the pre-commit hooks (mail
    tracking values are written there), then flush what they wrote."""
    env.flush_all()
    env.cr.precommit.run()
    env.flush_all()


def measure(env, work, prepare=None, trace_within=TRACE_WITHIN):
    """``work`` run several times, each time in a savepoint rolled back afterwards,
    after ``prepare`` (not measured) and with empty ORM and registry caches: once to
    warm up what a long-running server has loaded already (imported code, compiled
    templates and expressions); then timed, for time and SQL queries, again while
    the timed runs add up to less than TIMED_SECONDS (at most TIMED_RUNS), keeping
    the fastest (the machine is shared: the fastest run is the least disturbed);
    then once for peak Python memory (tracemalloc slows Python down, so it is kept
    out of the timed runs). No traced run when a timed one took longer than
    ``trace_within`` seconds (memory then reads "not measured")."""
    env.flush_all()
    _run_once(env, work, prepare)  # warm-up
    times, queries = [], None
    while len(times) < TIMED_RUNS and (not times or sum(times) < TIMED_SECONDS):
        elapsed, queries, _peak = _run_once(env, work, prepare)
        times.append(elapsed)
    if trace_within is not None and min(times) > trace_within:
        log(f"  {min(times):.0f} s: memory not measured (BENCH_TRACE_WITHIN={TRACE_WITHIN:.0f} s)")
        return Result(min(times), queries, None)
    _elapsed, _queries, peak = _run_once(env, work, prepare, traced=True)
    return Result(min(times), queries, peak)


def measure_pair(env, ours, theirs, prepare=(None, None), trace_within=TRACE_WITHIN):
    """``measure`` of two pieces of work compared with each other, their timed runs
    interleaved (ours, theirs, ours, ...) so that both meet the same load of the
    shared machine; the fastest run of each counts. Returns both results."""
    env.flush_all()
    works = (ours, theirs)
    for work, prep in zip(works, prepare, strict=True):
        _run_once(env, work, prep)  # warm-up
    times, queries = ([], []), [None, None]
    while len(times[0]) < TIMED_RUNS and (not times[0] or sum(times[0]) + sum(times[1]) < 2 * TIMED_SECONDS):
        for i, (work, prep) in enumerate(zip(works, prepare, strict=True)):
            elapsed, queries[i], _peak = _run_once(env, work, prep)
            times[i].append(elapsed)
    results = []
    for i, (work, prep) in enumerate(zip(works, prepare, strict=True)):
        peak = None
        if trace_within is None or min(times[i]) <= trace_within:
            peak = _run_once(env, work, prep, traced=True)[2]
        else:
            log(f"  {min(times[i]):.0f} s: memory not measured (BENCH_TRACE_WITHIN={TRACE_WITHIN:.0f} s)")
        results.append(Result(min(times[i]), queries[i], peak))
    return results


def _run_once(env, work, prepare, traced=False):
    cr = env.cr
    peak = None
    with cr.savepoint(flush=False) as savepoint:
        if prepare:
            prepare()
            _commit_work(env)
        _fresh(env)
        if traced:
            tracemalloc.start()
        queries = odoo.sql_db.sql_counter
        start = time.perf_counter()
        work()
        _commit_work(env)
        elapsed = time.perf_counter() - start
        queries = odoo.sql_db.sql_counter - queries
        if traced:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        savepoint.rollback()
    env.invalidate_all(flush=False)
    cr.postcommit.clear()
    return elapsed, queries, peak


# ---------------------------------------------------------------------- building


def _param(env, key):
    return env["ir.config_parameter"].sudo().get_param(key)


def build(env):
    """Chain-sized data, committed; skipped when the marker says it is there."""
    wanted = f"v{BUILD_VERSION}:{PRODUCTS}:{PACKAGES}:{SESSIONS}"
    built = _param(env, MARKER)
    if built == wanted:
        log(f"data already built ({built})")
        return
    if built:
        raise SystemExit(
            f"{env.cr.dbname} holds bench data of another size ({built}, wanted {wanted}): "
            "drop the database (dropdb) or use another BENCH_DB"
        )
    began = time.perf_counter()
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True,
                           mail_notrack=True, mail_create_nosubscribe=True))
    company = env.company
    company.halley_package_demand_reordering = True
    # No automatic scheduler run on each confirmation while building (see _drop_rfqs).
    env["ir.config_parameter"].sudo().set_param("stock.no_auto_scheduler", "1")
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    stock = warehouse.lot_stock_id
    fefo = env.ref("product_expiry.removal_fefo")
    buy = env.ref("purchase_stock.route_warehouse0_buy")
    vendor = env["res.partner"].create({"name": "Bench Medical Supplies", "email": "orders@bench-supplies.test"})
    category = env.ref("halley_aesthetics.product_category_consumable")
    rooms = env["stock.location"].create(
        [{"name": f"Bench room {i + 1}", "location_id": stock.id, "is_treatment_room": True,
          "removal_strategy_id": fefo.id} for i in range(ROOMS)]
    )
    # A practitioner per room: the booked sessions are spread so that no room,
    # practitioner or patient is booked twice at once (see the sessions below).
    practitioners = env["res.users"].with_context(no_reset_password=True).create(
        [{"name": f"Bench practitioner {i + 1}", "login": f"bench_practitioner_{i + 1}",
          "groups_id": [Command.set(env.ref("halley_aesthetics.group_practitioner").ids)]}
         for i in range(ROOMS)]
    )
    log(f"products: {PRODUCTS} clinic consumables and {PRODUCTS} plain twins")

    def product_vals(i, clinic):
        tracked = i % 3 == 0
        vals = {
            "name": f"{'Bench consumable' if clinic else 'Bench plain'} {i:03d}",
            "default_code": f"{'BC' if clinic else 'BP'}{i:03d}",
            "type": "consu", "is_storable": True, "tracking": "lot" if tracked else "none",
            "standard_price": 10 + i % 50, "route_ids": [Command.set(buy.ids)],
            "seller_ids": [Command.create({"partner_id": vendor.id, "price": 10 + i % 50, "delay": 7})],
        }
        if clinic:
            vals.update(clinic_role="consumable", categ_id=category.id)
        if tracked:
            vals.update(use_expiration_date=True, expiration_time=730, alert_time=30)
        return vals

    Product = env["product.product"]
    clinic = Product.create([product_vals(i, True) for i in range(PRODUCTS)])
    plain = Product.create([product_vals(i, False) for i in range(PRODUCTS)])
    expiry = datetime.now() + timedelta(days=400)
    # Stock in the warehouse (below each rule's minimum: the scheduler has to order),
    # and in room 1 what the measured sessions and deliveries take.
    stock_rows = []
    for products, prefix in ((clinic, "LC"), (plain, "LP")):
        lots = env["stock.lot"].create(
            [{"name": f"{prefix}-{p.default_code}", "product_id": p.id, "expiration_date": expiry}
             for p in products if p.tracking == "lot"]
        )
        lot_of = {lot.product_id.id: lot.id for lot in lots}
        for p in products:
            stock_rows.append((p, stock, lot_of.get(p.id), 20))
            if p in products[:PROTOCOL_SIZE]:  # protocol 1's components
                stock_rows.append((p, rooms[0], lot_of.get(p.id), 2000))
    env["stock.quant"].with_context(inventory_mode=True).create(
        [{"product_id": p.id, "location_id": loc.id, "lot_id": lot or False, "inventory_quantity": qty}
         for p, loc, lot, qty in stock_rows]
    ).action_apply_inventory()
    env["stock.warehouse.orderpoint"].create(
        [{"product_id": p.id, "warehouse_id": warehouse.id, "location_id": stock.id,
          "product_min_qty": 50, "product_max_qty": 200, "trigger": "auto"}
         for p in clinic | plain]
    )
    env.flush_all()
    log("protocols, patients, packages")
    protocols = env["mrp.bom"]
    for j in range(PRODUCTS // PROTOCOL_SIZE):
        treatment = Product.create(
            {"name": f"Bench treatment {j + 1:02d}", "type": "consu", "clinic_role": "treatment",
             "lst_price": 300 + 10 * j, "taxes_id": [Command.clear()]}
        )
        protocols |= env["mrp.bom"].create(
            {"product_tmpl_id": treatment.product_tmpl_id.id, "product_id": treatment.id, "type": "phantom",
             "is_treatment_protocol": True, "modality": "injectable",
             "bom_line_ids": [
                 Command.create({"product_id": clinic[PROTOCOL_SIZE * j + k].id, "product_qty": 1 + k % 3})
                 for k in range(PROTOCOL_SIZE)
             ]}
        )
    patients = env["res.partner"].create(
        [{"name": f"Bench patient {i:05d}", "is_patient": True, "email": f"patient{i:05d}@bench.test",
          "phone": f"+65 9{i:07d}"} for i in range(PATIENTS)]
    )
    courses = Product.create(
        [{"name": f"Bench course {p.product_id.name}", "type": "service", "clinic_role": "package",
          "lst_price": 1500, "taxes_id": [Command.clear()], "package_validity_months": 12,
          "package_line_ids": [Command.create({"protocol_id": p.id, "session_count": 6})]}
         for p in protocols]
    )
    today = fields.Date.context_today(env["res.partner"])

    def package_protocol(k):  # a tenth of the packages are of protocol 1 (measured Done)
        return 0 if k % 10 == 0 else 1 + k % (len(protocols) - 1)

    # Packages are created as posting their invoices would (same values, see
    # halley.patient.package._prepare_from_invoice_line), without 2,000 invoices.
    for chunk in range(0, PACKAGES, 500):
        env["halley.patient.package"].sudo().create(
            [{"company_id": company.id, "patient_id": patients[k].id,
              "product_id": courses[package_protocol(k)].id, "date_purchase": today,
              "date_valid_until": today + timedelta(days=365), "amount_total": 1500.0,
              "line_ids": [Command.create({"protocol_id": protocols[package_protocol(k)].id,
                                           "sessions_bought": 6})]}
             for k in range(chunk, min(chunk + 500, PACKAGES))]
        )
        env.flush_all()
    log(f"{SESSIONS} booked sessions and as many plain deliveries")
    assert SESSIONS <= ROOMS * BOOKED_DAYS * 9, "more sessions than the rooms' hours over 8 weeks"
    now = datetime.now().replace(minute=0, second=0, microsecond=0)
    customers = env.ref("stock.stock_location_customers")
    out_type = warehouse.out_type_id
    twin = dict(zip(clinic.ids, plain, strict=True))
    for chunk in range(0, SESSIONS, 250):
        vals, deliveries = [], []
        for s in range(chunk, min(chunk + 250, SESSIONS)):
            if s % 2 == 0 and s < PACKAGES:  # a package patient books her package's protocol
                patient, protocol = patients[s], protocols[package_protocol(s)]
            else:
                patient, protocol = patients[PACKAGES + s // 2], protocols[s % len(protocols)]
            # One hour a session: room and practitioner s // 2 % ROOMS, the hour t
            # (days 1 to 56, 9:00 to 18:00): every (room, hour) once, and the two
            # sessions that may share a patient (s = 2k, 2k + 1) on different days.
            t = 2 * (s // (2 * ROOMS)) + s % 2
            start = now + timedelta(days=1 + t % BOOKED_DAYS, hours=9 + t // BOOKED_DAYS - now.hour)
            room = rooms[s // 2 % ROOMS]
            vals.append({"patient_id": patient.id, "protocol_id": protocol.id, "room_id": room.id,
                         "practitioner_id": practitioners[s // 2 % ROOMS].id, "scheduled_start": start})
            deliveries.append(
                {"picking_type_id": out_type.id, "location_id": room.id, "location_dest_id": customers.id,
                 "partner_id": patient.id, "scheduled_date": start,
                 "move_ids": [Command.create(
                     {"name": twin[line.product_id.id].name, "product_id": twin[line.product_id.id].id,
                      "product_uom_qty": line.product_qty, "product_uom": line.product_uom_id.id,
                      "location_id": room.id, "location_dest_id": customers.id, "date": start})
                     for line in protocol.bom_line_ids]}
            )
        env["halley.treatment.session"].create(vals).action_confirm()
        env["stock.picking"].create(deliveries).action_confirm()
        env.flush_all()
        env.invalidate_all()
        log(f"  {chunk + len(vals)} / {SESSIONS}")
    env["ir.config_parameter"].sudo().set_param("stock.no_auto_scheduler", False)
    env["ir.config_parameter"].sudo().set_param(MARKER, wanted)
    env.cr.commit()
    log(f"built in {time.perf_counter() - began:.0f} s")


def _drop_rfqs(env):
    """The RFQs Odoo's scheduler made automatically (confirming a move runs the
    auto-triggered rules of its product) while the data was built: dropped, so the
    first scheduler line has RFQs to create."""
    orders = env["purchase.order"].search(
        [("partner_id.name", "=", "Bench Medical Supplies"), ("state", "in", ("draft", "sent"))]
    )
    if orders:
        log(f"dropping {len(orders)} RFQs the build's confirmations triggered")
        orders.button_cancel()
        orders.unlink()
        env.cr.commit()


def _bench_records(env):
    Product = env["product.product"]
    clinic = Product.search([("default_code", "=like", "BC%")], order="default_code")
    plain = Product.search([("default_code", "=like", "BP%")], order="default_code")
    protocols = env["mrp.bom"].search(
        [("is_treatment_protocol", "=", True), ("product_id.name", "=like", "Bench treatment %")],
        order="id",
    )
    rooms = env["stock.location"].search([("name", "=like", "Bench room %")], order="id")
    return clinic, plain, protocols, rooms


# A signed consent lets a session start. The bench records it as the signing
# does (as superuser: signature, signer, date), without rendering its PDF, which
# is the signing's work, not the sessions' measured here.
# Her signature is a drawing (the addon refuses a blank or a 1-pixel image).
_SIGNATURE = []


def _signature():
    if not _SIGNATURE:
        from odoo.addons.halley_aesthetics.images import (
            drawn_signature_png,  # noqa: PLC0415 (addons path set)
        )

        _SIGNATURE.append(drawn_signature_png())
    return _SIGNATURE[0]


def _new_session(env, patient, protocol, room, start):
    return env["halley.treatment.session"].create(
        {"patient_id": patient.id, "protocol_id": protocol.id, "room_id": room.id, "scheduled_start": start,
         "consent_ids": [Command.create({"procedure": True, "signature": _signature(), "signed_by_name": patient.name,
                                         "signed_on": start, "signed_channel": "clinic"})]}
    )


def build_recall(env):
    """BENCH_RECALL_N done sessions that used one lot: one done through the ORM,
    the others cloned from its rows in SQL. Tops up an earlier, smaller build."""
    have = int(_param(env, RECALL_MARKER) or 0)
    if have >= RECALL_N:
        return env["stock.lot"].search([("name", "=", "RJ-BENCH-RECALL")])
    clinic, _plain, protocols, rooms = _bench_records(env)
    cr = env.cr
    lot = env["stock.lot"].search([("name", "=", "RJ-BENCH-RECALL")])
    if not lot:
        # The lot first to expire in room 1, exactly what one session takes: the
        # template session uses it up, the measured sessions later take the other lot.
        protocol = protocols[0]
        vial = protocol.bom_line_ids[0]
        lot = env["stock.lot"].create(
            {"name": "RJ-BENCH-RECALL", "product_id": vial.product_id.id,
             "expiration_date": datetime.now() + timedelta(days=60)}
        )
        env["stock.quant"].with_context(inventory_mode=True).create(
            {"product_id": vial.product_id.id, "location_id": rooms[0].id, "lot_id": lot.id,
             "inventory_quantity": vial.product_qty}
        ).action_apply_inventory()
        patient = env["res.partner"].search([("email", "=like", "patient%@bench.test")], order="id desc", limit=1)
        # Yesterday evening, after the booked sessions' hours; its copies go back an hour each.
        evening = (datetime.now() - timedelta(days=1)).replace(hour=20, minute=0, second=0, microsecond=0)
        session = _new_session(env, patient, protocol, rooms[0], evening)
        session.action_confirm()
        session.action_start()
        session.action_done()
        assert lot in session.move_ids.move_line_ids.lot_id, "the template session did not use the lot"
        env.flush_all()
        # No aftercare email for the bench's patients (a cron would send it).
        cr.execute("UPDATE halley_treatment_session SET aftercare_state = 'sent' WHERE id = %s", [session.id])
        have = 1
    template = env["stock.move.line"].search(
        [("lot_id", "=", lot.id), ("move_id.treatment_session_id", "!=", False)], order="id", limit=1
    ).move_id.treatment_session_id
    missing = RECALL_N - have
    log(f"recall: cloning {missing} done sessions of lot {lot.name} in SQL")
    start = time.perf_counter()
    patient_ids = env["res.partner"].search([("email", "=like", "patient%@bench.test")]).ids
    _clone_sessions(cr, template, have + 1, RECALL_N, patient_ids)
    env["ir.config_parameter"].sudo().set_param(RECALL_MARKER, str(RECALL_N))
    cr.commit()
    for table in ("halley_treatment_session", "stock_picking", "stock_move", "stock_move_line"):
        cr.execute(f"ANALYZE {table}")  # fixed table names
    log(f"recall: cloned in {time.perf_counter() - start:.0f} s")
    env.invalidate_all()
    return lot


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id' "
        "ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def _clone_sessions(cr, session, first, last, patient_ids):
    """Copies of a done session numbered ``first``..``last``: session, transfer,
    moves and move lines, each pointing at its own copies; the patient varies and
    the dates go back an hour per copy (a session lasts an hour: one room and one
    practitioner are never booked twice at once). Foreign keys are checked row by row, so
    each table comes after those it points to."""
    cr.execute(
        """
        CREATE TEMP TABLE bench_s ON COMMIT DROP AS
        SELECT g, nextval(pg_get_serial_sequence('halley_treatment_session', 'id')) AS sid,
               nextval(pg_get_serial_sequence('stock_picking', 'id')) AS pid,
               (%(patients)s::int[])[1 + g %% %(n)s] AS patient,
               g * interval '1 hour' AS shift
          FROM generate_series(%(first)s, %(last)s) g;
        CREATE TEMP TABLE bench_m ON COMMIT DROP AS
        SELECT s.g, m.id AS old, nextval(pg_get_serial_sequence('stock_move', 'id')) AS new
          FROM bench_s s CROSS JOIN stock_move m WHERE m.picking_id = %(picking)s;
        CREATE TEMP TABLE bench_l ON COMMIT DROP AS
        SELECT s.g, l.id AS old, nextval(pg_get_serial_sequence('stock_move_line', 'id')) AS new
          FROM bench_s s CROSS JOIN stock_move_line l WHERE l.picking_id = %(picking)s;
        """,
        {"patients": patient_ids, "n": len(patient_ids), "first": first, "last": last,
         "picking": session.picking_id.id},
    )
    shifted = "t.{0} - s.shift"
    nulls = "NULL"
    plans = [
        ("halley_treatment_session", "bench_s s", "t.id = %(session)s", "s.sid", {
            "name": "t.name || '/B' || s.g", "picking_id": nulls, "patient_id": "s.patient",
            "scheduled_start": shifted, "scheduled_end": shifted, "date_done": shifted,
            "package_id": nulls, "package_redeemed": "false", "package_move_id": nulls,
            "package_sequence": "0", "followup_session_id": nulls, "previous_session_id": nulls,
            "aftercare_state": "'sent'", "aftercare_attachment_id": nulls, "return_picking_id": nulls,
        }),
        ("stock_picking", "bench_s s", "t.id = %(picking)s", "s.pid", {
            "name": "t.name || '/B' || s.g", "treatment_session_id": "s.sid", "partner_id": "s.patient",
            "scheduled_date": shifted, "date": shifted, "date_done": shifted, "date_deadline": shifted,
            "backorder_id": nulls, "message_main_attachment_id": nulls,
        }),
        ("stock_move", "bench_s s JOIN bench_m m ON m.g = s.g", "t.id = m.old", "m.new", {
            "picking_id": "s.pid", "treatment_session_id": "s.sid", "partner_id": "s.patient",
            "date": shifted, "date_deadline": shifted, "reference": "t.reference || '/B' || s.g",
            "origin_returned_move_id": nulls, "move_dest_id": nulls,
        }),
        ("stock_move_line", "bench_s s JOIN bench_l l ON l.g = s.g JOIN bench_m m ON m.g = s.g",
         "t.id = l.old AND m.old = t.move_id", "l.new", {
             "picking_id": "s.pid", "move_id": "m.new", "treatment_session_id": "s.sid", "date": shifted,
             "reference": "t.reference || '/B' || s.g",
         }),
    ]
    for table, source, where, new_id, overrides in plans:
        columns = _columns(cr, table)
        exprs = [overrides.get(c, "t.{0}").format(c) for c in columns]
        cr.execute(
            f"INSERT INTO {table} (id, {', '.join(columns)}) "  # names from the catalogue
            f"SELECT {new_id}, {', '.join(exprs)} FROM {table} t, {source} WHERE {where}",
            {"session": session.id, "picking": session.picking_id.id},
        )
        log(f"  {table}: {cr.rowcount} rows")
    # The session and its transfer point at each other: the session's link comes last.
    cr.execute(
        "UPDATE halley_treatment_session t SET picking_id = s.pid FROM bench_s s WHERE t.id = s.sid"
    )


# ---------------------------------------------------------------------- the work


def recall_first_screen(env, lot):
    """What the Lot recall screen does to show its first page: the form's onchange
    with the lot picked (lots found, patients and sessions counted), *Find
    patients* (the form saved with what it shows, counts included, as the web
    client sends it, then the button), then the patients list's first page and its
    count (as bench/bench_recall.py, which also measures the lot typed)."""
    Recall = env["halley.lot.recall"]
    spec = {name: {} for name in ("lot_id", "product_id", "lot_name", "message", "patient_count",
                                  "session_count", "subject", "body")}
    spec["lot_ids"] = {"fields": {"display_name": {}}}
    defaults = Recall.onchange({}, [], spec)["value"]
    picked = Recall.onchange({**defaults, "lot_id": lot.id}, ["lot_id"], spec)["value"]
    sent = {name: picked.get(name, defaults.get(name)) for name in ("patient_count", "session_count", "subject", "body")}
    saved = Recall.web_save({**sent, "lot_id": lot.id}, spec)
    action = Recall.browse(saved[0]["id"]).action_find_patients()
    Patients = env[action["res_model"]]
    view = env.ref("halley_aesthetics.halley_lot_recall_patient_view_list")
    return Patients.web_search_read(action["domain"], _list_spec(Patients, view), limit=PAGE, count_limit=10001)


def odoo_lot_moves_first_screen(env, lot):
    """Odoo's own look at where a lot went: Moves History filtered on the lot,
    first page and its count."""
    view = env.ref("stock.view_move_line_tree")
    spec = _list_spec(env["stock.move.line"], view)
    return env["stock.move.line"].web_search_read(
        [("lot_id", "=", lot.id), ("state", "=", "done")], spec, limit=PAGE, count_limit=100001
    )


def _field_spec(model, name):
    field = model._fields[name]
    if field.type in ("many2one", "many2many", "one2many"):
        return {"fields": {"display_name": {}}}
    return {}


def _list_spec(model, view, keep=lambda name: True):
    arch = etree.fromstring(model.get_views([(view.id, "list")])["views"]["list"]["arch"])
    names = [f.get("name") for f in arch.iterchildren("field")]
    return {n: _field_spec(model, n) for n in names if n in model._fields and keep(n)}


def _form_spec(model, view):
    arch = etree.fromstring(model.get_views([(view.id, "form")])["views"]["form"]["arch"])
    spec = {}
    for node in arch.iter("field"):
        if any(p.tag == "field" for p in node.iterancestors()):
            continue
        name = node.get("name")
        spec[name] = _field_spec(model, name)
        sub = node.find("list")
        if sub is not None:
            comodel = model.env[model._fields[name].comodel_name]
            spec[name] = {"fields": {f.get("name"): _field_spec(comodel, f.get("name"))
                                     for f in sub.iterchildren("field")}}
    return spec


def _peak_rss(pid):
    """The process's peak resident memory so far (VmHWM, reset by exec: unlike
    the child's rusage, it does not count the pages forked from this big process)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def install_times(conf):
    """Installing the addon vs installing its dependencies alone, in two fresh
    databases (dropped afterwards): wall time and peak resident memory of the
    process (read every 0.2 s)."""
    manifest = odoo.modules.module.get_manifest("halley_aesthetics")
    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    results = {}
    for key, modules in (("deps", ",".join(manifest["depends"])), ("addon", "halley_aesthetics")):
        db = f"bench_install_{key}"
        subprocess.run(["dropdb", "--if-exists", db], check=True)
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, odoo_bin, "-c", conf, "-d", db, "-i", modules, "--without-demo=all",
             "--stop-after-init", "--log-level=warn", "--max-cron-threads=0", "--http-port=8479"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _peak_rss(proc.pid))
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
        subprocess.run(["dropdb", "--if-exists", db], check=True)
        if proc.returncode:
            log(f"install of {modules} failed ({proc.returncode})")
            return None
        results[key] = (elapsed, peak)
        log(f"install {modules}: {elapsed:.0f} s")
    return results


# ---------------------------------------------------------------------- the table

ROWS = []


def row(work, ours, theirs, ratio, target, within):
    ROWS.append((work, ours, theirs, ratio, target, "within" if within else "**over**"))


def compare(work, ours, theirs, limit, queries_limit=None, per=1):
    time_ratio = ours.seconds / theirs.seconds
    query_ratio = ours.queries / theirs.queries if theirs.queries else float("inf")
    ratio = f"{time_ratio:.2f}x time, {query_ratio:.2f}x queries"
    target = f"<= {limit}x time" + (f", <= {queries_limit}x queries" if queries_limit else "")
    within = time_ratio <= limit and (queries_limit is None or query_ratio <= queries_limit)
    if per > 1:
        work += f" (per session: {ours.seconds / per * 1000:.0f} ms vs {theirs.seconds / per * 1000:.0f} ms)"
    row(work, str(ours), str(theirs), ratio, target, within)


def print_table():
    head = ("Work", "halley_aesthetics", "Odoo's own", "Ratio", "Target", "")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for line in ROWS:
        print("| " + " | ".join(line) + " |")


# ---------------------------------------------------------------------- main


def main():
    conf = os.environ["HALLEY_ODOO_CONF"]
    db = os.environ.get("BENCH_DB", "halley_bench")
    odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        # Nothing leaves the machine: stock_sms would text the patient (over IAP)
        # when a transfer to her is done, a session's consumption transfer included.
        env.company.stock_move_sms_validation = False
        build(env)
        lot = build_recall(env)
        _drop_rfqs(env)
        cr.commit()
    # The planner's statistics, as autovacuum keeps them on a live database: without
    # them, tables filled in bulk look empty and joins run as nested loops.
    with registry.cursor() as cr:
        cr.execute("ANALYZE")
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        try:
            run(env, lot.with_env(env))
        finally:
            cr.rollback()
    if os.environ.get("BENCH_INSTALL", "1") != "0":
        installs = install_times(conf)
        if installs:
            (ours, ours_rss), (theirs, theirs_rss) = installs["addon"], installs["deps"]
            row("Install: halley_aesthetics vs its dependencies alone (fresh DBs, no demo)",
                f"{ours:.0f} s, {ours_rss / MIB:.0f} MiB RSS", f"{theirs:.0f} s, {theirs_rss / MIB:.0f} MiB RSS",
                f"{ours / theirs:.2f}x time", "<= 1.15x time", ours / theirs <= 1.15)
    print()
    print(f"Chain-scale bench on {db}: {PRODUCTS} rules of each kind, {PACKAGES} packages, "
          f"{SESSIONS} booked sessions, recall of {RECALL_N:,} sessions; "
          f"{datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs")
    print()
    print_table()
    return 0


def run(env, lot):
    clinic, plain, protocols, rooms = _bench_records(env)
    company = env.company
    Orderpoint = env["stock.warehouse.orderpoint"]
    clinic_ops = Orderpoint.search([("product_id", "in", clinic.ids)])
    plain_ops = Orderpoint.search([("product_id", "in", plain.ids)])

    # Scheduler: its first task (the rules) on each set; its other tasks (reserving
    # moves, merging quants) do not depend on the rules and are the same code.
    def scheduler(orderpoints):
        def work():
            orderpoints.sudo()._procure_orderpoint_confirm(
                use_new_cursor=False, company_id=company.id, raise_user_error=False
            )
        return work

    if wanted("scheduler"):
        log("scheduler, RFQs to create")
        ours, theirs = measure_pair(env, scheduler(clinic_ops), scheduler(plain_ops))
        rfqs = env["purchase.order.line"].search_count([("product_id", "in", clinic.ids)])
        assert rfqs == 0, "a measurement left RFQ lines behind"
        compare(f"Scheduler, {len(clinic_ops)} rules, RFQs to create", ours, theirs, 1.2)
        log("scheduler, steady state")
        ours, theirs = measure_pair(env, scheduler(clinic_ops), scheduler(plain_ops),
                                    prepare=(scheduler(clinic_ops), scheduler(plain_ops)))
        compare(f"Scheduler, {len(clinic_ops)} rules, steady state (nothing to order)", ours, theirs, 1.2)
    if wanted("replenishment"):
        replenishment_lines(env, clinic, plain, clinic_ops)
    if wanted("recall"):
        recall_line(env, lot)
    if wanted("done"):
        done_lines(env, protocols, rooms)
    if wanted("counter"):
        from bench_counter import run_counter  # noqa: PLC0415 (next to this file)

        run_counter(env, measure_pair, compare, log, _new_session, _signature(), protocols[0], rooms[0])


def replenishment_lines(env, clinic, plain, clinic_ops):
    Orderpoint = env["stock.warehouse.orderpoint"]
    log("replenishment list")
    view = env.ref("stock.view_warehouse_orderpoint_tree_editable")
    full_spec = _list_spec(Orderpoint, view)
    core_spec = _list_spec(Orderpoint, view, keep=lambda name: not name.startswith("halley_"))

    def replenishment(products, spec, limit):
        def work():
            action = Orderpoint.with_context(search_default_filter_to_reorder=True).action_open_orderpoints()
            Orderpoint.with_context(**dict(action.get("context") or {})).web_search_read(
                [("product_id", "in", products.ids)], spec, limit=limit, count_limit=10001
            )
        return work

    ours, theirs = measure_pair(env, replenishment(clinic, full_spec, PAGE), replenishment(plain, core_spec, PAGE))
    compare(f"Replenishment: open, first page of {PAGE} (clinic columns vs core)", ours, theirs, 1.2)

    def columns(products):
        def work():
            Orderpoint.web_search_read([("product_id", "in", products.ids)], core_spec, limit=None)
        return work

    ours, theirs = measure_pair(env, columns(clinic), columns(plain))
    compare(f"Replenishment: core columns of all {len(clinic_ops)} rules", ours, theirs, 1.2)

    # As the clinic's menu opens it (its own action and list view, no
    # action_open_orderpoints), against Odoo's own list view read the same way on the
    # same rules.
    clinic_action = env.ref("halley_aesthetics.stock_warehouse_orderpoint_action_halley")
    clinic_view = clinic_action.view_id
    clinic_spec = _list_spec(Orderpoint, clinic_view)
    clinic_domain = safe_eval(clinic_action.domain or "[]")
    clinic_context = safe_eval(clinic_action.context or "{}")

    def menu_page(view_spec):
        def work():
            Orderpoint.with_context(**clinic_context).web_search_read(
                clinic_domain + [("product_id", "in", clinic.ids)], view_spec, limit=PAGE, count_limit=10001
            )
        return work

    ours, theirs = measure_pair(env, menu_page(clinic_spec), menu_page(core_spec))
    compare(f"Replenishment as the clinic menu opens it, first page of {PAGE} (Odoo's list, same rules)",
            ours, theirs, 1.2)


def recall_line(env, lot):
    log("lot recall")
    ours = measure(env, lambda: recall_first_screen(env, lot), trace_within=60)
    theirs = measure(env, lambda: odoo_lot_moves_first_screen(env, lot))
    sessions = int(_param(env, RECALL_MARKER) or 0)
    row(f"Lot recall first screen, {sessions:,} sessions (Odoo: Moves History of the lot, page 1)",
        str(ours), str(theirs), f"{ours.seconds / theirs.seconds:.2f}x time",
        "< 1 s, < 100 MiB", ours.seconds < 1 and ours.peak is not None and ours.peak < 100 * MIB)


def done_lines(env, protocols, rooms):
    company = env.company
    log(f"Done: {BATCH_N + 1} sessions with a package and as many deliveries")
    sessions, pickings = _done_setup(env, protocols[0], rooms[0])
    journal = company._halley_get_package_journal()
    deferred = company._halley_get_deferred_account(raise_if_missing=True)
    income = company._halley_get_package_income_account(protocols[0].product_id, raise_if_missing=True)
    share = 250.0

    def entries(batch):
        Move = env["account.move"]
        moves = Move.create([
            {"move_type": "entry", "journal_id": journal.id, "date": fields.Date.context_today(Move),
             "ref": picking.name, "line_ids": [
                 Command.create({"account_id": deferred.id, "balance": share, "partner_id": picking.partner_id.id,
                                 "name": picking.name}),
                 Command.create({"account_id": income.id, "balance": -share, "partner_id": picking.partner_id.id,
                                 "name": picking.name})]}
            for picking in batch
        ])
        moves._post(soft=False)

    def deliver(batch):
        def work():
            batch.move_ids.picked = True
            res = batch.button_validate()
            assert res is True, res
            entries(batch)
        return work

    def done(batch):
        def work():
            res = batch.action_done()
            assert res is True, res
            assert set(batch.mapped("state")) == {"done"} and all(batch.mapped("package_redeemed"))
        return work

    ours, theirs = measure_pair(env, done(sessions[:1]), deliver(pickings[:1]))
    compare("Done of one session with a package (Odoo: validate the delivery, post a revenue entry)",
            ours, theirs, 1.15, 1.10)
    ours, theirs = measure_pair(env, done(sessions[1:]), deliver(pickings[1:]))
    compare(f"{BATCH_N} sessions done in one call (Odoo: {BATCH_N} deliveries in one call, "
            f"{BATCH_N} entries posted together)", ours, theirs, 1.15, per=BATCH_N)
    log(f"Done of a charted session: {CHART_POINTS} points over two lots")
    charted, charted_picking = _charted_setup(env, protocols[0], rooms[0])
    ours, theirs = measure_pair(env, done(charted), deliver(charted_picking))
    compare(f"Done of a charted session, {CHART_POINTS} points over two lots (Odoo: validate the delivery of "
            "the same lots, post a revenue entry)", ours, theirs, 1.15, 1.10)


def _charted_setup(env, protocol, room):
    """A started session of a package patient whose chart holds CHART_POINTS points
    of the protocol's first lot-tracked component over two lots (the chart's
    totals become its move's lot lines), and a reserved delivery of the same
    quantities from the same lots (Odoo's equivalent). Rolled back with the run."""
    product = protocol.bom_line_ids.product_id.filtered(lambda p: p.tracking == "lot")[:1]
    assert product, "the bench's first protocol has no lot-tracked component"
    product.product_tmpl_id.write(
        {"halley_charted": True, "halley_dose_uom_id": product.uom_id.id, "halley_dose_per_unit": 1.0}
    )
    first = env["stock.lot"].search([("product_id", "=", product.id)], order="id", limit=1)
    second = env["stock.lot"].create(
        {"name": f"{first.name}-B", "product_id": product.id, "expiration_date": first.expiration_date}
    )
    env["stock.quant"].with_context(inventory_mode=True).create(
        {"product_id": product.id, "location_id": room.id, "lot_id": second.id, "inventory_quantity": 2000}
    ).action_apply_inventory()
    patient = env["halley.patient.package"].search(
        [("line_ids.protocol_id", "=", protocol.id), ("state", "=", "active")], order="id",
        offset=BATCH_N + 1, limit=1,
    ).patient_id
    assert patient, "no package patient left for the charted Done line: BENCH_PACKAGES of 1,020 or more"
    # After the Done lines' sessions, in the same evenings' hours (never two at once).
    evening = datetime.now().replace(hour=18, minute=0, second=0, microsecond=0)
    session = _new_session(env, patient, protocol, room, evening + timedelta(days=(BATCH_N + 1) // 6 + 2))
    session.action_confirm()
    session.action_start()
    zones = env["halley.chart.zone"].search([("diagram", "=", "front")], order="sequence, id")
    points = []
    for i in range(CHART_POINTS):
        zone = zones[i % len(zones)]
        x, y = (float(c) for c in zone.shape.split()[0].split(","))
        points.append({"session_id": session.id, "zone_id": zone.id, "x": x + 4, "y": y + 4,
                       "product_id": product.id, "lot_id": (first, second)[i % 2].id, "quantity": 0.1,
                       "depth": "subdermal", "device": "needle", "gauge": "32g"})
    env["halley.session.injection"].create(points)
    session.deviation_reason = "Charted over two lots"
    lines = session.move_ids.move_line_ids
    assert set(lines.filtered(lambda ml: ml.product_id == product).lot_id.ids) == {first.id, second.id}, (
        "the chart's lots are not its move's lines"
    )
    customers = env.ref("stock.stock_location_customers")
    out_type = room.warehouse_id.out_type_id
    picking = env["stock.picking"].create(
        {"picking_type_id": out_type.id, "location_id": room.id, "location_dest_id": customers.id,
         "partner_id": patient.id,
         "move_ids": [Command.create({"name": move.product_id.name, "product_id": move.product_id.id,
                                      "product_uom_qty": move.quantity, "product_uom": move.product_uom.id,
                                      "location_id": room.id, "location_dest_id": customers.id})
                      for move in session.move_ids]}
    )
    picking.action_confirm()
    picking.action_assign()
    # The same lots as the session's lines (Odoo's reservation picks one lot).
    for move, ours in zip(picking.move_ids, session.move_ids, strict=True):
        if move.has_tracking != "none":
            move.move_line_ids.unlink()
            move.write({"move_line_ids": [
                Command.create({"product_id": line.product_id.id, "lot_id": line.lot_id.id,
                                "quantity": line.quantity, "product_uom_id": line.product_uom_id.id,
                                "location_id": line.location_id.id, "location_dest_id": customers.id})
                for line in ours.move_line_ids]})
    assert picking.state == "assigned", picking.state
    env.flush_all()
    return session, picking


def _done_setup(env, protocol, room):
    """BATCH_N + 1 started sessions of patients whose package covers the protocol,
    and as many reserved deliveries of the same components from the same room."""
    patients = env["halley.patient.package"].search(
        [("line_ids.protocol_id", "=", protocol.id), ("state", "=", "active")], limit=BATCH_N + 1
    ).patient_id
    assert len(patients) == BATCH_N + 1, (
        f"not enough package patients for the Done lines ({len(patients)}): BENCH_PACKAGES of 1,010 or more"
    )
    # One an hour in the room, in the evenings (18:00 to midnight) from today on:
    # after the booked sessions' hours, never two at once.
    evening = datetime.now().replace(hour=18, minute=0, second=0, microsecond=0)
    sessions = env["halley.treatment.session"]
    for i, patient in enumerate(patients):
        start = evening + timedelta(days=i // 6, hours=i % 6)
        sessions |= _new_session(env, patient, protocol, room, start)
    assert all(sessions.mapped("package_id")), "a measured session found no package"
    sessions.action_confirm()
    sessions.action_start()
    customers = env.ref("stock.stock_location_customers")
    out_type = room.warehouse_id.out_type_id
    pickings = env["stock.picking"].create([
        {"picking_type_id": out_type.id, "location_id": room.id, "location_dest_id": customers.id,
         "partner_id": patient.id,
         "move_ids": [Command.create({"name": line.product_id.name, "product_id": line.product_id.id,
                                      "product_uom_qty": line.product_qty, "product_uom": line.product_uom_id.id,
                                      "location_id": room.id, "location_dest_id": customers.id})
                      for line in protocol.bom_line_ids]}
        for patient in patients
    ])
    pickings.action_confirm()
    pickings.action_assign()
    assert set(pickings.mapped("state")) == {"assigned"}, pickings.mapped("state")
    env.flush_all()
    return sessions, pickings


if __name__ == "__main__":
    sys.exit(main())
