from odoo import api, models, sql_db
from odoo.modules import module as odoo_module
from odoo.tools import format_date

from ..clinic_time import localize
from ..tools import (
    BOOKING_PATIENT_LOCK_KEY,
    BOOKING_PRACTITIONER_LOCK_KEY,
    BOOKING_ROOM_LOCK_KEY,
    ClinicValidationError,
    take_turns,
)

# A session in these states holds its room, its practitioner and its patient from
# its start to its end; a draft or cancelled one holds nothing.
HELD_STATES = ("confirmed", "in_progress", "done")
# What a booking holds: changing one of these on a held session books it again.
BOOKING_FIELDS = ("scheduled_start", "scheduled_end", "room_id", "practitioner_id", "patient_id")
_BOOKING_KEYS = (
    ("room_id", BOOKING_ROOM_LOCK_KEY),
    ("practitioner_id", BOOKING_PRACTITIONER_LOCK_KEY),
    ("patient_id", BOOKING_PATIENT_LOCK_KEY),
)


class HalleyTreatmentSession(models.Model):
    """The appointment book: one room, one practitioner and one patient are never
    booked twice at the same time. Refused when a session is confirmed or a booked
    session is moved; warned while a draft is being filled in."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    def init(self):
        res = super().init()
        # The clash check reads the held sessions overlapping a slot.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS halley_treatment_session_held_slot_index
                ON halley_treatment_session
             USING gist (tsrange(scheduled_start, GREATEST(scheduled_start, scheduled_end)))
             WHERE state IN ('confirmed', 'in_progress', 'done')
            """
        )
        return res

    # ------------------------------------------------------------------ workflow

    def action_confirm(self):
        fresh = self._take_booking_turns(("draft",))
        self.check_access("write")
        self.filtered(lambda s: s.state == "draft")._check_booking_clashes(fresh)
        return super().action_confirm()

    def write(self, vals):
        if not set(BOOKING_FIELDS) & set(vals):
            return super().write(vals)
        fresh = self._take_booking_turns(("confirmed", "in_progress"), vals)
        res = super().write(vals)
        self.filtered(lambda s: s.state in ("confirmed", "in_progress"))._check_booking_clashes(fresh)
        return res

    @api.onchange(*BOOKING_FIELDS)
    def _onchange_booking_clash(self):
        """The front desk sees a clash while filling in a draft, before saving
        (saving a draft is allowed: the refusal comes at confirmation)."""
        session = self[:1]
        if session.state in ("done", "cancel"):
            return None
        message = session._booking_clash_messages(within=False).get(session)
        if message:
            return {"warning": {"title": self.env._("Double booking"), "message": message}}
        return None

    # ------------------------------------------------------------------ the check

    def _take_booking_turns(self, states, vals=None):
        """Wait for the turn of every room, practitioner and patient these sessions
        (those in ``states``) will hold, before reading anything if possible (see
        ``tools.take_turns``): two front desks booking the same slot check one
        after the other. Returns whether this transaction's snapshot is taken after
        the turns."""
        if not self.ids:
            return True
        vals = vals or {}

        def keys_of(cr):
            if cr is self.env.cr:  # this transaction has read (and maybe written) already
                self.flush_recordset(["state", "room_id", "practitioner_id", "patient_id"])
            cr.execute(
                "SELECT room_id, practitioner_id, patient_id FROM halley_treatment_session "
                "WHERE id IN %s AND state IN %s",
                [tuple(self.ids), tuple(states)],
            )
            for row in cr.fetchall():
                for (name, key), current in zip(_BOOKING_KEYS, row, strict=True):
                    value = vals.get(name, current)
                    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
                        yield key, value

        return take_turns(self.env, keys_of)

    def _check_booking_clashes(self, fresh=True):
        """Refuse the first clash of these sessions (they hold their slots from now
        on). ``fresh``: whether this transaction's snapshot was taken after its
        turns; if not (the web client reads before calling), a booking committed by
        the previous holder of a turn is looked for in a fresh snapshot too."""
        messages = self._booking_clash_messages(within=True)
        if not messages and not fresh and self._booking_may_look_again():
            messages = self._booking_clashes_since_snapshot()
        if messages:
            raise ClinicValidationError(next(iter(messages.values())), title=self.env._("Booking refused"))

    def _booking_clash_messages(self, within):
        """{session: message} for the sessions of ``self`` (with their values as
        they are now, saved or not) that overlap a held session in the same room,
        with the same practitioner or for the same patient; with ``within``, the
        sessions of ``self`` hold their slots too (a batch confirmed together).
        One query for the whole batch, over every company's sessions."""
        sessions = self._booking_candidates()
        if not sessions:
            return {}
        self.env["halley.treatment.session"].flush_model(["state", *BOOKING_FIELDS])
        rows = self._booking_clash_rows(self.env.cr, sessions, within)
        return self._booking_messages(sessions, rows, self.env)

    def _booking_clashes_since_snapshot(self):
        """The clashes with sessions booked or moved by transactions committed
        since this one's snapshot, read on a second connection. A session this
        transaction changed itself counts as it sees it (it was checked above);
        one another transaction changed since this snapshot makes the lock below
        fail, quietly, and the request is replayed on fresh data; one booked since
        is a clash."""
        sessions = self._booking_candidates()
        if not sessions:
            return {}
        with self.env.registry.cursor() as side:
            rows = self._booking_clash_rows(side, sessions, within=False)
            if not rows:
                return {}
            self.env.cr.execute(
                "SELECT id FROM halley_treatment_session WHERE id IN %s ORDER BY id FOR UPDATE",
                [tuple({row[2] for row in rows})],
                log_exceptions=False,
            )
            seen = {row[0] for row in self.env.cr.fetchall()}
            rows = [row for row in rows if row[2] not in seen]
            return self._booking_messages(sessions, rows, self.env(cr=side))

    def _booking_may_look_again(self):
        """A second connection can read what this transaction's turns' previous
        holders committed: a request's or a cron's transaction, once the
        registry is loaded. Not while installing or upgrading (this transaction's
        tables may not be committed yet, or locked by it), nor in Odoo's own
        test transactions, which are never committed (tests/test_concurrency.py
        drives it on real connections)."""
        return (
            type(self.env.cr) is sql_db.Cursor
            and self.env.registry.ready
            and not odoo_module.current_test
        )

    def _booking_candidates(self):
        return [s for s in self if s.scheduled_start and s.room_id and s.patient_id]

    @api.model
    def _booking_clash_rows(self, cr, sessions, within):
        """(index in ``sessions``, index of the other if in ``sessions``, other's
        id, "room" | "practitioner" | "patient") of the first clash of each
        session, read with ``cr``: one query for the batch."""
        starts = [s.scheduled_start for s in sessions]
        stops = [max(s.scheduled_end or s.scheduled_start, s.scheduled_start) for s in sessions]
        params = {
            "idx": list(range(len(sessions))),
            "ids": [s._origin.id or 0 for s in sessions],
            "start": starts,
            "stop": stops,
            "room": [s.room_id._origin.id for s in sessions],
            "prac": [s.practitioner_id._origin.id or None for s in sessions],
            "patient": [s.patient_id._origin.id for s in sessions],
            "first": min(starts),
            "last": max(stops),
            "held": HELD_STATES,
            "within": bool(within) and len(sessions) > 1,
        }
        cr.execute(
            """
            WITH cand AS (
                SELECT *
                  FROM unnest(%(idx)s::int[], %(ids)s::int[], %(start)s::timestamp[], %(stop)s::timestamp[],
                              %(room)s::int[], %(prac)s::int[], %(patient)s::int[])
                       AS c(idx, id, start, stop, room, prac, patient)
            ), held AS (
                SELECT NULL::int AS idx, s.id, s.scheduled_start AS start,
                       GREATEST(s.scheduled_start, s.scheduled_end) AS stop,
                       s.room_id AS room, s.practitioner_id AS prac, s.patient_id AS patient
                  FROM halley_treatment_session s
                 WHERE s.state IN %(held)s
                   AND tsrange(s.scheduled_start, GREATEST(s.scheduled_start, s.scheduled_end))
                       && tsrange(%(first)s, %(last)s)
                   AND s.id != ALL(%(ids)s::int[])
                 UNION ALL
                SELECT idx, id, start, stop, room, prac, patient FROM cand WHERE %(within)s
            )
            SELECT DISTINCT ON (c.idx) c.idx, h.idx, h.id,
                   CASE WHEN h.room = c.room THEN 'room'
                        WHEN h.prac = c.prac THEN 'practitioner'
                        ELSE 'patient' END
              FROM cand c
              JOIN held h ON h.start < c.stop AND c.start < h.stop
                         AND (h.idx IS NULL OR h.idx != c.idx)
                         AND (h.room = c.room OR h.prac = c.prac OR h.patient = c.patient)
             ORDER BY c.idx, h.room = c.room DESC, COALESCE(h.prac = c.prac, FALSE) DESC, h.start, h.id
            """,
            params,
        )
        return cr.fetchall()

    def _booking_messages(self, sessions, rows, env):
        """{session: message} of ``rows`` (see ``_booking_clash_rows``); the other
        sessions are read in ``env`` (its cursor), as superuser, and described
        only if its user may read them."""
        if not rows:
            return {}
        held_ids = [other_id for _idx, other_idx, other_id, _kind in rows if other_idx is None]
        held = env["halley.treatment.session"].sudo().browse(held_ids)
        readable = held.with_env(env)._filtered_access("read")
        messages = {}
        for idx, other_idx, other_id, kind in rows:
            session = sessions[idx]
            if other_idx is None:
                other, shown = held.browse(other_id), other_id in readable.ids
            else:
                other, shown = sessions[other_idx].sudo(), True
            messages[session] = session._booking_clash_message(kind, other, shown)
        return messages

    def _booking_clash_message(self, kind, other, shown):
        """The clash in the clinic's words, in the clinic's time zone; the other
        session's patient and treatment only if the user may read it."""
        mine = self.sudo()
        room, practitioner, patient = mine.room_id.name, mine.practitioner_id.name, mine.patient_id.name
        if not shown:  # another company's session: not whose, nor what
            if kind == "room":
                return self.env._("%(room)s is already booked at that time: choose another time or room.", room=room)
            if kind == "practitioner":
                return self.env._(
                    "%(practitioner)s already has a session at that time: choose another time or practitioner.",
                    practitioner=practitioner,
                )
            return self.env._("%(patient)s already has a session at that time: choose another time.", patient=patient)
        tz = mine._halley_clinic_tz()
        start = localize(other.scheduled_start, tz)
        stop = localize(other.scheduled_end or other.scheduled_start, tz)
        hours = {"start": start.strftime("%H:%M"), "end": stop.strftime("%H:%M")}
        date = format_date(self.env, start.date(), date_format=self.env._("d MMM y"))
        treatment = other.protocol_id.clinic_name or other.treatment_product_id.name
        if kind == "room":
            return self.env._(
                "%(room)s is already booked from %(start)s to %(end)s on %(date)s "
                "(%(other_patient)s, %(treatment)s): choose another time or room.",
                room=room, date=date, other_patient=other.patient_id.name, treatment=treatment, **hours,
            )
        if kind == "practitioner":
            return self.env._(
                "%(practitioner)s already has a session from %(start)s to %(end)s on %(date)s "
                "(%(other_patient)s, %(treatment)s): choose another time or practitioner.",
                practitioner=practitioner, date=date, other_patient=other.patient_id.name, treatment=treatment,
                **hours,
            )
        return self.env._(
            "%(patient)s already has a session from %(start)s to %(end)s on %(date)s "
            "(%(treatment)s, %(room)s): choose another time.",
            patient=patient, date=date, treatment=treatment, room=other.room_id.name, **hours,
        )
