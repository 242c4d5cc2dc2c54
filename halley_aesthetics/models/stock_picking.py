from odoo import api, fields, models
from odoo.exceptions import UserError

from ..clinic_time import company_tz, format_local

# Fields of a session's transfer anyone may still write: its chatter, activities and
# the printed flag of its delivery slip.
FREE_FIELDS = ("message_", "activity_", "website_message", "printed")


class StockPicking(models.Model):
    """A treatment session's consumption (and return) transfer belongs to its
    session: it is booked, reserved, validated and cancelled by the session's
    workflow (as superuser), never from Inventory."""

    _inherit = "stock.picking"

    treatment_session_id = fields.Many2one(
        "halley.treatment.session",
        string="Treatment session",
        index="btree_not_null",
        check_company=True,
        readonly=True,
    )

    def _halley_frozen_session(self):
        """The first session (as superuser) whose completed consumption is one of
        these transfers: the consumption transfer once done, its return, or any
        transfer of a session once it was completed."""
        for picking in self.sudo():
            session = picking.treatment_session_id
            if session and (picking.state == "done" or session.date_done):
                return session
        return self.env["halley.treatment.session"]

    def _halley_check_frozen(self):
        if self.env.su or not self:
            return
        pickings = self.exists()
        session = pickings._halley_frozen_session()
        if session:
            pickings.check_access("read")
            raise UserError(self.env["stock.move"]._halley_frozen_message(session))

    def _halley_check_not_session_transfer(self, action):
        if self.env.su:
            return
        # A completed session's transfer: the refusal says how its record is corrected.
        self._halley_check_frozen()
        transfer = self.filtered("treatment_session_id")[:1]
        if transfer:
            session = transfer.sudo().treatment_session_id
            raise UserError(
                self.env._(
                    "%(transfer)s is the stock of the treatment session %(session)s: it is "
                    "%(action)s from the session, not from Inventory.",
                    transfer=transfer.display_name,
                    session=session.name,
                    action=action,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get("treatment_session_id") for vals in vals_list):
            raise UserError(self.env._("A treatment session books its own transfer."))
        return super().create(vals_list)

    def write(self, vals):
        if "treatment_session_id" in vals and not self.env.su:
            raise UserError(self.env._("A treatment session books its own transfer."))
        if any(not name.startswith(FREE_FIELDS) for name in vals):
            self._halley_check_not_session_transfer(self.env._("changed"))
        return super().write(vals)

    def unlink(self):
        # Before Odoo cancels the moves of the transfer it deletes.
        self._halley_check_frozen()
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_session_transfer(self):
        self._halley_check_not_session_transfer(self.env._("removed"))

    def action_confirm(self):
        self._halley_check_not_session_transfer(self.env._("booked"))
        return super().action_confirm()

    def action_assign(self):
        self._halley_check_not_session_transfer(self.env._("reserved"))
        return super().action_assign()

    def do_unreserve(self):
        self._halley_check_not_session_transfer(self.env._("reserved"))
        return super().do_unreserve()

    def button_validate(self):
        self._halley_check_not_session_transfer(self.env._("validated"))
        return super().button_validate()

    def action_cancel(self):
        self._halley_check_not_session_transfer(self.env._("cancelled"))
        return super().action_cancel()

    def _send_confirmation_email(self):
        """A treatment consumption is no delivery: the patient gets no "your order
        has been shipped" email (stock's confirmation) nor text message (stock_sms's,
        kept off by the session's ``skip_sms``); what she receives is her aftercare
        sheet."""
        deliveries = self.filtered(lambda p: not p.picking_type_id.is_treatment_consumption)
        return super(StockPicking, deliveries)._send_confirmation_email()

    def _get_without_quantities_error_message(self):
        session = self.treatment_session_id[:1]
        if session:
            return self.env._(
                "Nothing is recorded as used in %(session)s: enter the quantities used, or "
                "cancel the session.",
                session=session.display_name,
            )
        return super()._get_without_quantities_error_message()

    def _action_generate_expired_wizard(self):
        """product_expiry asks whether to go on with an expired lot; a treatment
        session never uses one."""
        line = self.filtered("treatment_session_id").move_line_ids.filtered(
            lambda ml: ml.lot_id.product_expiry_alert
        )[:1]
        if line:
            raise UserError(
                self.env._(
                    "Lot %(lot)s of %(product)s expired on %(date)s: it cannot be used in "
                    "%(session)s.",
                    lot=line.lot_id.name,
                    product=line.product_id.display_name,
                    date=format_local(
                        self.env, line.lot_id.expiration_date, company_tz(line.picking_id.company_id), date_only=True
                    ),
                    session=line.picking_id.treatment_session_id.display_name,
                )
            )
        return super()._action_generate_expired_wizard()
