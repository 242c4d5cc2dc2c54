import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval, time

from ..tools import CONCURRENCY_ERRORS, JOB_RETRY_DELAY, run_unless_busy

_logger = logging.getLogger(__name__)

# Sessions handled per run of the aftercare cron; Odoo's cron runner commits after
# each run and runs it again at once while the progress says some are left.
AFTERCARE_BATCH_SIZE = 20


class HalleyTreatmentSession(models.Model):
    """Aftercare: the patient's aftercare sheet (a QWeb PDF report, with the
    protocol's own instructions and the lots used), emailed to her after the
    session is completed.

    Done only marks the session and triggers the aftercare cron: the sheet is
    rendered and the email queued in the cron worker, after Done's transaction is
    committed, so completing a session never depends on the report or the mail."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    aftercare_state = fields.Selection(
        [
            ("to_send", "To send"),
            ("sent", "Emailed"),
            ("no_email", "To print (no email address)"),
            ("failed", "Not sent"),
        ],
        string="Aftercare sheet status",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
    aftercare_attachment_id = fields.Many2one(
        "ir.attachment", string="Aftercare sheet", copy=False, readonly=True
    )

    # ------------------------------------------------------------------ workflow

    def _halley_workflow_fields(self):
        return super()._halley_workflow_fields() | {"aftercare_attachment_id", "aftercare_state"}

    def _action_done(self):
        res = super()._action_done()
        self._mark_aftercare_to_send()
        return res

    def action_cancel(self):
        res = super().action_cancel()
        # Cancelled before its sheet left: the sheet is not sent.
        self.filtered(lambda s: s.state == "cancel" and s.aftercare_state == "to_send")._workflow_write(
            {"aftercare_state": False}
        )
        return res

    def action_print_aftercare(self):
        return self.env.ref("halley_aesthetics.action_report_halley_aftercare").report_action(self)

    def _aftercare_sheet_name(self):
        """The sheet's file name, as the patient reads it: "Aftercare - Grace Lim -
        26 Nov 2026" (her name and the session's day in her language and time zone,
        no session code). The same whoever renders it (a practitioner printing it,
        the cron mailing it in her language), so the mailed sheet is found again by
        its name."""
        self.ensure_one()
        patient = self.patient_id
        session = self.with_context(lang=patient._halley_lang(self.company_id))
        return session.env._(
            "Aftercare - %(patient)s - %(date)s",
            patient=(patient.name or "").replace("/", "-"),
            date=session._halley_document_day(),
        )

    def action_open_aftercare_sheet(self):
        """The aftercare sheet as the patient received it: the PDF itself, in a new
        tab (its download URL checks the user's access to the session)."""
        self.ensure_one()
        sheet = self.aftercare_attachment_id
        if not sheet:
            raise UserError(self.env._("%(session)s has no aftercare sheet yet.", session=self.display_name))
        return {"type": "ir.actions.act_url", "url": f"/web/content/{sheet.id}", "target": "new"}

    def action_send_aftercare(self):
        """Send the aftercare sheet (again): after a failure, once the patient has
        an email address, or when she asks for it."""
        self._mark_aftercare_to_send()
        return True

    def _mark_aftercare_to_send(self):
        sessions = self.filtered(lambda s: s.state == "done")
        if sessions:
            sessions._workflow_write({"aftercare_state": "to_send"})
            self.env.ref("halley_aesthetics.ir_cron_halley_aftercare").sudo()._trigger()

    # ------------------------------------------------------------------ cron

    @api.model
    def _cron_send_aftercare(self, batch_size=AFTERCARE_BATCH_SIZE):
        """Send the aftercare sheets of completed sessions marked to send, a batch
        per run. A session whose sheet cannot be sent is marked as not sent, with a
        note and an activity for its practitioner; the others go on."""
        domain = [("aftercare_state", "=", "to_send"), ("state", "=", "done")]
        Session = self.sudo()
        sessions = Session.search(domain, order="date_done, id", limit=batch_size)
        remaining = Session.search_count(domain) - len(sessions) if len(sessions) == batch_size else 0
        # A session that billing (or anyone) is changing at this moment is left
        # "to send" for the next run, as Odoo replays a request: never an error.
        postponed = sessions.filtered(
            lambda session: not run_unless_busy(
                session, session._send_aftercare_or_report_failure, _logger, f"Aftercare sheet of {session.name}"
            )
        )
        if postponed:
            self.env.ref("halley_aesthetics.ir_cron_halley_aftercare").sudo()._trigger(
                fields.Datetime.now() + JOB_RETRY_DELAY
            )
        self.env["ir.cron"]._notify_progress(done=len(sessions - postponed), remaining=remaining)
        return True

    def _send_aftercare_or_report_failure(self):
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._send_aftercare()
        except CONCURRENCY_ERRORS:
            raise  # not the sheet's failure: the whole step is tried again later
        except Exception as error:  # noqa: BLE001 - one session's failure must not stop the others
            # Logged at INFO: the failure is reported on the session itself (note,
            # status, activity), where the clinic acts on it.
            _logger.info("Aftercare sheet of %s not sent", self.name, exc_info=True)
            self._report_aftercare_failure(error)

    def _send_aftercare(self):
        """Email the patient her aftercare sheet through the mail queue: the mail
        template renders the sheet (its report) and attaches it; the message is
        posted on the session, where the sheet stays. Without an email address, the
        sheet is rendered once and left on the session to print."""
        self.ensure_one()
        session = self.sudo()
        patient = session.patient_id
        report = self.env.ref("halley_aesthetics.action_report_halley_aftercare").sudo()
        sheet_name = safe_eval(report.print_report_name, {"object": session, "time": time})
        if patient.email:
            template = self.env.ref("halley_aesthetics.mail_template_halley_aftercare").sudo()
            # From her practitioner (the cron runs as OdooBot), else the clinic, when
            # they have an email address to send from.
            author = next(
                (p for p in (session.practitioner_id.partner_id, session.company_id.partner_id) if p.email),
                None,
            )
            # Queued, not sent in this transaction: Odoo's mail queue sends it.
            message = session.with_context(mail_notify_force_send=False).message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=patient.ids,
                email_layout_xmlid="mail.mail_notification_light",
                **({"author_id": author.id} if author else {}),
            )
            self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
            attachment = message.attachment_ids.filtered(lambda a: a.name.startswith(f"{sheet_name}."))[:1]
            state = "sent"
        else:
            content, extension = self.env["ir.actions.report"].sudo()._render_qweb_pdf(report, session.ids)
            attachment = self.env["ir.attachment"].sudo().create(
                {
                    "name": f"{sheet_name}.{extension}",
                    "raw": content,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
            session._message_log(
                body=self.env._(
                    "%(patient)s has no email address: give her the printed aftercare sheet.",
                    patient=patient.display_name,
                ),
                attachment_ids=attachment.ids,
            )
            state = "no_email"
        session.write({"aftercare_attachment_id": attachment.id, "aftercare_state": state})

    def _report_aftercare_failure(self, error):
        session = self.sudo()
        reason = str(error) or type(error).__name__
        session._message_log(
            body=self.env._("The aftercare sheet could not be sent: %(reason)s", reason=reason)
        )
        session.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Aftercare sheet not sent"),
            note=self.env._(
                "The aftercare sheet could not be sent (%(reason)s). Fix the cause, then use "
                "Send aftercare, or print it for the patient.",
                reason=reason,
            ),
            user_id=session.practitioner_id.id or self.env.uid,
        )
        session.write({"aftercare_state": "failed"})
