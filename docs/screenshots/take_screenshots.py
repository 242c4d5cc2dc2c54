"""Retake the README's screenshots of the demo clinic with headless Chromium.

Needs a running `make run` server (demo data installed) and the project's
virtualenv, which has websocket-client:

    ~/.cache/halley-aesthetics/venv-py3.11/bin/python docs/screenshots/take_screenshots.py \
        [--url http://localhost:8069] [--db halley] [--login admin] [--password admin] \
        [--chromium /usr/bin/chromium] [--debug-port 9333] [--out docs/screenshots] \
        [--prepare-packages] [--prepare-safety] [--prepare-bookings] [--prepare-privacy] \
        [--prepare-portal] [--portal-login grace] [--portal-password grace] [--only NAME.png ...]

It logs in through the /web/login form over the Chrome DevTools Protocol, then opens
each page below and saves a 1400x900 PNG (portal_treatment.png: the whole page, 1400
wide). Record ids (the done demo session, the Rejuran protocol, the package shown) are
looked up through XML-RPC, so they survive a reinstall.

The package screenshots need a used-up package; the demo sells Grace Lim a Baby Skin Trio
course and redeems one session of it. --prepare-packages uses it up first, through
XML-RPC, unless a used-up package already exists: as the --login user, it completes her two
other Baby Skin Trio sessions in Treatment Room 1 (+21 and +42 days, 11:00 Singapore time;
without the demo's course, `billing` sells her one and three sessions are completed, today
included), screened and consented, and one Rejuran session for Aisha Rahman without package
today at 13:00 (so "To invoice" lists it). It writes to the database: use it on
the demo database only. Without a package the package screenshots are skipped.

session_screening.png needs a confirmed session of Aisha Rahman with a warning answered
yes and not acknowledged; --prepare-safety makes one, unless it exists: it answers her
confirmed demo session's screening, "yes" to the anticoagulant question, "no" to the
others (without starting it). purchase_rfq.png (and the booked demand in
replenishment.png) needs next week's bookings; --prepare-bookings makes them, unless a
request for quotation made by a reordering rule already exists: six Baby Skin Trio
sessions for the demo patients in Treatment Room 1, 6 to 8 days ahead, with procedure
consent, confirmed (not started), so Odoo's reordering rules create the requests for
quotation of the rules they take under their minimum: DermaFill (HA); PharmaResearch
(Rejuran) only if its stock is already low, as six sessions do not take a fresh demo
clinic's Rejuran under its minimum. Both write to the database too.
patient_clinic_record.png shows Grace Lim's Clinic record tab (marketing-photo consent,
data export, recall notices, record access log); --prepare-privacy first opens the
treatment record of her completed demo session as `doctor` and as the --login user, so
the access log has entries (it writes those log entries).
appointment_book.png is today's appointment book per room; patient_chart.png and
session_alerts.png show Margaret Ong's clinic patient form (her chart) and her booked
session (alerts banner, then the Screening tab with the answer her chart gives).
lot_recall.png opens Clinic > Stock > Lot recall, types the lot number RJ24A017 (the
Rejuran lot of the demo's completed session) and clicks Find patients; it never notifies
anyone.
session_photos.png and photo_comparison.png show the Photos tab of Grace Lim's completed
demo session (before and after photos) and its Compare photos dialog (one session: its
before-photos next to its after-photos); consent_sign.png opens Sign consent on her upcoming
session (not signed yet: the consent text and the signature field, never signed here);
aftercare_zh.png is the aftercare sheet of Tan Mei Ling's completed session, in Chinese, as
HTML (/report/html/...).
portal_home.png and portal_treatment.png are the patient portal as Grace Lim herself
(/my, and her upcoming session's page: its screening questions and her consent with the
two photo choices), logged in again as --portal-login after the other shots.
--prepare-portal gives her that portal user first (login and password `grace`, the
portal group, her own contact), unless the login exists, and books her an upcoming
Rejuran session (in 14 days, 10:00 Singapore time) unless she has one booked and not
signed yet. It writes to the database too.
--only retakes just the named files.
"""

import argparse
import base64
import datetime
import http.cookiejar
import json
import pathlib
import subprocess
import tempfile
import time
import urllib.request
import xmlrpc.client

