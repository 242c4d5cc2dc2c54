#!/usr/bin/env bash
# Prepares everything `make run` and `make test` need, on a fresh machine too:
# system packages, Odoo 18.0 source (cached outside the repo), a virtualenv,
# PostgreSQL answering, and an Odoo configuration file pointing at this repo.
# Idempotent: each step is skipped when already done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/halley-aesthetics"
ODOO_SRC="${ODOO_SRC:-$CACHE_DIR/odoo-18.0}"
ODOO_REPO="${ODOO_REPO:-https://github.com/odoo/odoo.git}"
ODOO_BRANCH="${ODOO_BRANCH:-18.0}"
PYTHON="${PYTHON:-python3}"
PYVER="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
VENV="${VENV:-$CACHE_DIR/venv-py$PYVER}"
BUILD_DIR="$ROOT/.build"
CONF="$BUILD_DIR/odoo.conf"

say() { printf '[setup] %s\n' "$*" >&2; }

# 1. System packages (Debian/Ubuntu): headers to build python-ldap and psycopg2,
#    the PostgreSQL client tools, Chromium for the browser tours, wkhtmltopdf for
#    the PDF reports (aftercare sheet, treatment record) with a CJK font for the
#    Chinese ones (fonts-noto-cjk), and pdftotext (poppler-utils) to read them back
#    in the tests.
SYSTEM_PACKAGES=(git libldap2-dev libsasl2-dev libpq-dev postgresql-client chromium wkhtmltopdf
                 fonts-noto-cjk poppler-utils)
missing=()
if command -v dpkg >/dev/null; then
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
fi
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then
        say "installing system packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        say "missing system packages: ${missing[*]} (install them with sudo apt-get install)"
        exit 1
    fi
fi

# 2. Odoo 18.0 source, outside the repo; never copied into it.
if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
    say "fetching Odoo $ODOO_BRANCH from $ODOO_REPO into $ODOO_SRC"
    mkdir -p "$(dirname "$ODOO_SRC")"
    rm -rf "$ODOO_SRC.partial"
    git clone --quiet --depth 1 --branch "$ODOO_BRANCH" "$ODOO_REPO" "$ODOO_SRC.partial"
    mv "$ODOO_SRC.partial" "$ODOO_SRC"
fi

# 3. Virtualenv with Odoo's requirements and the project's; rebuilt only when
#    a requirements file changes.
stamp_value="$(cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements-dev.txt" | sha256sum | cut -c1-16)"
stamp_file="$VENV/.halley-stamp"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp_file" 2>/dev/null)" != "$stamp_value" ]; then
    say "building the virtualenv $VENV (first time: a few minutes)"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip 'setuptools<81' wheel
    constraints="$(mktemp)"
    echo 'setuptools<81' >"$constraints"  # old pins (e.g. python-ldap) do not build with newer
    "$VENV/bin/pip" install --quiet --build-constraint "$constraints" \
        -r "$ODOO_SRC/requirements.txt" -r "$ROOT/requirements-dev.txt" 2>&1 \
        | { grep -v "is ignored: it is neither a file nor a directory" || true; } >&2
    rm -f "$constraints"
    echo "$stamp_value" >"$stamp_file"
fi
# Odoo importable from the virtualenv (for pytest-odoo), pointing at the cache.
site_packages="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$ODOO_SRC" >"$site_packages/odoo-src.pth"

# 4. PostgreSQL must answer; start the local cluster when it is down and we may.
if ! pg_isready -q ${DB_HOST:+-h "$DB_HOST"} ${DB_PORT:+-p "$DB_PORT"}; then
    if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null; then
        say "starting the local PostgreSQL cluster"
        version="$(ls /etc/postgresql | sort -V | tail -1)"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        for _ in $(seq 1 30); do
            pg_isready -q ${DB_HOST:+-h "$DB_HOST"} ${DB_PORT:+-p "$DB_PORT"} && break
            sleep 1
        done
    fi
    pg_isready -q ${DB_HOST:+-h "$DB_HOST"} ${DB_PORT:+-p "$DB_PORT"} || {
        say "PostgreSQL does not answer: start it, or set DB_HOST/DB_PORT/DB_USER"
        exit 1
    }
fi

# 5. Odoo configuration: Odoo's addons and this repo's.
mkdir -p "$BUILD_DIR"
cat >"$CONF" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ROOT
data_dir = $BUILD_DIR/data
admin_passwd = admin
db_host = ${DB_HOST:-False}
db_port = ${DB_PORT:-False}
db_user = ${DB_USER:-False}
db_password = ${DB_PASSWORD:-False}
list_db = True
CONF

# What the Makefile and the scripts need to know, as shell assignments (they eval
# them): the paths, and libpq's variables for their own psql/dropdb calls.
echo "VENV=$VENV"
echo "ODOO_SRC=$ODOO_SRC"
echo "CONF=$CONF"
echo "export PGPORT=${DB_PORT:-${PGPORT:-5432}}"
pghost="${DB_HOST:-${PGHOST:-}}"
if [ -n "$pghost" ]; then echo "export PGHOST=$pghost"; else echo "unset PGHOST"; fi
if [ -n "${DB_USER:-}" ]; then echo "export PGUSER=$DB_USER"; fi
