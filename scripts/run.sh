#!/usr/bin/env bash
# `make run`: set up, create the demo clinic database if missing, serve Odoo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$ROOT/scripts/setup.sh")"
DB_NAME="${DB_NAME:-halley}"
HTTP_PORT="${HTTP_PORT:-8069}"
ODOO=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF")

# The addon's source fingerprint: when it changed since this database was last
# installed or upgraded, upgrade the addon before serving.
source_hash="$(cd "$ROOT" && find halley_aesthetics -type f -not -name '*.pyc' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)"
stamp="$ROOT/.build/run-$DB_NAME.stamp"
state="$(psql -d "$DB_NAME" -Atc "select state from ir_module_module where name = 'halley_aesthetics'" 2>/dev/null || true)"
if [ "$state" != "installed" ]; then
    echo "[run] installing halley_aesthetics with its demo clinic into database $DB_NAME" >&2
    "${ODOO[@]}" -d "$DB_NAME" -i halley_aesthetics --stop-after-init --log-level=warn
    echo "$source_hash" >"$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$source_hash" ]; then
    echo "[run] the addon changed: upgrading halley_aesthetics in database $DB_NAME" >&2
    "${ODOO[@]}" -d "$DB_NAME" -u halley_aesthetics --stop-after-init --log-level=warn
    echo "$source_hash" >"$stamp"
fi
echo "[run] serving Odoo on http://localhost:$HTTP_PORT (database $DB_NAME, login admin / admin)" >&2
exec "${ODOO[@]}" -d "$DB_NAME" --db-filter "^${DB_NAME}\$" --http-port "$HTTP_PORT"
