"""18.0.1.1.0 -> 18.0.1.2.0 (issue: aftercare as a QWeb report sent after commit).

1. Sessions completed before the upgrade had their aftercare sheet attached and
   emailed by Done itself: they are marked as sent, so the aftercare cron never
   sends them again. Done sessions without a sheet are left unmarked (not sent).
2. The aftercare mail template is a noupdate record: the upgrade does not reload
   it. It gets the aftercare report (report_template_ids), without which its email
   would leave without the sheet; its body, when still the released one with the
   hard-coded two-day rules, is replaced by the new one, which shows the
   protocol's own instructions (and the email is then written in the patient's
   language, as on new databases). A body the clinic edited is kept.
"""

import logging

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.tools.misc import file_path

_logger = logging.getLogger(__name__)

RELEASED_BODY_MARK = "no hot water on the face"


def _mark_sent(cr):
    cr.execute(
        """
        UPDATE halley_treatment_session
           SET aftercare_state = 'sent'
         WHERE state = 'done'
           AND aftercare_attachment_id IS NOT NULL
           AND aftercare_state IS NULL
        """
    )
    _logger.info("Completed sessions with their aftercare sheet marked as sent: %s", cr.rowcount)


def _new_body():
    """The template's body as the data file has it, loaded as Odoo loads an html field."""
    tree = etree.parse(file_path("halley_aesthetics/data/halley_mail_templates.xml"))
    field = tree.find(".//record[@id='mail_template_halley_aftercare']/field[@name='body_html']")
    return "".join(etree.tostring(node, method="html", encoding="unicode") for node in field)


def _update_template(env):
    template = env.ref("halley_aesthetics.mail_template_halley_aftercare", raise_if_not_found=False)
    if not template:
        return
    report = env.ref("halley_aesthetics.action_report_halley_aftercare")
    if report not in template.report_template_ids:
        template.report_template_ids |= report
        _logger.info("The aftercare mail template now attaches the aftercare report")
    if RELEASED_BODY_MARK in (template.body_html or ""):
        template.write({"body_html": _new_body(), "lang": template.lang or "{{ object.patient_id.lang }}"})
        _logger.info("The aftercare mail template's released body replaced by the protocol's instructions")


def migrate(cr, version):
    if not version:
        return
    _mark_sent(cr)
    _update_template(api.Environment(cr, SUPERUSER_ID, {}))
