from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import lock_rows


class PosOrderLine(models.Model):
    """A counter line that charges a treatment session given at the clinic.

    The session link travels to the invoice line (``treatment_session_id``) when the
    order is invoiced (pos_order.py): the addon's invoice rules then mark the session
    "Invoiced" and never bill it twice."""

    _inherit = "pos.order.line"

    halley_session_id = fields.Many2one(
        "halley.treatment.session",
        string="Treatment session",
        index="btree_not_null",
        ondelete="restrict",
        help="The done, pay-per-session treatment session this line charges.",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields_list = super()._load_pos_data_fields(config_id)
        return fields_list + ["halley_session_id"]

    @api.model_create_multi
    def create(self, vals_list):
        # A counter refund sent by the POS (a line with the line it refunds) credits
        # that line's session, whether or not the POS copied the link.
        refunded_ids = [vals["refunded_orderline_id"] for vals in vals_list
                        if vals.get("refunded_orderline_id") and not vals.get("halley_session_id")]
        if refunded_ids:
            sessions = {line.id: line.halley_session_id.id for line in self.sudo().browse(refunded_ids)}
            for vals in vals_list:
                if vals.get("refunded_orderline_id") and not vals.get("halley_session_id"):
                    vals["halley_session_id"] = sessions.get(vals["refunded_orderline_id"]) or False
        # Two counters, or a counter and an invoice from "To invoice", charging one
        # session at once: the second waits here, before its line references the
        # session, then fails (its snapshot is stale), is replayed by Odoo and sees
        # the session invoiced (refused in words by the checks).
        session_ids = {vals["halley_session_id"] for vals in vals_list if vals.get("halley_session_id")}
        if session_ids:
            lock_rows(self.env["halley.treatment.session"].sudo().browse(sorted(session_ids)))
        return super().create(vals_list)

    def _prepare_refund_data(self, refund_order, PosOrderLineLot):
        # A counter refund of a session line credits that session (its credit note
        # line carries the session): the session goes back to "To invoice".
        values = super()._prepare_refund_data(refund_order, PosOrderLineLot)
        values["halley_session_id"] = self.halley_session_id.id
        return values

    def _halley_is_clinic_line(self):
        """A line for a treatment session or a course of sessions: such an order is
        invoiced (decision 1 of issue 23)."""
        self.ensure_one()
        return bool(self.halley_session_id) or self.product_id.product_tmpl_id.clinic_role == "package"

    @api.constrains("halley_session_id", "order_id", "product_id")
    def _check_halley_session(self):
        self.order_id._halley_check_counter_lines()

    def _halley_refunded_same_session(self):
        """A refund line crediting the session of the line it refunds."""
        self.ensure_one()
        refunded = self.sudo().refunded_orderline_id
        return bool(refunded) and refunded.halley_session_id == self.halley_session_id

    def _halley_check_session_line(self):
        """The session a counter line charges is the order's patient's (or her
        company's), in the order's company, done, pay-per-session and waiting to be
        invoiced; the line is for its treatment, one session at its price."""
        self.ensure_one()
        session = self.sudo().halley_session_id
        order = self.order_id
        line_name = self.full_product_name or self.product_id.display_name
        if session.company_id != order.company_id:
            raise UserError(
                self.env._(
                    "The counter order %(order)s belongs to %(company)s, but its line %(line)s "
                    "charges the session %(session)s given in %(session_company)s: charge it at "
                    "that company's counter.",
                    order=order._halley_reference(), company=order.company_id.name, line=line_name,
                    session=session.name, session_company=session.company_id.name,
                )
            )
        if not order.partner_id:
            raise UserError(
                self.env._(
                    "The counter order %(order)s charges the session %(session)s: choose its "
                    "patient, %(patient)s, as the customer.",
                    order=order._halley_reference(), session=session.name, patient=session.patient_id.name,
                )
            )
        if session.patient_id.commercial_partner_id != order.partner_id.commercial_partner_id:
            raise UserError(
                self.env._(
                    "The counter order %(order)s is for %(customer)s, but its line %(line)s charges "
                    "the session %(session)s of %(patient)s: a session is charged to its own "
                    "patient only.",
                    order=order._halley_reference(), customer=order.partner_id.name, line=line_name,
                    session=session.name, patient=session.patient_id.name,
                )
            )
        if self.product_id != session.treatment_product_id:
            raise UserError(
                self.env._(
                    "The counter line %(line)s charges the session %(session)s, which was a "
                    "%(treatment)s: charge it with that treatment.",
                    line=line_name, session=session.name,
                    treatment=session.treatment_product_id.display_name,
                )
            )
        if self.qty < 0 and self._halley_refunded_same_session():
            return  # a counter refund of this session: credited through a credit note
        if self.qty != 1:
            raise UserError(
                self.env._(
                    "The counter line %(line)s charges the session %(session)s: a session is "
                    "charged once, quantity 1 (not %(qty)s).",
                    line=line_name, session=session.name, qty=self.qty,
                )
            )
        if not order.account_move and session.invoice_status != "to_invoice":
            raise UserError(self._halley_not_to_invoice_message(session))

    def _halley_not_to_invoice_message(self, session):
        if session.state != "done":
            return self.env._(
                "The session %(session)s is not done yet: it is charged at the counter once "
                "the practitioner has completed it.",
                session=session.name,
            )
        if session.invoice_status == "package":
            return self.env._(
                "The session %(session)s was paid by the package %(package)s: it is not "
                "charged again at the counter.",
                session=session.name, package=session.package_id.name,
            )
        invoices = session.invoice_line_ids.filtered(
            lambda line: line.parent_state in ("draft", "posted")
        ).move_id
        return self.env._(
            "The session %(session)s is already invoiced (%(invoices)s): a session is never "
            "charged twice.",
            session=session.name, invoices=", ".join(invoices.mapped("display_name")),
        )
