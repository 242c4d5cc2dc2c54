from odoo import fields, models


class HalleyPackageTemplateLine(models.Model):
    """How many sessions of one protocol a package product entitles a patient to."""

    _name = "halley.package.template.line"
    _description = "Sessions included in a treatment package"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Package", required=True, ondelete="cascade", index=True
    )
    protocol_id = fields.Many2one(
        "mrp.bom",
        required=True,
        ondelete="restrict",
        domain="[('is_treatment_protocol', '=', True)]",
    )
    session_count = fields.Integer(string="Sessions", required=True, default=1)

    _halley_minimums = {"session_count": 1}  # checked in words before the SQL check below

    _sql_constraints = [
        (
            "session_count_positive",
            "CHECK(session_count > 0)",
            "A package includes at least one session of each of its protocols.",
        ),
        (
            "protocol_once_per_package",
            "UNIQUE(product_tmpl_id, protocol_id)",
            "A protocol appears only once in a package: raise its number of sessions instead.",
        ),
    ]
