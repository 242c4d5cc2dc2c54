from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import lock_rows


class PosOrderLine(models.Model):
    """A counter order applies a paid deposit with a negative "Treatment deposit"
    line carrying the session (issue 23, design decision 2), passed to the invoice
    line Odoo's POS makes of it (``pos.order._get_invoice_lines_values``)."""

    _inherit = "pos.order.line"  # pylint: disable=consider-merging-classes-inherited

    halley_deposit_session_id = fields.Many2one(
        "halley.treatment.session",
        string="Deposit applied",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="restrict",
        help="The session whose paid deposit this line deducts (set by the counter, checked "
        "when the order is saved).",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [*super()._load_pos_data_fields(config_id), "halley_deposit_session_id"]

    @api.constrains("halley_deposit_session_id", "price_unit", "qty")
    def _check_halley_deposit(self):
        """Applied once, once paid, to its own patient, up to what she paid: a second
        order (or invoice) applying the same deposit is refused."""
        lines = self.sudo().filtered("halley_deposit_session_id")
        if not lines:
            return
        sessions = lines.halley_deposit_session_id
        lock_rows(sessions)
        documents = sessions._halley_deposit_documents()
        others = self.sudo().search([
            ("halley_deposit_session_id", "in", sessions.ids), ("id", "not in", lines.ids),
            ("order_id.state", "!=", "cancel"),
        ])
        for line in lines:
            session = line.halley_deposit_session_id
            info = documents[session.id]
            order = line.order_id
            currency = order.currency_id
            if line.refunded_orderline_id:
                # A counter refund of an order that applied the deposit gives it back.
                if line.refunded_orderline_id.halley_deposit_session_id != session:
                    raise UserError(self.env._(
                        "This refund gives back the deposit of %(session)s, which the refunded "
                        "order did not apply.", session=session.display_name,
                    ))
                continue
            if order.partner_id.commercial_partner_id != session.patient_id.commercial_partner_id or (
                order.company_id != session.company_id
            ):
                raise UserError(self.env._(
                    "This order is for %(customer)s, but it applies the deposit of %(session)s, paid "
                    "by %(patient)s: a deposit is applied to its own patient's bill, in its clinic.",
                    customer=order.partner_id.display_name or self.env._("no customer"),
                    session=session.display_name, patient=session.patient_id.display_name,
                ))
            same = (others | lines).filtered(lambda other, s=session: other.halley_deposit_session_id == s) - line
            taken = currency.compare_amounts(-sum(same.mapped("price_subtotal_incl")), 0.0) > 0
            # What the documents say, less this order's own deduction: the counter
            # creates its orders paid (the line then counts as applying the deposit)
            # and invoices them in the same request.
            own = 0.0
            if order.account_move.state == "posted":
                own += sum(order.account_move.invoice_line_ids.filtered(
                    lambda aml, s=session: aml.halley_deposit_session_id == s).mapped("balance"))
            elif order.state in ("paid", "done") and not order.account_move:
                own -= sum(lines.filtered(
                    lambda other, s=session, o=order: other.halley_deposit_session_id == s and other.order_id == o
                ).mapped("price_subtotal_incl"))
            state = info["state"]
            if state == "applied" and currency.compare_amounts(info["applied"] - own, 0.0) <= 0:
                state = "credit" if session.state == "cancel" else "paid"
            if taken or state not in ("paid", "credit"):
                state = "applied" if taken or state == "applied" else state
                raise UserError(self.env._(
                    "The deposit of %(session)s is %(state)s: a deposit is applied once, once paid.",
                    session=session.display_name, state=session._halley_deposit_state_label(state),
                ))
            amount = -line.price_subtotal_incl
            if currency.compare_amounts(amount, 0.0) <= 0 or currency.compare_amounts(amount, info["paid"]) > 0:
                raise UserError(self.env._(
                    "This order deducts %(amount)s for the deposit of %(session)s, but the patient "
                    "paid %(paid)s: a deposit is deducted up to what was paid.",
                    amount=currency.format(amount), session=session.display_name,
                    paid=currency.format(info["paid"]),
                ))

    def _halley_is_clinic_line(self):
        """A line applying a deposit makes the order invoiced too (decision 1): the
        deduction is an invoice line, checked as any invoice's."""
        return super()._halley_is_clinic_line() or bool(self.halley_deposit_session_id)

    def _prepare_refund_data(self, refund_order, PosOrderLineLot):
        values = super()._prepare_refund_data(refund_order, PosOrderLineLot)
        values["halley_deposit_session_id"] = self.halley_deposit_session_id.id
        return values
