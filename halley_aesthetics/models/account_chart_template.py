from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        """A company's chart of accounts comes with its "Deferred treatment revenue"
        account, where the price of treatment packages waits for their sessions."""
        res = super()._post_load_data(template_code, company, template_data)
        (company or self.env.company)._halley_create_deferred_account()
        return res
