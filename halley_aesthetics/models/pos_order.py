from odoo import api, models
from odoo.exceptions import UserError

from ..tools import lock_rows


class PosOrder(models.Model):
    """The clinic's front counter (issue 23).

    Decision 1: a counter order that carries clinic items is invoiced. Any order with a
    line for a treatment session (``halley_session_id``: done, pay-per-session, "To
    invoice") or for a course (product ``clinic_role == "package"``) is forced
    ``to_invoice`` with the patient as customer. Odoo's POS then creates and posts the
    invoice (``_generate_pos_order_invoice``) and the addon's invoice rules do the rest:
    the course becomes her package as any invoiced course does (deferred revenue,
    balance, validity), the session becomes "Invoiced" and is never billed twice. A
    counter refund of such an order is invoiced as a credit note of the order's invoice,
    so the existing refund rules apply. Retail-only orders stay plain POS orders."""

    _inherit = "pos.order"

    # ------------------------------------------------------------------ clinic lines

    def _halley_reference(self):
        """The order as the cashier reads it: its receipt number until it has its
        name (Odoo names it once saved)."""
        self.ensure_one()
        return self.name if self.name and self.name != "/" else (self.pos_reference or self.name)

    def _halley_clinic_lines(self):
        return self.lines.filtered(lambda line: line._halley_is_clinic_line())

    def _halley_clinic_orders(self):
        return self.filtered(lambda order: order._halley_clinic_lines())

    def _halley_check_counter_lines(self):
        """Refuse, in words, what a counter order may not charge: a session that is
        not its patient's, not in its company, not done, paid by a package or
        already invoiced; a course without its patient."""
        for order in self:
            for line in order.lines:
                if line.halley_session_id:
                    line._halley_check_session_line()
                elif line.product_id.product_tmpl_id.clinic_role == "package" and not order.partner_id:
                    raise UserError(
                        self.env._(
                            "The counter order %(order)s sells the course %(course)s: choose the "
                            "patient it is sold to as the customer (the course becomes her "
                            "package through the order's invoice).",
                            order=order._halley_reference(),
                            course=line.full_product_name or line.product_id.display_name,
                        )
                    )

    def _halley_force_invoice(self):
        """Decision 1: an order with clinic lines is invoiced."""
        orders = self._halley_clinic_orders().filtered(lambda order: not order.to_invoice)
        if orders:
            orders.with_context(halley_forcing_invoice=True).write({"to_invoice": True})

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._halley_force_invoice()
        return orders

    def write(self, vals):
        res = super().write(vals)
        if not self.env.context.get("halley_forcing_invoice") and ("lines" in vals or "to_invoice" in vals):
            self._halley_force_invoice()
        return res

    # ------------------------------------------------------------------ processing

    def _process_saved_order(self, draft):
        self.ensure_one()
        if not draft and self.state != "cancel":
            sessions = self.lines.halley_session_id
            if sessions:
                # Two counters, or a counter and an invoice from "To invoice", charging
                # one session at once: the second waits here, then is replayed (its
                # snapshot is stale) and sees the session invoiced.
                lock_rows(sessions.sudo())
            self._halley_check_counter_lines()
            self._halley_force_invoice()
        return super(PosOrder, self.with_context(halley_pos_processing=True))._process_saved_order(draft)

    def action_pos_order_paid(self):
        res = super().action_pos_order_paid()
        # Paid outside the POS's own flow (over RPC): an order with clinic lines is
        # invoiced now, never left to the session's closing entry as a plain sale
        # (its session would stay "To invoice" and could be billed again). The POS
        # flow invoices it itself, after the picking (_process_saved_order).
        if not self.env.context.get("halley_pos_processing"):
            orders = self._halley_clinic_orders().filtered(lambda order: not order.account_move)
            if orders:
                lock_rows(orders.lines.halley_session_id.sudo())
                orders._halley_check_counter_lines()
                orders._halley_force_invoice()
                orders._generate_pos_order_invoice()
        return res

    # ------------------------------------------------------------------ invoice

    @api.model
    def _get_invoice_lines_values(self, line_values, pos_order_line):
        values = super()._get_invoice_lines_values(line_values, pos_order_line)
        line = pos_order_line.sudo()
        session = line.halley_session_id
        if session:
            values["treatment_session_id"] = session.id
            # The patient reads her treatment, its day and practitioner (the invoice's words).
            values["name"] = session._invoice_line_text()
        refunded = line.refunded_orderline_id
        if refunded and line.product_id.product_tmpl_id.clinic_role == "package":
            # A counter refund of a course: its credit note line credits the invoice
            # line that sold the packages (the package refund rules pick them).
            origin = refunded.order_id.account_move.invoice_line_ids.filtered(
                lambda aml: aml.product_id == line.product_id and aml.patient_package_ids
            )[:1]
            if origin:
                values["halley_package_origin_line_id"] = origin.id
        return values