import websocket  # websocket-client, in the project's virtualenv

WIDTH, HEIGHT = 1400, 900
# Taken as the whole page rather than the 1400x900 window: the portal page of an upcoming
# session has her screening questions, then her consent below them.
FULL_PAGE = {"portal_treatment.png"}


class Cdp:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def evaluate(self, expression):
        res = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return res.get("result", {}).get("value")

    def goto(self, url):
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'")

    def wait_for(self, expression, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(f"!!({expression})"):
                return True
            time.sleep(0.25)
        raise TimeoutError(expression)

    def wait_for_odoo(self, selector, timeout=30):
        """Wait for the web client to render `selector` and stop loading."""
        self.wait_for(f"document.querySelector({json.dumps(selector)})", timeout)
        self.wait_for("!document.querySelector('.o_loading_indicator, .o_blockUI')", timeout)
        time.sleep(1.5)  # let fonts, avatars and the chatter settle

    def screenshot(self, path, full_page=False):
        params = {}
        if full_page:  # the whole page, WIDTH wide, as tall as its content
            height = self.call("Page.getLayoutMetrics")["cssContentSize"]["height"]
            params = {"captureBeyondViewport": True,
                      "clip": {"x": 0, "y": 0, "width": WIDTH, "height": max(HEIGHT, height), "scale": 1}}
        data = self.call("Page.captureScreenshot", format="png", **params)["data"]
        path.write_bytes(base64.b64decode(data))


def click_text(selector, text):
    """A script that clicks the first element matching `selector` whose text is `text`."""
    return (f"[...document.querySelectorAll({json.dumps(selector)})]"
            f".find(e => e.textContent.trim() === {json.dumps(text)}).click()")


def connect(url, db, login, password):
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, login, password, {})
    if not uid:
        raise SystemExit(f"{login} cannot log in to {db} on {url}")
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def rpc(model, method, *args, **kw):
        return models.execute_kw(db, uid, password, model, method, list(args), kw)

    return rpc


