"""Helpers shared by the addon's models."""

import re
import weakref
from datetime import timedelta

import psycopg2.extensions

from odoo import sql_db
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

# pg_advisory_xact_lock key of the sessions' Done ("HALLEY" + 1).
DONE_LOCK_KEY = 0x48414C4C  # with the company's id: one Done at a time per company
# Keys of a booking's turn ("HALR", "HALP", "HALT"), with the room's, the
# practitioner's or the patient's id: one booking of each at a time.
BOOKING_ROOM_LOCK_KEY = 0x48414C52
BOOKING_PRACTITIONER_LOCK_KEY = 0x48414C50
BOOKING_PATIENT_LOCK_KEY = 0x48414C54


class _TitledRefusal:
    """A refusal of the clinic's workflow that says, as its dialog's title, what
    was refused ("Session cannot start", "Booking refused"). Its message is the
    exception's only argument, as for any ``UserError``: over XML-RPC it is a plain
    UserError fault with that message. The title travels to the web client in the
    exception's ``context`` (Odoo's ``serialize_exception`` sends it as
    ``data.context``), where the ``error_dialogs`` entry of this class shows it."""

    def __init__(self, message, title=None):
        super().__init__(message)
        self.title = title
        self.context = {"halley_title": title} if title else {}


class ClinicUserError(_TitledRefusal, UserError):
    """A ``UserError`` titled with what was refused."""


class ClinicValidationError(_TitledRefusal, ValidationError):
    """A ``ValidationError`` titled with what was refused."""


# Odoo's own refusals a titled one may replace: not AccessError nor MissingError
# (subclasses of UserError too), whose code and title say something else.
_PLAIN_REFUSALS = (UserError, ValidationError)


class titled_refusals:  # pylint: disable=invalid-name
    """``with titled_refusals(title):`` re-raises a plain UserError or
    ValidationError raised inside (the clinic's own, a package's, Odoo's stock
    checks) as a ``ClinicUserError`` or ``ClinicValidationError`` titled
    ``title``, with the same message; a
    refusal already titled, an access error or any other exception goes through
    as it is."""

    def __init__(self, title):
        self.title = title

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type in _PLAIN_REFUSALS and len(exc.args) == 1 and isinstance(exc.args[0], str):
            titled = ClinicValidationError if exc_type is ValidationError else ClinicUserError
            raise titled(exc.args[0], title=self.title) from exc
        return False


def bullets(items):
    """One item per line, as the error dialog shows them (the clinic's refusal dialog
    lists the "- " lines)."""
    return "\n".join(f"- {item}" for item in items)


def lock_rows(records, *many2one_names):
    """Lock ``records``' rows until the transaction ends (SELECT ... FOR UPDATE),
    and, in the same statement, the rows their many2one fields ``many2one_names``
    point to (a session's package): ``records`` first, then each field's records,
    each in the order of their ids. Then drop the cached values of all of them so
    they are read again under the lock (their own fields only: what other records
    say about them is not changed by a lock). Returns the records of each field
    that were locked, as a list.

    Every RPC call runs in REPEATABLE READ: if a concurrent transaction changed
    one of these rows and committed, this fails with a serialization error and
    Odoo replays the request, which then sees the new values. That failure is
    expected, so it is not logged as a "bad query".
    """
    if not records:
        return [records.env[records._fields[name].comodel_name] for name in many2one_names]
    table = SQL.identifier(records._table)
    ids = tuple(records.ids)
    cr = records.env.cr
    if not many2one_names:
        cr.execute(
            SQL("SELECT id FROM %s WHERE id IN %s ORDER BY id FOR UPDATE", table, ids),
            log_exceptions=False,
        )
        _forget(records)
        return []
    # The records' rows in a first WITH query, the rows each field points to in one
    # more; the main query reads all of them (a WITH query locks only the rows read).
    targets = [records.env[records._fields[name].comodel_name] for name in many2one_names]
    columns = SQL(", ").join(SQL.identifier(name) for name in many2one_names)
    withs = [SQL("locked AS (SELECT id, %s FROM %s WHERE id IN %s ORDER BY id FOR UPDATE)", columns, table, ids)]
    reads = [SQL("(SELECT COUNT(*) FROM locked)")]
    for i, (name, target) in enumerate(zip(many2one_names, targets, strict=True)):
        alias = SQL.identifier(f"target_{i}")
        withs.append(SQL(
            "%s AS (SELECT id FROM %s WHERE id IN (SELECT %s FROM locked) ORDER BY id FOR UPDATE)",
            alias, SQL.identifier(target._table), SQL.identifier(name),
        ))
        reads.append(SQL("ARRAY(SELECT id FROM %s)", alias))
    cr.execute(
        SQL("WITH %s SELECT %s", SQL(", ").join(withs), SQL(", ").join(reads)),
        log_exceptions=False,
    )
    target_ids = cr.fetchone()[1:]
    locked = [target.browse(sorted(tids)) for target, tids in zip(targets, target_ids, strict=True)]
    for recs in (records, *locked):
        _forget(recs)
    return locked


