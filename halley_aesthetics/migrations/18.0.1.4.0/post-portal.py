"""18.0.1.3.0 -> 18.0.1.4.0 (patient portal): the day-before reminder links to the
pre-visit page of the patient portal, where she answers the screening.

Its mail template is a noupdate record: the upgrade does not reload it. The link
is added before its last paragraph, unless the clinic already changed the text so
that this paragraph is gone (or the link is already there).
"""

from odoo import SUPERUSER_ID, api

LAST_PARAGRAPH = "<p>If you cannot come, please call us to move your appointment.</p>"
LINK = (
    "<p>Before your visit, please answer a few health questions online: "
    '<a t-att-href="object.get_base_url() + object.get_portal_url()">answer the questions before your '
    "visit</a>.</p>"
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("halley_aesthetics.mail_template_halley_session_reminder", raise_if_not_found=False)
    if not template:
        return
    template = template.with_context(lang="en_US")
    body = template.body_html or ""
    if "get_portal_url" in body or LAST_PARAGRAPH not in body:
        return
    template.body_html = body.replace(LAST_PARAGRAPH, LINK + LAST_PARAGRAPH, 1)
