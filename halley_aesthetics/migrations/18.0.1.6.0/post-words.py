"""18.0.1.5.0 -> 18.0.1.6.0 (words, not codes): the lot recall's message no longer
carries a ``{{ object.name }}`` placeholder that the clinic manager would edit as
code; each patient's message starts with "Dear <her name>," written by the recall
itself (halley.recall.notice). The kept template (noupdate) loses its greeting
paragraph, in every language, when that paragraph is still the placeholder one; a
text the clinic rewrote is left as it is.
"""

import re

from psycopg2.extras import Json

GREETING = re.compile(r"<p>[^<]*\{\{\s*object\.name\s*\}\}[^<]*</p>\s*")


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT t.id, t.body_html
          FROM mail_template t
          JOIN ir_model_data d ON d.model = 'mail.template' AND d.res_id = t.id
         WHERE d.module = 'halley_aesthetics' AND d.name = 'mail_template_halley_lot_recall'
        """
    )
    for template_id, body in cr.fetchall():
        if not body:
            continue
        cleaned = {lang: GREETING.sub("", html or "", count=1) for lang, html in body.items()}
        if cleaned != body:
            cr.execute("UPDATE mail_template SET body_html = %s WHERE id = %s", [Json(cleaned), template_id])
