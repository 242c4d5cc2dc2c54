#!/usr/bin/env bash
# The first screen of a lot recall for a lot used by RECALL_BENCH_N sessions (bench/bench_recall.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$ROOT/scripts/setup.sh")"
RECALL_BENCH_DB="${RECALL_BENCH_DB:-halley_recall_bench}"
state="$(psql -d "$RECALL_BENCH_DB" -Atc "select state from ir_module_module where name = 'halley_aesthetics'" 2>/dev/null || true)"
if [ "$state" != "installed" ]; then
    echo "[bench] installing halley_aesthetics with its demo clinic into $RECALL_BENCH_DB" >&2
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$RECALL_BENCH_DB" -i halley_aesthetics \
        --stop-after-init --log-level=warn
fi
cd "$ROOT"
HALLEY_ODOO_CONF="$CONF" RECALL_BENCH_DB="$RECALL_BENCH_DB" "$VENV/bin/python" bench/bench_recall.py
