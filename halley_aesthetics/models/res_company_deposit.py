from odoo import api, fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    """The clinic's deposit policy (issue 23, design decision 2) and the two accounts
    deposits move through: "Customer deposits" (a current liability: what patients
    paid ahead, owed to them until applied, refunded or forfeited) and "No-show and
    late-cancellation fees" (income: forfeited deposits). Both are created with the
    company's chart of accounts, as the deferred-revenue account is."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    halley_deposit_scope = fields.Selection(
        [("new", "New patients only"), ("always", "Every booking")],
        string="Ask for a deposit from",
        default="new",
        required=True,
        help="New patients only: a patient with no completed session in the clinic yet.",
    )
    halley_deposit_notice_hours = fields.Integer(
        string="Cancellation notice (hours)",
        default=24,
        help="A cancellation later than this before the session's start (in the clinic's "
        "time) is a late cancellation.",
    )
    halley_deposit_late_policy = fields.Selection(
        [("forfeit", "Forfeit as a fee"), ("credit", "Keep as credit")],
        string="No-show or late cancellation",
        default="forfeit",
        required=True,
    )
    halley_deposit_timely_policy = fields.Selection(
        [("refund", "Refund"), ("credit", "Keep as credit")],
        string="Cancellation in time",
        default="refund",
        required=True,
    )
    halley_deposit_account_id = fields.Many2one(
        "account.account",
        string="Customer deposits account",
        domain="[('account_type', '=', 'liability_current')]",
        check_company=True,
        help="Liability account of the deposits patients pay at booking, until they are "
        "applied at checkout, refunded or forfeited.",
    )
    halley_deposit_fee_account_id = fields.Many2one(
        "account.account",
        string="No-show fees account",
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        check_company=True,
        help="Income account of the deposits forfeited on a no-show or a late cancellation.",
    )

    @api.constrains("halley_deposit_notice_hours")
    def _check_halley_deposit_notice_hours(self):
        for company in self:
            if company.halley_deposit_notice_hours < 0:
                raise UserError(self.env._("The cancellation notice is a number of hours, zero or more."))

    def _halley_create_deposit_accounts(self):
        """Create the "Customer deposits" (current liability) and "No-show and
        late-cancellation fees" (other income) accounts of the companies that have a
        chart of accounts and not these accounts yet, and make the first the income
        account of the deposit product. A branch shares its root company's."""
        companies = self.sudo().filtered("chart_template")
        product = self.env.ref("halley_aesthetics.product_treatment_deposit", raise_if_not_found=False)
        for company in companies.root_id.filtered("chart_template"):
            Account = self.env["account.account"].sudo().with_company(company)
            domain = Account._check_company_domain(company)
            if not company.halley_deposit_account_id:
                liability = Account.search([*domain, ("account_type", "=", "liability_current")], order="code", limit=1)
                company.halley_deposit_account_id = Account.create({
                    "name": self.env._("Customer deposits"),
                    "code": Account._search_new_account_code(liability.code or "2000"),
                    "account_type": "liability_current",
                    "company_ids": [fields.Command.link(company.id)],
                })
            if not company.halley_deposit_fee_account_id:
                income = Account.search([*domain, ("account_type", "=", "income_other")], order="code", limit=1)
                income = income or Account.search([*domain, ("account_type", "=", "income")], order="code", limit=1)
                company.halley_deposit_fee_account_id = Account.create({
                    "name": self.env._("No-show and late-cancellation fees"),
                    "code": Account._search_new_account_code(income.code or "4000"),
                    "account_type": "income_other",
                    "company_ids": [fields.Command.link(company.id)],
                })
        for company in companies:
            root = company.root_id
            if company != root:
                company.halley_deposit_account_id = root.halley_deposit_account_id
                company.halley_deposit_fee_account_id = root.halley_deposit_fee_account_id
            if product and company.halley_deposit_account_id:
                product.product_tmpl_id.with_company(company).sudo().property_account_income_id = (
                    company.halley_deposit_account_id
                )
        return True

    @api.model
    def _halley_create_all_deposit_accounts(self):
        """At install: the companies whose chart is loaded already."""
        return self.sudo().search([("chart_template", "!=", False)])._halley_create_deposit_accounts()

    def _halley_get_deposit_accounts(self):
        """(Customer deposits, fees) of the company, or refused in words."""
        self.ensure_one()
        company = self.sudo()
        if not company.halley_deposit_account_id or not company.halley_deposit_fee_account_id:
            raise UserError(
                self.env._(
                    "%(company)s has no customer deposits or no-show fees account: set up its "
                    "chart of accounts, or choose them in the clinic's settings, before taking "
                    "deposits.",
                    company=self.name,
                )
            )
        return company.halley_deposit_account_id, company.halley_deposit_fee_account_id
