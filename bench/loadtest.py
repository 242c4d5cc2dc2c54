"""Load test: treatment sessions run over XML-RPC by concurrent practitioners.

``make loadtest`` (scripts/loadtest.sh) installs the addon without demo data into
its own database (LOADTEST_DB, default halley_loadtest, dropped and recreated each
run), then this script:

1. prepares a clinic as superuser: one treatment room and one practitioner per
   client, a protocol (kit) of two lot-tracked and two plain consumables with
   stock by lot in every room, screening questions, patients with an email, and
   prepaid packages sold by posting customer invoices;
2. starts Odoo with ``--workers`` (default 4) on 127.0.0.1 only, with a local
   SMTP sink for the aftercare emails (nothing leaves the machine);
3. runs LOADTEST_CLIENTS (default 8) XML-RPC clients at once, each booking,
   screening, starting and completing LOADTEST_SESSIONS (default 25) sessions.
   Two of them treat the same patients and redeem the same packages, which hold
   fewer sessions than the two try to redeem: they press Done at the same moment,
   so some redemptions must be refused ("no session left"); a refused session is
   then completed pay-per-session. Every LOADTEST_DOUBLE_DONE-th session
   (default 5th; 0: never) is completed by two calls at once (a double click);
   it must consume its stock once. Right after each Done, billing staff (one
   billing user per client) invoices the session if it is pay-per-session
   (*Create invoices*), while Odoo's cron worker sends its aftercare sheet: the
   two meet on the session, and the job must leave it for its next run quietly;
4. stops the server (always: also on timeout, error or Ctrl-C) and prints the
   throughput and p50/p95 per action;
5. proves on the database and the server log: every done session consumed its
   stock exactly once by lot, no package is over-redeemed, quants equal the done
   move lines, and the log has no ERROR/CRITICAL line and no traceback. Exits 1
   if a proof fails, if a client met an unexpected error, or if the load did not
   finish within LOADTEST_TIMEOUT seconds (default 600).
"""

import math
import os
import pathlib
import re
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.request
import xmlrpc.client
from collections import Counter, defaultdict
from datetime import datetime, timedelta

