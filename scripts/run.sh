#!/usr/bin/env bash
# `make run`: set up, create the demo clinic database if missing, serve Odoo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$ROOT/scripts/setup.sh")"
DB_NAME="${DB_NAME:-halley}"
HTTP_PORT="${HTTP_PORT:-8069}"
ODOO=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF")
export PGHOST="${DB_HOST:-${PGHOST:-}}" PGPORT="${DB_PORT:-${PGPORT:-5432}}"
[ -n "${DB_USER:-}" ] && export PGUSER="$DB_USER"
[ -z "$PGHOST" ] && unset PGHOST

state="$(psql -d "$DB_NAME" -Atc "select state from ir_module_module where name = 'halley_aesthetics'" 2>/dev/null || true)"
if [ "$state" != "installed" ]; then
    echo "[run] installing halley_aesthetics with its demo clinic into database $DB_NAME" >&2
    "${ODOO[@]}" -d "$DB_NAME" -i halley_aesthetics --stop-after-init --log-level=warn
fi
echo "[run] serving Odoo on http://localhost:$HTTP_PORT (database $DB_NAME, login admin / admin)" >&2
exec "${ODOO[@]}" -d "$DB_NAME" --db-filter "^${DB_NAME}\$" --http-port "$HTTP_PORT"
