from odoo import api, fields, models
from odoo.exceptions import UserError


def _like_literal(text):
    """``text`` as a LIKE pattern that matches itself only: % and _ are literal."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


COUNT_FIELDS = ("patient_count", "session_count")


class HalleyLotRecall(models.TransientModel):
    """A recalled lot: which lot the manufacturer means, how many patients and
    sessions received it (*Find patients* lists them, paginated, from the SQL view
    ``halley.lot.recall.patient``), and the action that notifies those patients
    (queued: see halley.recall.notice). Nothing here grows with the number of
    sessions: the lots are found by number, the patients counted in one query."""

    _name = "halley.lot.recall"
    _description = "Lot recall"

    lot_id = fields.Many2one("stock.lot")
    product_id = fields.Many2one("product.product", domain="[('tracking', '!=', 'none')]")
    lot_name = fields.Char(string="Lot number", help="The lot number as printed on the recall notice.")
    # Computed as the user (not as superuser): she finds only the lots of her own
    # companies.
    lot_ids = fields.Many2many(
        "stock.lot", string="Lots found", compute="_compute_lot_ids", store=True, compute_sudo=False
    )
    message = fields.Char(compute="_compute_lot_ids", store=True, readonly=True, compute_sudo=False)
    # Counted as the user, in her companies only (as the view's record rule), once
    # per screen: stored on the wizard, and sent back by the form (force_save) when
    # it is saved for *Find patients*, so the count made when the lot was picked is
    # not made again (the lots' move lines aggregated once per screen).
    # (Editable computed fields, readonly in the form: Odoo keeps the values given to
    # create or write instead of computing them again. Only whole counts are kept:
    # anything else is counted again. A count she forges misleads only her own
    # screen: Find patients and Notify read the lots again.)
    patient_count = fields.Integer(
        compute="_compute_counts", string="Patients", store=True, readonly=False, compute_sudo=False
    )
    session_count = fields.Integer(
        compute="_compute_counts", string="Sessions", store=True, readonly=False, compute_sudo=False
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._halley_keep_sane_counts(vals)
        return super().create(vals_list)

    def write(self, vals):
        vals = dict(vals)
        self._halley_keep_sane_counts(vals)
        return super().write(vals)

    @api.model
    def _halley_keep_sane_counts(self, vals):
        """The counts the form sends back are kept when both are whole counts;
        otherwise both are dropped, and counted."""
        counts = [vals.get(name) for name in COUNT_FIELDS]
        if any(name in vals for name in COUNT_FIELDS) and not all(
            isinstance(count, int) and not isinstance(count, bool) and 0 <= count < 2**31 for count in counts
        ):
            for name in COUNT_FIELDS:
                vals.pop(name, None)
    subject = fields.Char(
        default=lambda self: self._default_template().subject or self.env._("Product recall"),
    )
    body = fields.Html(
        default=lambda self: self._default_template().body_html,
        help="Sent to each patient after \"Dear <her name>,\", followed by the product, lot and "
        "dates of her sessions.",
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
    def _compute_lot_ids(self):
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

    @api.depends("lot_ids")
    def _compute_display_name(self):
        for recall in self:
            recall.display_name = (
                self.env._("Recall of %(lots)s", lots=", ".join(recall.lot_ids.mapped("name")))
                if recall.lot_ids
                else self.env._("Lot recall")
            )

    # On what the lots are found from (as lot_ids), not on lot_ids itself: saving
    # the form recomputes lot_ids (a cheap search), which must not count again the
    # patients the form sent back.
    @api.depends("lot_id", "product_id", "lot_name")
    def _compute_counts(self):
        for recall in self:
            recall.patient_count, recall.session_count = recall._count_patients()

    def _patients_domain(self):
        return [("lot_id", "in", self.lot_ids.ids)]

    def _count_patients(self):
        """Patients and sessions that received the lots found, in one query."""
        self.ensure_one()
        return self.env["halley.lot.recall.patient"]._halley_count(self.lot_ids)

    def _check_lots(self):
        """The lots as they are now in the user's companies (never a stale or
        hand-written value), or the reason there is nothing to recall."""
        self.ensure_one()
        self._compute_lot_ids()
        if self.message:
            raise UserError(self.message)
        if not self.lot_ids:
            raise UserError(self.env._("No patient received this lot: nobody to notify."))

    def action_find_patients(self):
        """The patients who received the lots found, one row per patient and lot:
        a list the web client paginates."""
        self._check_lots()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Patients who received %(lots)s", lots=", ".join(self.lot_ids.mapped("name"))),
            "res_model": "halley.lot.recall.patient",
            "view_mode": "list",
            "views": [(False, "list")],
            "domain": self._patients_domain(),
            "context": {"create": False, "edit": False, "delete": False},
        }

    def action_notify(self):
        """Notify every patient found: the notices are written at once (one per
        patient and lot, her sessions listed), the messages posted by a cron in
        batches (see halley.recall.notice); return the notices."""
        self._check_lots()
        Notice = self.env["halley.recall.notice"]
        notices = Notice._halley_notify(self.lot_ids, self.subject, self.body)
        if not notices:
            raise UserError(self.env._("No patient received this lot: nobody to notify."))
        # A mistake in the text shows now, to the user who typed it (and nothing is
        # queued), not in the cron.
        Notice._halley_render_body(self.body, notices[0].patient_id)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recall notices"),
            "res_model": "halley.recall.notice",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            # This recall's notices, however many: not a list of ids.
            "domain": [("user_id", "=", self.env.uid), ("date", "=", fields.Datetime.to_string(notices[:1].date)),
                       ("lot_id", "in", self.lot_ids.ids)],
        }
