#!/usr/bin/env bash
# `make bench`: session completion against Odoo's own delivery validation (ratios).
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
HALLEY_ODOO_CONF="$CONF" BENCH_DB="$BENCH_DB" "$VENV/bin/python" bench/bench_session_done.py
