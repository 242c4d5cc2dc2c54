from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero
from odoo.tools.misc import format_date

from ..clinic_time import company_tz
from ..tools import check_workflow_fields
from .res_company_cooling import fee_text

BILLING_GROUP = "halley_aesthetics.group_billing"  # the clinic manager has it too


class HalleyPatientPackage(models.Model):
    """Cooling-off of a prepaid course (issue 23, design decision 3).

    Singapore's CaseTrust rule: a patient may cancel a prepaid course within a
    cooling-off period of at least five working days and get back in full what she
    has not used. The period ends ``cooling_off_end``: the sale date (its invoice's
    date) plus the company's number of working days, on the company's working
    hours, skipping weekends and public holidays (Odoo's ``resource.calendar.leaves``
    without a resource). It is stored when the course is sold and printed on her
    invoice: a later change of the setting or of the holidays applies to courses
    sold afterwards, never to a date already promised.

    "Cancel course" (wizard ``halley.package.cancel``) credits the course through
    the package refund path every credit note takes (a credit note line reversing
    the invoice line that sold it, ``halley_package_origin_line_id``; posting it
    cancels the sessions left and settles the deferred revenue) and pays the refund
    out: within cooling-off the unused sessions at the price paid, after it the
    clinic's policy (company settings).
    """

    _inherit = "halley.patient.package"

    cooling_off_end = fields.Date(
        string="Cooling-off until",
        compute="_compute_cooling_off_end",
        store=True,
        readonly=True,
        help="Last day on which the patient may cancel the course for a full refund of "
        "the sessions she has not used: the sale date plus the clinic's cooling-off "
        "working days, weekends and public holidays skipped.",
    )

    @api.depends("date_purchase", "company_id")
    def _compute_cooling_off_end(self):
        # One computation of the working days per company for all its packages.
        by_company = defaultdict(lambda: self.browse())
        for package in self:
            by_company[package.company_id] |= package
        for company, packages in by_company.items():
            if not company:
                packages.cooling_off_end = False
                continue
            ends = company._halley_cooling_off_ends(packages.mapped("date_purchase"))
            for package in packages:
                package.cooling_off_end = ends.get(package.date_purchase, False)

    def write(self, vals):
        check_workflow_fields(
            self, vals, {"cooling_off_end"},
            self.env._("The end of a course's cooling-off period"),
        )
        return super().write(vals)

    # ------------------------------------------------------------------ cancel course

    def _halley_today(self):
        """Today in the clinic's time zone."""
        self.ensure_one()
        return fields.Date.context_today(self.with_context(tz=company_tz(self.company_id)))

    def _halley_cancel_quote(self):
        """What cancelling this course would refund, in words, without writing
        anything: ``{"within", "amount"`` (untaxed, company currency), ``"price_unit"``
        (of the credit note line, invoice currency), ``"total"`` (what she gets
        back, taxes included, invoice currency), ``"currency"``, ``"rule"`` (the rule
        that applied), ``"refusal"`` (why it cannot be done, or "")``}``."""
        self.ensure_one()
        # Billing or the manager, on a package she may read (her companies): what
        # follows reads its invoice as superuser.
        self._halley_check_may_cancel()
        self.check_access("read")
        package = self.sudo()
        company = package.company_id
        origin = package.invoice_line_id
        invoice = origin.move_id
        currency = invoice.currency_id or company.currency_id
        today = self._halley_today()
        end = package.cooling_off_end
        within = bool(end) and today <= end
        quote = {
            "within": within, "amount": 0.0, "price_unit": 0.0, "total": 0.0,
            "currency": currency, "rule": "", "refusal": "",
        }
        remaining = package.amount_total - package.amount_recognized - package.amount_released
        if package.refund_line_id:
            quote["refusal"] = self.env._(
                "The course %(package)s was already cancelled by %(refund)s on %(date)s: "
                "nothing more to refund.",
                package=package.name,
                refund=package.refund_id.name,
                date=format_date(self.env, package.date_refunded),
            )
            return quote
        rounding = company.currency_id.rounding
        if package.sessions_remaining <= 0 or float_compare(remaining, 0.0, precision_rounding=rounding) <= 0:
            quote["refusal"] = self.env._(
                "The course %(package)s has no unused session left: there is nothing to refund.",
                package=package.name,
            )
            return quote
        until = format_date(self.env, end)
        if within:
            amount = remaining
            quote["rule"] = self.env._(
                "Within cooling-off (until %(date)s): the %(count)s unused session(s) are "
                "refunded in full, at the price paid.",
                date=until,
                count=package.sessions_remaining,
            )
        elif company.halley_refund_policy == "none":
            quote["rule"] = self.env._(
                "Cooling-off ended on %(date)s: the clinic gives no refund after it.", date=until
            )
            quote["refusal"] = self.env._(
                "The cooling-off period of %(package)s ended on %(date)s and the clinic gives no "
                "refund after it: the course stays the patient's until %(valid)s.",
                package=package.name,
                date=until,
                valid=format_date(self.env, package.date_valid_until),
            )
            return quote
        else:
            fee = company.halley_refund_fee_percent
            amount = company.currency_id.round(remaining * (100.0 - fee) / 100.0)
            quote["rule"] = self.env._(
                "Cooling-off ended on %(date)s: the %(count)s unused session(s) are refunded at "
                "the course's price less the clinic's %(fee)s %% cancellation fee.",
                date=until,
                count=package.sessions_remaining,
                fee=fee_text(fee),
            )
        if float_is_zero(amount, precision_rounding=rounding) or float_is_zero(
            package.amount_total, precision_rounding=rounding
        ):
            quote["refusal"] = self.env._(
                "Nothing was paid for the unused sessions of %(package)s: there is nothing to refund.",
                package=package.name,
            )
            return quote
        # The credit note line: the invoice line's price (and discount, taxes) in
        # the share of the course refunded.
        price_unit = currency.round(origin.price_unit * amount / package.amount_total)
        taxes = origin.tax_ids.compute_all(
            price_unit * (1 - (origin.discount or 0.0) / 100.0),
            currency=currency, quantity=1.0, product=origin.product_id, partner=invoice.partner_id,
        )
        total = currency.round(taxes["total_included"])
        quote.update(amount=amount, price_unit=price_unit, total=total)
        # Never more than what the invoice billed and was not refunded yet.
        refunded = sum(self._halley_invoice_refunds(invoice).mapped("amount_total"))
        left = currency.round(invoice.amount_total - refunded)
        if float_compare(total, left, precision_rounding=currency.rounding) > 0:
            quote["refusal"] = self.env._(
                "Refunding %(total)s for %(package)s would return more than is left of "
                "%(invoice)s (%(billed)s billed, %(refunded)s already refunded).",
                total=currency.format(total),
                package=package.name,
                invoice=invoice.name,
                billed=currency.format(invoice.amount_total),
                refunded=currency.format(refunded),
            )
        return quote

    @api.model
    def _halley_invoice_refunds(self, invoice):
        return self.env["account.move"].sudo().search(
            [("reversed_entry_id", "=", invoice.id), ("move_type", "=", "out_refund"),
             ("state", "=", "posted")]
        )

    def _halley_check_may_cancel(self):
        if not self.env.su and not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(
                self.env._("Only billing staff and the clinic manager may cancel a course and refund it.")
            )

    def _halley_cancel_course(self, journal, reason=None, expected_total=None):
        """Cancel this course and refund it: a credit note of its unused sessions
        (the quote's amount) made out from the invoice that sold it, posted (the
        package refund path cancels its sessions left and settles its deferred
        revenue), set against what is still due on that invoice, and the rest paid
        back to her from ``journal``. Refused in words when the quote is (a second
        call finds the course already cancelled). ``expected_total``: the refund
        the user was shown; refused if the course changed since (a session done
        meanwhile). Returns the credit note."""
        self.ensure_one()
        self._halley_check_may_cancel()
        self._lock()  # a concurrent cancel or session: one of them is replayed
        quote = self._halley_cancel_quote()
        if quote["refusal"]:
            raise UserError(quote["refusal"])
        currency = quote["currency"]
        if expected_total is not None and currency.compare_amounts(expected_total, quote["total"]):
            raise UserError(
                self.env._(
                    "The refund of %(package)s is now %(total)s, not %(shown)s: its sessions "
                    "changed since you opened the cancellation. Open it again.",
                    package=self.name,
                    total=currency.format(quote["total"]),
                    shown=currency.format(expected_total),
                )
            )
        package = self.sudo()
        origin = package.invoice_line_id
        invoice = origin.move_id
        if journal.type not in ("bank", "cash") or journal.company_id != package.company_id:
            raise UserError(
                self.env._(
                    "Pay the refund from a bank or cash journal of %(company)s, not %(journal)s.",
                    company=package.company_id.name,
                    journal=journal.display_name,
                )
            )
        env = self.env(context=dict(
            self.env.context, halley_cancel_package_id=package.id,
            allowed_company_ids=[package.company_id.id],
        ))
        ref = self.env._(
            "%(package)s cancelled: %(rule)s", package=package.name, rule=quote["rule"]
        )
        if reason:
            ref = f"{ref} {reason}"
        today = self._halley_today()
        refund = env["account.move"].create(
            {
                "move_type": "out_refund",
                "company_id": package.company_id.id,
                "partner_id": invoice.partner_id.id,
                "journal_id": invoice.journal_id.id,
                "currency_id": invoice.currency_id.id,
                "fiscal_position_id": invoice.fiscal_position_id.id,
                "reversed_entry_id": invoice.id,
                "invoice_date": today,
                "ref": ref,
                "invoice_line_ids": [
                    fields.Command.create(
                        {
                            "product_id": origin.product_id.id,
                            "name": origin.name,
                            "quantity": 1.0,
                            "price_unit": quote["price_unit"],
                            "discount": origin.discount,
                            "tax_ids": [fields.Command.set(origin.tax_ids.ids)],
                            "account_id": origin.account_id.id,
                            "halley_package_origin_line_id": origin.id,
                        }
                    )
                ],
            }
        )
        refund.action_post()
        if package.refund_line_id.move_id != refund:
            raise UserError(
                self.env._("%(refund)s did not cancel %(package)s.", refund=refund.name, package=package.name)
            )
        # What she still owes on the invoice is cancelled first; only what she
        # paid goes back to her.
        receivable = refund.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
        if receivable and not invoice.currency_id.is_zero(invoice.amount_residual):
            invoice.with_env(env).js_assign_outstanding_line(receivable[:1].id)
        if not refund.currency_id.is_zero(refund.amount_residual):
            register = env["account.payment.register"].with_context(
                active_model="account.move", active_ids=refund.ids
            ).create({"journal_id": journal.id, "payment_date": today})
            register._create_payments()
        return refund

    def action_halley_cancel_course(self):
        """Open the "Cancel course" wizard on this package."""
        self.ensure_one()
        self._halley_check_may_cancel()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel course"),
            "res_model": "halley.package.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"default_package_id": self.id},
        }
