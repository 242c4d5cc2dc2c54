from odoo import api, fields, models
from odoo.exceptions import UserError


class HalleyPackageCancel(models.TransientModel):
    """Cancel a prepaid course and refund it (design decision 3): shows what the
    patient gets back and the rule that gives it (within cooling-off: the unused
    sessions in full; after it: the clinic's policy); confirming credits the course
    and pays the refund from the chosen journal
    (``halley.patient.package._halley_cancel_course``)."""

    _name = "halley.package.cancel"
    _description = "Cancel a course and refund it"
    _check_company_auto = True

    package_id = fields.Many2one(
        "halley.patient.package", string="Course", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="package_id.company_id")
    patient_id = fields.Many2one(related="package_id.patient_id")
    cooling_off_end = fields.Date(related="package_id.cooling_off_end")
    sessions_remaining = fields.Integer(related="package_id.sessions_remaining")
    # What was shown when the wizard opened (stored): confirming refunds exactly
    # that, or is refused if the course changed meanwhile.
    within_cooling_off = fields.Boolean(compute="_compute_quote", store=True, string="Within cooling-off")
    currency_id = fields.Many2one("res.currency", compute="_compute_quote", store=True)
    amount = fields.Monetary(string="Refund", compute="_compute_quote", store=True,
                             help="What the patient gets back, taxes included.")
    rule = fields.Text(string="Rule applied", compute="_compute_quote", store=True)
    refusal = fields.Text(compute="_compute_quote", store=True)
    journal_id = fields.Many2one(
        "account.journal",
        string="Pay from",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        help="Bank or cash journal the refund is paid from.",
    )
    reason = fields.Char()
    refund_id = fields.Many2one("account.move", string="Credit note", readonly=True)

    @api.depends("package_id")
    def _compute_quote(self):
        for wizard in self:
            if not wizard.package_id:
                wizard.update({"within_cooling_off": False, "currency_id": False, "amount": 0.0,
                               "rule": False, "refusal": False})
                continue
            quote = wizard.package_id._halley_cancel_quote()
            wizard.update(
                {
                    "within_cooling_off": quote["within"],
                    "currency_id": quote["currency"].id,
                    "amount": quote["total"],
                    "rule": quote["rule"] or False,
                    "refusal": quote["refusal"] or False,
                }
            )

    @api.depends("package_id")
    def _compute_journal_id(self):
        for wizard in self:
            if wizard.journal_id or not wizard.company_id:
                continue
            # The company's bank, else its cash.
            wizard.journal_id = self.env["account.journal"].search(
                [("type", "in", ("bank", "cash")), ("company_id", "=", wizard.company_id.id)],
                order="type, sequence, id",
                limit=1,
            )

    def action_confirm(self):
        self.ensure_one()
        if self.refund_id:
            raise UserError(
                self.env._(
                    "%(package)s was already cancelled by %(refund)s.",
                    package=self.package_id.name,
                    refund=self.refund_id.name,
                )
            )
        if not self.journal_id:
            raise UserError(self.env._("Choose the bank or cash journal the refund is paid from."))
        refund = self.package_id._halley_cancel_course(
            self.journal_id, reason=self.reason, expected_total=self.amount
        )
        self.refund_id = refund
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": refund.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