CLIENTS = int(os.environ.get("LOADTEST_CLIENTS", "8"))
SESSIONS = int(os.environ.get("LOADTEST_SESSIONS", "25"))
WORKERS = int(os.environ.get("LOADTEST_WORKERS", "4"))
TIMEOUT = float(os.environ.get("LOADTEST_TIMEOUT", "600"))
DOUBLE_DONE = int(os.environ.get("LOADTEST_DOUBLE_DONE", "5"))
def _drawn_signature():
    """The patient's signature, a drawing as Odoo's signature pad sends it (a
    transparent PNG with a stroke, drawn by the addon's own fixture): the addon
    refuses a blank or a 1-pixel image."""
    import importlib.util  # noqa: PLC0415

    path = pathlib.Path(__file__).resolve().parents[1] / "halley_aesthetics" / "images.py"
    spec = importlib.util.spec_from_file_location("halley_images", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.drawn_signature_png()


SIGNATURE = _drawn_signature()
PORT = int(os.environ.get("LOADTEST_PORT", "8269"))
DB = os.environ.get("LOADTEST_DB", "halley_loadtest")
HOST = "127.0.0.1"
ACTIONS = ("create", "confirm", "screening", "start", "done", "invoice")
# The crons the server's cron worker runs during the load (every other one is
# deactivated: none reaches outside the machine): the aftercare sheets, triggered
# by each Done. Not the mail queue: the load-test clinic has no sender address
# (its emails stay queued, as before).
CRONS = ("halley_aesthetics.ir_cron_halley_aftercare",)
# The refusal a package race must end in (halley_treatment_session._check_package_redemption).
REFUSAL = re.compile(r"The package .* has no .* session left")
# Odoo's log line: "2026-11-24 09:00:00,123 4242 ERROR db logger: message".
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ")
NO_WIZARD = {"context": {"halley_no_wizard": True}}

# One component line of the protocol: (name, uom xmlid, quantity per session,
# lot-tracked, lots as (months to expiry, quantity in each room); the last lot is
# raised to what LOADTEST_SESSIONS need). Lot sizes that are not multiples of the
# session's quantity make sessions split across lots.
COMPONENTS = [
    ("LT Rejuran vial", "uom.product_uom_unit", 1, True, [(3, 7), (6, 8), (12, 20)]),
    ("LT Numbing cream", "uom.product_uom_gram", 5, True, [(4, 52), (9, 48), (14, 200)]),
    ("LT Needle 32G", "uom.product_uom_unit", 4, False, [(0, 400)]),
    ("LT Recovery cream", "uom.product_uom_gram", 3, False, [(0, 300)]),
]
SESSIONS_PER_PACKAGE = 3


def log(message):
    print(f"[loadtest] {message}", flush=True)


# ---------------------------------------------------------------------------- data


def _odoo_env(cr):
    from odoo import SUPERUSER_ID, api

    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nosubscribe": True})


def prepare(registry):
    """The clinic the clients work in, committed. Returns the clients' plan."""
    from odoo import Command

    # The pair of clients alternates between its two patients: each patient gets
    # about SESSIONS attempts, for about SESSIONS / 2 sessions in her packages.
    shared_packages = max(1, SESSIONS // 6)
    with registry.cursor() as cr:
        env = _odoo_env(cr)
        company = env.company
        assert company.chart_template, "the company has no chart of accounts: packages cannot be sold"
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        fefo = env.ref("product_expiry.removal_fefo")
        category = env.ref("halley_aesthetics.product_category_consumable")
        rooms = env["stock.location"].create(
            [
                {"name": f"LT Room {n + 1}", "usage": "internal", "location_id": warehouse.lot_stock_id.id,
                 "is_treatment_room": True, "removal_strategy_id": fefo.id, "company_id": company.id}
                for n in range(CLIENTS)
            ]
        )
        now = datetime.now()
        quants = []
        bom_lines = []
        for name, uom_xmlid, qty, tracked, lots in COMPONENTS:
            uom = env.ref(uom_xmlid)
            vals = {"name": name, "type": "consu", "is_storable": True, "clinic_role": "consumable",
                    "categ_id": category.id, "uom_id": uom.id, "uom_po_id": uom.id,
                    "tracking": "lot" if tracked else "none", "standard_price": 1.0}
            if tracked:
                vals.update(use_expiration_date=True, expiration_time=730, alert_time=30)
            product = env["product.product"].create(vals)
            bom_lines.append(Command.create({"product_id": product.id, "product_qty": qty,
                                             "product_uom_id": uom.id}))
            for n, (months, quantity) in enumerate(lots):
                if n == len(lots) - 1:  # the last lot holds the rest of what the room needs
                    quantity = max(quantity, qty * SESSIONS - sum(q for _m, q in lots[:-1]))
                lot = False
                if tracked:
                    lot = env["stock.lot"].create(
                        {"name": f"LT-{product.id}-{n + 1}", "product_id": product.id, "company_id": company.id,
                         "expiration_date": now + timedelta(days=30 * months)}
                    ).id
                quants += [{"product_id": product.id, "location_id": room.id, "lot_id": lot,
                            "inventory_quantity": quantity} for room in rooms]
        env["stock.quant"].with_context(inventory_mode=True).create(quants).action_apply_inventory()
        treatment = env["product.product"].create(
            {"name": "LT Rejuran Skin Healer", "type": "consu", "is_storable": False,
             "clinic_role": "treatment", "lst_price": 350.0, "taxes_id": [Command.clear()]}
        )
        protocol = env["mrp.bom"].create(
            {"product_tmpl_id": treatment.product_tmpl_id.id, "product_id": treatment.id, "type": "phantom",
             "is_treatment_protocol": True, "modality": "injectable", "numbing_minutes": 30,
             "procedure_minutes": 20, "recommended_sessions": 3, "session_interval_days": 28,
             "company_id": company.id, "bom_line_ids": bom_lines,
             "consent_text": "<p>I agree to be treated with Rejuran: bruising for 5 to 7 days.</p>"}
        )
        env["halley.screening.question"].create(
            [{"name": "LT Bleeding disorder?", "severity": "hard_stop"},
             {"name": "LT Taking anticoagulants?", "severity": "warning"},
             {"name": "LT Active skin infection?", "severity": "hard_stop"}]
        )
        course = env["product.product"].create(
            {"name": "LT Rejuran course", "type": "service", "clinic_role": "package", "lst_price": 900.0,
             "taxes_id": [Command.clear()], "package_validity_months": 12, "package_min_interval_days": 0,
             "package_line_ids": [Command.create({"protocol_id": protocol.id,
                                                  "session_count": SESSIONS_PER_PACKAGE})]}
        )
        keep = env["ir.cron"].browse(env.ref(xmlid).id for xmlid in CRONS)
        env["ir.cron"].search([("id", "not in", keep.ids)]).active = False
        env["res.users"].with_context(no_reset_password=True).create(
            {"name": "LT Billing", "login": "lt_billing", "password": "lt_billing", "company_id": company.id,
             "company_ids": [Command.set(company.ids)],
             "groups_id": [Command.set(env.ref("halley_aesthetics.group_billing").ids)]}
        )
        practitioner = env.ref("halley_aesthetics.group_practitioner")
        users = env["res.users"].with_context(no_reset_password=True).create(
            [{"name": f"LT Practitioner {n + 1}", "login": f"lt_doctor_{n + 1}", "password": f"lt_doctor_{n + 1}",
              "email": f"lt_doctor_{n + 1}@loadtest.example", "company_id": company.id,
              "company_ids": [Command.set(company.ids)], "groups_id": [Command.set(practitioner.ids)]}
             for n in range(CLIENTS)]
        )
        # Clients 1 and 2 share two patients and their packages; every other client
        # has a patient of her own with two packages.
        def patient(label):
            return env["res.partner"].create(
                {"name": f"LT Patient {label}", "is_patient": True, "email": f"patient.{label.lower()}@loadtest.example"}
            )

        def sell(partner, count):
            invoice = env["account.move"].create(
                {"move_type": "out_invoice", "partner_id": partner.id, "invoice_date": now.date(),
                 "invoice_line_ids": [Command.create({"product_id": course.id, "quantity": count})]}
            )
            invoice.action_post()
            return invoice.invoice_line_ids.patient_package_ids

        shared = [patient("Shared A"), patient("Shared B")]
        for partner in shared:
            assert len(sell(partner, shared_packages)) == shared_packages
        plan = []
        # Each client's sessions two hours apart from next week on (no reminder is
        # due), in her room with her practitioner; the pair sharing two patients
        # take turns hour by hour, so that a patient is never booked twice at once
        # (double bookings are refused).
        first_start = (now + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
        for n, (user, room) in enumerate(zip(users, rooms, strict=True)):
            if n < 2:
                patients = [p.id for p in shared]
            else:
                own = patient(f"Own {n + 1}")
                sell(own, 2)
                patients = [own.id]
            plan.append({"login": user.login, "password": user.login, "room": room.id,
                         "protocol": protocol.id, "patients": patients, "racing": n < 2,
                         "first_start": first_start + timedelta(hours=n if n < 2 else 0)})
        cr.commit()
        log(f"clinic ready: {CLIENTS} rooms and practitioners, 1 protocol of {len(COMPONENTS)} components, "
            f"2 shared patients with {shared_packages} packages of {SESSIONS_PER_PACKAGE} sessions each "
            f"({2 * shared_packages * SESSIONS_PER_PACKAGE} sessions for {2 * SESSIONS} attempts), "
            f"{CLIENTS - 2} patients with 2 packages each")
        return plan


# ---------------------------------------------------------------------------- SMTP sink


class SmtpSink(socketserver.ThreadingTCPServer):
    """Accepts every email on 127.0.0.1 and keeps only a count: the aftercare
    emails never leave the machine."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__((HOST, 0), _SmtpHandler)
        self.messages = 0
        self.recipients = defaultdict(int)
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        def reply(line):
            self.wfile.write(line.encode() + b"\r\n")

        reply("220 loadtest sink")
        rcpts = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                reply("250-loadtest\r\n250-8BITMIME\r\n250 SMTPUTF8")
            elif verb == "RCPT":
                rcpts.append(line.decode(errors="replace").split(":", 1)[-1].strip().split(" ")[0])
                reply("250 OK")
            elif verb == "DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                while self.rfile.readline() not in (b".\r\n", b".\n", b""):
                    pass
                with self.server.lock:
                    self.server.messages += 1
                    for rcpt in rcpts:
                        self.server.recipients[rcpt.strip("<>")] += 1
                rcpts = []
                reply("250 OK")
            elif verb == "QUIT":
                reply("221 Bye")
                return
            elif verb == "RSET":
                rcpts = []
                reply("250 OK")
            else:  # HELO, MAIL, NOOP
                reply("250 OK")


# ---------------------------------------------------------------------------- server


def _port_free(port):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Odoo binds it
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def _free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """Odoo with workers on 127.0.0.1, stopped by ``stop()`` whatever happens."""

    def __init__(self, conf, log_file, console_file, pid_file, smtp_port):
        self.url = f"http://{HOST}:{PORT}"
        cmd = [
            os.environ["HALLEY_PYTHON"], os.environ["HALLEY_ODOO_BIN"], "-c", conf, "-d", DB,
            "--db-filter", f"^{DB}$", "--no-database-list",
            "--workers", str(WORKERS), "--max-cron-threads", "1",
            "--http-interface", HOST, "--http-port", str(PORT), "--gevent-port", str(_free_port()),
            "--smtp", HOST, "--smtp-port", str(smtp_port),
            "--log-level", "info", "--logfile", log_file,
        ]
        self.pid_file = pid_file
        with open(console_file, "w") as console:
            self.proc = subprocess.Popen(cmd, stdout=console, stderr=subprocess.STDOUT)
        with open(pid_file, "w") as handle:
            handle.write(str(self.proc.pid))

    def wait_ready(self, seconds=120):
        limit = time.monotonic() + seconds
        while time.monotonic() < limit:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Odoo exited with {self.proc.returncode} before answering")
            try:
                with urllib.request.urlopen(f"{self.url}/web/health", timeout=5):
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"Odoo did not answer on {self.url} within {seconds} s")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # graceful: the workers finish their request
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if os.path.exists(self.pid_file):
            os.unlink(self.pid_file)


# ---------------------------------------------------------------------------- clients


class _Transport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


class Rpc:
    """One XML-RPC connection of one user (a ServerProxy is not thread-safe)."""

    def __init__(self, url, login, password, uid=None):
        self.login, self.password = login, password
        timeout = max(TIMEOUT, 30)
        if uid is None:
            common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", transport=_Transport(timeout))
            uid = common.authenticate(DB, login, password, {})
            if not uid:
                raise RuntimeError(f"{login} could not log in")
        self.uid = uid
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True,
                                                transport=_Transport(timeout))

    def __call__(self, model, method, args, kwargs=None):
        return self.models.execute_kw(DB, self.uid, self.password, model, method, args, kwargs or {})


class Stop(Exception):
    """The global deadline passed, or the other client of the pair stopped."""


class Failed(Exception):
    """A call the server answered with an error, other than an expected refusal."""

    def __init__(self, action, message):
        super().__init__(f"{action}: {message}")
        self.action = action


# The line of a traceback that names the exception (psycopg2's messages end with
# DETAIL, HINT and CONTEXT lines).
EXCEPTION_LINE = re.compile(r"^([a-z_]\w*\.)*[A-Z]\w*(Error|Exception|Failure|Detected|Violation)\b")


def _exception_line(lines):
    lines = [line for line in lines if line.strip()]
    return next((line for line in reversed(lines) if EXCEPTION_LINE.match(line)), lines[-1] if lines else "?")


def _last_line(fault):
    """What went wrong, from an XML-RPC fault (a message, or a traceback)."""
    return _exception_line(fault.faultString.strip().splitlines())


class Client(threading.Thread):
    def __init__(self, number, plan, url, deadline, barrier):
        super().__init__(name=f"client-{number}", daemon=True)
        self.number, self.plan, self.url, self.deadline, self.barrier = number, plan, url, deadline, barrier
        self.timings = defaultdict(list)
        self.failed_calls = defaultdict(int)
        self.completed = 0
        self.refused_sessions = 0
        self.refused_calls = 0
        self.double_done = 0
        self.invoiced = 0
        self.errors = []
        self.stopped = ""  # why the client stopped before its last session

    # -- helpers

    def _check_time(self):
        if time.monotonic() > self.deadline:
            raise Stop(f"by the {TIMEOUT:.0f} s timeout")

    def _sync(self):
        """The two clients of the shared packages act at the same moment."""
        if self.barrier is not None:
            try:
                self.barrier.wait(timeout=max(1.0, self.deadline - time.monotonic()))
            except threading.BrokenBarrierError as exc:
                raise Stop("the other client of the shared packages stopped") from exc

    def _call(self, action, rpc, model, method, args, kwargs=None, refusable=False):
        """One call of ``action``. An expected refusal (``refusable``) is returned
        as the fault; any other fault raises Failed."""
        self._check_time()
        try:
            return rpc(model, method, args, kwargs)
        except xmlrpc.client.Fault as fault:
            if refusable and REFUSAL.search(fault.faultString):
                return fault
            self.failed_calls[action] += 1
            raise Failed(action, _last_line(fault)) from None
        except OSError as exc:
            self.failed_calls[action] += 1
            raise Failed(action, f"{type(exc).__name__}: {exc}") from None

    def _timed(self, action, *call, **options):
        start = time.perf_counter()
        try:
            return self._call(action, *call, **options)
        finally:
            self.timings[action].append(time.perf_counter() - start)

    def _done(self, rpc, session):
        return self._timed("done", rpc, "halley.treatment.session", "action_done", [[session]], NO_WIZARD,
                           refusable=True)

    def _done_twice(self, session):
        """A double click: the same session completed by two calls at once."""
        results = [None, None]
        start = threading.Barrier(2)

        def fire(slot, rpc):
            try:
                start.wait(timeout=30)
                results[slot] = self._done(rpc, session)
            except Exception as exc:  # noqa: BLE001 - re-raised below, in the client's thread
                results[slot] = exc

        other = threading.Thread(target=fire, args=(1, self.twin), daemon=True)
        other.start()
        fire(0, self.rpc)
        other.join()
        self.double_done += 1
        for result in results:
            if isinstance(result, Exception) and not isinstance(result, xmlrpc.client.Fault):
                raise result
        return results

    # -- one session

    def _session(self, index):
        plan = self.plan
        patient = plan["patients"][index % len(plan["patients"])]
        Session = "halley.treatment.session"
        rpc = self.rpc
        self._sync()
        try:
            slot = plan["first_start"] + timedelta(hours=2 * index)
            session = self._timed("create", rpc, Session, "create", [{
                "patient_id": patient, "protocol_id": plan["protocol"], "room_id": plan["room"],
                "scheduled_start": slot.strftime("%Y-%m-%d %H:%M:%S"),
            }])
            self._timed("confirm", rpc, Session, "action_confirm", [[session]])
            # Screening: every question answered "no"; the procedure consent.
            start = time.perf_counter()
            lines = self._call("screening", rpc, Session, "read", [[session], ["screening_ids"]])[0]
            self._call("screening", rpc, "halley.session.screening", "write",
                       [lines["screening_ids"], {"answer": "no"}])
            signing = self._call("screening", rpc, "halley.consent.sign", "create", [{
                "session_id": session, "signed_by_name": "LT patient", "signature": SIGNATURE,
            }])
            self._call("screening", rpc, "halley.consent.sign", "action_sign", [[signing]])
            self.timings["screening"].append(time.perf_counter() - start)
            self._timed("start", rpc, Session, "action_start", [[session]])
        except Failed:
            self._sync()  # keep step with the other client of the pair
            raise
        self._sync()  # the pair presses Done together: the package race
        if DOUBLE_DONE > 0 and (index + 1) % DOUBLE_DONE == 0:
            results = self._done_twice(session)
        else:
            results = [self._done(rpc, session)]
        refused = [r for r in results if isinstance(r, xmlrpc.client.Fault)]
        self.refused_calls += len(refused)
        if refused and self._call("done", rpc, Session, "read", [[session], ["state"]])[0]["state"] != "done":
            # The package was used up by the other practitioner: pay per session.
            self.refused_sessions += 1
            self._call("done", rpc, Session, "write", [[session], {"package_id": False}])
            self._timed("done", rpc, Session, "action_done", [[session]], NO_WIZARD)
        self.completed += 1
        # Billing invoices it at once, while the cron worker sends its aftercare sheet.
        status = self._call("invoice", self.billing, Session, "read", [[session], ["invoice_status"]])[0]
        if status["invoice_status"] == "to_invoice":
            self._timed("invoice", self.billing, Session, "action_create_invoices", [[session]])
            self.invoiced += 1

    def run(self):
        try:
            self.rpc = Rpc(self.url, self.plan["login"], self.plan["password"])
            self.twin = Rpc(self.url, self.plan["login"], self.plan["password"], uid=self.rpc.uid)
            self.billing = Rpc(self.url, "lt_billing", "lt_billing")
            for index in range(SESSIONS):
                try:
                    self._session(index)
                except Failed as exc:
                    self.errors.append(f"session {index + 1}, {exc}")
        except Stop as stop:
            self.stopped = str(stop)
        except Exception as exc:  # noqa: BLE001 - reported, the run fails
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            if self.barrier is not None:
                self.barrier.abort()  # never leave the other client waiting


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))  # nearest rank
    return ordered[rank]


def run_load(url, plan):
    deadline = time.monotonic() + TIMEOUT
    barrier = threading.Barrier(2)
    clients = [Client(n + 1, p, url, deadline, barrier if p["racing"] else None) for n, p in enumerate(plan)]
    log(f"{CLIENTS} clients x {SESSIONS} sessions against {url} ({WORKERS} workers; "
        f"timeout {TIMEOUT:.0f} s)")
    start = time.monotonic()
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=max(0.0, deadline - time.monotonic()) + 5)
    elapsed = time.monotonic() - start
    for client in clients:
        if client.is_alive():
            client.stopped = "still running at the deadline"
    return clients, elapsed


def report_load(clients, elapsed, sink):
    completed = sum(c.completed for c in clients)
    print()
    print(f"sessions completed: {completed} of {CLIENTS * SESSIONS} in {elapsed:.1f} s: "
          f"{completed / elapsed:.2f} sessions/s")
    print(f"{'action':<12}{'timed':>7}{'failed':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for action in ACTIONS:
        values = [v for c in clients for v in c.timings[action]]
        failed = sum(c.failed_calls[action] for c in clients)
        if values:
            print(f"{action:<12}{len(values):>7}{failed:>8}{percentile(values, 0.5) * 1000:>10.0f}"
                  f"{percentile(values, 0.95) * 1000:>10.0f}{max(values) * 1000:>10.0f}")
    print("(screening: read the questions, answer them, record the consent, timed as one; done: every "
          "action_done call, both calls of a double Done and the pay-per-session one after a refusal)")
    refused = sum(c.refused_sessions for c in clients)
    calls = sum(c.refused_calls for c in clients)
    print(f"expected refusals (package used up by the other practitioner): {refused} sessions "
          f"({calls} calls), then completed pay-per-session")
    print(f"double Done (same session twice at once): {sum(c.double_done for c in clients)} sessions")
    print(f"sessions invoiced by billing right after Done (pay-per-session): {sum(c.invoiced for c in clients)}")
    print(f"emails received by the local SMTP sink: {sink.messages}")
    problems = []
    for client in clients:
        for error in client.errors:
            problems.append(f"client {client.number}: {error}")
        if client.stopped:
            problems.append(f"client {client.number}: stopped ({client.stopped}) "
                            f"after {client.completed} sessions")
    return problems, calls


# ---------------------------------------------------------------------------- proofs


def _rows(cr, query, params=None):
    cr.execute(query, params or ())
    return cr.fetchall()


def prove_stock_once(cr):
    """Every done session: exactly one done consumption transfer (its own); per
    component, its done move lines sum to the protocol's quantity (once, not
    twice, not zero), lot-tracked ones all with a lot; one move per component;
    no other session consumed anything."""
    failures = []
    done = _rows(cr, "SELECT count(*) FROM halley_treatment_session WHERE state = 'done'")[0][0]
    failures += [
        f"session {name}: {count} done consumption transfers"
        for name, count in _rows(cr, """
            SELECT s.name, count(p.id) FROM halley_treatment_session s
              LEFT JOIN stock_picking p ON p.treatment_session_id = s.id AND p.state = 'done'
                   AND p.location_id = s.room_id
             WHERE s.state = 'done' GROUP BY s.id, s.name HAVING count(p.id) <> 1""")
    ]
    failures += [
        f"session {name}: its transfer {picking} is {state}"
        for name, picking, state in _rows(cr, """
            SELECT s.name, p.name, coalesce(p.state, 'missing') FROM halley_treatment_session s
              LEFT JOIN stock_picking p ON p.id = s.picking_id
             WHERE s.state = 'done' AND coalesce(p.state, '') <> 'done'""")
    ]
    # What each done session consumed, per component, against the protocol.
    failures += [
        f"session {name}: {product} consumed {used:g}, protocol {planned:g} ({moves} moves)"
        for name, product, used, planned, moves in _rows(cr, """
            WITH used AS (
                SELECT sm.treatment_session_id AS session_id, sm.product_id,
                       sum(ml.quantity_product_uom) AS qty, count(DISTINCT sm.id) AS moves
                  FROM stock_move sm
                  JOIN stock_location dest ON dest.id = sm.location_dest_id AND dest.usage = 'production'
                  JOIN stock_move_line ml ON ml.move_id = sm.id AND ml.state = 'done'
                 WHERE sm.treatment_session_id IS NOT NULL
                 GROUP BY 1, 2
            ), planned AS (
                SELECT s.id AS session_id, s.name, bl.product_id, bl.product_qty AS qty
                  FROM halley_treatment_session s JOIN mrp_bom_line bl ON bl.bom_id = s.protocol_id
                 WHERE s.state = 'done'
            )
            , compared AS (
                SELECT session_id, product_id, coalesce(u.qty, 0) AS used, coalesce(p.qty, 0) AS planned,
                       coalesce(u.moves, 0) AS moves
                  FROM planned p FULL JOIN used u USING (session_id, product_id)
            )
            SELECT s.name, pt.name->>'en_US', c.used, c.planned, c.moves
              FROM compared c
              JOIN halley_treatment_session s ON s.id = c.session_id
              JOIN product_product pp ON pp.id = c.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE abs(c.used - c.planned) > 0.00001 OR c.moves <> 1""")
    ]
    failures += [
        f"session {name}: a done line of {product} without a lot"
        for name, product in _rows(cr, """
            SELECT s.name, pt.name->>'en_US' FROM stock_move_line ml
              JOIN stock_move sm ON sm.id = ml.move_id
              JOIN halley_treatment_session s ON s.id = sm.treatment_session_id
              JOIN product_product pp ON pp.id = ml.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE ml.state = 'done' AND pt.tracking = 'lot' AND ml.lot_id IS NULL""")
    ]
    lines, lots = _rows(cr, """
        SELECT count(*), count(DISTINCT (ml.product_id, ml.lot_id)) FROM stock_move_line ml
          JOIN stock_move sm ON sm.id = ml.move_id
         WHERE ml.state = 'done' AND sm.treatment_session_id IS NOT NULL""")[0]
    split = _rows(cr, """
        SELECT count(*) FROM (SELECT sm.id FROM stock_move sm
          JOIN stock_move_line ml ON ml.move_id = sm.id AND ml.state = 'done'
         WHERE sm.treatment_session_id IS NOT NULL GROUP BY sm.id HAVING count(*) > 1) split""")[0][0]
    return failures, (f"{done} done sessions, {lines} done move lines over {lots} product/lot pairs, "
                      f"{split} components split across lots")


def prove_packages(cr):
    """No package line gives more than it sold; its used count is the number of
    done sessions redeemed from it; each redeemed session has its own number in
    the package and its own posted revenue entry."""
    failures = []
    rows = _rows(cr, """
        SELECT p.name, l.sessions_bought, l.sessions_used, l.sessions_refunded,
               (SELECT count(*) FROM halley_treatment_session s
                 WHERE s.package_id = l.package_id AND s.protocol_id = l.protocol_id
                   AND s.package_redeemed AND s.state = 'done')
          FROM halley_patient_package_line l JOIN halley_patient_package p ON p.id = l.package_id""")
    for name, bought, used, refunded, redeemed in rows:
        if used + refunded > bought:
            failures.append(f"package {name}: {used} used + {refunded} refunded > {bought} bought")
        if used != redeemed:
            failures.append(f"package {name}: {used} used, {redeemed} sessions redeemed from it")
    failures += [
        f"package {name}: session number {seq} given to {count} sessions"
        for name, seq, count in _rows(cr, """
            SELECT p.name, s.package_sequence, count(*) FROM halley_treatment_session s
              JOIN halley_patient_package p ON p.id = s.package_id
             WHERE s.package_redeemed GROUP BY p.id, p.name, s.package_sequence HAVING count(*) > 1""")
    ]
    failures += [
        f"session {name}: redeemed without its own posted revenue entry"
        for (name,) in _rows(cr, """
            SELECT s.name FROM halley_treatment_session s
              LEFT JOIN account_move m ON m.id = s.package_move_id AND m.state = 'posted'
             WHERE s.package_redeemed AND (m.id IS NULL OR EXISTS (
                   SELECT 1 FROM halley_treatment_session o WHERE o.package_move_id = s.package_move_id
                      AND o.id <> s.id))""")
    ]
    bought = sum(r[1] for r in rows)
    used = sum(r[2] for r in rows)
    shared = _rows(cr, """
        SELECT count(*), coalesce(sum(p.sessions_used), 0), coalesce(sum(p.sessions_total), 0)
          FROM halley_patient_package p JOIN res_partner rp ON rp.id = p.patient_id
         WHERE rp.name LIKE %s""", ["LT Patient Shared%"])[0]
    return failures, (f"{len(rows)} packages: {used} of {bought} sessions redeemed; the shared ones: "
                      f"{shared[1]} of {shared[2]} in {shared[0]} packages")


def prove_quants(cr):
    """For every storable product, internal location and lot: the quant quantity
    is the sum of the done move lines into it minus those out of it."""
    rows = _rows(cr, """
        WITH moved AS (
            SELECT product_id, location_dest_id AS location_id, coalesce(lot_id, 0) AS lot_id,
                   quantity_product_uom AS qty FROM stock_move_line WHERE state = 'done'
            UNION ALL
            SELECT product_id, location_id, coalesce(lot_id, 0), -quantity_product_uom
              FROM stock_move_line WHERE state = 'done'
        ), by_moves AS (
            SELECT product_id, location_id, lot_id, sum(qty) AS qty FROM moved GROUP BY 1, 2, 3
        ), by_quants AS (
            SELECT product_id, location_id, coalesce(lot_id, 0) AS lot_id, sum(quantity) AS qty
              FROM stock_quant GROUP BY 1, 2, 3
        )
        , balances AS (
            SELECT product_id, location_id, lot_id, coalesce(m.qty, 0) AS moved, coalesce(q.qty, 0) AS quant
              FROM by_moves m FULL JOIN by_quants q USING (product_id, location_id, lot_id)
        )
        SELECT loc.complete_name, pt.name->>'en_US', lot.name, b.moved, b.quant
          FROM balances b
          JOIN stock_location loc ON loc.id = b.location_id AND loc.usage = 'internal'
          JOIN product_product pp ON pp.id = b.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id AND pt.is_storable
          LEFT JOIN stock_lot lot ON lot.id = b.lot_id
         ORDER BY 1, 2, 3""")
    failures = [
        f"{location} / {product}{f' lot {lot}' if lot else ''}: quants {quant:g}, done moves {moved:g}"
        for location, product, lot, moved, quant in rows
        if abs(moved - quant) > 0.00001
    ]
    return failures, f"{len(rows)} product/location/lot balances"


def prove_aftercare(cr):
    """No aftercare sheet sent twice nor marked as not sent: a session the job met
    while billing invoiced it was left for a later run, never failed."""
    failures = [f"session {name}: {count} aftercare emails" for name, count in _rows(cr, """
        SELECT s.name, count(m.id) FROM halley_treatment_session s
          JOIN mail_message m ON m.model = 'halley.treatment.session' AND m.res_id = s.id
                             AND m.subject LIKE %s
         GROUP BY s.id, s.name HAVING count(m.id) > 1""", ("Your aftercare%",))]
    failures += [f"session {name}: aftercare sheet marked not sent" for (name,) in _rows(cr, """
        SELECT name FROM halley_treatment_session WHERE aftercare_state = 'failed'""")]
    states = dict(_rows(cr, """SELECT coalesce(aftercare_state, 'none'), count(*) FROM halley_treatment_session
                                WHERE state = 'done' GROUP BY 1"""))
    invoiced = _rows(cr, "SELECT count(*) FROM halley_treatment_session WHERE invoice_status = 'invoiced'")[0][0]
    return failures, (f"aftercare of the done sessions: {states}; {invoiced} sessions invoiced")


def _kind(message):
    """A log message without its numbers, ids and values: one line per kind."""
    message = message.split("\\n")[0]  # a query is logged as bytes: its newlines as \\n
    message = re.sub(r"\([0-9, ]+\)", "(...)", message)
    return re.sub(r"\b\d+(\.\d+)?\b", "N", message)[:150]


def prove_log(log_file, refused_calls):
    """No ERROR or CRITICAL line and no traceback in the server's log. (A refused
    call is an odoo.http WARNING; a retried serialization failure is INFO.)"""
    with open(log_file, errors="replace") as handle:
        lines = handle.read().splitlines()
    kinds = Counter()
    first = None
    for number, line in enumerate(lines):
        match = LOG_LINE.match(line)
        if match and match.group(1) in ("ERROR", "CRITICAL"):
            kinds[f"{match.group(1)} {_kind(line[match.end():].split(' ', 1)[-1])}"] += 1
        elif line.startswith("Traceback"):
            # Name the traceback by its exception: the last line before the next log line.
            end = next((n for n in range(number + 1, len(lines)) if LOG_LINE.match(lines[n])), len(lines))
            kinds[f"Traceback: {_kind(_exception_line(lines[number + 1:end]))}"] += 1
        else:
            continue
        first = number if first is None else first
    failures = [f"{count:>5} x {kind}" for kind, count in kinds.most_common()]
    if first is not None:
        failures.append(f"first one (log line {first + 1}) and what follows:")
        failures += [f"    {line[:240]}" for line in lines[first: first + 12]]
    retries = sum(1 for line in lines if "tries left, try again" in line)
    given_up = sum(1 for line in lines if "maximum number of tries reached" in line)
    refusals = sum(1 for line in lines if " WARNING " in line and " odoo.http: " in line and REFUSAL.search(line))
    others = [line for line in lines if (m := LOG_LINE.match(line)) and m.group(1) == "WARNING"
              and not (" odoo.http: " in line and REFUSAL.search(line))]
    detail = (f"{len(lines)} lines; {retries} concurrency failures retried (INFO), {given_up} requests "
              f"given up after Odoo's last retry; {refusals} refusals logged (WARNING) for {refused_calls} "
              f"refused calls; {len(others)} other warnings")
    for line in others[:5]:
        detail += f"\n      other warning: {line[:240]}"
    return failures, detail


def prove(registry, log_file, refused_calls):
    results = []
    with registry.cursor() as cr:
        for title, proof in (
            ("every done session's stock consumed exactly once, by lot", prove_stock_once),
            ("no package over-redeemed; used = sessions redeemed", prove_packages),
            ("quants equal the sum of done move lines (internal locations)", prove_quants),
            ("no aftercare sheet sent twice or failed on a concurrent update", prove_aftercare),
        ):
            results.append((title, *proof(cr)))
    results.append(("no ERROR/CRITICAL line and no traceback in the server log",
                    *prove_log(log_file, refused_calls)))
    print()
    ok = True
    for title, failures, detail in results:
        print(f"{'PASS' if not failures else 'FAIL'}  {title}: {detail}")
        for failure in failures[:40]:
            print(f"      {failure}")
        ok = ok and not failures
    return ok


# ---------------------------------------------------------------------------- main


def _interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    import odoo
    from odoo.modules.registry import Registry

    if CLIENTS < 2 or SESSIONS < 1:
        log("LOADTEST_CLIENTS must be at least 2 (two of them share packages), LOADTEST_SESSIONS at least 1")
        return 2
    out_dir = os.environ["LOADTEST_OUT"]
    log_file = os.path.join(out_dir, "odoo.log")
    console_file = os.path.join(out_dir, "odoo-console.log")
    pid_file = os.path.join(out_dir, "server.pid")
    if os.path.exists(log_file):
        os.unlink(log_file)
    if not _port_free(PORT):
        log(f"port {HOST}:{PORT} is in use: set LOADTEST_PORT to a free port")
        return 2
    odoo.tools.config.parse_config(["-c", os.environ["HALLEY_ODOO_CONF"], "-d", DB, "--log-level=warn"])
    registry = Registry(DB)
    plan = prepare(registry)
    odoo.sql_db.close_all()

    sink = SmtpSink()
    server = Server(os.environ["HALLEY_ODOO_CONF"], log_file, console_file, pid_file, sink.server_address[1])
    # Ctrl-C or a TERM from the shell: stop the server all the same.
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        log(f"starting Odoo: {WORKERS} workers on {server.url} (log: {log_file})")
        server.wait_ready()
        clients, elapsed = run_load(server.url, plan)
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except RuntimeError as exc:  # the server did not start
        log(f"{exc}; its output ({console_file}):")
        with open(console_file, errors="replace") as console:
            print(console.read()[-3000:])
        return 1
    finally:
        server.stop()
        sink.shutdown()
        log("server stopped")
    problems, refused_calls = report_load(clients, elapsed, sink)
    ok = prove(Registry(DB), log_file, refused_calls)
    if problems:
        print()
        print("FAIL  the load itself:")
        for problem in problems[:40]:
            print(f"      {problem}")
        ok = False
    print()
    log("all proofs passed" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
