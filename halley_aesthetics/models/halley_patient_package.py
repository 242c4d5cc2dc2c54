from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

from ..tools import CLINIC_NAMES, check_workflow_fields, lock_rows

# What a package is (sold what, to whom, for how much) and where it stands: set by
# the invoice that sells it, its sessions and its credit note (as superuser), never
# by hand; the ledger would disagree with the package otherwise. A clinic manager
# may only extend its validity.
WORKFLOW_FIELDS = {
    "name", "company_id", "patient_id", "product_id", "invoice_line_id", "date_purchase",
    "min_interval_days", "line_ids", "state", "amount_total", "amount_refunded",
    "amount_released", "refund_line_id", "date_refunded",
}


class HalleyPatientPackage(models.Model):
    """One prepaid course of treatment owned by one patient.

    Created when the invoice that sells it is posted, one per unit sold. Its price
    sits in the deferred-revenue account until its sessions are delivered: each
    redeemed session moves its share to revenue with a journal entry linked to the
    session. A credit note on the package line cancels what remains.
    """

    _name = "halley.patient.package"
    _description = "Patient treatment package"
    _inherit = ["mail.thread"]
    _order = "date_purchase, id"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, copy=False, readonly=True, default="/")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    patient_id = fields.Many2one(
        "res.partner", required=True, index=True, readonly=True
    )
    product_id = fields.Many2one(
        "product.product", string="Package product", required=True, readonly=True
    )
    invoice_line_id = fields.Many2one(
        "account.move.line", string="Invoice line", readonly=True, index=True, ondelete="restrict"
    )
    invoice_id = fields.Many2one(
        related="invoice_line_id.move_id", string="Invoice", store=True, index=True
    )
    date_purchase = fields.Date(string="Bought on", required=True, readonly=True)
    date_valid_until = fields.Date(string="Valid until", required=True, tracking=True)
    min_interval_days = fields.Integer(
        string="Minimum interval (days)", readonly=True,
        help="Fewest days between two sessions of this package.",
    )
    line_ids = fields.One2many("halley.patient.package.line", "package_id", string="Sessions")
    session_ids = fields.One2many(
        "halley.treatment.session", "package_id", string="Treatment sessions"
    )
    sessions_total = fields.Integer(string="Bought", compute="_compute_sessions", store=True)
    sessions_used = fields.Integer(string="Used", compute="_compute_sessions", store=True)
    sessions_refunded = fields.Integer(
        string="Refunded", compute="_compute_sessions", store=True
    )
    sessions_remaining = fields.Integer(
        string="Remaining", compute="_compute_sessions", store=True
    )
    state = fields.Selection(
        [
            ("active", "Active"),
            ("used", "Used up"),
            ("expired", "Expired"),
            ("refunded", "Refunded"),
        ],
        default="active",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    amount_total = fields.Monetary(
        string="Price", readonly=True, help="Untaxed price of the package, company currency."
    )
    amount_recognized = fields.Monetary(
        string="Earned",
        compute="_compute_amounts",
        store=True,
        help="Moved from deferred revenue to revenue by the sessions delivered.",
    )
    amount_refunded = fields.Monetary(
        string="Credited", readonly=True, help="Credited back to the patient by credit notes."
    )
    amount_released = fields.Monetary(
        string="Released on refund",
        readonly=True,
        help="Deferred revenue settled when the package was refunded: what the credit "
        "note credited plus the adjustment to revenue.",
    )
    amount_deferred = fields.Monetary(
        string="Deferred",
        compute="_compute_amounts",
        store=True,
        help="Still owed to the patient as sessions: the package's balance in the "
        "deferred-revenue account.",
    )
    refund_line_id = fields.Many2one("account.move.line", string="Credit note line", readonly=True)
    refund_id = fields.Many2one(related="refund_line_id.move_id", string="Credit note")
    date_refunded = fields.Date(string="Refunded on", readonly=True)
    move_line_ids = fields.One2many(
        "account.move.line", "halley_package_id", string="Revenue entries", readonly=True
    )

    _sql_constraints = [
        (
            "sessions_not_overdrawn",
            "CHECK(sessions_remaining >= 0)",
            "A package cannot give more sessions than were bought.",
        ),
    ]

    # ------------------------------------------------------------------ computes

    @api.depends("line_ids.sessions_bought", "line_ids.sessions_used", "line_ids.sessions_refunded")
    def _compute_sessions(self):
        for package in self:
            lines = package.line_ids
            package.sessions_total = sum(lines.mapped("sessions_bought"))
            package.sessions_used = sum(lines.mapped("sessions_used"))
            package.sessions_refunded = sum(lines.mapped("sessions_refunded"))
            package.sessions_remaining = sum(lines.mapped("sessions_remaining"))

    @api.depends(
        "amount_total", "amount_released", "move_line_ids.balance",
        "move_line_ids.parent_state", "move_line_ids.account_id",
    )
    def _compute_amounts(self):
        for package in self:
            deferred_account = package.company_id._halley_get_deferred_account()
            recognized = sum(
                line.balance
                for line in package.move_line_ids
                if line.parent_state == "posted"
                and line.account_id == deferred_account
                and line.treatment_session_id
            )
            package.amount_recognized = recognized
            package.amount_deferred = (
                package.amount_total - recognized - package.amount_released
            )

    @api.depends("name", "product_id", "sessions_remaining", "sessions_total")
    def _compute_display_name(self):
        for package in self:
            package.display_name = self.env._(
                "%(ref)s %(product)s (%(left)s of %(total)s left)",
                ref=package.name,
                product=package.product_id.name or "",
                left=package.sessions_remaining,
                total=package.sessions_total,
            )

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                self.env._("A package is created by posting the invoice that sells it.")
            )
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id") or self.env.company.id)
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("halley.patient.package")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        check_workflow_fields(
            self, vals, WORKFLOW_FIELDS,
            self.env._("What a package was sold for, to whom, and where it stands"),
        )
        res = super().write(vals)
        if "date_valid_until" in vals:
            self._update_state()  # extended: active again
        return res

    # ------------------------------------------------------------------ business

    @api.model
    def _prepare_from_invoice_line(self, line):
        """Values of one package for one unit sold on a posted invoice line."""
        template = line.product_id.product_tmpl_id
        date = line.move_id.invoice_date or line.move_id.date
        quantity = line.quantity or 1.0
        return {
            "company_id": line.company_id.id,
            "patient_id": line.move_id.partner_id.id,
            "product_id": line.product_id.id,
            "invoice_line_id": line.id,
            "date_purchase": date,
            "date_valid_until": date + relativedelta(months=template.package_validity_months),
            "min_interval_days": template.package_min_interval_days,
            "amount_total": line.company_currency_id.round(-line.balance / quantity),
            "line_ids": [
                fields.Command.create(
                    {"protocol_id": tline.protocol_id.id, "sessions_bought": tline.session_count}
                )
                for tline in template.package_line_ids
            ],
        }

    def _lock(self):
        """Lock the packages' rows until the transaction ends.

        Under REPEATABLE READ, a concurrent transaction that redeemed one of them
        and committed makes this fail with a serialization error; the request is
        then replayed and sees the new balance. Two sessions can therefore never
        redeem the same last session.
        """
        lock_rows(self)
        self.env["halley.patient.package.line"].invalidate_model()

    def _line_for(self, protocol):
        self.ensure_one()
        return self.line_ids.filtered(lambda line: line.protocol_id == protocol)[:1]

    def _update_state(self):
        today = fields.Date.context_today(self)
        for package in self:
            if package.refund_line_id:
                state = "refunded"
            elif package.sessions_remaining <= 0:
                state = "used"
            elif package.date_valid_until < today:
                state = "expired"
            else:
                state = "active"
            if package.state != state:
                package.sudo().state = state

    @api.model
    def _cron_expire(self):
        """Daily: active packages past their validity become expired."""
        packages = self.sudo().search(
            [("state", "=", "active"), ("date_valid_until", "<", fields.Date.context_today(self))]
        )
        packages._update_state()
        return True

    def _next_share(self, earned=0.0):
        """Revenue earned by the next session: the remaining deferred amount shared
        evenly over the remaining sessions; the last session takes the rest, so the
        deferred balance ends at exactly zero. ``earned``: revenue of sessions of
        the same batch whose entries are not posted yet."""
        self.ensure_one()
        currency = self.company_id.currency_id
        remaining = self.amount_total - self.amount_recognized - earned - self.amount_released
        if self.sessions_remaining <= 1:
            return currency.round(remaining)
        share = currency.round(self.amount_total / (self.sessions_total or 1))
        return min(share, currency.round(remaining))

    def _refund(self, refund_line, credited, entries=None, notes=None):
        """Cancel the remaining sessions after a credit note; settle the deferred
        balance to zero (what was not credited back becomes revenue; what was
        credited beyond the remaining value reduces revenue). ``entries`` and
        ``notes``: lists the caller posts together for a batch of packages (the
        settling entries' values; (package, note) pairs); without them, this
        package's are posted here."""
        self.ensure_one()
        batch = entries is not None
        entries = [] if entries is None else entries
        notes = [] if notes is None else notes
        currency = self.company_id.currency_id
        remaining_value = self.amount_total - self.amount_recognized - self.amount_released
        for line in self.sudo().line_ids:
            line.sessions_refunded = line.sessions_bought - line.sessions_used
        self.sudo().write(
            {
                "refund_line_id": refund_line.id,
                "date_refunded": refund_line.move_id.invoice_date or refund_line.move_id.date,
                "amount_refunded": credited,
                "amount_released": self.amount_released + remaining_value,
            }
        )
        adjustment = currency.round(remaining_value - credited)
        if not float_is_zero(adjustment, precision_rounding=currency.rounding):
            entries.append(
                self._prepare_revenue_entry(
                    adjustment,
                    date=self.date_refunded,
                    ref=self.env._(
                        "%(package)s refunded by %(refund)s: deferred revenue settled",
                        package=self.name,
                        refund=refund_line.move_id.name,
                    ),
                )
            )
        self._update_state()
        notes.append((
            self,
            self.env._(
                "Refunded by %(refund)s: %(count)s remaining session(s) cancelled.",
                refund=refund_line.move_id._get_html_link(),
                count=sum(self.line_ids.mapped("sessions_refunded")),
            ),
        ))
        if not batch:
            self._post_refund_entries_and_notes(entries, notes)

    def _post_refund_entries_and_notes(self, entries, notes):
        """Post the settling entries of refunded packages together, and log their
        notes ((package, note) pairs) in one go."""
        if entries:
            moves = self.env["account.move"].sudo().create(entries)
            moves._post(soft=False)
        if notes:
            packages = self.browse([package.id for package, _note in notes])
            packages._message_log_batch(bodies={package.id: note for package, note in notes})

    def _prepare_revenue_entry(self, amount, date, ref, session=None, accounts=None):
        """The entry that moves ``amount`` from deferred revenue to revenue
        (negative: back), as values for ``account.move.create``. ``accounts``: a
        dict the caller keeps across a batch, so the journal and accounts of a
        company and treatment are looked up once."""
        self.ensure_one()
        company = self.company_id
        product = session.treatment_product_id if session else self.product_id
        accounts = {} if accounts is None else accounts
        key = (company.id, product.id)
        if key not in accounts:
            accounts[key] = (
                company._halley_get_deferred_account(raise_if_missing=True),
                company._halley_get_package_income_account(product, raise_if_missing=True),
                company._halley_get_package_journal(),
            )
        deferred, income, journal = accounts[key]
        common = {
            "partner_id": self.patient_id.id,
            "halley_package_id": self.id,
            "treatment_session_id": session.id if session else False,
            "name": ref,
        }
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "company_id": company.id,
            "date": date,
            "ref": ref,
            "line_ids": [
                fields.Command.create({**common, "account_id": deferred.id, "balance": amount}),
                fields.Command.create({**common, "account_id": income.id, "balance": -amount}),
            ],
        }

    def _post_revenue_entry(self, amount, date, ref, session=None):
        """Move ``amount`` from deferred revenue to revenue (negative: back)."""
        move = self.env["account.move"].sudo().create(self._prepare_revenue_entry(amount, date, ref, session))
        move._post(soft=False)
        return move

    def action_view_invoice(self):
        self.ensure_one()
        return self.env["ir.actions.act_window"]._halley_for_records(
            "account.action_move_out_invoice_type", self.invoice_id | self.refund_id
        )

    def action_view_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "halley_aesthetics.halley_treatment_session_action"
        )
        action["domain"] = [("package_id", "=", self.id)]
        action["context"] = {
            "default_package_id": self.id,
            "default_patient_id": self.patient_id.id,
            CLINIC_NAMES: True,
        }
        return action

    def _check_not_refunded_or_used(self):
        for package in self:
            if package.sessions_used or package.refund_line_id:
                raise UserError(
                    self.env._(
                        "The package %(package)s has sessions used or refunded: issue a "
                        "credit note instead of changing its invoice.",
                        package=package.name,
                    )
                )
