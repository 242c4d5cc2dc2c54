#!/usr/bin/env bash
# `make loadtest`: treatment sessions under load, over XML-RPC, against a local
# Odoo with workers; prints throughput and p50/p95 per action, then proves that
# stock, packages, quants and the server log are right (bench/loadtest.py).
# Overrides: LOADTEST_DB (halley_loadtest, dropped and recreated) LOADTEST_PORT (8269)
#            LOADTEST_CLIENTS (8) LOADTEST_SESSIONS (25) LOADTEST_WORKERS (4)
#            LOADTEST_TIMEOUT (600 s) LOADTEST_DOUBLE_DONE (5; 0: no double Done)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$ROOT/scripts/setup.sh")"
export LOADTEST_DB="${LOADTEST_DB:-halley_loadtest}"
export LOADTEST_PORT="${LOADTEST_PORT:-8269}"
export LOADTEST_OUT="$ROOT/.build/loadtest"
mkdir -p "$LOADTEST_OUT"
PID_FILE="$LOADTEST_OUT/server.pid"

# The Python side stops the server itself; should it die before it could, stop
# the server it recorded (that process only, and only if it is our Odoo).
stop_server() {
    local pid
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--http-port $LOADTEST_PORT"; then
        echo "[loadtest] stopping the Odoo server $pid" >&2
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PID_FILE"
}
trap stop_server EXIT
stop_server

echo "[loadtest] installing halley_aesthetics (no demo data) into a new database $LOADTEST_DB" >&2
dropdb --if-exists "$LOADTEST_DB" >/dev/null
rm -f "$LOADTEST_OUT/install.log"  # Odoo appends to its log file
start=$SECONDS
if ! "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$LOADTEST_DB" -i halley_aesthetics \
        --without-demo=all --stop-after-init --log-level=warn --logfile "$LOADTEST_OUT/install.log" \
        >"$LOADTEST_OUT/install-console.log" 2>&1; then
    echo "[loadtest] the installation failed: see $LOADTEST_OUT/install.log and install-console.log" >&2
    exit 1
fi
echo "[loadtest] installed in $((SECONDS - start)) s" >&2

cd "$ROOT"
HALLEY_ODOO_CONF="$CONF" HALLEY_ODOO_BIN="$ODOO_SRC/odoo-bin" HALLEY_PYTHON="$VENV/bin/python" \
    "$VENV/bin/python" bench/loadtest.py
