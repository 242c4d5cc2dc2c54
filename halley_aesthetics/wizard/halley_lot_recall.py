from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import check_session_access


def _like_literal(text):
    """``text`` as a LIKE pattern that matches itself only: % and _ are literal."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class HalleyLotRecall(models.TransientModel):
    """A recalled lot: every session, patient, date and practitioner that used it,
    in one step, and the action that notifies those patients."""

    _name = "halley.lot.recall"
    _description = "Lot recall"

    lot_id = fields.Many2one("stock.lot")
    product_id = fields.Many2one("product.product", domain="[('tracking', '!=', 'none')]")
    lot_name = fields.Char(string="Lot number", help="The lot number as printed on the recall notice.")
    # Computed as the user (not as superuser): she finds only the lots and the
    # sessions of her own companies.
    lot_ids = fields.Many2many(
        "stock.lot", string="Lots found", compute="_compute_line_ids", store=True, compute_sudo=False
    )
    message = fields.Char(compute="_compute_line_ids", store=True, readonly=True, compute_sudo=False)
    line_ids = fields.One2many(
        "halley.lot.recall.line", "recall_id", compute="_compute_line_ids", store=True, readonly=True,
        compute_sudo=False,
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
        """The lots the user means, among those she may see (her companies): the
        picked lot, or the lot number exactly as typed (case and surrounding
        spaces ignored; % and _ are plain characters), of the product if given."""
        self.ensure_one()
        Lot = self.env["stock.lot"]
        if self.lot_id:
            return Lot.search([("id", "=", self.lot_id.id)])
        number = (self.lot_name or "").strip()
        if not number:
            return Lot
        domain = [("name", "=ilike", _like_literal(number))]
        if self.product_id:
            domain.append(("product_id", "=", self.product_id.id))
        return Lot.search(domain).filtered(lambda lot: lot.name.strip().casefold() == number.casefold())

    @api.depends("lot_id", "product_id", "lot_name")
    def _compute_line_ids(self):
        for recall in self:
            lots = recall._find_lots()
            recall.message = False
            if len(lots.product_id) > 1:
                recall.message = self.env._(
                    "Lot %(lot)s exists for several products (%(products)s): choose the "
                    "product named on the recall notice.",
                    lot=(recall.lot_name or "").strip(),
                    products=", ".join(lots.product_id.mapped("display_name")),
                )
                lots = lots.browse()
            elif recall.lot_name and not recall.lot_id and not lots:
                recall.message = self.env._(
                    "No lot %(lot)s%(of)s in your companies.",
                    lot=recall.lot_name.strip(),
                    of=self.env._(" of %(product)s", product=recall.product_id.display_name)
                    if recall.product_id
                    else "",
                )
            recall.lot_ids = lots
            # Sessions of the user's companies only (see stock.lot).
            recall.line_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {"session_id": session.id, "lot_id": lot.id, "quantity": quantity,
                     "date": session.scheduled_start}
                )
                for (session, lot), quantity in lots._halley_recall_sessions().items()
            ]

    @api.depends("line_ids.session_id")
    def _compute_patient_count(self):
        for recall in self:
            recall.patient_count = len(recall.line_ids.session_id.patient_id)

    def action_notify(self):
        """Email every patient found (one message each, listing her sessions) and
        keep a recall notice per patient and lot, the message on it (see
        halley.recall.notice)."""
        self.ensure_one()
        # What the lot says now, in the user's companies: never lines written by hand.
        self._compute_line_ids()
        if self.message:
            raise UserError(self.message)
        lines = self.line_ids
        if not lines:
            raise UserError(self.env._("No patient received this lot: nobody to notify."))
        notices = self.env["halley.recall.notice"]._halley_notify(
            [(line.session_id, line.lot_id) for line in lines], self.subject, self.body
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
    # Read as the user (not as superuser): only sessions of her own companies show
    # their patient, on every path (create, write, onchange).
    patient_id = fields.Many2one(related="session_id.patient_id", string="Patient", compute_sudo=False)
    date = fields.Datetime(readonly=True)  # the session's, copied when listed (lines are ordered by it)
    practitioner_id = fields.Many2one(related="session_id.practitioner_id", compute_sudo=False)
    email = fields.Char(related="session_id.patient_id.email", compute_sudo=False)
    phone = fields.Char(related="session_id.patient_id.phone", compute_sudo=False)

    @api.model_create_multi
    def create(self, vals_list):
        check_session_access(self, vals_list, "read")  # her companies' sessions only
        return super().create(vals_list)

    def write(self, vals):
        check_session_access(self, [vals], "read")
        return super().write(vals)
