#!/usr/bin/env bash
# `make bench`: the addon at chain scale against Odoo's own on the same data (bench/bench_chain.py).
# Builds its data once in BENCH_DB (default halley_bench; the addon installed without demo
# data when missing). Overrides: BENCH_DB BENCH_RECALL_N BENCH_INSTALL (0: skip the install line)
# BENCH_PRODUCTS BENCH_PACKAGES BENCH_SESSIONS (see README.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$ROOT/scripts/setup.sh")"
BENCH_DB="${BENCH_DB:-halley_bench}"
state="$(psql -d "$BENCH_DB" -Atc "select state from ir_module_module where name = 'halley_aesthetics'" 2>/dev/null || true)"
if [ "$state" != "installed" ]; then
    echo "[bench] installing halley_aesthetics (no demo data) into $BENCH_DB" >&2
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$BENCH_DB" -i halley_aesthetics \
        --without-demo=all --stop-after-init --log-level=warn
fi
cd "$ROOT"
HALLEY_ODOO_CONF="$CONF" BENCH_DB="$BENCH_DB" "$VENV/bin/python" bench/bench_chain.py
