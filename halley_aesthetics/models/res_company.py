from odoo import api, fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

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
        "their sessions are delivered. Created on first use when empty.",
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

    def _get_treatment_consumption_type(self):
        """Return the company's "Treatment consumption" operation type, creating it
        (with its return type) on first use.

        Consumption goes from a treatment room to the company's own production
        location (Odoo's "Virtual Locations/Production", the default production
        location of its products): the stock is used up, neither scrapped nor
        delivered to a customer, and the picking type lets Odoo explode the
        protocol's kit BoM natively. The addon adds no location of its own.
        """
        self.ensure_one()
        picking_type = (
            self.env["stock.picking.type"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [("is_treatment_consumption", "=", True), ("company_id", "=", self.id)],
                limit=1,
            )
        )
        if picking_type:
            return picking_type
        return self._create_treatment_consumption_type()

    def _halley_production_location(self):
        """The company's production location: the default of its products'
        Production Location (created by Odoo's stock for every company)."""
        self.ensure_one()
        Default = self.env["ir.default"].sudo()
        location_id = Default._get("product.template", "property_stock_production", company_id=self.id)
        if not location_id:
            self.sudo()._create_production_location()
            location_id = Default._get("product.template", "property_stock_production", company_id=self.id)
        return self.env["stock.location"].sudo().browse(location_id)

    def _create_treatment_consumption_type(self):
        self.ensure_one()
        warehouse = (
            self.env["stock.warehouse"]
            .sudo()
            .search([("company_id", "=", self.id)], limit=1)
        )
        if not warehouse:
            raise UserError(
                self.env._(
                    "The company %(company)s has no warehouse: create one before "
                    "booking treatment sessions.",
                    company=self.name,
                )
            )
        consumption_location = self._halley_production_location()
        PickingType = self.env["stock.picking.type"].sudo()
        return_type = PickingType.create(
            {
                "name": self.env._("Treatment returns"),
                "code": "incoming",
                "sequence_code": "TRR",
                "warehouse_id": warehouse.id,
                "company_id": self.id,
                "default_location_src_id": consumption_location.id,
                "default_location_dest_id": warehouse.lot_stock_id.id,
                "use_create_lots": False,
                "use_existing_lots": True,
            }
        )
        return PickingType.create(
            {
                "name": self.env._("Treatment consumption"),
                "code": "outgoing",
                "sequence_code": "TRT",
                "is_treatment_consumption": True,
                "warehouse_id": warehouse.id,
                "company_id": self.id,
                "default_location_src_id": warehouse.lot_stock_id.id,
                "default_location_dest_id": consumption_location.id,
                "return_picking_type_id": return_type.id,
                "reservation_method": "manual",
                "create_backorder": "never",
                "use_create_lots": False,
                "use_existing_lots": True,
            }
        )

    @api.model
    def _setup_treatment_consumption(self):
        """Called at install: every company with a warehouse gets its types."""
        for company in self.sudo().search([]):  # pylint: disable=no-search-all
            if self.env["stock.warehouse"].sudo().search_count(
                [("company_id", "=", company.id)], limit=1
            ):
                company._get_treatment_consumption_type()
        return True

    # ------------------------------------------------------------------ packages accounting

    def _halley_get_deferred_account(self, raise_if_missing=False):
        """The company's deferred-revenue account for packages; created on first use
        ("Deferred treatment revenue", current liability) once the company has a
        chart of accounts."""
        self.ensure_one()
        account = self.sudo().halley_deferred_account_id
        if account:
            return account
        Account = self.env["account.account"].sudo().with_company(self)
        if self.chart_template:
            liability = Account.search(
                [*Account._check_company_domain(self), ("account_type", "=", "liability_current")],
                order="code",
                limit=1,
            )
            code = Account._search_new_account_code(liability.code or "2000")
            account = Account.create(
                {
                    "name": self.env._("Deferred treatment revenue"),
                    "code": code,
                    "account_type": "liability_current",
                    "company_ids": [fields.Command.link(self.id)],
                }
            )
            self.sudo().halley_deferred_account_id = account
            return account
        if raise_if_missing:
            raise UserError(
                self.env._(
                    "Set up the chart of accounts of %(company)s before selling treatment "
                    "packages: their price goes to a deferred-revenue account.",
                    company=self.name,
                )
            )
        return Account.browse()

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
