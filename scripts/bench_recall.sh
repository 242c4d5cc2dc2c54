#!/usr/bin/env bash
# The first screen of a lot recall for a lot used by RECALL_BENCH_N sessions (bench/bench_recall.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$ROOT/scripts/setup.sh")"
RECALL_BENCH_DB="${RECALL_BENCH_DB:-halley_recall_bench}"
# shellcheck source=scripts/bench_db.sh
. "$ROOT/scripts/bench_db.sh"
ensure_installed "$RECALL_BENCH_DB" "with its demo clinic"
cd "$ROOT"
HALLEY_ODOO_CONF="$CONF" RECALL_BENCH_DB="$RECALL_BENCH_DB" "$VENV/bin/python" bench/bench_recall.py
