import logging
from functools import partial

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.rendering_tools import convert_inline_template_to_qweb

from ..clinic_time import format_local, text_tz
from ..tools import CLINICIAN_GROUPS, CONCURRENCY_ERRORS, JOB_RETRY_DELAY, run_unless_busy
from .halley_lot_recall_patient import RECALL_USAGE_SQL
from .halley_treatment_session_injection_records import translated, zone_doses_text

_logger = logging.getLogger(__name__)

# Patients whose recall message one cron run posts (then it commits and runs again).
RECALL_BATCH_SIZE = 100


class HalleyRecallNotice(models.Model):
    """A patient notified of a recalled lot she received: who, which lot, which
    sessions, when and by whom; the message sent to her is in its chatter."""

    _name = "halley.recall.notice"
    _inherit = ["mail.thread"]
    _description = "Lot recall notice"
    _order = "date desc, id desc"

    lot_id = fields.Many2one("stock.lot", required=True, index=True, readonly=True)
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    patient_id = fields.Many2one("res.partner", required=True, index=True, readonly=True)
    session_ids = fields.Many2many("halley.treatment.session", string="Sessions", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    date = fields.Datetime(string="Notified on", required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Notified by", required=True, readonly=True,
                              default=lambda self: self.env.user)
    email = fields.Char(readonly=True)
    message_id = fields.Many2one("mail.message", readonly=True)
    # Queued by the recall, notified by its cron. Notices made before the queue
    # existed were notified when made: "done" is the default of existing rows.
    state = fields.Selection(
        [("queued", "Queued"), ("done", "Notified")], default="done", required=True, readonly=True, index=True
    )
    recall_subject = fields.Char(string="Recall subject", readonly=True)
    recall_body = fields.Html(string="Recall text", readonly=True, sanitize=False)

    @api.model
    def _halley_notify(self, lots, subject, body):
        """Queue the notification of the patients who received ``lots``: a notice
        per patient, lot and company (its sessions listed), written at once in one
        statement, whatever their number; the messages are posted by
        ``ir_cron_halley_recall_notify`` (``_cron_post_recall_messages``), a batch
        of patients per transaction, their emails queued in Odoo's mail queue.
        Return the notices.

        The sessions are those of the caller's companies only (the recall's SQL
        view, ``halley.lot.recall.patient``); the notices are the record of what
        the recall did, written as superuser, by this method only."""
        self.env.flush_all()
        relation = self._fields["session_ids"]
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                WITH usage AS (
                    SELECT DISTINCT u.session_id, u.patient_id, u.lot_id, u.company_id, u.scheduled_start
                      FROM (%(usage)s) u
                     WHERE u.lot_id = ANY(%(lots)s) AND u.company_id = ANY(%(companies)s)
                ), notice AS (
                    INSERT INTO halley_recall_notice (
                        lot_id, product_id, patient_id, company_id, email, date, user_id, state,
                        recall_subject, recall_body, create_uid, create_date, write_uid, write_date
                    )
                    SELECT k.lot_id, lot.product_id, k.patient_id, k.company_id, p.email, %(now)s, %(uid)s,
                           'queued', %(subject)s, %(body)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM (SELECT patient_id, lot_id, company_id, min(scheduled_start) AS first_date
                              FROM usage GROUP BY patient_id, lot_id, company_id) k
                      JOIN stock_lot lot ON lot.id = k.lot_id
                      JOIN res_partner p ON p.id = k.patient_id
                     ORDER BY k.first_date, k.patient_id, k.lot_id, k.company_id
                 RETURNING id, patient_id, lot_id, company_id
                ), link AS (
                    INSERT INTO %(relation)s (%(notice_column)s, %(session_column)s)
                    SELECT notice.id, usage.session_id
                      FROM notice JOIN usage USING (patient_id, lot_id, company_id)
                )
                SELECT id FROM notice ORDER BY id
                """,
                usage=SQL(RECALL_USAGE_SQL),
                lots=lots.ids,
                companies=self.env.companies.ids,
                now=now,
                uid=self.env.uid,
                subject=subject or "",
                body=str(body or ""),
                relation=SQL.identifier(relation.relation),
                notice_column=SQL.identifier(relation.column1),
                session_column=SQL.identifier(relation.column2),
            )
        )
        notices = self.sudo().browse(row[0] for row in self.env.cr.fetchall())
        self.invalidate_model()
        if notices:
            self.env.ref("halley_aesthetics.ir_cron_halley_recall_notify").sudo()._trigger()
        return notices

    @api.model
    def _cron_post_recall_messages(self, batch_size=RECALL_BATCH_SIZE):
        """Post the queued recall messages, ``batch_size`` patients per run (Odoo's
        cron progress API: the cron commits after each batch and runs again while
        some are left). Each patient gets one message (the recall's subject and
        text rendered for her, then the product, lot and date of each of her
        sessions), posted on her first notice of the recall, which only clinic
        managers read, not in her contact's chatter, which every employee reads;
        its email waits in Odoo's mail queue. Without an email address, the notice
        says to call her."""
        cr = self.env.cr
        self.env.flush_all()
        # The notices of one recall (one user, one date) for one patient in one
        # company: each clinic's message stays in that clinic's notices.
        group_sql = """
            SELECT array_agg(id ORDER BY id)
              FROM halley_recall_notice
             WHERE state = 'queued'
             GROUP BY patient_id, company_id, user_id, date
        """
        cr.execute(SQL("%s ORDER BY min(id) LIMIT %s", SQL(group_sql), batch_size))
        groups = [ids for (ids,) in cr.fetchall()]
        Notice = self.sudo()
        notices = Notice.browse(id_ for ids in groups for id_ in ids)  # read together
        # Where each lot went on each patient's face (her charts): one query for
        # the batch, every language (each message is in its patient's).
        zones = Notice._halley_recall_zone_doses(notices)
        postponed = 0
        for ids in groups:
            group = notices.browse(ids)
            # Notices changed by someone at this moment stay queued for the next run.
            if not run_unless_busy(
                group, partial(group._halley_post_recall_message, zones), _logger, f"Recall notices {ids}"
            ):
                postponed += 1
        self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
        self.env.flush_all()
        cr.execute(SQL("SELECT count(*) FROM (%s) AS queued", SQL(group_sql)))
        remaining = cr.fetchone()[0] - postponed
        if postponed:
            self.env.ref("halley_aesthetics.ir_cron_halley_recall_notify").sudo()._trigger(
                fields.Datetime.now() + JOB_RETRY_DELAY
            )
        self.env["ir.cron"]._notify_progress(done=len(groups) - postponed, remaining=remaining)
        return True

    @api.model
    def _halley_recall_zone_doses(self, notices):
        """{(session id, lot id): [(zone names by language, dose, unit names)]} for
        the sessions of ``notices``, in one query."""
        keys = [(session.id, notice.lot_id.id) for notice in notices.sudo() for session in notice.session_ids]
        return self.env["halley.treatment.session"].sudo()._halley_lot_zone_doses(keys, by="session", translate=False)

    def _halley_post_recall_message(self, zones=None):
        """Post one patient's recall message on the first of ``self`` (her notices
        of one recall) and mark them notified. A message that cannot be posted is
        replaced by a note to call her (logged at INFO); the others go on."""
        notices = self.sudo()
        lead = notices[0]
        patient = lead.patient_id
        # Rendered as the manager who sent it: what she may read, nothing more. The
        # message is in the patient's language (else the manager's); the notes left
        # for the clinic's managers stay in the manager's.
        as_sender = (
            notices.with_user(lead.user_id).with_company(lead.company_id).with_context(lang=lead.user_id.lang)
        )
        for_patient = as_sender.with_context(
            lang=patient._halley_lang(lead.company_id) if patient.lang else lead.user_id.lang
        )
        tz = text_tz(lead.company_id, patient)
        if zones is None:
            zones = self._halley_recall_zone_doses(notices)
        if not lead.user_id.has_group(CLINICIAN_GROUPS):
            zones = {}  # only what the manager who sent it may read
        lang = for_patient.env.lang or "en_US"
        try:
            with self.env.cr.savepoint():
                if lead.email:
                    uses = sorted(
                        ((session.scheduled_start, notice.lot_id, session.protocol_id, session)
                         for notice in notices for session in notice.session_ids),
                        key=lambda use: (use[0], use[1].name),
                    )
                    # In words: the product and the treatment without internal codes.
                    details = Markup("<ul>%s</ul>") % Markup("").join(
                        Markup("<li>%s%s</li>")
                        % (
                            for_patient.env._(
                                "%(product)s, lot %(lot)s: your %(treatment)s session of %(date)s",
                                product=lot.product_id.with_context(lang=for_patient.env.lang).name,
                                lot=lot.name,
                                treatment=protocol.with_context(lang=for_patient.env.lang).clinic_name,
                                # Her day (her time zone, else the clinic's), not the sender's.
                                date=format_local(for_patient.env, date, tz, pattern=for_patient.env._("d MMM y")),
                            ),
                            # Where the lot went on her face (her chart).
                            self._halley_zones_sentence(for_patient.env, zones.get((session.id, lot.id)), lang),
                        )
                        for date, lot, protocol, session in uses
                    )
                    # Her name starts the message: the text the manager edits has no
                    # placeholder to get wrong (see halley.lot.recall's body).
                    greeting = Markup("<p>%s</p>") % for_patient.env._("Dear %(patient)s,", patient=patient.name)
                    rendered = Markup(for_patient._halley_render_body(lead.recall_body, patient))
                    message = lead.with_context(mail_notify_force_send=False).message_post(
                        body=greeting + rendered + details,
                        subject=lead.recall_subject,
                        author_id=lead.user_id.partner_id.id,
                        partner_ids=patient.ids,
                        message_type="comment",
                        subtype_xmlid="mail.mt_comment",
                    )
                else:
                    message = lead._message_log(
                        body=as_sender.env._("No email address: call %(patient)s about the recall.",
                                             patient=patient.name),
                        author_id=lead.user_id.partner_id.id,
                    )
        except CONCURRENCY_ERRORS:
            raise  # not the message's failure: the whole step is tried again later
        except Exception:  # noqa: BLE001 - one patient's failure must not stop the others
            _logger.info("Recall message of notice %s not posted", lead.id, exc_info=True)
            message = lead._message_log(
                body=as_sender.env._(
                    "The recall message could not be sent: call %(patient)s about the recall.", patient=patient.name
                ),
                author_id=lead.user_id.partner_id.id,
            )
        notices.write({"message_id": message.id, "state": "done"})

    @api.model
    def _halley_zones_sentence(self, env, doses, lang):
        """Where the lot was injected, for her: "; injected in: Left cheek (0.8 mL)"."""
        if not doses:
            return ""
        return env._(
            "; injected in: %(zones)s",
            zones=zone_doses_text(env, [(translated(zone, lang), dose, translated(unit, lang))
                                        for zone, dose, unit in doses]),
        )

    @api.model
    def _halley_render_body(self, body, patient):
        """The message for one patient. Its placeholders ({{ object.name }}, the
        object being the patient) are rendered as Odoo's mail templates render
        theirs (QWeb ``t-out``): what they insert is escaped, so a name such as
        ``<img src=x onerror=...>`` arrives as text, never as markup."""
        template = convert_inline_template_to_qweb(Markup(body or ""))
        return self.env["mail.render.mixin"]._render_template(
            template, "res.partner", patient.ids, engine="qweb", options={"post_process": True}
        )[patient.id]
