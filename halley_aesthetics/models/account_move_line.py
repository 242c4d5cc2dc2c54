from odoo import fields, models


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
        "halley.patient.package", "invoice_line_id", string="Packages sold"
    )
    halley_refunded_package_ids = fields.One2many(
        "halley.patient.package", "refund_line_id", string="Packages refunded"
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
        res = super()._copy_data_extend_business_fields(values)
        values["treatment_session_id"] = self.treatment_session_id.id
        values["halley_package_id"] = self.halley_package_id.id
        if self.patient_package_ids:
            values["halley_package_origin_line_id"] = self.id
        return res
