from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_round

from ..tools import CLINIC_GROUPS


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    treatment_session_id = fields.Many2one(
        "halley.treatment.session",
        string="Treatment session",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="restrict",
        help="The session this line invoices, or whose package revenue it recognises.",
    )
    patient_package_ids = fields.One2many(
        "halley.patient.package", "invoice_line_id", string="Packages sold", groups=CLINIC_GROUPS
    )
    halley_refunded_package_ids = fields.One2many(
        "halley.patient.package", "refund_line_id", string="Packages refunded", groups=CLINIC_GROUPS
    )
    halley_package_id = fields.Many2one(
        "halley.patient.package",
        string="Package",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="restrict",
        help="The package whose deferred revenue this entry line moves.",
    )
    halley_package_origin_line_id = fields.Many2one(
        "account.move.line",
        string="Credited package line",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="On a credit note: the invoice line that sold the packages it credits.",
    )

    def _copy_data_extend_business_fields(self, values):
        # Credit notes and reversals keep the link to the session, package and the
        # package line they reverse (copy=False keeps plain duplicates unlinked).
        # Read as superuser: reversing any entry works for accountants outside the
        # clinic groups exactly as without the addon.
        res = super()._copy_data_extend_business_fields(values)
        line = self.sudo()
        values["treatment_session_id"] = line.treatment_session_id.id
        values["halley_package_id"] = line.halley_package_id.id
        if line.patient_package_ids:
            values["halley_package_origin_line_id"] = line.id
        return res

    @api.constrains("treatment_session_id")
    def _check_treatment_session_patient(self):
        for line in self.filtered("treatment_session_id"):
            if line.move_id._halley_sales():
                line._halley_check_session_link()

    def _halley_check_session_link(self):
        """The session a sale line invoices is one of the invoice's patient (or of
        her company), in the invoice's company."""
        self.ensure_one()
        session = self.sudo().treatment_session_id
        move = self.move_id
        if session.company_id != move.company_id:
            raise UserError(
                self.env._(
                    "%(move)s belongs to %(company)s, but the session %(session)s on its line "
                    "%(line)s was given in %(session_company)s: invoice it from that company.",
                    move=move.display_name,
                    company=move.company_id.name,
                    session=session.name,
                    line=self.name or self.product_id.display_name,
                    session_company=session.company_id.name,
                )
            )
        # partner_id, the customer the invoice is made out to (its stored
        # commercial_partner_id is a copy, writable over RPC).
        if session.patient_id.commercial_partner_id != move.partner_id.commercial_partner_id:
            raise UserError(
                self.env._(
                    "%(move)s is for %(customer)s, but its line %(line)s invoices the session "
                    "%(session)s of %(patient)s: a session is invoiced to its own patient only.",
                    move=move.display_name,
                    customer=move.partner_id.display_name,
                    line=self.name or self.product_id.display_name,
                    session=session.name,
                    patient=session.patient_id.display_name,
                )
            )

    # ------------------------------------------------------------------ package lines

    def _halley_units(self):
        """Whole packages on a package line; a package cannot be sold or credited in
        part."""
        self.ensure_one()
        units = float_round(self.quantity, precision_digits=0)
        if float_compare(self.quantity, units, precision_digits=6) or units <= 0:
            raise UserError(
                self.env._(
                    "%(move)s: %(product)s is a package of sessions; invoice or credit it "
                    "in whole units (quantity %(qty)s).",
                    move=self.move_id.display_name,
                    product=self.product_id.display_name,
                    qty=self.quantity,
                )
            )
        return int(units)

    def _halley_check_package_price(self):
        """A package is never sold (nor credited) at a negative price: it would
        create a package worth less than nothing."""
        self.ensure_one()
        rounding = self.currency_id.rounding
        if (
            float_compare(self.price_unit, 0.0, precision_rounding=rounding) < 0
            or float_compare(self.price_subtotal, 0.0, precision_rounding=rounding) < 0
        ):
            raise UserError(
                self.env._(
                    "%(move)s: the package %(product)s comes to a negative price (%(price)s). "
                    "A package is sold at its price, discounted or free, never below zero.",
                    move=self.move_id.display_name,
                    product=self.product_id.display_name,
                    price=self.currency_id.format(min(self.price_unit, self.price_subtotal)),
                )
            )

    def _halley_check_package_account(self):
        """A package line is booked to the company's deferred-revenue account."""
        self.ensure_one()
        deferred = self.company_id._halley_get_deferred_account(raise_if_missing=True)
        if self.account_id != deferred:
            raise UserError(
                self.env._(
                    "%(move)s: the package %(product)s must be booked to the deferred "
                    "revenue account %(account)s, not %(wrong)s: its sessions are not "
                    "delivered yet.",
                    move=self.move_id.display_name,
                    product=self.product_id.display_name,
                    account=deferred.display_name,
                    wrong=self.account_id.display_name,
                )
            )

    def _halley_packages_to_refund(self, units):
        """The packages this credit note line cancels: ``units`` of those sold by
        the invoice line it reverses, those with the most sessions left first."""
        self.ensure_one()
        origin = self.sudo().halley_package_origin_line_id
        refund = self.move_id
        if not origin:
            raise UserError(
                self.env._(
                    "%(move)s credits the package %(product)s without the invoice that "
                    "sold it: create the credit note from that invoice (Credit Note "
                    "button) so the right patient packages are cancelled.",
                    move=refund.display_name,
                    product=self.product_id.display_name,
                )
            )
        # Only the invoice this credit note reverses, for the same patient: a credit
        # note can never cancel another patient's packages.
        if origin.move_id != refund.sudo().reversed_entry_id:
            raise UserError(
                self.env._(
                    "%(move)s credits packages sold on %(invoice)s, but it reverses "
                    "%(reversed)s: a credit note can only cancel packages of the invoice "
                    "it credits. Create it from %(invoice)s with the Credit Note button.",
                    move=refund.display_name,
                    invoice=origin.move_id.display_name,
                    reversed=refund.sudo().reversed_entry_id.display_name or self.env._("no invoice"),
                )
            )
        # partner_id, the customer the document is made out to (commercial_partner_id
        # is a stored copy, writable over RPC).
        if origin.move_id.partner_id.commercial_partner_id != refund.partner_id.commercial_partner_id:
            raise UserError(
                self.env._(
                    "%(move)s is for %(patient)s, but the packages it credits were sold to "
                    "%(owner)s on %(invoice)s: a credit note can only cancel the packages of "
                    "its own patient.",
                    move=refund.display_name,
                    patient=refund.partner_id.display_name,
                    owner=origin.move_id.partner_id.display_name,
                    invoice=origin.move_id.display_name,
                )
            )
        if origin.product_id != self.product_id:
            raise UserError(
                self.env._(
                    "%(move)s credits %(product)s, but the invoice line it reverses sold "
                    "%(sold)s.",
                    move=refund.display_name,
                    product=self.product_id.display_name,
                    sold=origin.product_id.display_name,
                )
            )
        available = origin.patient_package_ids.filtered(
            lambda p: not p.refund_line_id or p.refund_line_id == self
        )
        if units > len(available):
            raise UserError(
                self.env._(
                    "%(move)s credits %(units)s package(s) %(product)s, but only "
                    "%(available)s of those sold on %(invoice)s are not refunded yet.",
                    move=refund.display_name,
                    units=units,
                    product=self.product_id.display_name,
                    available=len(available),
                    invoice=origin.move_id.display_name,
                )
            )
        return available.sorted(lambda p: (-p.sessions_remaining, -p.id))[:units]
