from odoo import fields, models
from odoo.exceptions import UserError


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    halley_deposit_session_id = fields.Many2one(
        "halley.treatment.session",
        string="Deposit applied",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="restrict",
        help="On a checkout invoice: the session whose paid deposit this line deducts.",
    )

    def _copy_data_extend_business_fields(self, values):
        # A credit note of a checkout invoice gives the deposit it applied back.
        res = super()._copy_data_extend_business_fields(values)
        values["halley_deposit_session_id"] = self.sudo().halley_deposit_session_id.id
        return res

    def _halley_check_deposit_application(self, documents, seen):
        """A "Treatment deposit" line of a checkout invoice (or of its credit note)."""
        self.ensure_one()
        move = self.move_id
        session = self.halley_deposit_session_id
        currency = move.currency_id
        if not session:
            raise UserError(self.env._(
                "%(move)s has a line %(line)s of the treatment deposit that is for no session: "
                "a deposit is requested by confirming its session, applied at checkout, and "
                "refunded from its own invoice (Credit Note).",
                move=move.display_name, line=self.name or self.product_id.display_name,
            ))
        info = documents[session.id]
        if move.move_type not in ("out_invoice", "out_refund"):
            raise UserError(self.env._(
                "The deposit of %(session)s is applied on a customer invoice only.", session=session.display_name,
            ))
        if move.company_id != session.company_id or (
            move.partner_id.commercial_partner_id != session.patient_id.commercial_partner_id
        ):
            raise UserError(self.env._(
                "%(move)s is for %(customer)s, but it applies the deposit of %(session)s, paid by "
                "%(patient)s: a deposit is applied to its own patient's bill, in its clinic.",
                move=move.display_name, customer=move.partner_id.display_name,
                session=session.display_name, patient=session.patient_id.display_name,
            ))
        amount = self.balance  # a debit of customer deposits
        if move.move_type == "out_refund":
            # Giving back a deposit applied by the invoice this credit note reverses.
            if not move.reversed_entry_id.line_ids.filtered(lambda line: line.halley_deposit_session_id == session) or (
                currency.compare_amounts(info["applied"] + amount, 0.0) < 0
            ):
                raise UserError(self.env._(
                    "%(move)s gives back the deposit of %(session)s, which the invoice it credits "
                    "did not apply: refund a deposit from its own invoice (Credit Note).",
                    move=move.display_name, session=session.display_name,
                ))
            return
        if session.id in seen or info["state"] not in ("paid", "credit"):
            state = "applied" if session.id in seen else info["state"]
            raise UserError(self.env._(
                "%(move)s cannot apply the deposit of %(session)s: it is %(state)s. A deposit "
                "is applied once, once paid.",
                move=move.display_name, session=session.display_name,
                state=session._halley_deposit_state_label(state),
            ))
        if currency.compare_amounts(amount, 0.0) <= 0 or currency.compare_amounts(amount, info["paid"]) > 0:
            raise UserError(self.env._(
                "%(move)s deducts %(amount)s for the deposit of %(session)s, but the patient paid "
                "%(paid)s: a deposit is deducted up to what was paid.",
                move=move.display_name, amount=currency.format(-amount), session=session.display_name,
                paid=currency.format(info["paid"]),
            ))
        seen.add(session.id)
