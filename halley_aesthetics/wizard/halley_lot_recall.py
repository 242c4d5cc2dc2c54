from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class HalleyLotRecall(models.TransientModel):
    """A recalled lot: every session, patient, date and practitioner that used it,
    in one step, and the action that notifies those patients."""

    _name = "halley.lot.recall"
    _description = "Lot recall"

    lot_id = fields.Many2one("stock.lot")
    product_id = fields.Many2one("product.product", domain="[('tracking', '!=', 'none')]")
    lot_name = fields.Char(string="Lot number", help="The lot number as printed on the recall notice.")
    lot_ids = fields.Many2many("stock.lot", string="Lots found", compute="_compute_line_ids", store=True)
    line_ids = fields.One2many(
        "halley.lot.recall.line", "recall_id", compute="_compute_line_ids", store=True, readonly=True
    )
    patient_count = fields.Integer(compute="_compute_patient_count", string="Patients")
    subject = fields.Char(
        default=lambda self: self._default_template().subject or self.env._("Product recall"),
    )
    body = fields.Html(
        default=lambda self: self._default_template().body_html,
        help="Sent to each patient, followed by the product, lot and dates of her sessions.",
    )

    @api.model
    def _default_template(self):
        return self.env.ref("halley_aesthetics.mail_template_halley_lot_recall", raise_if_not_found=False) or self.env[
            "mail.template"
        ]

    def _find_lots(self):
        self.ensure_one()
        if self.lot_id:
            return self.lot_id
        if not self.lot_name:
            return self.env["stock.lot"]
        domain = [("name", "=ilike", self.lot_name.strip())]
        if self.product_id:
            domain.append(("product_id", "=", self.product_id.id))
        return self.env["stock.lot"].search(domain)

    @api.depends("lot_id", "product_id", "lot_name")
    def _compute_line_ids(self):
        for recall in self:
            lots = recall._find_lots()
            recall.lot_ids = lots
            move_lines = self.env["stock.move.line"].sudo().search(
                [
                    ("lot_id", "in", lots.ids),
                    ("state", "=", "done"),
                    ("move_id.treatment_session_id", "!=", False),
                    ("move_id.treatment_session_id.state", "=", "done"),
                    ("location_dest_id.usage", "=", "production"),
                ]
            )
            rows = {}
            for line in move_lines:
                session = line.move_id.treatment_session_id
                key = (session.id, line.lot_id.id)
                if key in rows:
                    rows[key]["quantity"] += line.quantity
                    continue
                rows[key] = {
                    "session_id": session.id,
                    "lot_id": line.lot_id.id,
                    "quantity": line.quantity,
                }
            recall.line_ids = [fields.Command.clear()] + [
                fields.Command.create(vals) for vals in rows.values()
            ]

    @api.depends("line_ids.session_id")
    def _compute_patient_count(self):
        for recall in self:
            recall.patient_count = len(recall.line_ids.session_id.patient_id)

    def action_notify(self):
        """Email every patient found (one message each, listing her sessions) and
        log the notice on her record."""
        self.ensure_one()
        lines = self.line_ids
        if not lines:
            raise UserError(self.env._("No patient received this lot: nobody to notify."))
        Notice = self.env["halley.recall.notice"]
        notices = Notice
        for patient in lines.patient_id:
            own = lines.filtered(lambda ln: ln.patient_id == patient)
            details = Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>")
                % self.env._(
                    "%(product)s, lot %(lot)s: your session of %(date)s",
                    product=line.lot_id.product_id.display_name,
                    lot=line.lot_id.name,
                    date=format_date(self.env, line.date),
                )
                for line in own
            )
            # The text may use placeholders such as {{ object.name }}: rendered for
            # each patient (the object), as Odoo renders its templates.
            greeting = self.env["mail.render.mixin"]._render_template(
                self.body or "", "res.partner", patient.ids, engine="inline_template"
            )[patient.id]
            body = Markup(greeting) + details
            message = patient.sudo().message_post(
                body=body,
                subject=self.subject,
                partner_ids=patient.ids if patient.email else [],
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            for lot in own.lot_id:
                notices |= Notice.create(
                    {
                        "lot_id": lot.id,
                        "patient_id": patient.id,
                        "session_ids": [fields.Command.set(own.filtered(lambda ln: ln.lot_id == lot).session_id.ids)],
                        "company_id": own.session_id.company_id[:1].id or self.env.company.id,
                        "email": patient.email,
                        "message_id": message.id,
                    }
                )
            if not patient.email:
                patient.sudo()._message_log(
                    body=self.env._("No email address: call %(patient)s about the recall.", patient=escape(patient.name))
                )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recall notices"),
            "res_model": "halley.recall.notice",
            "view_mode": "list,form",
            "domain": [("id", "in", notices.ids)],
        }


class HalleyLotRecallLine(models.TransientModel):
    _name = "halley.lot.recall.line"
    _description = "Session that used a recalled lot"
    _order = "date desc"

    recall_id = fields.Many2one("halley.lot.recall", ondelete="cascade")
    session_id = fields.Many2one("halley.treatment.session", readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True)
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure")
    patient_id = fields.Many2one(related="session_id.patient_id", string="Patient")
    date = fields.Datetime(related="session_id.scheduled_start", string="Date")
    practitioner_id = fields.Many2one(related="session_id.practitioner_id")
    email = fields.Char(related="session_id.patient_id.email")
    phone = fields.Char(related="session_id.patient_id.phone")
