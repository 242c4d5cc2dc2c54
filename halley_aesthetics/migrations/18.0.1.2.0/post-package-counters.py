"""18.0.1.2.0: a package line's "Used" is computed from its redeemed sessions
instead of a counter kept by hand. Recompute it from the sessions (it matches the
counter on any database the workflow kept consistent)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    Line = env["halley.patient.package.line"]
    lines = Line.search([])
    env.add_to_compute(Line._fields["sessions_used"], lines)
    lines._recompute_recordset(["sessions_used"])
    env.flush_all()
