"""A real PDF from a running server, as `make run` serves it: the aftercare sheet
printed by a practitioner through Odoo's report route, rendered by the patched
wkhtmltopdf the set-up installs, its assets fetched from the server's own port
(web.base.url pointing elsewhere), read back with pdftotext: the external layout's
header and footer, the clinic's name and phone, and the lots."""

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import urllib.request
import xmlrpc.client

import pytest

from .conftest import BAD_LOG_LINE, _free_port, stop_odoo, wait_for_odoo

# Nothing listens there: the address of another server, as web.base.url often is.
ANOTHER_SERVER = "http://127.0.0.1:9"
# Sometimes wkhtmltopdf's Qt opens a connection it never sends a request on; an Odoo
# prefork worker drops such an idle connection after its socket timeout (2 s,
# ODOO_HTTP_SOCKET_TIMEOUT) and Python's http.server logs it through werkzeug: Odoo's
# own behaviour with any wkhtmltopdf, the PDF unharmed.
IDLE_CONNECTION = re.compile(r" ERROR \S+ werkzeug: 127\.0\.0\.1 - - \[.*\] Request timed out: TimeoutError\('timed out'\)")


@pytest.fixture(params=["threaded", "prefork"])
def pdf_server(request, test_db, tmp_path):
    """Odoo serving the test database as `make run` does (no test mode: reports are
    PDFs), on a free port, no cron: threaded (`make run`), and with prefork workers
    (`make loadtest`, the deployment)."""
    python, odoo_bin, conf = (os.environ.get(k) for k in ("HALLEY_PYTHON", "HALLEY_ODOO_BIN", "HALLEY_ODOO_CONF"))
    if not (python and odoo_bin and conf):
        pytest.fail("run through `make test`: HALLEY_PYTHON/HALLEY_ODOO_BIN/HALLEY_ODOO_CONF unset")
    port = _free_port()
    log_file = tmp_path / "odoo.log"
    with open(log_file, "w") as log:
        proc = subprocess.Popen(
            [python, odoo_bin, "-c", conf, "-d", test_db, "--db-filter", f"^{test_db}$",
             "--http-port", str(port), "--http-interface", "127.0.0.1", "--max-cron-threads", "0",
             "--log-level", "info",
             *(["--workers", "2", "--gevent-port", str(_free_port())] if request.param == "prefork" else [])],
            stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_odoo(f"{url}/web/login", log_file)
        yield {"url": url, "db": test_db, "log": log_file, "prefork": request.param == "prefork"}
    finally:
        stop_odoo(proc)


def _rpc(server, login, password):
    common = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/common")
    uid = common.authenticate(server["db"], login, password, {})
    assert uid, f"{login} could not log in"
    models = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kwargs):
        return models.execute_kw(server["db"], uid, password, model, method, list(args), kwargs)

    return call


def _browser(server, login, password):
    """A logged-in web session (the session cookie), as the practitioner's browser."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    body = json.dumps({"jsonrpc": "2.0", "params": {"db": server["db"], "login": login, "password": password}})
    request = urllib.request.Request(f"{server['url']}/web/session/authenticate", data=body.encode(),
                                     headers={"Content-Type": "application/json"})
    with opener.open(request, timeout=60) as resp:
        assert "error" not in json.loads(resp.read()), f"{login} could not log in"
    return opener


def _session_with_lots(admin):
    """A completed demo session that used lots, and the names of its lots."""
    sessions = admin("halley.treatment.session", "search_read", [("state", "=", "done")],
                     fields=["used_line_ids", "company_id"], order="id")
    for session in sessions:
        lines = admin("stock.move.line", "read", session["used_line_ids"], fields=["lot_id"])
        lots = sorted({line["lot_id"][1] for line in lines if line["lot_id"]})
        if lots:
            return session, lots
    pytest.fail("the demo clinic has a completed session with lots")


def test_aftercare_sheet_pdf_from_a_running_server(pdf_server):
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils): run scripts/setup.sh"
    admin = _rpc(pdf_server, "admin", "admin")
    previous = admin("ir.config_parameter", "get_param", "web.base.url")
    admin("ir.config_parameter", "set_param", "web.base.url", ANOTHER_SERVER)
    try:
        session, lots = _session_with_lots(admin)
        company = admin("res.company", "read", [session["company_id"][0]], fields=["name", "phone"])[0]
        browser = _browser(pdf_server, "doctor", "doctor")
        route = f"{pdf_server['url']}/report/pdf/halley_aesthetics.report_halley_aftercare/{session['id']}"
        with browser.open(route, timeout=300) as resp:
            assert resp.headers["Content-Type"] == "application/pdf"
            pdf = resp.read()
    finally:
        admin("ir.config_parameter", "set_param", "web.base.url", previous)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    # The text layer, the external layout's header (the clinic's address block) and
    # footer (its page numbers: Debian's unpatched wkhtmltopdf drops both).
    assert "Aftercare" in text, text
    assert text.count(company["name"]) >= 2, f"the header and the body name the clinic:\n{text}"
    assert "Page 1 / 1" in text, f"the footer:\n{text}"
    assert company["phone"] and company["phone"] in text, text
    for lot in lots:
        assert lot in text, f"lot {lot} on the sheet:\n{text}"
    bad = [line for line in pdf_server["log"].read_text().splitlines()
           if BAD_LOG_LINE.match(line) and not (pdf_server["prefork"] and IDLE_CONNECTION.search(line))]
    assert not bad, "\n".join(bad)
    assert f"GET /report/pdf/halley_aesthetics.report_halley_aftercare/{session['id']}" in \
        pdf_server["log"].read_text()
