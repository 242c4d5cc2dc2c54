from odoo import api, fields, models
from odoo.exceptions import UserError

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
