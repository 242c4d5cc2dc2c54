import logging

from odoo import api, models

_logger = logging.getLogger(__name__)

# The demo clinic's PayNow proxy: its UEN (Unique Entity Number), a made-up one.
DEMO_PAYNOW_UEN = "201912345K"


class PosConfig(models.Model):
    """The clinic's front counter: Odoo's Point of Sale, set up for the demo clinic
    in code once its chart of accounts is loaded (journals and accounts come from
    the chart): cash, card and PayNow QR (a QR code on the clinic's UEN, l10n_sg)."""

    _inherit = "pos.config"

    @api.model
    def _halley_receipt_texts(self, company):
        """The receipt's header and footer in the clinic's words: its name, address
        and phone; a thank-you and its GST registration."""
        partner = company.partner_id
        street = ", ".join(part for part in (partner.street, partner.street2) if part)
        city = " ".join(part for part in (partner.city, partner.zip) if part)
        header_lines = [company.name, street, city]
        if partner.phone:
            header_lines.append(self.env._("Tel. %(phone)s", phone=partner.phone))
        footer_lines = [self.env._("Thank you for visiting %(clinic)s.", clinic=company.name)]
        if company.vat:
            footer_lines.append(self.env._("GST Reg. No. %(vat)s", vat=company.vat))
        if partner.email:
            footer_lines.append(partner.email)
        return "\n".join(line for line in header_lines if line), "\n".join(footer_lines)

    @api.model
    def _halley_setup_demo_counter(self):
        """Demo data only, once (marked by the counter's xml id): the demo clinic's
        counter "Orchard counter" with its cash, card and PayNow QR payment methods,
        selling from the clinic's retail shelf. Only where l10n_sg is installed, the
        demo company is Singaporean and keeps Odoo's Singapore chart."""
        env = self.env
        if env.ref("halley_aesthetics.pos_config_counter_demo", raise_if_not_found=False):
            return
        if not env.ref("halley_aesthetics.patient_grace_demo", raise_if_not_found=False):
            return
        company = env.ref("base.main_company", raise_if_not_found=False)
        if not company or company.country_id.code != "SG" or company.chart_template != "sg":
            return
        installed = env["ir.module.module"].sudo().search_count(
            [("name", "=", "l10n_sg"), ("state", "=", "installed")])
        if not installed:
            return
        try:
            with env.cr.savepoint():
                self.sudo().with_company(company).with_context(
                    allowed_company_ids=[company.id])._halley_create_demo_counter(company)
        except Exception:
            _logger.exception("The demo clinic's counter could not be set up")

    @api.model
    def _halley_create_demo_counter(self, company):
        env = self.env
        Journal = env["account.journal"]
        bank_journal = Journal.search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
        sale_journal = Journal.search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
        # The clinic's bank account, with its PayNow proxy: the UEN.
        bank_account = env["res.partner.bank"].create({
            "acc_number": "123-456789-001",
            "partner_id": company.partner_id.id,
            "company_id": company.id,
            "bank_id": env.ref("halley_aesthetics.bank_dbs_demo").id,
            "proxy_type": "uen",
            "proxy_value": DEMO_PAYNOW_UEN,
            "include_reference": True,
            "allow_out_payment": True,
        })
        bank_journal.bank_account_id = bank_account
        cash_journal = Journal.create({
            "name": env._("Counter cash"),
            "code": "CCSH",
            "type": "cash",
            "company_id": company.id,
            "show_on_dashboard": False,
        })
        Method = env["pos.payment.method"]
        cash = Method.create({"name": env._("Cash"), "journal_id": cash_journal.id, "company_id": company.id,
                              "sequence": 1})
        card = Method.create({"name": env._("Card (Visa, Mastercard, NETS)"), "journal_id": bank_journal.id,
                              "company_id": company.id, "sequence": 2})
        paynow = Method.create({
            "name": env._("PayNow QR"),
            "journal_id": bank_journal.id,
            "company_id": company.id,
            "payment_method_type": "qr_code",
            "qr_code_method": "emv_qr",
            "sequence": 3,
        })
        header, footer = self._halley_receipt_texts(company)
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        counter = self.create({
            "name": env._("Orchard counter"),
            "company_id": company.id,
            "journal_id": sale_journal.id,
            "invoice_journal_id": sale_journal.id,
            "payment_method_ids": [(6, 0, (cash | card | paynow).ids)],
            "picking_type_id": warehouse.pos_type_id.id,
            "is_header_or_footer": True,
            "receipt_header": header,
            "receipt_footer": footer,
        })
        env["ir.model.data"]._update_xmlids([
            {"xml_id": "halley_aesthetics.pos_config_counter_demo", "record": counter, "noupdate": True},
            {"xml_id": "halley_aesthetics.pos_payment_method_cash_demo", "record": cash, "noupdate": True},
            {"xml_id": "halley_aesthetics.pos_payment_method_card_demo", "record": card, "noupdate": True},
            {"xml_id": "halley_aesthetics.pos_payment_method_paynow_demo", "record": paynow, "noupdate": True},
            {"xml_id": "halley_aesthetics.bank_account_clinic_demo", "record": bank_account, "noupdate": True},
        ])
        return counter
