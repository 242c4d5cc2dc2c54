#!/usr/bin/env bash
# `make test`: set up; install the addon into a throwaway database with Odoo's own
# test runner (at_install and post_install tests, browser tours included); then run
# the pytest suite of tests/ against that database. Fails on any failing test and
# on any WARNING, ERROR or CRITICAL line in Odoo's log. Ends with "N passed, M failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$ROOT/scripts/setup.sh")" || exit 1
cd "$ROOT"

DB="${TEST_DB:-halley_test_$$}"
TEST_HTTP_PORT="${TEST_HTTP_PORT:-8169}"
LOG_DIR="$ROOT/.build/test-logs"
mkdir -p "$LOG_DIR"
ODOO_LOG="$LOG_DIR/odoo.log"
PYTEST_LOG="$LOG_DIR/pytest.log"
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup

status=0
# check_clean_log FILE LABEL: fail the run on any WARNING/ERROR/CRITICAL line of
# Odoo's in FILE, printing them and the context of the first one.
check_clean_log() {
    local bad first
    bad="$(grep -nE "^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) " "$1" || true)"
    [ -z "$bad" ] && return 0
    echo "[test] $2 has WARNING/ERROR/CRITICAL lines:" >&2
    echo "$bad" | head -50 >&2
    echo "[test] context of the first one:" >&2
    first="$(echo "$bad" | head -1 | cut -d: -f1)"
    sed -n "${first},$((first + 40))p" "$1" >&2
    status=1
}
echo "[test] lint (ruff)"
if ! "$VENV/bin/ruff" check --quiet halley_aesthetics tests; then
    echo "[test] ruff found problems" >&2
    status=1
fi
echo "[test] lint (pylint-odoo)"
if ! "$VENV/bin/pylint" --rcfile=.pylintrc halley_aesthetics tests; then
    echo "[test] pylint-odoo found problems" >&2
    status=1
fi

echo "[test] Odoo: installing halley_aesthetics in $DB with --test-enable (log: $ODOO_LOG)"
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$DB" -i halley_aesthetics \
    --test-enable --test-tags /halley_aesthetics --stop-after-init --log-level=test \
    --http-port "$TEST_HTTP_PORT" --db-filter "^${DB}\$" >"$ODOO_LOG" 2>&1
odoo_rc=$?
grep -E "odoo\.tests\.(stats|result)|(Starting|FAIL:|ERROR:) Test" "$ODOO_LOG" | sed -E 's/^[0-9-]+ [0-9:,]+ [0-9]+ //' | grep -v "Starting" || true

result_line="$(grep -E "odoo\.tests\.result: " "$ODOO_LOG" | tail -1)"
odoo_failed=0; odoo_errors=0; odoo_total=0
if [[ "$result_line" =~ ([0-9]+)\ failed,\ ([0-9]+)\ error\(s\)\ of\ ([0-9]+)\ tests ]]; then
    odoo_failed="${BASH_REMATCH[1]}"; odoo_errors="${BASH_REMATCH[2]}"; odoo_total="${BASH_REMATCH[3]}"
else
    echo "[test] Odoo's runner printed no result line" >&2
    status=1
fi
if [ "$odoo_rc" -ne 0 ]; then
    echo "[test] Odoo exited with $odoo_rc" >&2
    status=1
fi
# A clean log is part of passing.
check_clean_log "$ODOO_LOG" "Odoo's log"
if [ "$odoo_total" -eq 0 ]; then
    echo "[test] Odoo ran no test" >&2
    status=1
fi

echo "[test] pytest: tests/ against $DB (log: $PYTEST_LOG)"
# pytest-odoo re-parses Odoo's options with test_enable off, and then imports Odoo's
# test framework, which logs an ERROR unless test mode is on. test_enable itself
# cannot be on while pytest-odoo loads the registry (Odoo would run every
# post_install test of every module), so test mode is signalled with test_file,
# which nothing else reads outside Odoo's own server start.
export HALLEY_ODOO_BIN="$ODOO_SRC/odoo-bin" HALLEY_ODOO_CONF="$CONF" HALLEY_PYTHON="$VENV/bin/python" HALLEY_TEST_DB="$DB"
"$VENV/bin/python" -m pytest tests -p no:cacheprovider -q -rfE \
    --odoo-database="$DB" --odoo-config="$CONF" --odoo-log-level=warn \
    --odoo-extra="test-file=$ROOT/tests/conftest.py" 2>&1 | tee "$PYTEST_LOG"
pytest_rc=${PIPESTATUS[0]}
py_passed="$(grep -oE "[0-9]+ passed" "$PYTEST_LOG" | tail -1 | cut -d' ' -f1)"
py_failed="$(grep -oE "[0-9]+ (failed|error)" "$PYTEST_LOG" | awk '{s+=$1} END {print s+0}')"
py_passed="${py_passed:-0}"
if [ "$pytest_rc" -ne 0 ]; then
    echo "[test] pytest exited with $pytest_rc" >&2
    status=1
fi

check_clean_log "$PYTEST_LOG" "Odoo's log during pytest"

failed=$((odoo_failed + odoo_errors + py_failed))
passed=$((odoo_total - odoo_failed - odoo_errors + py_passed))
[ "$failed" -gt 0 ] && status=1
echo "[test] Odoo: $odoo_total tests, $odoo_failed failed, $odoo_errors errors; pytest: $py_passed passed, $py_failed failed"
echo "$passed passed, $failed failed"
exit "$status"
