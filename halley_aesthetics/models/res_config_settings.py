from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    halley_deferred_account_id = fields.Many2one(
        related="company_id.halley_deferred_account_id", readonly=False
    )
    halley_package_income_account_id = fields.Many2one(
        related="company_id.halley_package_income_account_id", readonly=False
    )
    halley_package_journal_id = fields.Many2one(
        related="company_id.halley_package_journal_id", readonly=False
    )
    halley_package_demand_reordering = fields.Boolean(
        related="company_id.halley_package_demand_reordering", readonly=False
    )
    halley_tz = fields.Selection(related="company_id.halley_tz", readonly=False)