def _forget(records):
    """Drop the cached values of ``records``' own fields (written first if pending)."""
    if records:
        records.flush_recordset()
        records.env.cache.invalidate([(field, records._ids) for field in records._fields.values()])


# A conflict with a concurrent transaction, which Odoo replays a request on
# (odoo.service.model): a serialization failure, a lock not available, a deadlock.
CONCURRENCY_ERRORS = PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
# A background job's step left on such a conflict runs again this much later.
JOB_RETRY_DELAY = timedelta(minutes=1)


def run_unless_busy(records, work, logger, what):
    """A background job's step on ``records``, as Odoo runs a request: in a
    savepoint, after locking ``records``' rows without waiting (quietly, like
    ``lock_rows``), so that a concurrent transaction that holds or changed them
    (billing invoicing a session just completed) surfaces there and not in a
    logged "bad query". On such a conflict the step is rolled back, logged at
    INFO (``what``) and left for the job's next run: returns False; True once
    ``work()`` is done. Any other exception goes through."""
    try:
        with records.env.cr.savepoint():
            records.env.cr.execute(
                f'SELECT id FROM "{records._table}" WHERE id IN %s ORDER BY id FOR NO KEY UPDATE NOWAIT',
                [tuple(records.ids)],
                log_exceptions=False,
            )
            records.invalidate_recordset()
            work()
    except CONCURRENCY_ERRORS as error:
        logger.info("%s: changed by a concurrent transaction (%s), left for the next run", what, error.pgcode)
        return False
    return True


# Context key of the clinic's screens (set in their actions and fields' context):
# rooms and protocols are shown by their clinic name ("Treatment Room 1", "Rejuran
# Skin Healer") instead of Odoo's full names ("WH/Stock/Treatment Room 1",
# "Rejuran Skin Healer: [TRT-RJ] Rejuran Skin Healer session"). Inventory's and
# Manufacturing's own screens do not set it and keep Odoo's names.
CLINIC_NAMES = "halley_clinic_names"

# Clinic users who may see the clinic's records from other apps' screens (packages
# on invoice lines, sessions and packages on a contact). Everyone else in the same
# Odoo reads and writes invoices and contacts exactly as without the addon: fields
# that point to the clinic's models carry these groups, and the addon's own code
# reads them as superuser.
CLINIC_GROUPS = "halley_aesthetics.group_practitioner,halley_aesthetics.group_billing"
# Clinical data (screening, consent, notes, deviation reasons, photos): clinicians.
CLINICIAN_GROUPS = "halley_aesthetics.group_practitioner"


def check_domain_field_access(model, domain, field_names=None):
    """Refuse a search on a field the user may not read, as Odoo refuses reading
    it. Odoo checks fields with groups only when it reads their column; a search
    on a one2many or on a computed field would otherwise answer "which records
    have this value" about data the user cannot see. ``field_names``: the fields
    to check (default: every field of ``model`` in the domain)."""
    if model.env.su or not domain:
        return
    names = set()
    for leaf in domain:
        if isinstance(leaf, list | tuple) and leaf and isinstance(leaf[0], str):
            name = leaf[0].split(".", 1)[0]
            if field_names is None or name in field_names:
                names.add(name)
    if names:
        model.check_field_access_rights("read", sorted(names))


