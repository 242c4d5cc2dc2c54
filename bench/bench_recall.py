"""Benchmark: the first screen of a lot recall for a lot used by many sessions.

    RECALL_BENCH_N=100000 scripts/bench_recall.sh

Runs against RECALL_BENCH_DB (default halley_recall_bench), installed with the demo
clinic. The first run copies the demo's completed session of Grace Lim (lot RJ24A017)
into RECALL_BENCH_N completed sessions of as many patients, in SQL (session, its
consumption move and its done move line of the lot), and commits them: the database
is a throwaway. Then, as admin (a clinic manager), it measures what the web client
does for the first screen, the lot typed and the lot picked: the form's onchange (the
lots found, patients and sessions counted), *Find patients* and the list's first page
(80 rows, with its count), and prints time, SQL queries and peak Python memory of
each step.
"""

import os
import sys
import time
import tracemalloc

import odoo
from odoo import api
from odoo.modules.registry import Registry

N = int(os.environ.get("RECALL_BENCH_N", "100000"))
LIST_SPEC = {
    name: {"fields": {"display_name": {}}} if name in ("patient_id", "practitioner_id", "lot_id") else {}
    for name in ("patient_id", "email", "phone", "session_count", "first_date", "last_date", "practitioner_id",
                 "lot_id", "quantity")
}


def _copy(cr, table, template_id, n, overrides):
    """``n`` copies of a row (generate_series ``g`` = 1..n), columns overridden by SQL
    expressions; return the first id (the ids are consecutive)."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'", [table]
    )
    columns = [c for (c,) in cr.fetchall()]
    select = ", ".join(overrides.get(c, f't."{c}"') for c in columns)
    cr.execute(
        f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) '  # noqa: S608
        f"SELECT {select} FROM \"{table}\" t, generate_series(1, %s) g WHERE t.id = %s ORDER BY g RETURNING id",
        [n, template_id],
    )
    ids = [i for (i,) in cr.fetchall()]
    assert ids == list(range(ids[0], ids[0] + n)), f"{table}: ids not consecutive"
    return ids[0]


def _populate(env):
    cr = env.cr
    session = env.ref("halley_aesthetics.session_grace_1_demo")
    lot = env.ref("halley_aesthetics.lot_rejuran_a_demo")
    line = session.move_ids.move_line_ids.filtered(lambda ml: ml.lot_id == lot)[:1]
    assert session.state == "done" and line, "the demo's completed session with lot RJ24A017"
    cr.execute("SELECT count(*) FROM stock_move_line WHERE lot_id = %s", [lot.id])
    if cr.fetchone()[0] >= N:
        return lot
    print(f"[bench] copying the demo session into {N} sessions of {N} patients", file=sys.stderr)
    patient0 = _copy(cr, "res_partner", session.patient_id.id, N, {
        "name": "'Bench patient ' || g", "complete_name": "'Bench patient ' || g",
        "email": "'bench' || g || '@example.com'", "commercial_partner_id": "NULL",
    })
    session0 = _copy(cr, "halley_treatment_session", session.id, N, {
        "name": "t.name || '-' || g", "patient_id": f"{patient0} + g - 1",
        # An hour apart, in the demo session's room with its practitioner: never two at once.
        "scheduled_start": "t.scheduled_start - g * interval '1 hour'",
        "scheduled_end": "t.scheduled_end - g * interval '1 hour'", "picking_id": "NULL",
    })
    move0 = _copy(cr, "stock_move", line.move_id.id, N, {"treatment_session_id": f"{session0} + g - 1",
                                                          "picking_id": "NULL"})
    _copy(cr, "stock_move_line", line.id, N, {"move_id": f"{move0} + g - 1", "picking_id": "NULL",
                                              "treatment_session_id": f"{session0} + g - 1"})
    cr.execute("ANALYZE res_partner, halley_treatment_session, stock_move, stock_move_line")
    cr.commit()
    return lot


def _measure(label, func):
    env_cr_counter = odoo.sql_db.sql_counter
    tracemalloc.start()
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<34} {elapsed * 1000:>9.0f} ms {odoo.sql_db.sql_counter - env_cr_counter:>6} queries "
          f"{peak / 2**20:>8.1f} MiB  {result}")
    return elapsed


def main():
    odoo.tools.config.parse_config(["-c", os.environ["HALLEY_ODOO_CONF"]])
    registry = Registry(os.environ.get("RECALL_BENCH_DB", "halley_recall_bench"))
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        lot = _populate(env)
        admin = env.ref("base.user_admin")
        env = env(user=admin.id, context={"allowed_company_ids": admin.company_ids.ids})
        Recall = env["halley.lot.recall"]
        spec = {name: {} for name in ("lot_id", "product_id", "lot_name", "message", "patient_count",
                                      "session_count", "subject", "body")}
        spec["lot_ids"] = {"fields": {"display_name": {}}}
        defaults = Recall.onchange({}, [], spec)["value"]
        print(f"lot {lot.name}: {N} sessions")
        for label, change in (("typed", {"lot_name": lot.name}), ("picked", {"lot_id": lot.id})):
            env.invalidate_all()
            state = {}

            def form(change=change):
                value = state["form"] = Recall.onchange({**defaults, **change}, list(change), spec)["value"]
                return f"{value['patient_count']} patients, {value['session_count']} sessions"

            def find_patients(change=change):
                # The form saved as the web client sends it (the counts it shows
                # included: kept, not counted again), then the button.
                sent = {name: state["form"].get(name, defaults.get(name))
                        for name in ("patient_count", "session_count", "subject", "body")}
                saved = Recall.web_save({**sent, **change}, spec)
                state["action"] = Recall.browse(saved[0]["id"]).action_find_patients()
                return state["action"]["res_model"]

            def first_page():
                action = state["action"]
                page = env[action["res_model"]].web_search_read(action["domain"], LIST_SPEC, limit=80,
                                                                count_limit=10001)
                return f"{len(page['records'])} rows, length {page['length']}"

            total = 0
            for step, func in ((f"lot {label}: form (onchange)", form), ("  Find patients", find_patients),
                               ("  list, first page and count", first_page)):
                total += _measure(step, func)
            print(f"{'  first screen':<34} {total * 1000:>9.0f} ms")
        cr.rollback()


if __name__ == "__main__":
    main()
