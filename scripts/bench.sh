#!/usr/bin/env bash
# `make bench`: the addon at chain scale against Odoo's own on the same data (bench/bench_chain.py).
# Builds its data once in BENCH_DB (default halley_bench; the addon installed without demo
# data when missing). Overrides: BENCH_DB BENCH_RECALL_N BENCH_INSTALL (0: skip the install line)
# BENCH_PRODUCTS BENCH_PACKAGES BENCH_SESSIONS (see docs/development.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$ROOT/scripts/setup.sh")"
BENCH_DB="${BENCH_DB:-halley_bench}"
# shellcheck source=scripts/bench_db.sh
. "$ROOT/scripts/bench_db.sh"
ensure_installed "$BENCH_DB" "no demo data" --without-demo=all
cd "$ROOT"
HALLEY_ODOO_CONF="$CONF" BENCH_DB="$BENCH_DB" "$VENV/bin/python" bench/bench_chain.py