def check_session_access(model, vals_list, operation):
    """A wizard line about a session (recall line, deviation reason) shows the
    session's patient and quantities: it may only be made for, or pointed at, a
    session the user may ``operation`` (read, write) herself."""
    session_ids = [vals["session_id"] for vals in vals_list if vals.get("session_id")]
    model.env["halley.treatment.session"].browse(session_ids).check_access(operation)


def check_workflow_fields(records, vals, names, what):
    """Refuse, unless the workflow writes them (as superuser, which no RPC call can
    be; a context key could be sent by anyone), the fields ``names`` that record
    what happened. ``what`` says in the user's words what they record."""
    forged = set(names) & set(vals)
    if forged and not records.env.su:
        raise UserError(
            records.env._(
                "%(what)s are recorded by the clinic's workflow: they cannot be set by hand (%(fields)s).",
                what=what,
                fields=", ".join(records._fields[name].string for name in sorted(forged)),
            )
        )


def check_references(model, vals, names=None):
    """Refuse, in the user's words, a link to a record that does not exist (a
    deleted contact, a stale id sent over RPC): the database would refuse it with
    a message about "another model" that tells the user nothing."""
    for name, value in vals.items():
        field = model._fields.get(name)
        if field is None or field.type != "many2one" or not value or (names and name not in names):
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            raise UserError(
                model.env._("%(field)s: %(value)r is not a record.", field=field.string, value=value)
            )
        if not model.env[field.comodel_name].sudo().browse(value).exists():
            raise UserError(
                model.env._(
                    "The %(field)s chosen no longer exists (it may have been deleted): choose another.",
                    field=field.string.lower(),
                )
            )


def check_session_open(records, sessions):
    """A completed or cancelled session's screening and consent are kept as they
    were: nothing is added, changed or removed except by the workflow."""
    if records.env.su:
        return
    # A session the user may not read (another company's): refused as Odoo refuses
    # reading it, whatever its state, which is not told.
    sessions.check_access("read")
    closed = sessions.sudo().filtered(lambda s: s.state in ("done", "cancel"))
    if closed:
        raise UserError(
            records.env._(
                "The session %(session)s is %(state)s: its screening and consent are kept as "
                "they were. Add an addendum to correct them.",
                session=closed[0].display_name,
                state=closed[0]._state_label(),
            )
        )


def wait_for_turn(env, key, scope=0):
    """Wait until no other transaction holds ``(key, scope)``, before this
    transaction has read anything, and hold it until this transaction ends.

    Every RPC call runs in REPEATABLE READ: a transaction that waited for a
    concurrent one to commit still reads the database as it was before, and has
    to be replayed when it writes what the other wrote (Odoo replays at most 5
    times). Waiting on a second connection before the first query of this one
    means its snapshot is taken after the other committed: no replay. When this
    transaction has already read (a web request reads the session first) or runs
    in a test, nothing is done: the row locks then replay it if needed."""
    cr = env.cr
    if not _has_read_nothing(cr):
        return
    side = env.registry.cursor()
    try:
        side.execute("SELECT pg_advisory_xact_lock(%s, %s)", [key, scope])
    except Exception:
        side.close()
        raise
    # Released when this transaction ends, whichever way.
    cr.postcommit.add(side.close)
    cr.postrollback.add(side.close)


def _has_read_nothing(cr):
    """Whether ``cr`` is a real cursor whose transaction has not started yet (an
    RPC call before its first query)."""
    cnx = getattr(cr, "_cnx", None)
    return (
        type(cr) is sql_db.Cursor
        and cnx is not None
        and cnx.info.transaction_status == psycopg2.extensions.TRANSACTION_STATUS_IDLE
    )


# The second connection holding a transaction's turns, per cursor, until the
# transaction ends.
_TURNS_CURSORS = weakref.WeakKeyDictionary()


