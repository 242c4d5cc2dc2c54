"""18.0.1.1.0 -> 18.0.1.2.0 (issue 12: screens and documents in the clinic's words).

The patient's emails name her treatment by the protocol's clinic name
(``mrp.bom.clinic_name``: "Rejuran Skin Healer") instead of the session's reference
or the treatment product's name. Both mail templates are noupdate records: the
upgrade does not reload them. Their released texts are updated here; a text the
clinic edited is kept.

- the aftercare email's subject: "(SES/2026/00002)" becomes "(Rejuran Skin Healer)";
- the reminder's body: "your Rejuran Skin Healer session session" (the product's
  name, "... session", followed by "session") becomes "your Rejuran Skin Healer
  session".

The aftercare email's body is replaced by post-aftercare.py (already in the clinic's
words). Nothing stored changes shape: the clinic name is computed.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

RELEASED_AFTERCARE_SUBJECT = "Your aftercare after today's treatment ({{ object.name }})"
NEW_AFTERCARE_SUBJECT = "Your aftercare after today's treatment ({{ object.protocol_id.clinic_name }})"
RELEASED_REMINDER_TREATMENT = "object.protocol_id.product_tmpl_id.name"
NEW_REMINDER_TREATMENT = "object.protocol_id.clinic_name"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    aftercare = env.ref("halley_aesthetics.mail_template_halley_aftercare", raise_if_not_found=False)
    if aftercare and aftercare.subject == RELEASED_AFTERCARE_SUBJECT:
        aftercare.subject = NEW_AFTERCARE_SUBJECT
        _logger.info("The aftercare email's subject names the treatment instead of the session's reference")
    reminder = env.ref("halley_aesthetics.mail_template_halley_session_reminder", raise_if_not_found=False)
    if reminder and RELEASED_REMINDER_TREATMENT in (reminder.body_html or ""):
        reminder.body_html = reminder.body_html.replace(RELEASED_REMINDER_TREATMENT, NEW_REMINDER_TREATMENT)
        _logger.info("The reminder names the treatment by the protocol's clinic name")
