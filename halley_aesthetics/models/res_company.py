import pytz

from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

    halley_tz = fields.Selection(
        _tz_get,
        string="Clinic time zone",
        compute="_compute_halley_tz",
        store=True,
        readonly=False,
        help="The time every text of the clinic is written in (reminders, aftercare "
        "sheets, consents, recall notices, the portal, exports), for patients who "
        "have no time zone of their own. Set from the company's country.",
    )
    halley_package_demand_reordering = fields.Boolean(
        string="Reorder for prepaid packages",
        help="Reordering rules also cover the expected consumption of package sessions "
        "sold but not booked yet, spread over each package's validity.",
    )
    halley_deferred_account_id = fields.Many2one(
        "account.account",
        string="Deferred treatment revenue account",
        domain="[('account_type', '=', 'liability_current')]",
        check_company=True,
        help="Liability account where the price of treatment packages waits until "
        "their sessions are delivered. Created with the company's chart of accounts.",
    )
    halley_package_income_account_id = fields.Many2one(
        "account.account",
        string="Package revenue account",
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        check_company=True,
        help="Revenue account credited when a package session is delivered. Empty: "
        "the income account of the session's treatment, as for a session paid on its own.",
    )
    halley_package_journal_id = fields.Many2one(
        "account.journal",
        string="Package revenue journal",
        domain="[('type', '=', 'general')]",
        check_company=True,
        help="Journal of the entries that move package revenue from deferred to earned. "
        "Empty: the company's first miscellaneous journal.",
    )

    @api.depends("country_id")
    def _compute_halley_tz(self):
        """The first time zone of the company's country (Singapore:
        Asia/Singapore), else the user's, else UTC."""
        for company in self:
            zones = pytz.country_timezones.get(company.country_id.code or "", [])
            company.halley_tz = zones[0] if zones else (self.env.user.tz or "UTC")

    def _halley_production_location(self):
        """The company's production location, where treatment consumption goes:
        the default of its products' Production Location (Odoo's stock creates it
        with every company), else its first production location. Only reads."""
        self.ensure_one()
        location_id = self.env["ir.default"].sudo()._get(
            "product.template", "property_stock_production", company_id=self.id
        )
        Location = self.env["stock.location"].sudo()
        location = Location.browse(location_id).exists() if location_id else Location
        if not location:
            location = Location.search([("usage", "=", "production"), ("company_id", "=", self.id)], limit=1)
        return location

    # ------------------------------------------------------------------ packages accounting

    def _halley_get_deferred_account(self, raise_if_missing=False):
        """The company's deferred-revenue account for packages (created with its
        chart of accounts, see ``_halley_create_deferred_account``). Only reads:
        empty when missing, or refused in the user's words."""
        self.ensure_one()
        account = self.sudo().halley_deferred_account_id
        if account or not raise_if_missing:
            return account
        if not self.chart_template:
            raise UserError(
                self.env._(
                    "Set up the chart of accounts of %(company)s before selling treatment "
                    "packages: their price goes to a deferred-revenue account.",
                    company=self.name,
                )
            )
        raise UserError(
            self.env._(
                "%(company)s has no deferred treatment revenue account: choose one in the "
                "clinic's settings before selling treatment packages.",
                company=self.name,
            )
        )

    def _halley_create_deferred_account(self):
        """Create the "Deferred treatment revenue" account (current liability) of
        the companies that have a chart of accounts and no such account yet: when
        a chart is loaded (account.chart.template), at install and by the
        18.0.1.2.0 migration. A branch shares its root company's account, as it
        shares the rest of the chart (Odoo's chart template does the same)."""
        companies = self.sudo().filtered(lambda c: c.chart_template and not c.halley_deferred_account_id)
        roots = companies.root_id.filtered(lambda c: c.chart_template)
        for company in roots.filtered(lambda c: not c.halley_deferred_account_id):
            Account = self.env["account.account"].sudo().with_company(company)
            liability = Account.search(
                [*Account._check_company_domain(company), ("account_type", "=", "liability_current")],
                order="code",
                limit=1,
            )
            company.halley_deferred_account_id = Account.create(
                {
                    "name": self.env._("Deferred treatment revenue"),
                    "code": Account._search_new_account_code(liability.code or "2000"),
                    "account_type": "liability_current",
                    "company_ids": [fields.Command.link(company.id)],
                }
            )
        for branch in companies.filtered("parent_id"):
            branch.halley_deferred_account_id = branch.root_id.halley_deferred_account_id
        return True

    @api.model
    def _halley_create_deferred_accounts(self):
        """At install: the companies whose chart is loaded already."""
        return self.sudo().search([("chart_template", "!=", False)])._halley_create_deferred_account()

    def _halley_get_package_income_account(self, product, raise_if_missing=False):
        self.ensure_one()
        account = self.sudo().halley_package_income_account_id
        if not account and product:
            account = product.product_tmpl_id.with_company(self).sudo()._get_product_accounts()["income"]
            if account == self.sudo().halley_deferred_account_id:
                account = self.env["account.account"]
        if not account:
            account = self.env["product.category"].sudo().with_company(self).search(
                [], limit=1
            ).property_account_income_categ_id
        if not account and raise_if_missing:
            raise UserError(
                self.env._(
                    "Choose the package revenue account of %(company)s in the clinic's "
                    "settings.",
                    company=self.name,
                )
            )
        return account

    def _halley_get_package_journal(self):
        self.ensure_one()
        journal = self.sudo().halley_package_journal_id
        if not journal:
            journal = self.env["account.journal"].sudo().search(
                [*self.env["account.journal"]._check_company_domain(self), ("type", "=", "general")],
                limit=1,
            )
        if not journal:
            raise UserError(
                self.env._(
                    "%(company)s has no miscellaneous journal for package revenue entries.",
                    company=self.name,
                )
            )
        return journal