def take_turns(env, keys_of):
    """Hold the advisory locks ``keys_of(cr)`` names ((key, id) pairs, read with
    ``cr``) until this transaction ends, taken in one order so that two callers
    never wait for each other.

    As ``wait_for_turn``: when this transaction has read nothing yet (an RPC
    call), the keys are read and the locks taken on a second connection, so this
    transaction's snapshot (REPEATABLE READ) is taken after the previous holder
    committed and sees what it wrote. Otherwise they are taken on the connection
    that already holds this transaction's turns (the second one, or this one):
    never the same lock on two connections of one transaction, which would wait
    for itself.

    Returns whether this transaction's snapshot is taken after the locks (it had
    read nothing): if not, what their previous holder committed meanwhile is not
    visible to it, and the caller must look again in a fresh snapshot."""
    cr = env.cr
    side = _TURNS_CURSORS.get(cr)
    if side is None and _has_read_nothing(cr):
        side = env.registry.cursor()

        def release(side=side):
            # Runs when the transaction ends, also as the cursor closes (which
            # has then dropped its own attributes: only its identity is used).
            _TURNS_CURSORS.pop(cr, None)
            side.close()

        _TURNS_CURSORS[cr] = side
        cr.postcommit.add(release)
        cr.postrollback.add(release)
        reader = fresh = side
    else:
        reader, fresh = cr, None
    try:
        keys = sorted(set(keys_of(reader)))
        if keys:
            (side or cr).execute(
                "SELECT pg_advisory_xact_lock(k, s) FROM unnest(%s::int[], %s::int[]) AS t(k, s) ORDER BY k, s",
                [[k for k, _s in keys], [s for _k, s in keys]],
            )
    except Exception:
        if fresh is not None:
            _TURNS_CURSORS.pop(cr, None)
            side.close()
        raise
    return fresh is not None


def clinical_report_sessions(report, docids, refusal):
    """The sessions a clinical report (treatment record, aftercare sheet) renders:
    for practitioners and clinic managers (and the workflow, as superuser), only
    sessions they may read. ``refusal``: why anyone else may not print it."""
    env = report.env
    if not (env.su or env.user.has_group(CLINICIAN_GROUPS)):
        raise AccessError(refusal)
    sessions = env["halley.treatment.session"].browse(docids).exists()
    sessions.check_access("read")
    return sessions


# ---------------------------------------------------------------------- coded chart entries

# What separates the entries typed in a chart's Allergies or Medication, and the
# entries that say there is nothing to code ("None", "NKDA").
_CHART_ENTRY_SEPARATORS = re.compile(r"[\n;,]+")
_NOTHING_TO_CODE = re.compile(
    r"^(?:none|nil|no|n/?a|nkda|nkfa|-+|no known(?: drug| food)? allerg(?:y|ies))\.?$", re.IGNORECASE
)
_CODE_WORD_SEPARATORS = re.compile(r"[\n,;]+")


def chart_entries(text):
    """The entries typed in a chart's free text, one per line, comma or semicolon
    ("Salmon, latex" is two), without the ones that say "none"."""
    entries = (entry.strip() for entry in _CHART_ENTRY_SEPARATORS.split(text or ""))
    return [entry for entry in entries if entry and not _NOTHING_TO_CODE.match(entry)]


def code_words(code):
    """The words that name a coded entry (an allergen, a medicine): its name, in
    English and in the reader's language, and its synonyms (comma or line
    separated)."""
    words = {code.name, code.with_context(lang="en_US").name}
    words.update(_CODE_WORD_SEPARATORS.split(code.synonyms or ""))
    return {word.strip().lower() for word in words if word and word.strip()}


def codes_named_in(codes, text):
    """The records of ``codes`` whose name or a synonym appears in ``text`` as whole
    words, whatever the case ("Salmon" names salmon DNA; "shellfish" does not name
    fish)."""
    text = (text or "").lower()
    if not text.strip():
        return codes.browse()
    return codes.filtered(
        lambda code: any(
            re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) for word in code_words(code)
        )
    )
