import logging
from datetime import datetime

import pytz

from odoo import Command, api, models
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

_logger = logging.getLogger(__name__)


# A signature for the demo's session when the first demo consent is not there: a
# base64 PNG (1x1 pixel), as Odoo's signature widget sends one.
DEMO_SIGNATURE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        """A company's chart of accounts comes with its "Deferred treatment revenue"
        account, where the price of treatment packages waits for their sessions."""
        res = super()._post_load_data(template_code, company, template_data)
        (company or self.env.company)._halley_create_deferred_account()
        return res

    def _register_hook(self):
        super()._register_hook()
        self._halley_load_demo_chart()

    @api.model
    def _halley_load_demo_chart(self):
        """Demo data only, once: the demo clinic's company keeps its books in Singapore
        (Odoo's chart ``sg`` from l10n_sg, GST 9 %, SGD). The demo marks l10n_sg for
        installation, which Odoo installs in the same run after this addon; when every
        module is loaded (here), the chart replaces the generic one account's demo put on
        the company (in a demo database Odoo drops the company's demo entries and sets
        the country's currency), then ``_load`` below sells the demo package. Nothing
        happens in a database without the clinic's demo data, or once it is done."""
        env = self.env
        if not env.ref("halley_aesthetics.patient_grace_demo", raise_if_not_found=False):
            return
        if env.ref("halley_aesthetics.invoice_trio_grace_demo", raise_if_not_found=False):
            return
        company = env.ref("base.main_company", raise_if_not_found=False)
        installed = env["ir.module.module"].sudo().search_count([("name", "=", "l10n_sg"), ("state", "=", "installed")])
        if not company or not installed or company.country_id.code != "SG":
            return
        # Never over the clinic's own books: a chart is replaced only before any package
        # is sold or session invoiced (a database upgraded from a release without this
        # step, where l10n_sg was installed by hand, keeps its chart and entries).
        if company.chart_template != "sg" and (
            env["halley.patient.package"].sudo().search_count([("company_id", "=", company.id)], limit=1)
            or env["account.move.line"].sudo().search_count(
                [("company_id", "=", company.id), ("treatment_session_id", "!=", False)], limit=1)
        ):
            return
        try:
            with env.cr.savepoint():
                if company.chart_template != "sg":
                    self._halley_drop_pos_samples(company)
                    self.sudo().try_loading("sg", company, install_demo=False)
                else:
                    self.sudo()._halley_load_demo_sale(company)
        except Exception:
            _logger.exception("The demo clinic's chart of accounts and package sale could not be loaded")

    @api.model
    def _halley_drop_pos_samples(self, company):
        """Demo data only, before the Singapore chart replaces the generic one: Point of
        Sale's demo opens three sample shops on the main company (furniture, clothes,
        bakery) with closed sessions whose entries are reconciled, which Odoo's chart
        replacement cannot drop. A clinic's demo has its own counter instead: the
        samples' orders, payments, sessions, shops and payment methods go, their
        entries unreconciled so that the chart's load drops them with the rest."""
        env = self.env(context={**self.env.context, MODULE_UNINSTALL_FLAG: True,
                                "allowed_company_ids": [company.id]}, su=True)
        domain = [("company_id", "=", company.id)]
        # The company's entries all go with the generic chart (a demo database): their
        # reconciliations first, the sample shops' documents next.
        env["account.partial.reconcile"].search(domain).unlink()
        orders = env["pos.order"].search(domain)
        orders.payment_ids.unlink()
        orders.unlink()
        sessions = env["pos.session"].search(domain)
        sessions.statement_line_ids.unlink()
        sessions.unlink()
        env["pos.config"].search(domain).unlink()
        env["pos.payment.method"].search(domain).unlink()

    def _load(self, template_code, company, install_demo, force_create=True):
        res = super()._load(template_code, company, install_demo, force_create)
        self._halley_load_demo_sale(company)
        return res

    def _halley_load_demo_sale(self, company):
        """Demo data only: once the demo clinic's company has its chart of accounts
        (Odoo loads it after every module's data), sell a Baby Skin Trio course to Grace
        Lim (invoice posted, price deferred) and complete its first session this morning
        (stock consumed by lot, one session redeemed, revenue recognised). Idempotent:
        done once, marked by the invoice's xml id."""
        env = self.env
        ref = env.ref
        if company != ref("base.main_company", raise_if_not_found=False):
            return
        product = ref("halley_aesthetics.product_package_trio_demo", raise_if_not_found=False)
        if not product or not company.halley_deferred_account_id:
            return
        if ref("halley_aesthetics.invoice_trio_grace_demo", raise_if_not_found=False):
            return
        env = env(context={"allowed_company_ids": [company.id]}, su=True)
        # Singapore: the clinic charges GST on its treatments and courses.
        if company.account_sale_tax_id:
            env["product.template"].search([("clinic_role", "in", ("package", "treatment"))]).taxes_id = (
                company.account_sale_tax_id
            )
        patient = env.ref("halley_aesthetics.patient_grace_demo")
        doctor = env.ref("halley_aesthetics.user_doctor_demo")
        local_now = datetime.now(pytz.timezone(doctor.tz or "UTC"))
        today = local_now.date()
        # Sold by the front desk (Mei Ling Wong, billing) ...
        billing = env.ref("halley_aesthetics.user_billing_demo")
        invoice = env["account.move"].with_user(billing).create({
            "move_type": "out_invoice",
            "partner_id": patient.id,
            "invoice_date": today,
            "invoice_line_ids": [Command.create({"product_id": product.id, "quantity": 1})],
        })
        invoice.action_post()
        # 09:00 this morning in Singapore, in Treatment Room 1 with Dr. Rachel Tan.
        start = local_now.replace(hour=9, minute=0, second=0, microsecond=0).astimezone(pytz.utc).replace(tzinfo=None)
        # ... treated by Dr. Rachel Tan: screening (her chart's answers kept, the rest no,
        # warnings acknowledged), consent, then the session run through its workflow.
        session = env["halley.treatment.session"].with_user(doctor).create({
            "patient_id": patient.id,
            "protocol_id": env.ref("halley_aesthetics.bom_trio_demo").id,
            "room_id": env.ref("halley_aesthetics.room_1_demo").id,
            "practitioner_id": doctor.id,
            "scheduled_start": start,
        })
        # She signs her consent on the tablet (her signature as on her first session's).
        signed_before = env.ref("halley_aesthetics.consent_grace_1_demo", raise_if_not_found=False)
        session._halley_sign_consent(
            signed_before.signature if signed_before else DEMO_SIGNATURE, patient.name, photo_record=True,
            channel="clinic",
        )
        session.action_screening_all_no()
        session.screening_ids.filtered(
            lambda line: line.answer == "yes" and line.severity == "warning").acknowledged = True
        session.action_confirm()
        session.action_start()
        session.with_context(halley_no_wizard=True).action_done()
        env["ir.model.data"]._update_xmlids([
            {"xml_id": "halley_aesthetics.invoice_trio_grace_demo", "record": invoice, "noupdate": True},
            {"xml_id": "halley_aesthetics.session_grace_trio_demo", "record": session, "noupdate": True},
        ])
