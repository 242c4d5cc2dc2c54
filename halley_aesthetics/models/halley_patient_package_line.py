from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import check_workflow_fields


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
    sessions_used = fields.Integer(
        string="Used",
        compute="_compute_sessions_used",
        store=True,
        help="The sessions of this protocol redeemed from the package.",
    )
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

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(self.env._("A package's sessions are those its invoice sold."))
        return super().create(vals_list)

    def write(self, vals):
        check_workflow_fields(
            self, vals, {"package_id", "protocol_id", "sessions_bought", "sessions_refunded"},
            self.env._("The sessions a package sold and refunded"),
        )
        return super().write(vals)

    @api.depends(
        "package_id.session_ids.package_redeemed", "package_id.session_ids.protocol_id",
    )
    def _compute_sessions_used(self):
        if not self.ids:
            for line in self:
                line.sessions_used = 0
            return
        Session = self.env["halley.treatment.session"].sudo()
        counts = {
            (package.id, protocol.id): count
            for package, protocol, count in Session._read_group(
                [("package_id", "in", self.package_id.ids), ("package_redeemed", "=", True)],
                ["package_id", "protocol_id"],
                ["__count"],
            )
        }
        for line in self:
            line.sessions_used = counts.get((line.package_id.id, line.protocol_id.id), 0)

    @api.depends("sessions_bought", "sessions_used", "sessions_refunded")
    def _compute_sessions_remaining(self):
        for line in self:
            line.sessions_remaining = (
                line.sessions_bought - line.sessions_used - line.sessions_refunded
            )
