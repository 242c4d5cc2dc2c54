"""Benchmark: completing treatment sessions against Odoo's own equivalent.

Odoo's equivalent of completing a session is validating a delivery of the same
components, lots reserved, from the same room. Both run here on the same data, in
one transaction that is rolled back, and the script prints per-operation time,
SQL queries and peak Python memory, and the ratios session / Odoo.

    make bench                # N=20 operations of each kind
    BENCH_N=50 make bench

It runs against the database BENCH_DB (default halley_bench), installing the addon
there without demo data when it is missing.
"""

import os
import sys
import time
import tracemalloc
from datetime import datetime, timedelta

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry

N = int(os.environ.get("BENCH_N", "20"))


def _queries():
    return odoo.sql_db.sql_counter


def _measure(func):
    tracemalloc.start()
    start_q = _queries()
    start = time.perf_counter()
    func()
    elapsed = time.perf_counter() - start
    queries = _queries() - start_q
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, queries, peak


def _clinic(env):
    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    room = env["stock.location"].create(
        {"name": "Bench room", "location_id": warehouse.lot_stock_id.id, "is_treatment_room": True,
         "removal_strategy_id": env.ref("product_expiry.removal_fefo").id}
    )
    products = env["product.product"].create(
        [
            {"name": f"Bench component {i}", "is_storable": True, "clinic_role": "consumable",
             "tracking": "lot" if i < 2 else "none", "use_expiration_date": i < 2}
            for i in range(5)
        ]
    )
    quants = []
    for product in products:
        lot = False
        if product.tracking == "lot":
            lot = env["stock.lot"].create(
                {"name": f"BENCH-{product.id}", "product_id": product.id,
                 "expiration_date": datetime.now() + timedelta(days=365)}
            ).id
        quants.append({"product_id": product.id, "location_id": room.id, "lot_id": lot,
                       "inventory_quantity": 10 * N * 3})
    env["stock.quant"].with_context(inventory_mode=True).create(quants).action_apply_inventory()
    treatment = env["product.product"].create({"name": "Bench treatment", "type": "consu"})
    protocol = env["mrp.bom"].create(
        {
            "product_tmpl_id": treatment.product_tmpl_id.id, "product_id": treatment.id,
            "type": "phantom", "is_treatment_protocol": True,
            "bom_line_ids": [Command.create({"product_id": p.id, "product_qty": 1}) for p in products],
        }
    )
    patient = env["res.partner"].create({"name": "Bench patient", "is_patient": True})
    return warehouse, room, products, protocol, patient


def main():
    conf = os.environ["HALLEY_ODOO_CONF"]
    db = os.environ.get("BENCH_DB", "halley_bench")
    odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        warehouse, room, products, protocol, patient = _clinic(env)

        sessions = env["halley.treatment.session"].create(
            [{"patient_id": patient.id, "protocol_id": protocol.id, "room_id": room.id,
              "consent_ids": [Command.create({"procedure": True})]} for _ in range(N)]
        )
        sessions.action_confirm()
        sessions.action_start()
        env.flush_all()

        out_type = warehouse.out_type_id
        pickings = env["stock.picking"].create(
            [
                {
                    "picking_type_id": out_type.id, "location_id": room.id,
                    "location_dest_id": env.ref("stock.stock_location_customers").id,
                    "partner_id": patient.id,
                    "move_ids": [
                        Command.create({"name": p.name, "product_id": p.id, "product_uom_qty": 1,
                                        "product_uom": p.uom_id.id, "location_id": room.id,
                                        "location_dest_id": env.ref("stock.stock_location_customers").id})
                        for p in products
                    ],
                }
                for _ in range(N)
            ]
        )
        pickings.action_confirm()
        pickings.action_assign()
        env.flush_all()

        def complete_sessions():
            for session in sessions:
                session.action_done()
            env.flush_all()

        def validate_deliveries():
            for picking in pickings:
                picking.move_ids.picked = True
                picking.button_validate()
            env.flush_all()

        odoo_time, odoo_q, odoo_mem = _measure(validate_deliveries)
        ours_time, ours_q, ours_mem = _measure(complete_sessions)
        assert set(sessions.mapped("state")) == {"done"}, sessions.mapped("state")
        assert set(pickings.mapped("state")) == {"done"}, pickings.mapped("state")
        cr.rollback()

    def row(label, ours, theirs, unit, fmt):
        print(f"{label:<24}{fmt(ours / N):>14}{fmt(theirs / N):>14}{ours / theirs:>9.2f}x  {unit}")

    print(f"{N} operations of each kind, 5 components (2 lot-tracked), per operation:")
    print(f"{'':<24}{'session done':>14}{'Odoo delivery':>14}{'ratio':>10}")
    row("time", ours_time * 1000, odoo_time * 1000, "ms", lambda v: f"{v:.1f}")
    row("SQL queries", ours_q, odoo_q, "queries", lambda v: f"{v:.1f}")
    print(f"{'peak Python memory':<24}{ours_mem / 1024:>14.0f}{odoo_mem / 1024:>14.0f}"
          f"{ours_mem / odoo_mem:>9.2f}x  KiB (whole batch)")
    print("The session also redeems packages, writes its chatter log, marks its aftercare sheet "
          "for the cron and proposes a follow-up; the delivery only moves stock.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