def _drawn_signature():
    """The patient's signature, a drawing as Odoo's signature pad sends it (a
    transparent PNG with a stroke, drawn by the addon's own fixture): the addon
    refuses a blank or a 1-pixel image."""
    import importlib.util  # noqa: PLC0415

    path = pathlib.Path(__file__).resolve().parents[2] / "halley_aesthetics" / "images.py"
    spec = importlib.util.spec_from_file_location("halley_images", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.drawn_signature_png()


SIGNATURE = _drawn_signature()


def sign_consent(rpc, session):
    """The patient signs her consent to ``session`` on the signing form (the
    practitioner witnessing): a session starts only with it."""
    patient = rpc("halley.treatment.session", "read", [session], ["patient_id"])[0]["patient_id"][1]
    signing = rpc("halley.consent.sign", "create", {"session_id": session, "signed_by_name": patient,
                                                    "signature": SIGNATURE})
    rpc("halley.consent.sign", "action_sign", [signing])


def xmlid(rpc, name):
    data = rpc(
        "ir.model.data", "search_read",
        [("module", "=", "halley_aesthetics"), ("name", "=", name)], fields=["res_id"],
    )
    if not data:
        raise SystemExit(f"halley_aesthetics.{name} not found: is the demo data installed?")
    return data[0]["res_id"]


def lookup_ids(rpc):
    done = rpc("halley.treatment.session", "search", [("state", "=", "done")], limit=1, order="id")
    if not done:
        raise SystemExit("no done session in the database: complete one first")
    return done[0], xmlid(rpc, "bom_rejuran_demo")


def lookup_package(rpc):
    """The newest used-up package (else the newest package with a redeemed session),
    its invoice and its second redeemed session (else its first), or None."""
    for domain in ([("state", "=", "used")], [("sessions_used", ">", 0)]):
        packages = rpc(
            "halley.patient.package", "search_read", domain,
            fields=["invoice_id"], order="id desc", limit=1,
        )
        if packages:
            break
    else:
        return None
    package = packages[0]
    sessions = rpc(
        "halley.treatment.session", "search",
        [("package_id", "=", package["id"]), ("package_redeemed", "=", True)],
        order="package_sequence",
    )
    if not sessions or not package["invoice_id"]:
        return None
    return package["id"], package["invoice_id"][0], sessions[min(1, len(sessions) - 1)]


def clinic_today():
    """The demo clinic's day (Singapore, UTC+8), whatever the machine's zone: the demo's
    sessions of "today" are on it."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


def prepare_packages(url, db, rpc):
    """Use up Grace Lim's Baby Skin Trio course (the demo's, or one sold here); complete one
    Rejuran session for Aisha Rahman without package. Does nothing if a used-up
    package exists."""
    if rpc("halley.patient.package", "search", [("state", "=", "used")], limit=1):
        print("a used-up package exists: nothing prepared")
        return
    billing = connect(url, db, "billing", "billing")
    today = clinic_today()
    grace = billing("res.partner", "search", [("name", "=", "Grace Lim")], limit=1)
    aisha = billing("res.partner", "search", [("name", "ilike", "Aisha")], limit=1)
    course = billing("product.product", "search", [("default_code", "=", "PKG-TRIO3")], limit=1)
    if not (grace and aisha and course):
        raise SystemExit("demo patients or the PKG-TRIO3 package product are missing")
    # The demo clinic sold her a course and redeemed its first session this morning:
    # use that one up; without it, sell one first.
    sold = billing("halley.patient.package", "search_read", [
        ("patient_id", "=", grace[0]), ("product_id", "=", course[0]), ("state", "=", "active")],
        ["sessions_used"], limit=1)
    if not sold:
        invoice = billing("account.move", "create", {
            "move_type": "out_invoice",
            "partner_id": grace[0],
            "invoice_date": today.isoformat(),
            "invoice_line_ids": [(0, 0, {"product_id": course[0], "quantity": 1})],
        })
        billing("account.move", "action_post", [invoice])
        print(f"posted invoice {invoice} (Baby Skin Trio course for Grace Lim)")
    trio_days = (21, 42) if sold and sold[0]["sessions_used"] else (0, 21, 42)

    room = xmlid(rpc, "room_1_demo")
    trio, rejuran = xmlid(rpc, "bom_trio_demo"), xmlid(rpc, "bom_rejuran_demo")
    # 11:00 and 13:00 in Singapore (UTC+8), inside the room's opening hours and clear of
    # the demo's own sessions of the day.
    for patient, protocol, days, hour in (
        *((grace[0], trio, days, 3) for days in trio_days), (aisha[0], rejuran, 0, 5),
    ):
        start = datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(hour))
        session = rpc("halley.treatment.session", "create", {
            "patient_id": patient, "protocol_id": protocol, "room_id": room,
            "scheduled_start": start.strftime("%Y-%m-%d %H:%M:%S"),
        })
        sign_consent(rpc, session)
        # Screened: no to every question her chart does not answer, its warnings acknowledged.
        rpc("halley.treatment.session", "action_screening_all_no", [session])
        warnings = rpc("halley.session.screening", "search", [
            ("session_id", "=", session), ("answer", "=", "yes"), ("severity", "=", "warning")])
        if warnings:
            rpc("halley.session.screening", "write", warnings, {"acknowledged": True})
        for method in ("action_confirm", "action_start", "action_done"):
            result = rpc("halley.treatment.session", method, [session])
            if result is not True:
                raise SystemExit(f"session {session}: {method} did not complete it ({result})")
        info = rpc("halley.treatment.session", "read", [session], ["name", "package_progress"])[0]
        print(f"completed {info['name']} {info['package_progress'] or '(no package)'}")


def prepare_safety(rpc):
    """Answer the screening of Aisha Rahman's confirmed session: "yes" to the
    anticoagulant question (left unacknowledged), "no" to the others. Does nothing if
    such a flagged session exists."""
    if lookup_screening_session(rpc):
        print("a confirmed session with a flagged warning exists: nothing prepared")
        return
    sessions = rpc(
        "halley.treatment.session", "search",
        [("patient_id.name", "ilike", "Aisha"), ("state", "=", "confirmed")], order="id", limit=1,
    )
    if not sessions:
        raise SystemExit("Aisha Rahman has no confirmed session: is the demo data installed?")
    lines = rpc("halley.session.screening", "search_read", [("session_id", "=", sessions[0])],
                fields=["question"])
    if not any("anticoagulant" in line["question"].lower() for line in lines):
        raise SystemExit(f"session {sessions[0]} has no anticoagulant screening question")
    for line in lines:
        answer = "yes" if "anticoagulant" in line["question"].lower() else "no"
        rpc("halley.session.screening", "write", [line["id"]], {"answer": answer, "acknowledged": False})
    print(f"answered the screening of session {sessions[0]} (anticoagulants: yes)")


def prepare_bookings(rpc):
    """Book and confirm six Baby Skin Trio sessions 6 to 8 days ahead, so the reordering
    rules create requests for quotation. Does nothing if a rule already made one."""
    if rpc("purchase.order", "search", [("state", "in", ("draft", "sent")), ("origin", "like", "OP/")], limit=1):
        print("a request for quotation from a reordering rule exists: nothing booked")
        return
    patients = rpc("res.partner", "search",
                   [("name", "in", ("Grace Lim", "Aisha Rahman", "Chen Wei"))], order="name")
    if len(patients) != 3:
        raise SystemExit("the demo patients are missing")
    trio, room = xmlid(rpc, "bom_trio_demo"), xmlid(rpc, "room_1_demo")
    today = clinic_today()
    sessions = []
    for index, (days, hour) in enumerate(((6, 2), (6, 4), (7, 2), (7, 5), (8, 3), (8, 6))):
        start = datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(hour))
        sessions.append(rpc("halley.treatment.session", "create", {
            "patient_id": patients[index % 3], "protocol_id": trio, "room_id": room,
            "scheduled_start": start.strftime("%Y-%m-%d %H:%M:%S"),
        }))
        sign_consent(rpc, sessions[-1])
    rpc("halley.treatment.session", "action_confirm", sessions)
    orders = rpc("purchase.order", "search_read", [("state", "in", ("draft", "sent")), ("origin", "like", "OP/")],
                 fields=["name", "partner_id"])
    print(f"confirmed {len(sessions)} Baby Skin Trio sessions; requests for quotation: "
          + (", ".join(f"{o['name']} ({o['partner_id'][1]})" for o in orders) or "none"))


def prepare_privacy(url, db, rpc, logins):
    """Open the treatment record of Grace Lim's completed demo session as each of
    ``logins`` [(login, password)]: each opening is written to her access log."""
    session_id, _protocol_id = lookup_ids(rpc)
    for login, password in logins:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        payload = {"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": password}}
        request = urllib.request.Request(f"{url}/web/session/authenticate", json.dumps(payload).encode(),
                                         headers={"Content-Type": "application/json"})
        with opener.open(request, timeout=60):
            pass
        with opener.open(f"{url}/report/html/halley_aesthetics.report_halley_treatment_record/{session_id}",
                         timeout=120):
            pass
        print(f"treatment record of session {session_id} opened as {login}")


def lookup_patient(rpc, name):
    ids = rpc("res.partner", "search", [("name", "=", name), ("is_patient", "=", True)], limit=1)
    return ids[0] if ids else None


def lookup_screening_session(rpc):
    """Aisha Rahman's confirmed session with a flagged warning not acknowledged, or None."""
    lines = rpc(
        "halley.session.screening", "search_read",
        [("session_id.patient_id.name", "ilike", "Aisha"), ("session_id.state", "=", "confirmed"),
         ("flagged", "=", True), ("severity", "=", "warning"), ("acknowledged", "=", False)],
        fields=["session_id"], order="id", limit=1,
    )
    return lines[0]["session_id"][0] if lines else None


