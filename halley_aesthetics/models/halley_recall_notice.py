from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_date
from odoo.tools.rendering_tools import convert_inline_template_to_qweb


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

    @api.model
    def _halley_notify(self, usage, subject, body):
        """Notify the patients who received a recalled lot and keep a notice per
        patient and lot; return the notices.

        ``usage``: the ``(session, lot)`` pairs found (stock.lot's
        ``_halley_recall_sessions``), in the order to list them. Each patient gets
        one message (``subject``, ``body`` rendered for her, then the product, lot
        and date of each of her sessions), posted on her first notice, which only
        clinic managers read, not in her contact's chatter, which every employee
        reads; without an email address the notice says to call her.

        The sessions are read as the caller (her companies only); the notices are
        the record of what the recall did, written as superuser, by this method
        only."""
        Notice = self.sudo()
        notices = Notice
        Session, Lot = self.env["halley.treatment.session"], self.env["stock.lot"]
        # Patients, sessions and lots in the order found (union keeps it, without repeats).
        for patient in Session.union(*(session for session, _lot in usage)).patient_id:
            own = [(session, lot) for session, lot in usage if session.patient_id == patient]
            sessions = Session.union(*(session for session, _lot in own))
            details = Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>")
                % self.env._(
                    "%(product)s, lot %(lot)s: your session of %(date)s",
                    product=lot.product_id.display_name,
                    lot=lot.name,
                    date=format_date(self.env, session.scheduled_start),
                )
                for session, lot in own
            )
            own_notices = Notice.create(
                [
                    {
                        "lot_id": lot.id,
                        "patient_id": patient.id,
                        "session_ids": [
                            fields.Command.set([session.id for session, used in own if used == lot])
                        ],
                        "company_id": sessions.company_id[:1].id or self.env.company.id,
                        "email": patient.email,
                    }
                    for lot in Lot.union(*(lot for _session, lot in own))
                ]
            )
            notice = own_notices[0]
            if patient.email:
                message = notice.message_post(
                    body=Markup(self._halley_render_body(body, patient)) + details,
                    subject=subject,
                    partner_ids=patient.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
            else:
                message = notice._message_log(
                    body=self.env._("No email address: call %(patient)s about the recall.", patient=patient.name)
                )
            own_notices.message_id = message
            notices |= own_notices
        return notices

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
