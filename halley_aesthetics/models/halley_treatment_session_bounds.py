from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Bounds a clinic would defend, on every path (drafts included, and a booked
# session moved):
# - a session starts on or after 1 January 2000 (older dates are typing mistakes:
#   the clinic's records start long after, and year 1 or 1900 breaks reports) and
#   at most 2 years ahead of today (courses are booked months ahead, never years);
# - it ends after it starts, and lasts between 5 minutes (a consultation) and a
#   working day (12 hours).
EARLIEST_START = datetime(2000, 1, 1)
MAX_YEARS_AHEAD = 2
MIN_MINUTES = 5
MAX_MINUTES = 12 * 60
TIME_FIELDS = ("scheduled_start", "scheduled_end")


class HalleyTreatmentSession(models.Model):
    """A session's times within bounds a clinic would defend (see above); a date
    and time that is none ("next tuesday") is answered with a sentence."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._halley_parse_times(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._halley_parse_times(vals)
        return super().write(vals)

    @api.model
    def _halley_parse_times(self, vals):
        """Odoo reads a start or end given as text with its own format only and
        raises a bare ValueError otherwise: the user reads what to send instead."""
        for name in TIME_FIELDS:
            value = vals.get(name)
            if not value or isinstance(value, datetime):
                continue
            try:
                vals[name] = fields.Datetime.to_datetime(value)
            except (ValueError, TypeError, OverflowError):
                raise ValidationError(
                    self.env._(
                        "%(value)s is not a date and time for the session's %(field)s: give it as "
                        "2026-11-24 09:00:00 (year-month-day hours:minutes:seconds, UTC).",
                        value=repr(value)[:64],
                        field=self._fields[name].string.lower(),
                    )
                ) from None

    @api.constrains("scheduled_start", "scheduled_end", "protocol_id")
    def _check_session_times(self):
        latest = fields.Datetime.now() + relativedelta(years=MAX_YEARS_AHEAD)
        for session in self:
            start, end = session.scheduled_start, session.scheduled_end
            if not start:
                continue
            values = {
                "session": session.display_name,
                "start": session._halley_when(start, tz=session._halley_clinic_tz()),
            }
            if start < EARLIEST_START:
                raise ValidationError(
                    self.env._(
                        "%(session)s starts on %(start)s: a session starts in the year 2000 or later. "
                        "Check its start.",
                        **values,
                    )
                )
            if start > latest:
                raise ValidationError(
                    self.env._(
                        "%(session)s starts on %(start)s, more than %(years)s years away: check its start.",
                        years=MAX_YEARS_AHEAD,
                        **values,
                    )
                )
            if not end:
                continue
            values["end"] = session._halley_when(end, tz=session._halley_clinic_tz())
            if end <= start:
                raise ValidationError(
                    self.env._(
                        "%(session)s ends at %(end)s, not after it starts (%(start)s): a session "
                        "ends after it starts.",
                        **values,
                    )
                )
            minutes = (end - start) / timedelta(minutes=1)
            if minutes < MIN_MINUTES or minutes > MAX_MINUTES:
                raise ValidationError(
                    self.env._(
                        "%(session)s lasts from %(start)s to %(end)s: a session lasts between "
                        "%(least)s minutes and %(most)s hours.",
                        least=MIN_MINUTES,
                        most=MAX_MINUTES // 60,
                        **values,
                    )
                )

    def _halley_refuse_states(self, step):
        """Say why a button does nothing on a session in the wrong state (instead
        of returning True in silence): ``step`` is "confirm", "start" or
        "complete". A session already past the step (confirmed again, started
        again, completed again) is left as it is: those repeats are harmless."""
        messages = {
            ("confirm", "done"): lambda name: self.env._(
                "%(session)s is completed: it cannot be booked again. Book a new session instead.", session=name
            ),
            ("confirm", "cancel"): lambda name: self.env._(
                "%(session)s is cancelled: reset it to draft before confirming it again.", session=name
            ),
            ("start", "draft"): lambda name: self.env._(
                "%(session)s is a draft: confirm it before starting it.", session=name
            ),
            ("start", "done"): lambda name: self.env._(
                "%(session)s is already completed: it cannot be started again.", session=name
            ),
            ("start", "cancel"): lambda name: self.env._(
                "%(session)s is cancelled: it cannot be started. Book a new session, or reset it to "
                "draft and confirm it again.",
                session=name,
            ),
            ("complete", "cancel"): lambda name: self.env._(
                "%(session)s is cancelled: it cannot be completed.", session=name
            ),
        }
        for session in self:
            message = messages.get((step, session.state))
            if message:
                raise UserError(message(session.display_name))
