from odoo import fields, models
from odoo.exceptions import UserError


class HalleyTreatmentSession(models.Model):
    """Attendance: a patient who does not come to a booked session is recorded as a
    no-show. The session is cancelled (its booked consumption released, nothing
    redeemed or invoiced) and stays as the record of it, counted on the patient."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    no_show = fields.Boolean(
        string="No-show",
        copy=False,
        readonly=True,
        tracking=True,
        help="The patient did not come to this session.",
    )

    def _halley_workflow_fields(self):
        return super()._halley_workflow_fields() | {"no_show"}

    def action_no_show(self):
        """The patient did not come: cancel the booked session and keep it as a
        no-show. Only for a booked session whose time has come.

        The front desk records it: a practitioner or clinic manager, and billing
        staff (the front desk of a small clinic), who may only read sessions: for
        them this step alone runs as the workflow, on sessions they may read (their
        companies), their name kept on the note."""
        if self.env.su or self.has_access("write") or not self.env.user.has_group("halley_aesthetics.group_billing"):
            self.check_access("write")
            sessions = self
        else:
            self.check_access("read")
            sessions = self.sudo()
        return sessions._record_no_show()

    def _record_no_show(self):
        now = fields.Datetime.now()
        for session in self:
            if session.state != "confirmed":
                raise UserError(
                    self.env._(
                        "Only a booked session the patient did not come to is a no-show: "
                        "%(session)s is %(state)s.",
                        session=session.display_name,
                        state=session._state_label(),
                    )
                )
            if session.scheduled_start > now:
                raise UserError(
                    self.env._(
                        "%(session)s is booked for %(when)s: record a no-show once its time has come.",
                        session=session.display_name,
                        when=session._halley_when(tz=session._halley_clinic_tz()),
                    )
                )
        self.action_cancel()
        self._workflow_write({"no_show": True})
        self._message_log_batch(
            bodies={session.id: self.env._("The patient did not come: no-show.") for session in self}
        )
        return True

    def action_draft(self):
        no_shows = self.filtered("no_show")
        if no_shows:
            raise UserError(
                self.env._(
                    "%(session)s is kept as a no-show: book a new session instead.",
                    session=no_shows[0].display_name,
                )
            )
        return super().action_draft()
