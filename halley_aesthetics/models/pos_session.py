"""The counter's day's close (issue 23).

Closing the counter is Odoo's own closing of its POS session: the cashier counts
the drawer (``post_closing_cash_details``), ``close_session_from_ui`` validates the
session (``_validate_session``), posts the session's journal entry and, when the
count differs from what the drawer should hold, a cash statement line against the
cash journal's loss or profit account (``_post_statement_difference``). The addon
changes none of that: it reads the closed (or open) session and writes the clinic's
"Day's close", in the clinic's words and time zone, for the billing staff who ran
the counter and the clinic manager who checks the days ("Counter days").

What the day's close reads, all of the session's own company (Odoo's company rule on
pos.session holds, nothing here runs as superuser):
- payments by method: the session's captured POS payments (Odoo's own domain,
  ``_get_captured_payments_domain``), one row per method configured on the counter
  (cash, card, NETS when the clinic has it, PayNow), unused methods at zero;
- cash: the opening float, what the drawer should hold (Odoo's theoretical closing
  balance), what was counted and the difference, and the entry Odoo posted for it;
- deposits taken that day: payments dated that day (the clinic's day) reconciled with
  the company's deposit invoices (product ``halley_aesthetics.product_treatment_deposit``),
  whether paid online, by PayNow on the invoice or at a counter;
- deposits applied: the counter's order lines of the deposit product with a negative
  amount;
- sessions paid (treatment lines), courses sold (package lines), retail sold
  (retail lines), by the product's ``clinic_role``.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..clinic_time import company_tz, format_local, localize

DEPOSIT_PRODUCT_XMLID = "halley_aesthetics.product_treatment_deposit"


class PosSession(models.Model):
    _inherit = "pos.session"

    halley_day = fields.Date(
        string="Day",
        compute="_compute_halley_day",
        store=True,
        help="The clinic's day the counter was opened, in the clinic's time zone.",
    )

    @api.depends("start_at", "create_date", "company_id.halley_tz", "company_id.partner_id.tz")
    def _compute_halley_day(self):
        for session in self:
            moment = session.start_at or session.create_date
            session.halley_day = (
                localize(moment, company_tz(session.company_id)).date() if moment else False
            )

    # ------------------------------------------------------------------ the day's close

    def _halley_check_day_close_access(self):
        """The day's close is the counter's money: billing staff and clinic managers
        who may read the session (Odoo's rules: POS user, company wall)."""
        if not self.env.user.has_group("halley_aesthetics.group_billing"):
            raise AccessError(
                self.env._("Only the clinic's billing staff and managers can read a counter's day's close.")
            )
        self.check_access("read")

    def _halley_day_bounds(self):
        """The clinic's day of the session, as naive UTC bounds [start, end)."""
        self.ensure_one()
        tz = pytz.timezone(company_tz(self.company_id))
        day = self.halley_day or fields.Date.context_today(self)
        start = tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
        return start, start + timedelta(days=1)

    def _halley_payments_by_method(self):
        """[{"method", "amount", "count", "is_cash"}] per method configured on the
        counter (plus any other one used), captured payments only."""
        self.ensure_one()
        groups = self.env["pos.payment"]._read_group(
            self._get_captured_payments_domain(),
            ["payment_method_id"],
            ["amount:sum", "__count"],
        )
        used = {method: (amount, count) for method, amount, count in groups}
        rows = []
        for method in self.payment_method_ids | self.env["pos.payment.method"].union(*used):
            amount, count = used.get(method, (0.0, 0))
            rows.append({"method": method.name, "amount": amount, "count": count, "is_cash": method.is_cash_count})
        return rows

    def _halley_lines_by_role(self):
        """Counter order lines of the session's paid orders, by what they sell:
        {"session"|"course"|"retail"|"deposit_applied": {"count", "amount"}}."""
        self.ensure_one()
        deposit = self.env.ref(DEPOSIT_PRODUCT_XMLID, raise_if_not_found=False)
        groups = self.env["pos.order.line"]._read_group(
            [
                ("order_id.session_id", "=", self.id),
                ("order_id.state", "in", ("paid", "invoiced", "done")),
            ],
            ["product_id"],
            ["qty:sum", "price_subtotal_incl:sum"],
        )
        totals = defaultdict(lambda: {"count": 0.0, "amount": 0.0})
        for product, qty, amount in groups:
            if deposit and product == deposit:
                if amount < 0:
                    key = "deposit_applied"
                    qty, amount = abs(qty), -amount
                else:
                    key = "deposit_taken_at_counter"
            else:
                key = {"treatment": "session", "package": "course", "retail": "retail"}.get(
                    product.clinic_role, "other"
                )
            totals[key]["count"] += qty
            totals[key]["amount"] += amount
        return totals

    def _halley_deposits_taken(self):
        """Payments received that clinic day on the company's deposit invoices:
        {"count": number of deposit invoices paid, "amount"}."""
        self.ensure_one()
        day = self.halley_day or fields.Date.context_today(self)
        partials = self.env["account.partial.reconcile"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("debit_move_id.move_id.move_type", "=", "out_invoice"),
                ("debit_move_id.move_id.state", "=", "posted"),
                # Deposit invoices (requested by confirming their session), not a
                # checkout's invoice that applies a deposit (a negative deposit line).
                ("debit_move_id.move_id.halley_deposit_session_id", "!=", False),
                ("credit_move_id.move_id.move_type", "=", "entry"),
                ("credit_move_id.date", "=", day),
            ]
        )
        return {
            "count": len(partials.debit_move_id.move_id),
            "amount": sum(partials.mapped("amount")),
        }

    def _halley_difference_entries(self):
        """The entries Odoo posted for the counted cash's difference: the session's
        cash statement lines against the cash journal's loss or profit account."""
        self.ensure_one()
        journal = self.cash_journal_id
        accounts = journal.loss_account_id | journal.profit_account_id
        if not accounts:
            return self.env["account.move"]
        return self.statement_line_ids.move_id.filtered(
            lambda move: move.line_ids.account_id & accounts
        )

    def _halley_day_close(self):
        """The figures of the day's close, in the clinic's words, its time zone and
        the reader's language (dates and times)."""
        self.ensure_one()
        self._halley_check_day_close_access()
        tz = company_tz(self.company_id)
        payments = self._halley_payments_by_method()
        lines = self._halley_lines_by_role()
        difference_moves = self._halley_difference_entries()
        return {
            "counter": self.config_id.name,
            "session": self.name,
            "company": self.company_id.name,
            "currency": self.currency_id,
            "tz": tz,
            "day": format_local(self.env, self._halley_day_bounds()[0], tz, date_only=True),
            "opened": format_local(self.env, self.start_at, tz),
            "closed": format_local(self.env, self.stop_at, tz) if self.state == "closed" else "",
            "opened_by": self.user_id.name,
            "state": dict(self._fields["state"]._description_selection(self.env)).get(self.state),
            "payments": payments,
            "total": sum(row["amount"] for row in payments),
            "order_count": self.order_count,
            "cash_control": bool(self.cash_journal_id),
            "cash_opening": self.cash_register_balance_start,
            "cash_expected": self.cash_register_balance_end,
            "cash_counted": self.cash_register_balance_end_real,
            "cash_difference": self.cash_register_difference,
            "difference_entries": ", ".join(difference_moves.mapped("name")),
            "deposits_taken": self._halley_deposits_taken(),
            "deposits_taken_at_counter": lines["deposit_taken_at_counter"],
            "deposits_applied": lines["deposit_applied"],
            "sessions_paid": lines["session"],
            "courses_sold": lines["course"],
            "retail_sold": lines["retail"],
            "other_sold": lines["other"],
        }

    def action_halley_print_day_close(self):
        self._halley_check_day_close_access()
        return self.env.ref("halley_aesthetics.action_report_halley_counter_close").report_action(self)
