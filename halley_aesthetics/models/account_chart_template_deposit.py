from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"  # pylint: disable=consider-merging-classes-inherited

    def _post_load_data(self, template_code, company, template_data):
        """A company's chart of accounts comes with its "Customer deposits" and "No-show
        and late-cancellation fees" accounts (deposits at booking, issue 23)."""
        res = super()._post_load_data(template_code, company, template_data)
        (company or self.env.company)._halley_create_deposit_accounts()
        return res

    def _register_hook(self):
        super()._register_hook()
        self._halley_enable_demo_payment()

    def _halley_enable_demo_payment(self):
        """Demo data only: the demo clinic takes deposits online with Odoo's demo
        payment provider (payment_demo, installed by the demo), enabled in test mode
        for its company once every module is loaded. Done once."""
        env = self.env
        company = env.ref("base.main_company", raise_if_not_found=False)
        if not company or not env.ref("halley_aesthetics.patient_grace_demo", raise_if_not_found=False):
            return
        provider = env.ref("payment.payment_provider_demo", raise_if_not_found=False)
        if not provider or provider.sudo().module_state != "installed" or provider.sudo().state != "disabled":
            return
        if env.ref("halley_aesthetics.payment_demo_enabled_demo", raise_if_not_found=False):
            return
        provider = provider.sudo()
        provider.write({"state": "test", "is_published": True, "company_id": company.id})
        env["ir.model.data"]._update_xmlids([
            {"xml_id": "halley_aesthetics.payment_demo_enabled_demo", "record": provider, "noupdate": True},
        ])
