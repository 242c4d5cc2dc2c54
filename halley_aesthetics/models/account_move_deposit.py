from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import lock_rows


class AccountMove(models.Model):
    """Deposits are invoices (issue 23, design decision 2; see
    halley_treatment_session_deposit.py). Whatever path posts a document touching a
    deposit (the clinic's buttons, Accounting's forms, the counter, XML-RPC), the
    rules hold when it is posted, the session locked: a deposit is applied once, only
    once paid, only to its own patient, never beyond what she paid; it is not
    refunded once applied or forfeited, nor beyond its amount."""

    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    halley_deposit_session_id = fields.Many2one(
        "halley.treatment.session",
        string="Deposit of session",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="restrict",
        help="The session this deposit invoice (or its forfeit entry) is for.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("halley_deposit_session_id") for vals in vals_list):
            self._halley_check_deposit_workflow()
        return super().create(vals_list)

    def write(self, vals):
        if "halley_deposit_session_id" in vals:
            self._halley_check_deposit_workflow()
        return super().write(vals)

    def _halley_check_deposit_workflow(self):
        if not (self.env.su and self.env.context.get("halley_deposit_workflow")):
            raise UserError(
                self.env._(
                    "A deposit is requested by confirming its session, and forfeited by its "
                    "cancellation: its documents are not linked to a session by hand."
                )
            )

    def _halley_deposit_paid_amount(self):
        """What the patient paid on this deposit invoice: its receivable reconciled
        with payments (not with credit notes)."""
        self.ensure_one()
        move = self.sudo()
        if move.state != "posted":
            return 0.0
        receivable = move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        paid = sum(
            partial.amount for partial in receivable.matched_credit_ids
            if partial.credit_move_id.move_id.move_type != "out_refund"
        )
        return move.company_currency_id.round(paid)

    def _post(self, soft=True):
        self._halley_check_deposits()
        return super()._post(soft=soft)

    def _halley_check_deposits(self):
        product = self.env.ref("halley_aesthetics.product_treatment_deposit", raise_if_not_found=False)
        moves = self.sudo()
        lines = moves.line_ids.filtered(
            lambda line: line.halley_deposit_session_id
            or (product and line.display_type == "product" and line.product_id == product)
        )
        sessions = (
            lines.halley_deposit_session_id | moves.halley_deposit_session_id
            | moves.reversed_entry_id.halley_deposit_session_id
        )
        if not lines and not sessions:
            return
        lock_rows(sessions)
        documents = sessions._halley_deposit_documents()
        seen = set()
        for move in moves:
            move_lines = lines.filtered(lambda line, m=move: line.move_id == m)
            origin = move.reversed_entry_id
            if move.halley_deposit_session_id:
                move._halley_check_deposit_document(documents[move.halley_deposit_session_id.id])
            elif move.move_type == "out_refund" and origin.halley_deposit_session_id:
                move._halley_check_deposit_refund(documents[origin.halley_deposit_session_id.id])
            else:
                for line in move_lines:
                    line._halley_check_deposit_application(documents, seen)

    def _halley_check_deposit_document(self, info):
        """The deposit invoice itself (made by the workflow) and its forfeit entry."""
        session = self.halley_deposit_session_id
        if self.move_type == "entry":
            if info["state"] not in ("paid", "credit", "requested"):
                raise UserError(self.env._(
                    "The deposit of %(session)s is %(state)s: it cannot be forfeited.",
                    session=session.display_name, state=session._halley_deposit_state_label(info["state"]),
                ))
            deposits = session.company_id.sudo().halley_deposit_account_id
            amount = sum(self.line_ids.filtered(lambda line: line.account_id == deposits).mapped("balance"))
            if self.currency_id.compare_amounts(amount, info["paid"]) > 0:
                raise UserError(self.env._(
                    "%(session)s: a forfeit of %(amount)s is more than the %(paid)s the patient paid.",
                    session=session.display_name, amount=self.currency_id.format(amount),
                    paid=self.currency_id.format(info["paid"]),
                ))
        elif self.partner_id.commercial_partner_id != session.patient_id.commercial_partner_id:
            raise UserError(self.env._(
                "The deposit of %(session)s is invoiced to its patient %(patient)s only.",
                session=session.display_name, patient=session.patient_id.display_name,
            ))

    def _halley_check_deposit_refund(self, info):
        """A credit note of a deposit invoice: not once the deposit is applied or
        forfeited, never more than its amount (what she paid, or what she still
        owes for one not paid)."""
        origin = self.reversed_entry_id
        session = origin.halley_deposit_session_id
        currency = self.currency_id
        if info["state"] in ("applied", "forfeited"):
            raise UserError(self.env._(
                "The deposit of %(session)s was %(state)s: it cannot be refunded as well.",
                session=session.display_name, state=session._halley_deposit_state_label(info["state"]),
            ))
        if origin != info["invoice"]:
            return
        credited = info["credited"] + self.amount_total
        if currency.compare_amounts(credited, origin.amount_total) > 0:
            raise UserError(self.env._(
                "%(move)s would refund %(credited)s of the deposit %(invoice)s, which is %(amount)s "
                "(paid: %(paid)s): a refund never exceeds what was paid.",
                move=self.display_name, credited=currency.format(credited), invoice=origin.name,
                amount=currency.format(origin.amount_total), paid=currency.format(info["paid"]),
            ))
