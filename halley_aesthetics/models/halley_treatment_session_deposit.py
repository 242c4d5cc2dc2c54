from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import float_compare, float_is_zero

from ..tools import lock_rows

DEPOSIT_STATES = [
    ("none", "No deposit"),
    ("requested", "Requested"),
    ("paid", "Paid"),
    ("applied", "Applied"),
    ("forfeited", "Forfeited"),
    ("refunded", "Refunded"),
    ("credit", "Kept as credit"),
    ("cancelled", "Cancelled"),
]
ACCOUNT_GROUPS = "account.group_account_invoice,account.group_account_readonly"


class HalleyTreatmentSession(models.Model):
    """Deposits at booking (issue 23, design decision 2: deposits are invoices).

    Confirming a session of a protocol that asks for a deposit (none, a fixed amount,
    a share of the treatment's price; new patients only or every booking, as the
    company says) issues, once, a posted customer invoice of the product "Treatment
    deposit" (income account: the company's "Customer deposits" liability), linked
    to the session by ``account.move.halley_deposit_session_id``; the patient is
    emailed its amount and the link to pay it in her portal (Odoo's payment
    providers; PayNow QR on the invoice from l10n_sg). Its fate is read from the
    documents, never kept by hand:

    - applied: a negative "Treatment deposit" line carrying
      ``account.move.line.halley_deposit_session_id`` on a posted checkout invoice
      (``action_create_invoices``, or the counter's invoice from
      ``pos.order.line.halley_deposit_session_id``);
    - forfeited: a posted entry Customer deposits -> "No-show and late-cancellation
      fees" linked to the session (a no-show, a cancellation later than the notice);
    - refunded: a posted credit note of the deposit invoice (and its refund payment);
    - kept as credit: paid, not applied, on a cancelled session: applied at her next
      checkout.
    The rules (applied once, never refunded beyond what was paid, ...) are checked
    when a document is posted (account_move_deposit.py), on every path.
    """

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    halley_deposit_state = fields.Selection(
        DEPOSIT_STATES, string="Deposit", compute="_compute_halley_deposit", compute_sudo=True
    )
    halley_deposit_currency_id = fields.Many2one(related="company_id.currency_id", string="Deposit currency")
    halley_deposit_amount = fields.Monetary(
        string="Deposit amount",
        currency_field="halley_deposit_currency_id",
        compute="_compute_halley_deposit",
        compute_sudo=True,
        help="The deposit asked for this session (its invoice's amount once requested).",
    )
    halley_deposit_paid = fields.Monetary(
        string="Deposit paid",
        currency_field="halley_deposit_currency_id",
        compute="_compute_halley_deposit",
        compute_sudo=True,
    )
    halley_deposit_move_ids = fields.One2many(
        "account.move",
        "halley_deposit_session_id",
        string="Deposit documents",
        readonly=True,
        groups=ACCOUNT_GROUPS,
    )

    # ------------------------------------------------------------------ documents

    def _halley_deposit_documents(self):
        """What the documents say of each session's deposit, read in a few queries:
        ``{session id: {"invoice", "paid", "credited", "applied", "forfeited",
        "state"}}`` (amounts in the company's currency). Only reads."""
        result = {}
        sessions = self.sudo().filtered("id")
        Move = self.env["account.move"].sudo()
        moves = Move.search([("halley_deposit_session_id", "in", sessions.ids)], order="id") if sessions else Move
        invoices = moves.filtered(lambda m: m.move_type == "out_invoice")
        refunds = Move.search([
            ("reversed_entry_id", "in", invoices.ids), ("move_type", "=", "out_refund"), ("state", "=", "posted"),
        ]) if invoices else Move
        forfeits = moves.filtered(lambda m: m.move_type == "entry" and m.state == "posted")
        reversals = Move.search([("reversed_entry_id", "in", forfeits.ids), ("state", "=", "posted")]) if forfeits else Move
        forfeits -= reversals.reversed_entry_id
        applied = defaultdict(float)
        if sessions:
            for line in self.env["account.move.line"].sudo().search([
                ("halley_deposit_session_id", "in", sessions.ids),
                ("parent_state", "=", "posted"),
                ("move_id.move_type", "in", ("out_invoice", "out_refund")),
            ]):
                applied[line.halley_deposit_session_id.id] += line.balance  # a debit of deposits: applied
            for line in self.env["pos.order.line"].sudo().search([
                ("halley_deposit_session_id", "in", sessions.ids),
                ("order_id.state", "in", ("paid", "done")),
                ("order_id.account_move", "=", False),
            ]):
                applied[line.halley_deposit_session_id.id] -= line.price_subtotal_incl
        for session in sessions:
            currency = session.company_id.currency_id
            live = invoices.filtered(lambda m, s=session: m.halley_deposit_session_id == s and m.state != "cancel")
            invoice = live[-1:]
            info = {
                "invoice": invoice, "paid": 0.0, "credited": 0.0, "applied": 0.0, "forfeited": 0.0,
                "state": "cancelled" if invoices.filtered(lambda m, s=session: m.halley_deposit_session_id == s) else "none",
            }
            result[session.id] = info
            if not invoice:
                continue
            info["paid"] = invoice._halley_deposit_paid_amount()
            info["credited"] = sum(refunds.filtered(lambda m, i=invoice: m.reversed_entry_id == i).mapped("amount_total"))
            info["applied"] = currency.round(applied[session.id])
            info["forfeited"] = sum(
                forfeits.filtered(lambda m, s=session: m.halley_deposit_session_id == s).mapped("amount_total")
            )
            if not currency.is_zero(info["forfeited"]):
                info["state"] = "forfeited"
            elif not currency.is_zero(info["credited"]):
                info["state"] = "refunded" if not currency.is_zero(info["paid"]) else "cancelled"
            elif currency.compare_amounts(info["applied"], 0.0) > 0:
                info["state"] = "applied"
            elif invoice.state == "posted" and invoice.payment_state in ("paid", "in_payment"):
                info["state"] = "credit" if session.state == "cancel" else "paid"
            else:
                info["state"] = "requested"
        return result

    @api.depends("state", "protocol_id", "patient_id")
    def _compute_halley_deposit(self):
        documents = self._halley_deposit_documents()
        for session in self:
            info = documents.get(session.id)
            if info and info["invoice"]:
                session.halley_deposit_state = info["state"]
                session.halley_deposit_amount = info["invoice"].amount_total
                session.halley_deposit_paid = info["paid"]
            else:
                session.halley_deposit_state = info["state"] if info else "none"
                session.halley_deposit_amount = (
                    session._halley_deposit_required() if session.state == "draft" else 0.0
                )
                session.halley_deposit_paid = 0.0

    def _halley_deposit_required(self):
        """The deposit this session's protocol asks for (0.0 when none)."""
        self.ensure_one()
        if not self.protocol_id or not self.treatment_product_id:
            return 0.0
        return self.protocol_id._halley_deposit_for(self.treatment_product_id, self.company_id)

    # ------------------------------------------------------------------ request

    def action_confirm(self):
        # Nothing read before Odoo's confirmation takes the room's turn (a second front
        # desk's snapshot must start after the first one's booking): the deposits are
        # asked afterwards, of the confirmed sessions without one (idempotent).
        res = super().action_confirm()
        self.filtered(lambda s: s.state == "confirmed")._halley_request_deposits()
        return res

    def _halley_sessions_needing_deposit(self):
        """The sessions that must hold a deposit: their protocol asks for one, they
        are not paid by a package, the company asks it of every booking or the patient
        has no completed session in the clinic, and they hold no deposit yet."""
        candidates = self.filtered(
            lambda s: s.protocol_id.halley_deposit_type != "none" and not s.package_id
        )
        if not candidates:
            return candidates
        done = self.env["halley.treatment.session"].sudo()._read_group(
            [("patient_id", "in", candidates.patient_id.ids), ("state", "=", "done"),
             ("company_id", "in", candidates.company_id.ids)],
            ["patient_id", "company_id"],
        )
        regulars = {(patient.id, company.id) for patient, company in done}
        documents = candidates._halley_deposit_documents()
        return candidates.filtered(
            lambda s: (s.company_id.halley_deposit_scope == "always" or (s.patient_id.id, s.company_id.id) not in regulars)
            and documents[s.id]["state"] in ("none", "cancelled")
            and float_compare(s._halley_deposit_required(), 0.0, precision_digits=2) > 0
        )

    def _halley_request_deposits(self):
        """Issue the deposit invoice of each confirmed session that needs one: posted,
        linked to the session, emailed to the patient with the link to pay it.
        Idempotent: the sessions are locked, a session holding a deposit gets none."""
        if not self:
            return self.env["account.move"]
        lock_rows(self)
        sessions = self.sudo()._halley_sessions_needing_deposit()
        if not sessions:
            return self.env["account.move"]
        product = self.env.ref("halley_aesthetics.product_treatment_deposit").sudo()
        Move = self.env["account.move"].sudo()
        invoices = Move
        for company, group in sessions.grouped("company_id").items():
            deposits_account, _fees = company._halley_get_deposit_accounts()
            vals_list = [{
                "move_type": "out_invoice",
                "company_id": company.id,
                "partner_id": session.patient_id.id,
                "invoice_user_id": self.env.user.id,
                "invoice_origin": session.name,
                "halley_deposit_session_id": session.id,
                "invoice_line_ids": [Command.create({
                    "product_id": product.id,
                    "quantity": 1.0,
                    "price_unit": session._halley_deposit_required(),
                    "name": session._halley_deposit_line_text(),
                    "account_id": deposits_account.id,
                    "tax_ids": [Command.clear()],
                })],
            } for session in group]
            invoices |= Move.with_company(company).with_context(halley_deposit_workflow=True).create(vals_list)
        invoices.action_post()
        for invoice in invoices:
            invoice._portal_ensure_token()
        sessions._message_log_batch(bodies={
            invoice.halley_deposit_session_id.id: self.env._(
                "Deposit of %(amount)s requested: %(invoice)s.",
                amount=invoice.currency_id.format(invoice.amount_total),
                invoice=invoice.name,
            ) for invoice in invoices
        })
        template = self.env.ref("halley_aesthetics.mail_template_halley_deposit_request", raise_if_not_found=False)
        if template:
            for session in sessions.filtered("patient_id.email"):
                session.message_post_with_source(
                    template,
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=session.patient_id.ids,
                    email_layout_xmlid="mail.mail_notification_light",
                )
        return invoices

    def _halley_deposit_line_text(self, paid=False):
        """"Deposit: Rejuran Skin Healer, 26 Nov 2026" (the deposit invoice), "Deposit
        paid: ..." (applied at checkout), in the patient's language."""
        self.ensure_one()
        lang = self.patient_id._halley_lang(self.company_id)
        session = self.with_context(lang=lang)
        if paid:
            return session.env._(
                "Deposit paid: %(treatment)s, %(day)s",
                treatment=self.protocol_id.with_context(lang=lang).clinic_name,
                day=session._halley_document_day(),
            )
        return session.env._(
            "Deposit: %(treatment)s, %(day)s",
            treatment=self.protocol_id.with_context(lang=lang).clinic_name,
            day=session._halley_document_day(),
        )

    def _halley_deposit_pay_url(self):
        """The deposit invoice's portal page (with its token), where she pays it."""
        self.ensure_one()
        invoice = self._halley_deposit_documents()[self.id]["invoice"]
        return invoice.get_base_url() + invoice.get_portal_url() if invoice else ""

    # ------------------------------------------------------------------ no-show, cancel

    def _record_no_show(self):
        return super(HalleyTreatmentSession, self.with_context(halley_deposit_no_show=True))._record_no_show()

    def action_cancel(self):
        open_sessions = self.filtered(lambda s: s.state not in ("done", "cancel"))
        no_show = self.env.context.get("halley_deposit_no_show")
        now = fields.Datetime.now()
        late = open_sessions.filtered(
            lambda s: no_show
            or s.scheduled_start - timedelta(hours=s.company_id.halley_deposit_notice_hours) < now
        )
        res = super().action_cancel()
        if open_sessions:
            open_sessions._halley_settle_deposits(late)
        return res

    def _halley_settle_deposits(self, late):
        """The deposits of cancelled sessions, per the company's policy: an unpaid one
        is cancelled with its session; a paid one is forfeited as a fee (no-show, or
        cancelled later than the notice) or refunded, or kept as credit. Each outcome
        is logged on the session."""
        lock_rows(self)
        documents = self._halley_deposit_documents()
        notes = {}
        for session in self:
            info = documents[session.id]
            invoice = info["invoice"]
            if not invoice:
                continue
            currency = invoice.currency_id
            company = session.company_id
            is_late = session in late
            deadline = session._halley_when(
                session.scheduled_start - timedelta(hours=company.halley_deposit_notice_hours),
                tz=session._halley_clinic_tz(),
            )
            if info["state"] == "requested" and currency.is_zero(info["paid"]):
                session._halley_cancel_deposit_invoice(invoice)
                notes[session.id] = self.env._(
                    "The deposit %(invoice)s was not paid: cancelled with the session.", invoice=invoice.name
                )
            elif info["state"] not in ("paid", "credit", "requested"):
                continue
            elif is_late and company.halley_deposit_late_policy == "forfeit":
                session._halley_forfeit_deposit(info)
                reason = (
                    self.env._("the patient did not come") if self.env.context.get("halley_deposit_no_show")
                    else self.env._("cancelled after %(deadline)s", deadline=deadline)
                )
                notes[session.id] = self.env._(
                    "Deposit of %(amount)s forfeited as a fee (%(reason)s).",
                    amount=currency.format(info["paid"]), reason=reason,
                )
            elif not is_late and company.halley_deposit_timely_policy == "refund":
                refund = session._halley_refund_deposit(invoice)
                notes[session.id] = self.env._(
                    "Deposit of %(amount)s refunded (cancelled by %(deadline)s): %(refund)s.",
                    amount=currency.format(info["paid"]), deadline=deadline, refund=refund.name,
                )
            else:
                notes[session.id] = self.env._(
                    "Deposit of %(amount)s kept as credit for the patient's next visit.",
                    amount=currency.format(info["paid"]),
                )
        if notes:
            self.sudo()._message_log_batch(bodies=notes)

    def _halley_cancel_deposit_invoice(self, invoice):
        invoice = invoice.sudo()
        if invoice.state == "posted":
            invoice.button_draft()
        invoice.button_cancel()

    def _halley_forfeit_deposit(self, info):
        """The entry Customer deposits -> No-show and late-cancellation fees, for what
        she paid."""
        self.ensure_one()
        company = self.company_id
        deposits_account, fees_account = company._halley_get_deposit_accounts()
        amount = info["paid"]
        entry = self.env["account.move"].sudo().with_company(company).with_context(halley_deposit_workflow=True).create({
            "move_type": "entry",
            "company_id": company.id,
            "journal_id": company._halley_get_package_journal().id,
            "date": fields.Date.context_today(self),
            "ref": self.env._("Deposit forfeited: %(session)s", session=self.name),
            "halley_deposit_session_id": self.id,
            "line_ids": [
                Command.create({
                    "name": self.env._("Deposit forfeited: %(session)s", session=self.name),
                    "account_id": deposits_account.id, "partner_id": self.patient_id.id,
                    "debit": amount, "credit": 0.0,
                }),
                Command.create({
                    "name": self.env._("No-show or late-cancellation fee: %(session)s", session=self.name),
                    "account_id": fees_account.id, "partner_id": self.patient_id.id,
                    "debit": 0.0, "credit": amount,
                }),
            ],
        })
        entry.action_post()
        return entry

    def _halley_refund_deposit(self, invoice):
        """A credit note of the deposit invoice, and a refund payment of what she
        paid, reconciled with it (Odoo's Credit Note and Register Payment)."""
        self.ensure_one()
        invoice = invoice.sudo().with_company(invoice.company_id)
        refund = invoice.with_context(halley_deposit_workflow=True)._reverse_moves(
            [{"ref": self.env._("Deposit refunded: %(session)s", session=self.name),
              "invoice_date": fields.Date.context_today(self)}],
        )
        refund.action_post()
        if not float_is_zero(refund.amount_residual, precision_rounding=refund.currency_id.rounding):
            self.env["account.payment.register"].sudo().with_company(invoice.company_id).with_context(
                active_model="account.move", active_ids=refund.ids
            ).create({}).action_create_payments()
        return refund

    # ------------------------------------------------------------------ checkout

    def _halley_deposits_to_apply(self, patient, company):
        """The paid deposits not applied yet to apply at ``patient``'s checkout for
        these sessions, and her deposits kept as credit (paid, on cancelled
        sessions): ``[(session, amount)]``. Deposits already on a draft document
        (an invoice, a counter order) are left to it. Only reads."""
        Session = self.env["halley.treatment.session"].sudo()
        credit = Session.search([
            ("patient_id", "child_of", patient.commercial_partner_id.id),
            ("company_id", "=", company.id),
            ("state", "=", "cancel"),
        ])
        candidates = (self.sudo() | credit).filtered(lambda s: s.company_id == company)
        documents = candidates._halley_deposit_documents()
        chosen = candidates.filtered(lambda s: documents[s.id]["state"] in ("paid", "credit"))
        if chosen:
            pending = self.env["account.move.line"].sudo().search([
                ("halley_deposit_session_id", "in", chosen.ids), ("parent_state", "=", "draft"),
                ("move_id.move_type", "=", "out_invoice"),
            ]).halley_deposit_session_id
            pending |= self.env["pos.order.line"].sudo().search([
                ("halley_deposit_session_id", "in", chosen.ids), ("order_id.state", "=", "draft"),
            ]).halley_deposit_session_id
            chosen -= pending
        return [(session, documents[session.id]["paid"]) for session in chosen.sorted("scheduled_start")]

    def _halley_deposit_apply_vals(self, amount):
        """The checkout invoice line applying this session's deposit."""
        self.ensure_one()
        deposits_account, _fees = self.company_id._halley_get_deposit_accounts()
        return {
            "product_id": self.env.ref("halley_aesthetics.product_treatment_deposit").id,
            "quantity": 1.0,
            "price_unit": -amount,
            "name": self._halley_deposit_line_text(paid=True),
            "account_id": deposits_account.id,
            "tax_ids": [Command.clear()],
            "halley_deposit_session_id": self.id,
        }

    def action_create_invoices(self):
        """Checkout invoices deduct the paid deposits of their sessions and the
        patient's deposits kept as credit (a negative "Treatment deposit" line each)."""
        action = super().action_create_invoices()
        invoices = self.env["account.move"].browse(action.get("res_id") or []) or self.env["account.move"].search(
            action.get("domain") or [("id", "=", False)]
        )
        for invoice in invoices.filtered(lambda m: m.state == "draft"):
            sessions = invoice.invoice_line_ids.treatment_session_id
            deposits = sessions._halley_deposits_to_apply(invoice.partner_id, invoice.company_id)
            if deposits:
                invoice.write({"invoice_line_ids": [
                    Command.create(session._halley_deposit_apply_vals(amount)) for session, amount in deposits
                ]})
        return action

    def _halley_deposit_state_label(self, state):
        """The deposit state ``state`` as the reader's language says it."""
        return dict(self._fields["halley_deposit_state"]._description_selection(self.env)).get(state, state)

    def action_view_deposit_documents(self):
        self.ensure_one()
        return self.env["ir.actions.act_window"]._halley_for_records(
            "account.action_move_journal_line", self.halley_deposit_move_ids
        )

    def _halley_portal_deposit(self):
        """Her deposit on her treatment's portal page (``self`` read as superuser by the
        portal controller, for her own session): ``{"state", "amount", "paid",
        "url", "pay"}`` in words, or None."""
        self.ensure_one()
        info = self._halley_deposit_documents().get(self.id)
        invoice = info and info["invoice"]
        if not invoice:
            return None
        currency = invoice.currency_id
        return {
            "state": self._halley_deposit_state_label(info["state"]),
            "state_code": info["state"],
            "amount": currency.format(invoice.amount_total),
            "paid": currency.format(info["paid"]),
            "url": invoice.get_portal_url(),
            "pay": info["state"] == "requested",
        }
