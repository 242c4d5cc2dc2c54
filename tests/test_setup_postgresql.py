"""The set-up's PostgreSQL step (scripts/setup_postgresql.sh) on a machine where
nothing answers: it creates a Debian cluster, starts it and creates the role Odoo
connects as. Run against a throwaway cluster on a free port that the test did not
start (the machine's own cluster on 5432 is never touched), removed afterwards."""

import os
import shutil
import subprocess

import pytest

from .conftest import ROOT, _free_port

SCRIPT = ROOT / "scripts" / "setup_postgresql.sh"


def _versions():
    return sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")]) \
        if os.path.isdir("/etc/postgresql") else []


@pytest.fixture
def throwaway_cluster():
    if os.geteuid() != 0 or not shutil.which("pg_createcluster"):
        pytest.skip("needs root and Debian's postgresql-common (pg_createcluster), as on `make run`'s machine")
    name = f"halley_throwaway_{os.getpid()}"
    port = _free_port()
    cluster = {"name": name, "port": port}
    yield cluster
    for version in _versions():
        if os.path.isdir(f"/etc/postgresql/{version}/{name}"):
            subprocess.run(["pg_dropcluster", "--stop", version, name], check=False, capture_output=True)


def _psql(port, sql, user=None):
    command = ["psql", "-X", "-At", "-p", str(port), "-d", "postgres", "-c", sql]
    if user:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_setup_creates_starts_and_opens_a_cluster(throwaway_cluster):
    port, name = throwaway_cluster["port"], throwaway_cluster["name"]
    assert subprocess.run(["pg_isready", "-q", "-p", str(port)], check=False).returncode != 0, "nothing answers yet"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(DB_PORT=str(port), PG_CLUSTER=name)
    env.pop("DB_USER", None)
    env.pop("DB_HOST", None)
    run = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert f"creating the PostgreSQL {_versions()[-1]} cluster {name} on port {port}" in run.stderr
    assert "creating the PostgreSQL role root" in run.stderr
    # It answers, and Odoo's role (the login running it, through the local socket,
    # as Odoo connects with db_user unset) may log in and create databases.
    assert subprocess.run(["pg_isready", "-q", "-p", str(port)], check=False).returncode == 0
    who = _psql(port, "SELECT current_user, rolcreatedb FROM pg_roles WHERE rolname = current_user")
    assert who.stdout.strip() == "root|t", who.stderr
    # Run again: nothing to do, nothing said, the cluster untouched.
    again = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert again.returncode == 0 and again.stderr == "", again.stderr


def test_setup_creates_a_named_role_with_its_password(throwaway_cluster):
    port, name = throwaway_cluster["port"], throwaway_cluster["name"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(DB_PORT=str(port), PG_CLUSTER=name, DB_USER="halley_odoo", DB_PASSWORD="s3cret'\"x")
    env.pop("DB_HOST", None)
    run = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    login = subprocess.run(
        ["psql", "-X", "-At", "-h", "127.0.0.1", "-p", str(port), "-U", "halley_odoo", "-d", "postgres",
         "-c", "SELECT current_user"],
        env={**env, "PGPASSWORD": "s3cret'\"x"}, capture_output=True, text=True, check=False,
    )
    assert login.stdout.strip() == "halley_odoo", login.stderr
