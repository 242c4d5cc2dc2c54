from collections import defaultdict
from datetime import timedelta

from pytz import utc

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..clinic_time import localize

# A session in these states is refused outside the hours when moved.
HOURS_STATES = ("confirmed", "in_progress")
# What the hours depend on. (Not imported from the booking concern: this model's
# class must be registered before the booking's, see models/__init__.py.)
HOURS_FIELDS = ("scheduled_start", "scheduled_end", "room_id", "practitioner_id")


def merged_intervals(intervals):
    """[(start, stop)] of a resource.calendar's ``Intervals``, back-to-back ones
    joined (a morning and an afternoon attendance meeting at noon are one stretch)."""
    merged = []
    for start, stop, _records in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(stop, merged[-1][1]))
        else:
            merged.append((start, stop))
    return merged


class HalleyTreatmentSession(models.Model):
    """Opening and working hours: a session takes place while its room is open
    (the room's ``halley_opening_calendar_id``) and its practitioner works (her
    ``halley_working_calendar_id``). Refused when a session is confirmed or a
    booked session is moved; warned while a draft is filled in. A room or a
    practitioner without a calendar is never closed."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ workflow

    def action_confirm(self):
        self.check_access("write")
        self.filtered(lambda s: s.state == "draft")._check_booking_hours()
        return super().action_confirm()

    def write(self, vals):
        res = super().write(vals)
        if set(HOURS_FIELDS) & set(vals):
            self.filtered(lambda s: s.state in HOURS_STATES)._check_booking_hours()
        return res

    @api.onchange(*HOURS_FIELDS)
    def _onchange_booking_hours(self):
        session = self[:1]
        if session.state in ("done", "cancel"):
            return None
        message = session._booking_hours_messages().get(session)
        if message:
            return {"warning": {"title": self.env._("Outside opening hours"), "message": message}}
        return None

    # ------------------------------------------------------------------ the check

    def _check_booking_hours(self):
        messages = self._booking_hours_messages()
        if messages:
            raise ValidationError(next(iter(messages.values())))

    def _booking_hours_messages(self):
        """{session: message} for the sessions of ``self`` (their values as they are
        now, saved or not) outside their room's opening hours or their
        practitioner's working hours. Each calendar's hours are computed once for
        the whole batch, by the calendar itself (attendances, time zone, closures)."""
        to_check = defaultdict(list)  # calendar: [(session, kind, name)]
        for session in self:
            if not session.scheduled_start:
                continue
            mine = session.sudo()
            room_hours = mine.room_id.halley_opening_calendar_id
            if room_hours:
                to_check[room_hours].append((session, "room", mine.room_id.name))
            working_hours = mine.practitioner_id.halley_working_calendar_id
            if working_hours:
                to_check[working_hours].append((session, "practitioner", mine.practitioner_id.name))
        messages = {}
        for calendar, items in to_check.items():
            spans = [item[0]._booking_span() for item in items]
            first = min(start for start, _stop in spans) - timedelta(days=1)
            last = max(stop for _start, stop in spans) + timedelta(days=1)
            stretches = merged_intervals(calendar._work_intervals_batch(first, last)[False])
            for (session, kind, name), (start, stop) in zip(items, spans, strict=True):
                if session in messages:
                    continue
                if not any(open_ <= start and stop <= close for open_, close in stretches):
                    messages[session] = session._booking_hours_message(kind, name, stretches)
        return messages

    def _booking_span(self):
        """The session's start and end as aware UTC datetimes."""
        start = self.scheduled_start
        stop = max(self.scheduled_end or start, start)
        return utc.localize(start), utc.localize(stop)

    def _booking_hours_message(self, kind, name, stretches):
        """Why the session cannot take place then, with the room's or practitioner's
        hours that day, in the clinic's time zone."""
        tz = self._halley_clinic_tz()
        start = localize(self.scheduled_start, tz)
        stop = localize(max(self.scheduled_end or self.scheduled_start, self.scheduled_start), tz)
        day_hours = []
        for open_, close in stretches:
            local_open = localize(open_.astimezone(utc).replace(tzinfo=None), tz)
            local_close = localize(close.astimezone(utc).replace(tzinfo=None), tz)
            if local_open.date() <= start.date() <= local_close.date():
                day_hours.append(f"{local_open:%H:%M}–{local_close:%H:%M}")
        values = {
            "name": name,
            "start": start.strftime("%H:%M"),
            "end": stop.strftime("%H:%M"),
            "date": format_date(self.env, start.date(), date_format="EEE d MMM y"),
            "hours": ", ".join(day_hours) or self.env._("closed"),
        }
        if kind == "room":
            return self.env._(
                "%(name)s is not open from %(start)s to %(end)s on %(date)s (opening hours that day: "
                "%(hours)s): choose another time or room.",
                **values,
            )
        return self.env._(
            "%(name)s does not work from %(start)s to %(end)s on %(date)s (working hours that day: "
            "%(hours)s): choose another time or practitioner.",
            **values,
        )
