"""Hostile URLs and posted values on every route of the patient portal (found on
its controller), as the patient and as the public: never a server error nor a
traceback, a 3xx/4xx or a page; nothing changed; a clean log."""

import inspect
import json
import re
from urllib.parse import urlencode

from freezegun import freeze_time

from odoo import http
from odoo.tests import tagged

from ..controllers.portal import HalleyPatientPortal
from . import hostile
from .common import NOW
from .test_portal import PortalCommon

# URL values: long enough to hurt, short enough for a URL.
URL_VALUES = [
    ("empty", ""), ("5,000 characters", "x" * 5000), ("script", "<script>alert(1)</script>"),
    ("number", "42"), ("NaN", "NaN"), ("unicode", "婴儿针 \u202e"), ("SQL", "1' OR '1'='1"),
]


def portal_routes():
    """[(url pattern, routing, parameters)] of the addon's portal controller: the
    parameters its function names (and, for a record's pages that take any, the
    ones its page reads)."""
    routes = []
    for attr in sorted(vars(HalleyPatientPortal)):
        function = getattr(HalleyPatientPortal, attr)
        routing = getattr(function, "original_routing", None)
        for url in (routing or {}).get("routes", []):
            signature = inspect.signature(function).parameters.values()
            params = [p.name for p in signature if p.kind == p.POSITIONAL_OR_KEYWORD and p.name != "self"
                      and f"<int:{p.name}>" not in url]
            if "<int:" in url and any(p.kind == p.VAR_KEYWORD for p in signature):
                params += ["sign", "photo_record", "photo_marketing"]
            routes.append((url, routing, params))
    return routes


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestHostilePortal(PortalCommon):
    def _ids(self):
        """Values for ``<int:...>``: hers, another patient's, one that does not exist."""
        missing = self.env["halley.treatment.session"].search([], order="id desc", limit=1).id + 100_000
        return [
            ("her session", self.upcoming_a.id), ("her done session", self.done_a.id),
            ("another patient's", self.upcoming_b.id), ("missing", missing), ("zero", 0),
            ("huge", 10**20),
        ]

    def _check(self, response):
        """Why the response is not a clean answer, or None."""
        if response.status_code >= 500:
            return f"HTTP {response.status_code}"
        body = response.text if "pdf" not in response.headers.get("Content-Type", "") else ""
        if re.search(r"Traceback|psycopg|\w+Error:", body):
            return f"a traceback in HTTP {response.status_code}"
        if "<script>alert(1)</script>" in body:
            return "a posted script is shown unescaped"
        return None

    def _cases(self):
        """Each route with each kind of id, as the patient and as the public; then,
        on her own session, each parameter with each hostile value."""
        for url, routing, params in portal_routes():
            method = "json" if routing.get("type") == "json" else "POST" if "POST" in (routing.get("methods") or []) else "GET"
            ids = self._ids() if "<int:" in url else [("", None)]
            for id_label, value in ids:
                path = re.sub(r"<int:\w+>", str(value), url)
                for who in ("patient", "public"):
                    yield url, f"{id_label}", who, method, path, {} if method != "POST" else self._answers_post("no")
            path = re.sub(r"<int:\w+>", str(self.upcoming_a.id), url)
            if method == "json":
                for label, args in self._json_args():
                    yield url, label, "patient", method, path, args
                continue
            for param in params:
                for label, val in URL_VALUES:
                    yield url, f"{param} = {label}", "patient" if param != "access_token" else "public", method, path, {param: val}
            if method == "POST":
                for label, val in URL_VALUES:
                    yield url, f"answers = {label}", "patient", method, path, self._answers_post(val)

    def _answers_post(self, value):
        lines = self.upcoming_a.screening_ids
        post = {f"answer_{line.id}": value for line in lines}
        post.update({f"note_{line.id}": value * 20 for line in lines})
        post["answer_999999"] = value
        return post

    def _json_args(self):
        return [
            ("no arguments", {}), ("name as a list", {"name": [1, 2], "signature": "abc"}),
            ("signature as a number", {"name": "Grace", "signature": 42}),
            ("huge name", {"name": "x" * 20000, "signature": hostile.NOT_BASE64}),
            ("SVG", {"name": "Grace", "signature": hostile.SVG_SCRIPT}),
        ]

    def _request(self, who, method, path, args):
        if who == "patient":
            self.authenticate(self.user_a.login, self.user_a.login)
        else:
            self.authenticate(None, None)
        if method == "json":
            return self.url_open(
                path, data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": args}),
                headers={"Content-Type": "application/json"}, allow_redirects=False,
            )
        if method == "POST":
            data = dict(args, csrf_token=http.Request.csrf_token(self))
            return self.url_open(path, data=data, allow_redirects=False)
        return self.url_open(f"{path}?{urlencode(args)}" if args else path, allow_redirects=False)

    def test_hostile_urls_and_posts(self):
        before = hostile.digest(self.env)
        count = 0
        for url, label, who, method, path, args in self._cases():
            with self.subTest(case=f"{method} {url} [{label}] as {who}"):
                count += 1
                logged = []
                with hostile.capture_log(logged):
                    response = self._request(who, method, path, args)
                problem = self._check(response) or (logged and f"logged: {logged[0]}")
                self.assertFalse(problem, problem)
        self.assertGreater(count, 50)
        self.env.invalidate_all()
        self.assertEqual(hostile.changed_tables(hostile.digest(self.env), before), "", "The portal changed records")
