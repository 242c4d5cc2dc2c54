from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    halley_cooling_off_days = fields.Integer(
        related="company_id.halley_cooling_off_days", readonly=False
    )
    halley_refund_policy = fields.Selection(
        related="company_id.halley_refund_policy", readonly=False
    )
    halley_refund_fee_percent = fields.Float(
        related="company_id.halley_refund_fee_percent", readonly=False
    )
