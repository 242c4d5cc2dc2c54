from collections import defaultdict
from datetime import date, datetime, time, timedelta

from pytz import timezone, utc

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import format_date

from ..tools import CLINIC_NAMES
from .halley_treatment_session_hours import merged_intervals

# The book's rows: 15-minute steps; without any opening hours that day, 09:00 to 19:00.
STEP = 15
DEFAULT_HOURS = (9 * 60, 19 * 60)
# The days the book opens: any a clinic may look at.
YEARS = (1900, 2200)


def _appointment_book_lanes(blocks):
    """Lay out the overlapping blocks of each column side by side, as Odoo's
    calendar does: blocks that overlap, directly or through another one, form a
    group; each block takes the first lane free at its start, and every block of
    the group gets ``lanes`` equal shares of the column's width (``lane`` is its
    own share, from the left). No block covers another one."""
    by_column = defaultdict(list)
    for block in blocks:
        by_column[block["column"]].append(block)
    for column_blocks in by_column.values():
        column_blocks.sort(key=lambda b: (b["start"], -b["stop"], b["id"]))
        group, group_stop, lane_stops = [], None, []
        for block in [*column_blocks, None]:
            if block is None or (group_stop is not None and block["start"] >= group_stop):
                for member in group:
                    member["lanes"] = len(lane_stops)
                if block is None:
                    break
                group, group_stop, lane_stops = [], None, []
            lane = next((i for i, stop in enumerate(lane_stops) if stop <= block["start"]), len(lane_stops))
            if lane == len(lane_stops):
                lane_stops.append(block["stop"])
            else:
                lane_stops[lane] = block["stop"]
            block["lane"] = lane
            group.append(block)
            group_stop = max(group_stop or block["stop"], block["stop"])


