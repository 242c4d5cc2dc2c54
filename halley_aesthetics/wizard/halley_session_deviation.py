from odoo import api, fields, models

from ..tools import ClinicUserError, check_session_access


class HalleySessionDeviation(models.TransientModel):
    """Asks the practitioner why a session used other quantities than planned."""

    _name = "halley.session.deviation"
    _description = "Reason for a difference from the protocol"

    session_id = fields.Many2one("halley.treatment.session", required=True, readonly=True)
    deviation_summary = fields.Text(related="session_id.deviation_summary", compute_sudo=False)
    reason = fields.Text(required=True)

    @api.model_create_multi
    def create(self, vals_list):
        check_session_access(self, vals_list, "write")  # a session she may change
        return super().create(vals_list)

    def write(self, vals):
        check_session_access(self, [vals], "write")
        return super().write(vals)

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        session = self.env["halley.treatment.session"].browse(res.get("session_id"))
        if session.deviation_reason and "reason" in fields_list:
            res["reason"] = session.deviation_reason
        return res

    def action_confirm(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise ClinicUserError(
                self.env._("Give the reason for the difference from the protocol."),
                title=self.env._("Session cannot be completed"),
            )
        # Never tracked (clinical data): nor does this write start the session's
        # tracking, whose status change Done says in its note of the lots used.
        self.session_id.with_context(mail_notrack=True).deviation_reason = self.reason.strip()
        return self.session_id.action_done()
