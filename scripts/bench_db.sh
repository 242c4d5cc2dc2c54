# Sourced by the bench scripts (after setup.sh's variables are evaluated).
# ensure_installed DB LABEL [ODOO_ARGS...]: install halley_aesthetics into DB unless it is
# installed there already (a bench database keeps its data between runs).
ensure_installed() {
    local db="$1" label="$2" state
    shift 2
    state="$(psql -d "$db" -Atc "select state from ir_module_module where name = 'halley_aesthetics'" 2>/dev/null || true)"
    if [ "$state" != "installed" ]; then
        echo "[bench] installing halley_aesthetics ($label) into $db" >&2
        "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$db" -i halley_aesthetics \
            --stop-after-init --log-level=warn "$@"
    fi
}