class HalleyTreatmentSession(models.Model):
    """The appointment book (Clinic > Sessions > Appointment book, the client action
    ``halley_appointment_book``): one day, one column per room or practitioner,
    loaded in one call."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _default_practitioner_id(self):
        """A new session's practitioner: the clicking user when she sees patients
        (``res.users._halley_practitioner_domain``), else none. The appointment
        book's practitioner view gives its column's practitioner in the context
        (``default_practitioner_id``), which wins over this default."""
        user = self.env.user
        return user if user._halley_is_practitioner() else user.browse()

    @api.model
    def appointment_book_day(self, day=None, by="room"):
        """What the appointment book shows of ``day`` (ISO date, default today in
        the user's time zone), per room (``by="room"``) or per practitioner:
        columns with their opening or working hours, the day's sessions (in the
        clinic's words), the rows' range in minutes since the user's midnight, and
        whether the user may book or move sessions. Times are minutes since the
        day's local midnight; ``day_start`` is that midnight in UTC. Cancelled
        sessions are not read. Overlapping blocks of a column share its width:
        ``lane`` of ``lanes`` (see ``_appointment_book_lanes``)."""
        if by not in ("room", "practitioner"):
            raise UserError(self.env._("The appointment book shows rooms or practitioners."))
        self.check_access("read")
        tz = timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        day = self._appointment_book_date(day)
        midnight = tz.localize(datetime.combine(day, time.min))
        next_midnight = tz.localize(datetime.combine(day + timedelta(days=1), time.min))
        day_start = midnight.astimezone(utc).replace(tzinfo=None)
        day_end = next_midnight.astimezone(utc).replace(tzinfo=None)

        def minutes(value):
            return round((value - day_start).total_seconds() / 60)

        sessions = self.with_context(**{CLINIC_NAMES: True}).search_read(
            [("scheduled_start", "<", day_end), ("scheduled_end", ">", day_start), ("state", "!=", "cancel")],
            ["display_name", "state", "room_id", "practitioner_id", "scheduled_start", "scheduled_end"],
            order="scheduled_start, id",
        )
        states = dict(self._fields["state"]._description_selection(self.env))
        columns = self._appointment_book_columns(by, sessions)
        hours_of = {}  # calendar: [[open, close]] in minutes of that day
        for column in columns:
            calendar = column.pop("calendar")
            if calendar and calendar not in hours_of:
                stretches = merged_intervals(
                    calendar._work_intervals_batch(midnight, next_midnight)[False]
                )
                hours_of[calendar] = [
                    [minutes(open_.astimezone(utc).replace(tzinfo=None)),
                     minutes(close.astimezone(utc).replace(tzinfo=None))]
                    for open_, close in stretches
                ]
            column["hours"] = hours_of.get(calendar) if calendar else None
        opened = [stretch for column in columns for stretch in column["hours"] or []]
        first, last = (
            (min(s[0] for s in opened), max(s[1] for s in opened)) if opened else DEFAULT_HOURS
        )
        blocks = []
        for session in sessions:
            start = max(minutes(session["scheduled_start"]), 0)
            stop = min(minutes(session["scheduled_end"] or session["scheduled_start"]), 24 * 60)
            stop = max(stop, start + STEP)
            first, last = min(first, start), max(last, stop)
            key = session["room_id" if by == "room" else "practitioner_id"]
            local_start = fields.Datetime.context_timestamp(self, session["scheduled_start"])
            local_stop = fields.Datetime.context_timestamp(self, session["scheduled_end"] or session["scheduled_start"])
            blocks.append({
                "id": session["id"],
                "name": session["display_name"],
                "state": session["state"],
                "state_label": states[session["state"]],
                "column": key[0] if key else 0,
                "start": start,
                "stop": stop,
                "time": f"{local_start:%H:%M}–{local_stop:%H:%M}",
            })
        _appointment_book_lanes(blocks)
        first = first // STEP * STEP
        last = min(-(-last // STEP) * STEP, 24 * 60)
        return {
            "day": fields.Date.to_string(day),
            "label": format_date(self.env, day, date_format="EEEE d MMMM y"),
            "day_start": fields.Datetime.to_string(day_start),
            "by": by,
            "step": STEP,
            "first": first,
            "last": last,
            "columns": columns,
            "sessions": blocks,
            "readonly": not self.env.user.has_group("halley_aesthetics.group_practitioner"),
        }

    @api.model
    def _appointment_book_date(self, day):
        """``day`` (an ISO date, as the book sends it; default today in the user's
        time zone) as a date, or a refusal in words."""
        if not day:
            return fields.Date.context_today(self)
        try:
            if not isinstance(day, str | date):
                raise TypeError(day)
            value = fields.Date.to_date(day)
        except (TypeError, ValueError):
            raise UserError(
                self.env._("“%(day)s” is not a day: the appointment book opens a day such as 2026-11-24.",
                           day=str(day)[:40])
            ) from None
        if not YEARS[0] <= value.year <= YEARS[1]:
            raise UserError(
                self.env._("The appointment book opens days from %(first)s to %(last)s.", first=YEARS[0], last=YEARS[1])
            )
        return value

    @api.model
    def _appointment_book_columns(self, by, sessions):
        """[{id, name, calendar}] of the user's companies' rooms or practitioners
        (the users who see patients: ``res.users._halley_practitioner_domain``), and
        of those the day's sessions use (a column for sessions without a
        practitioner when there are some)."""
        companies = self.env.companies.ids
        if by == "room":
            Room = self.env["stock.location"].with_context(**{CLINIC_NAMES: True})
            used = {s["room_id"][0] for s in sessions if s["room_id"]}
            rooms = Room.search(
                ["|", "&", ("is_treatment_room", "=", True), ("company_id", "in", companies),
                 ("id", "in", list(used))],
                order="name, id",
            )
            return [
                {"id": room.id, "name": room.display_name, "calendar": room.sudo().halley_opening_calendar_id}
                for room in rooms
            ]
        Users = self.env["res.users"]
        used = {s["practitioner_id"][0] for s in sessions if s["practitioner_id"]}
        # sudo: the working hours decide who sees patients; only ids come back.
        users = Users.sudo().search(
            expression.OR([
                expression.AND([[("company_ids", "in", companies)], Users._halley_practitioner_domain()]),
                [("id", "in", list(used))],
            ]),
            order="name, id",
        ).sudo(False)
        columns = [
            {"id": user.id, "name": user.name, "calendar": user.sudo().halley_working_calendar_id}
            for user in users
        ]
        if any(not s["practitioner_id"] for s in sessions):
            columns.append({"id": 0, "name": self.env._("No practitioner"), "calendar": False})
        return columns

    @api.model
    def action_appointment_calendar(self, scale="week", day=None):
        """The sessions' calendar on ``day``'s week or month (the appointment book's
        Week and Month buttons)."""
        action = self.env["ir.actions.act_window"]._for_xml_id("halley_aesthetics.halley_treatment_session_action")
        view = self.env.ref(
            "halley_aesthetics.halley_treatment_session_view_calendar_month"
            if scale == "month" else "halley_aesthetics.halley_treatment_session_view_calendar"
        )
        day = self._appointment_book_date(day)
        action["views"] = [(view.id, "calendar"), (False, "kanban"), (False, "list"), (False, "form")]
        action["context"] = {CLINIC_NAMES: True, "initial_date": f"{fields.Date.to_string(day)} 12:00:00"}
        return action
