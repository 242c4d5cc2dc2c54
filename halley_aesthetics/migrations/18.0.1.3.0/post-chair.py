"""18.0.1.2.0 -> 18.0.1.3.0 (practitioner ergonomics): the day-before reminder is
written in the patient's language.

Its mail template is a noupdate record: the upgrade does not reload it. It gets
the patient's language (``lang``), as on new databases, unless the clinic has
set a language of its own on it.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("halley_aesthetics.mail_template_halley_session_reminder", raise_if_not_found=False)
    if template and not template.lang:
        template.lang = "{{ object.patient_id.lang }}"
