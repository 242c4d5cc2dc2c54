from lxml import etree

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

from ..tools import CLINIC_GROUPS


class AccountMove(models.Model):
    _inherit = "account.move"

    # Clinic users pick an invoice line's product by its name: the internal reference
    # is still searched, not shown. Everyone else (the accountant outside the clinic
    # groups) reads Odoo's "[CODE] Name" on Odoo's invoice form, as without the addon.
    @api.model
    def get_view(self, view_id=None, view_type="form", **options):
        # Odoo 18 refuses groups on an inherited view, and its view cache is shared
        # by every user: the clinic users' arch is adjusted after the groups are
        # applied, as Odoo's own get_view applies access rights.
        result = super().get_view(view_id, view_type, **options)
        if view_type != "form" or not self.env.user.has_groups(CLINIC_GROUPS):
            return result
        arch = etree.fromstring(result["arch"])
        nodes = arch.xpath("//field[@name='invoice_line_ids']//field[@name='product_id']")
        for node in nodes:
            context = (node.get("context") or "").strip()
            inner = context[1:-1].strip() if context.startswith("{") and context.endswith("}") else ""
            rest = f", {inner}" if inner else ""
            node.set("context", f"{{'display_default_code': False{rest}}}")
        if nodes:
            result["arch"] = etree.tostring(arch, encoding="unicode")
        return result

    def _post(self, soft=True):
        # Refuse before anything is posted: nothing half-written.
        self._halley_check_customer()
        self._halley_check_package_lines()
        self._halley_check_session_lines()
        posted = super()._post(soft=soft)
        posted._halley_create_packages()
        posted._halley_refund_packages()
        posted._halley_check_sessions_invoiced_once()
        return posted

    def button_draft(self):
        # Packages are read as superuser: resetting any move to draft must work for
        # accountants outside the clinic groups exactly as without the addon.
        for move in self:
            if move.sudo().line_ids.halley_refunded_package_ids:
                raise UserError(
                    self.env._(
                        "The credit note %(move)s has cancelled package sessions: it cannot "
                        "be reset to draft.",
                        move=move.display_name,
                    )
                )
        packages = self.sudo().invoice_line_ids.patient_package_ids
        packages._check_not_refunded_or_used()
        res = super().button_draft()
        # Re-posting the invoice sells the packages again.
        packages.unlink()
        return res

    def _halley_check_customer(self):
        """A sale that sells or refunds packages, or invoices sessions, is charged to
        the customer it is made out to. Odoo books the receivable to the stored
        commercial partner, which a plain write over RPC can change: refused when
        it is not the customer's."""
        sales = self._halley_sales()
        for move in sales:
            lines = move.invoice_line_ids
            clinical = lines.filtered("treatment_session_id") or move._halley_package_lines()
            if clinical and move.commercial_partner_id != move.partner_id.commercial_partner_id:
                raise UserError(
                    self.env._(
                        "%(move)s is made out to %(customer)s but would be charged to %(other)s: "
                        "a package or a session is charged to the patient (or the company) it is "
                        "invoiced to. Choose the customer again.",
                        move=move.display_name,
                        customer=move.partner_id.display_name,
                        other=move.commercial_partner_id.display_name,
                    )
                )

    def _halley_sales(self):
        """Customer invoices and credit notes: the documents that sell packages and
        invoice sessions."""
        return self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))

    # ------------------------------------------------------------------ packages

    def _halley_package_lines(self):
        return self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
            and line.product_id.product_tmpl_id.clinic_role == "package"
        )

    def _halley_check_package_lines(self):
        sales = self._halley_sales()
        for line in sales._halley_package_lines():
            units = line._halley_units()
            line._halley_check_package_price()
            line._halley_check_package_account()
            if line.move_id.move_type == "out_refund":
                line._halley_packages_to_refund(units)

    def _halley_create_packages(self):
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        lines = invoices.sudo()._halley_package_lines().filtered(
            lambda line: not line.patient_package_ids
        ).with_env(self.env)
        if not lines:
            return
        Package = self.env["halley.patient.package"].sudo()
        vals_list = []
        for line in lines:
            units = line._halley_units()
            # One dict per package: create() names each (a repeated dict would share one name).
            vals_list += [Package._prepare_from_invoice_line(line) for _unit in range(units)]
        patients = lines.move_id.partner_id.filtered(lambda p: not p.is_patient)
        if patients:
            patients.sudo().is_patient = True
        packages = Package.create(vals_list)
        # One note per package, logged together (not one message_post each).
        packages._message_log_batch(
            bodies={
                package.id: self.env._("Sold on %(invoice)s.", invoice=package.invoice_id._get_html_link())
                for package in packages
            }
        )

    def _halley_refund_packages(self):
        refunds = self.filtered(lambda m: m.move_type == "out_refund")
        entries, notes = [], []
        for line in refunds._halley_package_lines():
            units = line._halley_units()
            origin_packages = line.sudo().halley_package_origin_line_id.patient_package_ids
            origin_packages._lock()
            chosen = line._halley_packages_to_refund(units)
            currency = line.company_currency_id
            credit_each = currency.round(line.balance / units)
            for index, package in enumerate(chosen):
                credited = credit_each
                if index == len(chosen) - 1:  # rounding rest on the last one
                    credited = currency.round(line.balance - credit_each * (units - 1))
                package._refund(line, credited, entries=entries, notes=notes)
        # The packages' settling entries posted, and their notes logged, together.
        self.env["halley.patient.package"]._post_refund_entries_and_notes(entries, notes)

    # ------------------------------------------------------------------ sessions

    def _halley_check_session_lines(self):
        """A line may invoice only a session of the invoice's own patient (or her
        company) in the invoice's company: billing can never move a session, or its
        money, to another patient's invoice."""
        sales = self._halley_sales()
        for line in sales.invoice_line_ids.filtered("treatment_session_id"):
            line._halley_check_session_link()

    def _halley_check_sessions_invoiced_once(self):
        sales = self._halley_sales()
        for session in sales.invoice_line_ids.treatment_session_id.sudo():
            invoiced = session._invoiced_quantity()
            if float_compare(invoiced, 1.0, precision_digits=2) > 0:
                invoices = session.invoice_line_ids.filtered(
                    lambda line: line.parent_state == "posted"
                    and line.move_id.move_type == "out_invoice"
                ).move_id
                raise UserError(
                    self.env._(
                        "The session %(session)s is already invoiced (%(invoices)s): a "
                        "session is never invoiced twice.",
                        session=session.name,
                        invoices=", ".join(invoices.mapped("display_name")),
                    )
                )
            if session.package_redeemed and not float_is_zero(invoiced, precision_digits=2):
                raise UserError(
                    self.env._(
                        "The session %(session)s was paid by the package %(package)s: it "
                        "cannot be invoiced as well.",
                        session=session.name,
                        package=session.package_id.name,
                    )
                )
