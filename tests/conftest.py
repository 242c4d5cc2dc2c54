"""Shared fixtures for the tests that drive the installed addon from outside.

They run under pytest-odoo (``--odoo-database``/``--odoo-config``) against the
database ``make test`` has just installed the addon into.
"""

import os
import pathlib
import re
import socket
import subprocess
import time
import urllib.request
import xmlrpc.client
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
ADDON = ROOT / "halley_aesthetics"
BAD_LOG_LINE = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ", re.M)

CLINIC_TZ = ZoneInfo("Asia/Singapore")
UTC = ZoneInfo("UTC")


def open_slot(after, minutes):
    """The first time at or after ``after`` (naive UTC) when the demo clinic's rooms
    are open for ``minutes`` (Monday to Saturday, 09:00 to 19:00 in Singapore), as
    naive UTC: what the front desk would book."""
    local = after.replace(tzinfo=UTC).astimezone(CLINIC_TZ)
    while True:
        opening = local.replace(hour=9, minute=0, second=0, microsecond=0)
        closing = local.replace(hour=19, minute=0, second=0, microsecond=0)
        local = max(local, opening)
        if local.weekday() != 6 and local + timedelta(minutes=minutes) <= closing:
            return local.astimezone(UTC).replace(tzinfo=None)
        local = opening + timedelta(days=1)


def after_held_sessions(env_or_rpc):
    """Now, or the end of the last session holding a room, whichever is later
    (naive UTC, whole minutes)."""
    if isinstance(env_or_rpc, RpcUser):
        rows = env_or_rpc(
            "halley.treatment.session", "search_read", [("state", "in", ("confirmed", "in_progress", "done"))],
            fields=["scheduled_end"], order="scheduled_end desc", limit=1,
        )
        last = rows and rows[0]["scheduled_end"] and datetime.strptime(rows[0]["scheduled_end"], "%Y-%m-%d %H:%M:%S")
    else:
        last = env_or_rpc["halley.treatment.session"].search(
            [("state", "in", ("confirmed", "in_progress", "done"))], order="scheduled_end desc", limit=1
        ).scheduled_end
    now = datetime.now(UTC).replace(tzinfo=None)
    return max(now, last or now).replace(second=0, microsecond=0)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_odoo(proc):
    """Stop a server a test started: politely, then for good after 30 s."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def wait_for_odoo(url, log_file):
    """Waits until ``url`` answers 200 (a minute at most), else fails with the log's end."""
    for _ in range(120):
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"Odoo did not answer on {url}:\n{log_file.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def test_db():
    import odoo

    return os.environ.get("HALLEY_TEST_DB") or odoo.tools.config["db_name"]


@pytest.fixture(scope="session")
def odoo_server(test_db, tmp_path_factory):
    """A real Odoo server process on a free local port, serving the test database."""
    python = os.environ.get("HALLEY_PYTHON")
    odoo_bin = os.environ.get("HALLEY_ODOO_BIN")
    conf = os.environ.get("HALLEY_ODOO_CONF")
    if not (python and odoo_bin and conf):
        pytest.fail("run through `make test`: HALLEY_PYTHON/HALLEY_ODOO_BIN/HALLEY_ODOO_CONF unset")
    port = _free_port()
    log_file = tmp_path_factory.mktemp("server") / "odoo.log"
    with open(log_file, "w") as log:
        proc = subprocess.Popen(
            [python, odoo_bin, "-c", conf, "-d", test_db, "--db-filter", f"^{test_db}$",
             "--http-port", str(port), "--http-interface", "127.0.0.1",
             "--max-cron-threads", "0", "--log-level", "info",
             # Odoo's test mode, as its own HttpCase servers run (a test file outside
             # every addon: nothing is run from it). Reports render as HTML there (a
             # wkhtmltopdf run per signed consent would slow every RPC test down). The
             # real PDFs are checked by tests/test_pdf_server.py (a server as `make run`
             # starts it) and the addon's own tests (TestReportPdf, TestChinesePdf).
             "--test-file", str(pathlib.Path(__file__).resolve())],
            stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_odoo(f"{url}/web/login", log_file)
        server = {"url": url, "db": test_db, "log": log_file, "refusals": []}
        yield server
    finally:
        stop_odoo(proc)
    # Odoo's HTTP layer logs every refused call (UserError, AccessError) as a
    # WARNING, in production too. A refusal a test provoked on purpose (through
    # RpcUser.refused) is expected exactly once; every other line fails the run.
    expected = list(server["refusals"])
    unexpected = []
    for line in log_file.read_text().splitlines():
        if not BAD_LOG_LINE.match(line):
            continue
        match = next((m for m in expected if " WARNING " in line and " odoo.http: " in line and m in line), None)
        if match:
            expected.remove(match)
        else:
            unexpected.append(line)
    assert not unexpected, "the RPC server logged:\n" + "\n".join(unexpected)
    assert not expected, f"refusals that the server never logged: {expected}"


class RpcUser:
    """An XML-RPC client logged in as one user, as an outside program would be."""

    def __init__(self, server, login, password):
        self.server = server
        self.db = server["db"]
        self.password = password
        common = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/common")
        self.uid = common.authenticate(self.db, login, password, {})
        assert self.uid, f"{login} could not log in"
        self.models = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/object", allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)

    def refused(self, message, model, method, *args, **kwargs):
        """Call that the server must refuse with ``message`` (the user's words)."""
        with pytest.raises(xmlrpc.client.Fault) as info:
            self(model, method, *args, **kwargs)
        assert message in info.value.faultString, info.value.faultString
        self.server["refusals"].append(message)
        return info.value.faultString

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], fields=["res_id"])
        return rows[0]["res_id"]
