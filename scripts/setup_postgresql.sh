#!/usr/bin/env bash
# The PostgreSQL step of scripts/setup.sh: PostgreSQL answers, and the role Odoo
# connects as exists, on a fresh Debian machine too.
#   - already answering (a server of its own, or DB_HOST elsewhere): only the role
#     is checked, and created when the server is this machine's cluster;
#   - no server installed: the distribution's `postgresql` package (apt-get);
#   - a Debian cluster (pg_createcluster) named PG_CLUSTER on DB_PORT, created when
#     missing, then started (pg_ctlcluster, without systemd);
#   - the role DB_USER (default: the login running Odoo, as libpq connects through
#     the local socket), LOGIN CREATEDB, with DB_PASSWORD when given.
# Overrides: DB_HOST DB_PORT DB_USER DB_PASSWORD PG_CLUSTER (default main).
# Needs root for every step that installs, creates or starts; without root it only
# says what is missing. Never stops or reconfigures a running cluster.
set -euo pipefail

say() { printf '[setup] %s\n' "$*" >&2; }

PG_CLUSTER="${PG_CLUSTER:-main}"
port="${DB_PORT:-${PGPORT:-5432}}"
role="${DB_USER:-$(id -un)}"
is_root=0
[ "$(id -u)" = 0 ] && is_root=1
# A server on this machine: no host, or a socket directory, or the loopback.
local_server=1
case "${DB_HOST:-}" in
    "" | /* | localhost | 127.0.0.1 | ::1) ;;
    *) local_server=0 ;;
esac

answers() { pg_isready -q ${DB_HOST:+-h "$DB_HOST"} -p "$port"; }

# The newest PostgreSQL server installed from the distribution's packages.
server_version() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -1)"
    [ -n "$bin" ] && basename "$(dirname "$(dirname "$bin")")"
}

if ! answers; then
    if ((local_server == 0)); then
        say "PostgreSQL does not answer on $DB_HOST:$port: start it, or set DB_HOST/DB_PORT/DB_USER"
        exit 1
    fi
    if ((is_root == 0)); then
        say "PostgreSQL does not answer on port $port: run this set-up as root once (it installs and" \
            "starts PostgreSQL), or start it yourself, or set DB_HOST/DB_PORT/DB_USER"
        exit 1
    fi
    if [ -z "$(server_version)" ] || ! command -v pg_ctlcluster >/dev/null; then
        say "installing the PostgreSQL server (Debian's postgresql package)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq postgresql >/dev/null
    fi
    version="$(server_version)"
    if [ -z "$version" ]; then
        say "the postgresql package installed no server under /usr/lib/postgresql"
        exit 1
    fi
    if [ ! -d "/etc/postgresql/$version/$PG_CLUSTER" ]; then
        say "creating the PostgreSQL $version cluster $PG_CLUSTER on port $port"
        pg_createcluster --port "$port" "$version" "$PG_CLUSTER" >/dev/null
    fi
    cluster_port="$(sed -nE 's/^\s*port\s*=\s*([0-9]+).*/\1/p' "/etc/postgresql/$version/$PG_CLUSTER/postgresql.conf" | tail -1)"
    if [ "${cluster_port:-5432}" != "$port" ]; then
        say "the cluster $version/$PG_CLUSTER listens on port ${cluster_port:-5432}, not $port:" \
            "set DB_PORT=${cluster_port:-5432} or PG_CLUSTER to another cluster name"
        exit 1
    fi
    say "starting the PostgreSQL cluster $version/$PG_CLUSTER on port $port"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$PG_CLUSTER" start || true
    for _ in $(seq 1 30); do
        answers && break
        sleep 1
    done
    answers || {
        say "PostgreSQL $version/$PG_CLUSTER did not start: see /var/log/postgresql/postgresql-$version-$PG_CLUSTER.log"
        exit 1
    }
fi

# The role Odoo connects as. On this machine's server, as root, the postgres
# superuser creates it when missing (peer authentication through the socket).
if ((local_server == 1 && is_root == 1)) && id postgres >/dev/null 2>&1; then
    as_postgres=(runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres)
    if [ -n "${DB_HOST:-}" ] && [ "${DB_HOST:0:1}" = / ]; then
        as_postgres+=(-h "$DB_HOST")
    fi
    # psql -c does not interpolate -v variables: the queries go through standard input.
    # Only when the postgres superuser reaches it through the socket (a server in a
    # container, published on a TCP port, is left to its own set-up).
    if exists="$(printf "SELECT 1 FROM pg_roles WHERE rolname = :'role';\n" \
                 | "${as_postgres[@]}" -At -v role="$role" 2>/dev/null)" && [ "$exists" != 1 ]; then
        say "creating the PostgreSQL role $role (LOGIN CREATEDB)"
        if [ -n "${DB_PASSWORD:-}" ]; then
            printf "CREATE ROLE :\"role\" LOGIN CREATEDB PASSWORD :'password';\n" \
                | "${as_postgres[@]}" -v role="$role" -v password="$DB_PASSWORD" >/dev/null
        else
            printf "CREATE ROLE :\"role\" LOGIN CREATEDB;\n" | "${as_postgres[@]}" -v role="$role" >/dev/null
        fi
    fi
fi
