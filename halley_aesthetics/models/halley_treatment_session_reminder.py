import logging
from datetime import timedelta

from odoo import api, fields, models

from ..tools import JOB_RETRY_DELAY, run_unless_busy

_logger = logging.getLogger(__name__)


class HalleyTreatmentSession(models.Model):
    """Appointment reminders: the day before a booked session, the patient gets an
    email with its time and what to avoid before it (supplements that raise the
    bruising risk)."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    reminder_sent_on = fields.Datetime(string="Reminder sent on", copy=False, readonly=True)

    def _halley_workflow_fields(self):
        return super()._halley_workflow_fields() | {"reminder_sent_on"}

    @api.model
    def _cron_send_reminders(self, hours=36):
        """Email every patient with a booked session starting within ``hours``
        (and not started yet) that has had no reminder; once per session."""
        now = fields.Datetime.now()
        sessions = self.sudo().search(
            [
                ("state", "=", "confirmed"),
                ("reminder_sent_on", "=", False),
                ("scheduled_start", ">", now),
                ("scheduled_start", "<=", now + timedelta(hours=hours)),
                ("patient_id.email", "!=", False),
            ]
        )
        postponed = sessions.filtered(
            lambda session: not run_unless_busy(
                session, session._send_reminder, _logger, f"Reminder of {session.name}"
            )
        )
        if postponed:  # changed by someone at this moment: sent on the next run
            self.env.ref("halley_aesthetics.ir_cron_halley_session_reminder").sudo()._trigger(
                fields.Datetime.now() + JOB_RETRY_DELAY
            )
        return True

    def _send_reminder(self):
        template = self.env.ref("halley_aesthetics.mail_template_halley_session_reminder")
        for session in self:
            session.message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                partner_ids=session.patient_id.ids,
                email_layout_xmlid="mail.mail_notification_light",
            )
        self.sudo().write({"reminder_sent_on": fields.Datetime.now()})
