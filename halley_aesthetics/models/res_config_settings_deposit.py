from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    halley_deposit_scope = fields.Selection(related="company_id.halley_deposit_scope", readonly=False)
    halley_deposit_notice_hours = fields.Integer(related="company_id.halley_deposit_notice_hours", readonly=False)
    halley_deposit_late_policy = fields.Selection(related="company_id.halley_deposit_late_policy", readonly=False)
    halley_deposit_timely_policy = fields.Selection(related="company_id.halley_deposit_timely_policy", readonly=False)
    halley_deposit_account_id = fields.Many2one(related="company_id.halley_deposit_account_id", readonly=False)
    halley_deposit_fee_account_id = fields.Many2one(
        related="company_id.halley_deposit_fee_account_id", readonly=False
    )
