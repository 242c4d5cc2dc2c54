#!/usr/bin/env bash
# Re-export halley_aesthetics/i18n/halley_aesthetics.pot from a throwaway database
# and merge it into every i18n/<lang>.po, then list the terms left to translate.
# Options (see scripts/i18n_update.py): --db NAME, --keep-db, --no-export, --check.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$(bash "$ROOT/scripts/setup.sh")"
export VENV ODOO_SRC CONF
exec "$VENV/bin/python" "$ROOT/scripts/i18n_update.py" "$@"
