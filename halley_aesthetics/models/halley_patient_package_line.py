from odoo import api, fields, models


class HalleyPatientPackageLine(models.Model):
    """The sessions of one protocol in one patient's package: bought, used, left."""

    _name = "halley.patient.package.line"
    _description = "Sessions of a patient package"
    _order = "package_id, id"

    package_id = fields.Many2one(
        "halley.patient.package", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="package_id.company_id", store=True)
    protocol_id = fields.Many2one("mrp.bom", required=True, readonly=True)
    sessions_bought = fields.Integer(string="Bought", required=True, readonly=True)
    sessions_used = fields.Integer(string="Used", readonly=True, default=0)
    sessions_refunded = fields.Integer(string="Refunded", readonly=True, default=0)
    sessions_remaining = fields.Integer(
        string="Remaining", compute="_compute_sessions_remaining", store=True
    )

    _sql_constraints = [
        (
            "sessions_consistent",
            "CHECK(sessions_used >= 0 AND sessions_refunded >= 0 "
            "AND sessions_used + sessions_refunded <= sessions_bought)",
            "A package cannot give more sessions than were bought.",
        ),
    ]

    @api.depends("sessions_bought", "sessions_used", "sessions_refunded")
    def _compute_sessions_remaining(self):
        for line in self:
            line.sessions_remaining = (
                line.sessions_bought - line.sessions_used - line.sessions_refunded
            )
