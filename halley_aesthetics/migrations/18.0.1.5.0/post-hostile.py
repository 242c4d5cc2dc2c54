"""18.0.1.4.0 -> 18.0.1.5.0 (hostile inputs): the aftercare and reminder mails are
written in the patient's language only if it is installed, else her company's
(``res.partner.halley_document_lang``).

Their mail templates are noupdate records: the upgrade does not reload them. Their
language is changed unless the clinic already changed it.
"""

from odoo import SUPERUSER_ID, api

OLD, NEW = "{{ object.patient_id.lang }}", "{{ object.patient_id.halley_document_lang }}"
TEMPLATES = ("mail_template_halley_aftercare", "mail_template_halley_session_reminder")


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in TEMPLATES:
        template = env.ref(f"halley_aesthetics.{xmlid}", raise_if_not_found=False)
        if template and template.lang == OLD:
            template.lang = NEW
