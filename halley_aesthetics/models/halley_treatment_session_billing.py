from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..tools import lock_rows


class HalleyTreatmentSession(models.Model):
    """Pay-per-session invoicing: a done session not paid by a package waits to be
    invoiced; it is never invoiced twice, and cannot be cancelled while invoiced."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    invoice_line_ids = fields.One2many(
        "account.move.line",
        "treatment_session_id",
        string="Invoice lines",
        domain=[("move_id.move_type", "in", ("out_invoice", "out_refund"))],
        groups="account.group_account_invoice,account.group_account_readonly",
    )

    invoice_status = fields.Selection(
        [
            ("no", "Nothing to invoice"),
            ("package", "Paid by package"),
            ("to_invoice", "To invoice"),
            ("invoiced", "Invoiced"),
        ],
        compute="_compute_invoice_status",
        store=True,
        index=True,
        string="Invoicing",
    )

    treatment_price = fields.Float(
        related="treatment_product_id.lst_price",
        string="Price",
        help="The treatment's sales price: what its invoice line starts from.",
    )

    @api.depends(
        "state", "package_redeemed",
        "invoice_line_ids.quantity", "invoice_line_ids.parent_state", "invoice_line_ids.move_id.move_type",
    )
    def _compute_invoice_status(self):
        for session in self:
            if session.state != "done":
                session.invoice_status = "no"
            elif session.package_redeemed:
                session.invoice_status = "package"
            elif float_compare(
                session._invoiced_quantity(include_draft=True), 1.0, precision_digits=2
            ) >= 0:
                session.invoice_status = "invoiced"
            else:
                session.invoice_status = "to_invoice"

    def _invoiced_quantity(self, include_draft=False):
        """Sessions invoiced minus sessions credited, on posted (and draft) invoices."""
        self.ensure_one()
        states = ("posted", "draft") if include_draft else ("posted",)
        quantity = 0.0
        for line in self.sudo().invoice_line_ids:
            if line.parent_state not in states:
                continue
            sign = -1 if line.move_id.move_type == "out_refund" else 1
            quantity += sign * line.quantity
        return quantity

    def action_create_invoices(self):
        """Invoice the selected sessions waiting to be invoiced: one draft invoice per
        patient, one line per session. Sessions paid by a package, not done or
        already invoiced are skipped; a session is never invoiced twice."""
        if not self.env.user.has_group("account.group_account_invoice"):
            raise UserError(self.env._("Only billing staff can invoice treatment sessions."))
        # Two billing users invoicing the same sessions at once: the second waits
        # here, then is replayed and sees them invoiced.
        lock_rows(self)
        sessions = self.filtered(lambda s: s.invoice_status == "to_invoice")
        if not sessions:
            raise UserError(
                self.env._(
                    "None of the selected sessions is waiting to be invoiced: they are not "
                    "done yet, paid by a package, or already invoiced."
                )
            )
        groups = defaultdict(lambda: self.browse())
        for session in sessions.sorted(lambda s: (s.scheduled_start, s.id)):
            groups[(session.company_id, session.patient_id)] |= session
        Move = self.env["account.move"]
        # One create per company, of all its patients' invoices.
        vals_by_company = defaultdict(list)
        for (company, patient), group in groups.items():
            vals_by_company[company].append(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": patient.id,
                    "invoice_origin": ", ".join(group.mapped("name")),
                    "invoice_line_ids": [
                        fields.Command.create(session._prepare_invoice_line_vals())
                        for session in group
                    ],
                }
            )
        invoices = Move.browse()
        for company, vals_list in vals_by_company.items():
            invoices |= Move.with_company(company).create(vals_list)
        action = self.env["ir.actions.act_window"]._halley_for_records(
            "account.action_move_out_invoice_type", invoices
        )
        action["context"] = {**action["context"], "default_move_type": "out_invoice"}
        return action

    def _prepare_invoice_line_vals(self):
        self.ensure_one()
        return {
            "product_id": self.treatment_product_id.id,
            "quantity": 1.0,
            "name": self._invoice_line_text(),
            "treatment_session_id": self.id,
        }

    def _invoice_line_text(self):
        """What the patient reads on her invoice: "Rejuran Skin Healer, 26 Nov 2026,
        Dr. Rachel Tan" (the treatment in her language, the day in her time zone,
        else the clinic's; no practitioner, no trailing comma)."""
        self.ensure_one()
        patient = self.patient_id
        lang = patient._halley_lang(self.company_id)
        in_her_lang = self.with_context(lang=lang)
        words = [
            self.protocol_id.with_context(lang=lang).clinic_name,
            in_her_lang._halley_document_day(),
            self.practitioner_id.name,
        ]
        return ", ".join(word for word in words if word)

    def action_view_invoices(self):
        self.ensure_one()
        return self.env["ir.actions.act_window"]._halley_for_records(
            "account.action_move_out_invoice_type", self.invoice_line_ids.move_id
        )

    def _check_cancellable_billing(self):
        self.ensure_one()
        lines = self.sudo().invoice_line_ids.filtered(lambda line: line.parent_state != "cancel")
        if float_compare(self._invoiced_quantity(include_draft=True), 0.0, precision_digits=2) > 0:
            raise UserError(
                self.env._(
                    "The session %(session)s is invoiced on %(invoices)s: issue a credit "
                    "note (or remove the line from the draft invoice) before cancelling it.",
                    session=self.name,
                    invoices=", ".join(lines.move_id.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------ workflow

    def action_cancel(self):
        for session in self.filtered(lambda s: s.state == "done"):
            session._check_cancellable_billing()
        return super().action_cancel()