def lookup_unsigned_session(rpc, patient):
    """``patient``'s next booked session (draft or confirmed, not started, from now on)
    whose procedure consent is not signed yet, or None."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    ids = rpc("halley.treatment.session", "search",
              [("patient_id", "=", patient), ("state", "in", ("draft", "confirmed")),
               ("scheduled_start", ">=", now), ("has_procedure_consent", "=", False)],
              order="scheduled_start, id", limit=1)
    return ids[0] if ids else None


def prepare_portal(rpc, login, password):
    """Give Grace Lim a portal user (``login``, her own contact) unless the login exists,
    and book her an upcoming Rejuran session unless she has one not signed yet."""
    grace = lookup_patient(rpc, "Grace Lim")
    if not grace:
        raise SystemExit("Grace Lim is missing: is the demo data installed?")
    if rpc("res.users", "search", [("login", "=", login)], context={"active_test": False}):
        print(f"the user {login} exists: no portal user created")
    else:
        portal = rpc("ir.model.data", "search_read", [("module", "=", "base"), ("name", "=", "group_portal")],
                     fields=["res_id"])[0]["res_id"]
        user = rpc("res.users", "create", {"login": login, "password": password, "partner_id": grace,
                                           "groups_id": [(6, 0, [portal])]})
        print(f"created the portal user {login} ({user}) for Grace Lim")
    if lookup_unsigned_session(rpc, grace):
        print("Grace Lim has an upcoming session not signed yet: nothing booked")
        return
    # 10:00 in Singapore (UTC+8), in two weeks (never on a Sunday: the rooms are closed).
    day = clinic_today() + datetime.timedelta(days=14)
    day += datetime.timedelta(days=int(day.weekday() == 6))
    session = rpc("halley.treatment.session", "create", {
        "patient_id": grace, "protocol_id": xmlid(rpc, "bom_rejuran_demo"), "room_id": xmlid(rpc, "room_1_demo"),
        "scheduled_start": datetime.datetime.combine(day, datetime.time(2)).strftime("%Y-%m-%d %H:%M:%S"),
    })
    print(f"booked session {session} for Grace Lim on {day}")


def log_in(cdp, url, db, login, password):
    """Log in through the /web/login form (logging out whoever is logged in first)."""
    cdp.goto(f"{url}/web/session/logout?redirect=/web/login")
    cdp.goto(f"{url}/web/login?db={db}")
    cdp.evaluate(
        f"document.querySelector('input[name=login]').value = {json.dumps(login)};"
        f"document.querySelector('input[name=password]').value = {json.dumps(password)};"
        "document.querySelector('form.oe_login_form').submit();"
    )
    time.sleep(1)
    cdp.wait_for("document.readyState === 'complete' && !location.pathname.startsWith('/web/login')")


def main():
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="halley")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--debug-port", type=int, default=9333)
    parser.add_argument("--out", type=pathlib.Path, default=here)
    parser.add_argument("--prepare-packages", action="store_true",
                        help="sell and use up a demo package first (writes to the database)")
    parser.add_argument("--prepare-safety", action="store_true",
                        help="answer a demo session's screening with a warning first (writes to the database)")
    parser.add_argument("--prepare-bookings", action="store_true",
                        help="book and confirm next week's sessions first (writes to the database)")
    parser.add_argument("--prepare-privacy", action="store_true",
                        help="open a treatment record as doctor and as --login first (writes access-log entries)")
    parser.add_argument("--prepare-portal", action="store_true",
                        help="give Grace Lim a portal user and an upcoming session first (writes to the database)")
    parser.add_argument("--portal-login", default="grace", help="Grace Lim's portal user, for the portal shots")
    parser.add_argument("--portal-password", default="grace")
    parser.add_argument("--only", nargs="+", metavar="NAME.png", help="retake only these files")
    args = parser.parse_args()
    url = args.url.rstrip("/")
    rpc = connect(url, args.db, args.login, args.password)
    if args.prepare_packages:
        prepare_packages(url, args.db, rpc)
    if args.prepare_safety:
        prepare_safety(rpc)
    if args.prepare_bookings:
        prepare_bookings(rpc)
    if args.prepare_privacy:
        prepare_privacy(url, args.db, rpc, [("doctor", "doctor"), (args.login, args.password)])
    if args.prepare_portal:
        prepare_portal(rpc, args.portal_login, args.portal_password)
    session_id, protocol_id = lookup_ids(rpc)
    package = lookup_package(rpc)

    # (file, path, selector that proves the page rendered[, (script to run, selector
    # that proves it took effect), ...])
    shots = [
        ("clinic_overview.png",
         "/odoo/clinic-overview",
         ".o_halley_overview .o_halley_card_sessions .o_halley_session"),
        ("sessions_kanban.png",
         "/odoo/action-halley_aesthetics.halley_treatment_session_action?view_type=kanban",
         ".o_kanban_renderer .o_kanban_record"),
        ("session_done_lots_used.png",
         f"/odoo/action-halley_aesthetics.halley_treatment_session_action/{session_id}",
         ".o_form_view .o_field_widget[name=used_line_ids] .o_data_row"),
        ("protocol_form.png",
         f"/odoo/action-halley_aesthetics.mrp_bom_action_halley_protocol/{protocol_id}",
         ".o_form_view .o_field_widget[name=bom_line_ids] .o_data_row"),
        ("protocol_bom_overview.png",
         f"/odoo/action-halley_aesthetics.mrp_bom_action_halley_protocol/{protocol_id}"
         "/action-mrp.action_report_mrp_bom",
         ".o_mrp_bom_report_page table tbody tr"),
        ("package_liability.png",
         "/odoo/action-halley_aesthetics.halley_package_ledger_action",
         ".o_pivot table tbody tr"),
        ("sessions_to_invoice.png",
         "/odoo/action-halley_aesthetics.halley_treatment_session_action_to_invoice",
         # grouped by patient, opened unfolded
         ".o_list_renderer .o_group_header ~ .o_data_row"),
    ]
    shots += [
        # fold the search panel and hide the Route, Supplier and Trigger columns (in this
        # throwaway browser profile only) so that the suggested order fits in the picture
        ("replenishment.png",
         "/odoo/action-halley_aesthetics.stock_warehouse_orderpoint_action_halley",
         ".o_list_renderer .o_data_row",
         ("document.querySelector('.o_search_panel .fa-angle-double-left').closest('button').click()",
          ".o_search_panel_sidebar .fa-angle-double-right"),
         ("document.querySelector('.o_optional_columns_dropdown button').click()",
          ".o-dropdown--menu input[name=route_id]"),
         ("['route_id', 'supplier_id', 'trigger'].forEach(name => {"
          " const box = document.querySelector(`.o-dropdown--menu input[name=${name}]`);"
          " if (box.checked) box.click(); })",
          ".o_list_renderer thead:not(:has(th[data-name=route_id], th[data-name=supplier_id],"
          " th[data-name=trigger]))"),
         ("document.querySelector('.o_optional_columns_dropdown button').click()",
          "body:not(:has(.o-dropdown--menu))")),
        ("expiring_soon.png",
         "/odoo/action-halley_aesthetics.stock_quant_action_halley_expiring",
         ".o_list_renderer .o_data_row.text-danger"),
        # Clinic > Stock > Lot recall: type the lot number, leave the field, Find patients
        ("lot_recall.png",
         "/odoo/action-halley_aesthetics.stock_warehouse_orderpoint_action_halley",
         ".o_menu_sections",
         (click_text(".o_menu_sections button, .o_menu_sections a", "Stock"),
          ".dropdown-menu .dropdown-item"),
         (click_text(".dropdown-menu .dropdown-item", "Lot recall"),
          ".o_form_view .o_field_widget[name=lot_name] input"),
         ("(() => { const input = document.querySelector('.o_form_view .o_field_widget[name=lot_name] input');"
          " input.focus(); input.value = 'RJ24A017';"
          " input.dispatchEvent(new Event('input', {bubbles: true}));"
          " input.dispatchEvent(new Event('change', {bubbles: true})); input.blur();"
          " document.querySelector('.o_form_view .o_field_widget[name=subject] input').focus(); })()",
          ".o_form_view button[name=action_find_patients]:not(.d-none)"),
         ("document.querySelector('.o_form_view button[name=action_find_patients]').click()",
          ".o_list_view .o_data_row")),
        ("purchase_rfq.png",
         "/odoo/action-purchase.purchase_rfq",
         ".o_list_renderer .o_data_row"),
    ]
    grace = lookup_patient(rpc, "Grace Lim")
    if grace:
        shots.append(
            ("patient_clinic_record.png",
             f"/odoo/action-halley_aesthetics.halley_patient_action/{grace}",
             ".o_form_view .o_notebook",
             (click_text(".o_notebook .nav-link", "Clinic record"),
              ".o_form_view .o_field_widget[name=halley_access_log_ids]"),
             ("document.querySelector('.o_field_widget[name=halley_access_log_ids]')"
              ".scrollIntoView({block: 'center'})",
              ".o_form_view")))
    shots.append(
        ("appointment_book.png",
         "/odoo/action-halley_aesthetics.halley_appointment_book_action",
         ".o_halley_book_grid .o_halley_book_session"))
    margaret = lookup_patient(rpc, "Margaret Ong")
    if margaret:
        shots.append(
            ("patient_chart.png",
             f"/odoo/action-halley_aesthetics.halley_patient_action/{margaret}",
             ".o_form_view .o_field_widget[name=halley_medical_alerts]"))
        alert_sessions = rpc("halley.treatment.session", "search",
                             [("patient_id", "=", margaret), ("state", "in", ("draft", "confirmed"))], limit=1)
        if alert_sessions:
            shots.append(
                ("session_alerts.png",
                 f"/odoo/action-halley_aesthetics.halley_treatment_session_action/{alert_sessions[0]}",
                 ".o_form_view .o_halley_chart_alerts",
                 (click_text(".o_notebook .nav-link", "Screening"),
                  ".o_form_view .o_halley_answer_hint[data-hint=chart_answer]")))
    screening_session_id = lookup_screening_session(rpc)
    if screening_session_id:
        shots.append(
            ("session_screening.png",
             f"/odoo/action-halley_aesthetics.halley_treatment_session_action/{screening_session_id}",
             ".o_form_view .o_notebook",
             (click_text(".o_notebook .nav-link", "Screening"),
              ".o_form_view .o_field_widget[name=screening_ids] .o_data_row.text-warning")))
    else:
        print("no confirmed session of Aisha Rahman with a flagged warning: session_screening.png "
              "skipped (--prepare-safety makes one)")
    if package:
        package_id, invoice_id, package_session_id = package
        shots += [
            ("package_used_up.png",
             f"/odoo/action-halley_aesthetics.halley_patient_package_action/{package_id}",
             ".o_form_view .o_field_widget[name=line_ids] .o_data_row"),
            ("invoice_with_package.png",
             f"/odoo/action-account.action_move_out_invoice_type/{invoice_id}",
             ".o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row "
             ".o_field_widget[name=patient_package_ids] .o_tag",
             # bring the invoice lines into view
             ("document.querySelector('.o_field_widget[name=invoice_line_ids]')"
              ".scrollIntoView({block: 'center'})",
              ".o_form_view")),
            ("session_package_progress.png",
             f"/odoo/action-halley_aesthetics.halley_treatment_session_action/{package_session_id}",
             ".o_form_view .o_field_widget[name=package_progress]"),
        ]
    else:
        print("no package with a redeemed session: package screenshots skipped "
              "(--prepare-packages makes one)")
    photos = rpc("halley.session.photo", "search_read",
                 [("session_id.patient_id", "=", grace), ("session_id.state", "=", "done")],
                 fields=["session_id"], order="id", limit=1) if grace else []
    if photos:
        photo_session_id = photos[0]["session_id"][0]
        shots += [
            ("session_photos.png",
             f"/odoo/action-halley_aesthetics.halley_treatment_session_action/{photo_session_id}",
             ".o_form_view .o_notebook",
             (click_text(".o_notebook .nav-link", "Photos"),
              ".o_form_view .o_field_widget[name=photo_ids] .o_kanban_record img"),
             ("document.querySelector('.o_field_widget[name=photo_ids]').scrollIntoView({block: 'center'})",
              ".o_form_view")),
            # one session: its before-photos next to its after-photos
            ("photo_comparison.png",
             f"/odoo/action-halley_aesthetics.halley_treatment_session_action/{photo_session_id}",
             ".o_form_view .o_notebook",
             (click_text(".o_notebook .nav-link", "Photos"),
              ".o_form_view button[name=action_compare_photos]"),
             ("document.querySelector('.o_form_view button[name=action_compare_photos]').click()",
              ".modal .o_halley_photo_comparison img")),
        ]
    else:
        print("no completed session of Grace Lim with photos: session_photos.png and "
              "photo_comparison.png skipped (the demo data has one)")
    unsigned_session_id = lookup_unsigned_session(rpc, grace) if grace else None
    if unsigned_session_id:
        # opens the signing form only: nothing is signed
        shots.append(
            ("consent_sign.png",
             f"/odoo/action-halley_aesthetics.halley_treatment_session_action/{unsigned_session_id}",
             ".o_form_view button[name=action_sign_consent]",
             ("document.querySelector('.o_form_view button[name=action_sign_consent]').click()",
              ".modal .o_halley_consent_text p")))
    else:
        print("no upcoming session of Grace Lim without a signed consent: consent_sign.png and "
              "portal_treatment.png skipped (--prepare-portal books one)")
    meiling = lookup_patient(rpc, "Tan Mei Ling")
    meiling_done = rpc("halley.treatment.session", "search", [("patient_id", "=", meiling), ("state", "=", "done")],
                       order="scheduled_start desc", limit=1) if meiling else []
    if meiling_done:
        shots.append(
            ("aftercare_zh.png",
             f"/report/html/halley_aesthetics.report_halley_aftercare/{meiling_done[0]}",
             ".page"))
    else:
        print("no completed session of Tan Mei Ling: aftercare_zh.png skipped (the demo data has one)")

    # The patient portal, as Grace Lim's portal user (logged in after the shots above).
    portal_shots = []
    if rpc("res.users", "search", [("login", "=", args.portal_login)]):
        portal_shots.append(
            ("portal_home.png", "/my", ".o_portal_index_card:not(.d-none) a[href='/my/treatments']"))
        if unsigned_session_id:
            portal_shots.append(
                ("portal_treatment.png",
                 f"/my/treatments/{unsigned_session_id}",
                 ".o_halley_portal_treatment:has(.o_halley_portal_question):has(.o_halley_portal_consent_continue)"))
    else:
        print(f"no user {args.portal_login}: portal screenshots skipped (--prepare-portal makes Grace Lim's)")
    if args.only:
        unknown = set(args.only) - {shot[0] for shot in shots + portal_shots}
        if unknown:
            raise SystemExit(f"unknown or unavailable screenshots: {', '.join(sorted(unknown))}")
        shots = [shot for shot in shots if shot[0] in args.only]
        portal_shots = [shot for shot in portal_shots if shot[0] in args.only]

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        chromium = subprocess.Popen(
            [args.chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
             f"--remote-debugging-port={args.debug_port}", f"--user-data-dir={profile}",
             f"--window-size={WIDTH},{HEIGHT}", "--hide-scrollbars", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(60):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{args.debug_port}/json") as resp:
                        targets = [t for t in json.load(resp) if t["type"] == "page"]
                    if targets:
                        break
                except OSError:
                    pass
                time.sleep(0.25)
            else:
                raise SystemExit("Chromium's DevTools endpoint did not answer")
            cdp = Cdp(targets[0]["webSocketDebuggerUrl"])
            cdp.call("Page.enable")
            cdp.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT,
                     deviceScaleFactor=1, mobile=False)
            # The clinic's browsers run in Singapore time (Odoo's web client shows the
            # browser's time zone).
            cdp.call("Emulation.setTimezoneOverride", timezoneId="Asia/Singapore")

            for login, password, login_shots in ((args.login, args.password, shots),
                                                 (args.portal_login, args.portal_password, portal_shots)):
                if not login_shots:
                    continue
                log_in(cdp, url, args.db, login, password)
                for name, path, selector, *then in login_shots:
                    cdp.goto(f"{url}{path}")
                    cdp.wait_for_odoo(selector)
                    for script, then_selector in then:
                        cdp.evaluate(script)
                        cdp.wait_for_odoo(then_selector)
                    cdp.screenshot(args.out / name, full_page=name in FULL_PAGE)
                    print(f"{args.out / name}  <- {path}")
        finally:
            chromium.terminate()
            chromium.wait(timeout=30)


if __name__ == "__main__":
    main()
