"""Retake the README's screenshots of the demo clinic with headless Chromium.

Needs a running `make run` server (demo data installed) and the project's
virtualenv, which has websocket-client:

    ~/.cache/halley-aesthetics/venv-py3.11/bin/python docs/screenshots/take_screenshots.py \
        [--url http://localhost:8069] [--db halley] [--login admin] [--password admin] \
        [--chromium /usr/bin/chromium] [--debug-port 9333] [--out docs/screenshots]

It logs in through the /web/login form over the Chrome DevTools Protocol, then opens
each page below and saves a 1400x900 PNG. Record ids (the done demo session, the
Rejuran protocol) are looked up through XML-RPC, so they survive a reinstall.
"""

import argparse
import base64
import json
import pathlib
import subprocess
import tempfile
import time
import urllib.request
import xmlrpc.client

import websocket  # websocket-client, in the project's virtualenv

WIDTH, HEIGHT = 1400, 900


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

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))


def lookup_ids(url, db, login, password):
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, login, password, {})
    if not uid:
        raise SystemExit(f"{login} cannot log in to {db} on {url}")
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def rpc(model, method, *args, **kw):
        return models.execute_kw(db, uid, password, model, method, list(args), kw)

    done = rpc("halley.treatment.session", "search", [("state", "=", "done")], limit=1, order="id")
    if not done:
        raise SystemExit("no done session in the database: complete one first")
    protocol = rpc(
        "ir.model.data", "search_read",
        [("module", "=", "halley_aesthetics"), ("name", "=", "bom_rejuran_demo")], fields=["res_id"],
    )
    return done[0], protocol[0]["res_id"]


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
    args = parser.parse_args()
    url = args.url.rstrip("/")
    session_id, protocol_id = lookup_ids(url, args.db, args.login, args.password)

    # (file, path, selector that proves the page rendered)
    shots = [
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
    ]

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

            cdp.goto(f"{url}/web/login?db={args.db}")
            cdp.evaluate(
                f"document.querySelector('input[name=login]').value = {json.dumps(args.login)};"
                f"document.querySelector('input[name=password]').value = {json.dumps(args.password)};"
                "document.querySelector('form.oe_login_form').submit();"
            )
            time.sleep(1)
            cdp.wait_for("document.readyState === 'complete' && !location.pathname.startsWith('/web/login')")

            for name, path, selector in shots:
                cdp.goto(f"{url}{path}")
                cdp.wait_for_odoo(selector)
                cdp.screenshot(args.out / name)
                print(f"{args.out / name}  <- {path}")
        finally:
            chromium.terminate()
            chromium.wait(timeout=30)


if __name__ == "__main__":
    main()
