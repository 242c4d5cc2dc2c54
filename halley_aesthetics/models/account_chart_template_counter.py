from odoo import api, models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _halley_load_demo_chart(self):
        """Once the demo clinic keeps Odoo's Singapore chart (journals, accounts),
        its front counter is set up: cash, card and PayNow QR (pos_config.py).
        Demo data only, once."""
        res = super()._halley_load_demo_chart()
        self.env["pos.config"]._halley_setup_demo_counter()
        return res
