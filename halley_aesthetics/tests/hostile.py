"""Hostile values, generated from the models rather than listed by hand.

The cases come from the registry: every field the addon declares (on its own
``halley.*`` models and on the Odoo models it extends), plus ``EXTRA_FIELDS``, that
a role may create or write (model access rights, the field's ``groups``, not
readonly); each field type has its hostile values (``hostile_values``). A case
passes when the call is refused in words (``refusal_problem``) or when the value
is accepted and sane (``accepted_problem``), and in both cases nothing else
changed (``digest``). How to add a type or a value: docs/hostile_inputs.md.
"""

import base64
import inspect
import logging
import math
import re
from contextlib import contextmanager
from datetime import date, datetime

import psycopg2

from odoo import models
from odoo.exceptions import UserError
from odoo.service.model import _as_validation_error
from odoo.tools.translate import LazyGettext

MODULE = "halley_aesthetics"

# Odoo's own fields that the addon's patient documents depend on: her language and
# time zone render her consent, aftercare sheet and mails.
EXTRA_FIELDS = {("res.partner", "lang"), ("res.partner", "tz")}

# Fields whose writes are not values a user types: the chatter's fields (the
# helper `walls` covers who may post), and one2many fields (their lines are models
# of their own, generated as such).
SKIPPED_TYPES = {"one2many"}

# Least privileged first: the write cases are run as the first role that may write.
ROLES = ("portal", "internal", "billing", "practitioner", "manager")

# What an accepted value may look like.
CHAR_BOUND = 1000  # a one-line field (name, label, short note): at most this many characters
YEAR_WINDOW = (1900, 2200)  # any date a clinic may type
FLOAT_BOUND = 1e9  # no quantity, price or duration the clinic types reaches this
SIGNED_INTEGERS = {"sequence"}  # integers that may be negative (an order, not a count)

# ---------------------------------------------------------------------- the fields


def addon_fields(env):
    """{model: [field]} of every stored or inverse field the addon declares, that a
    user may give a value (not readonly, not a plain compute), on its own models and
    on the Odoo models it extends."""
    result = {}
    for name in sorted(env.registry):
        Model = env[name]
        if Model._abstract or name == "res.config.settings":
            # Settings write the company's fields, generated on res.company.
            continue
        fields_ = []
        for fname, field in Model._fields.items():
            ours = field._module == MODULE or (name, fname) in EXTRA_FIELDS
            if not ours or field.automatic or field.type in SKIPPED_TYPES:
                continue
            if field.compute and not field.inverse and (field.readonly or not field.store):
                continue
            if field.readonly and not field.compute:
                continue
            if field.related:
                continue
            fields_.append(field)
        if fields_:
            result[name] = fields_
    return result


def field_allowed(env, user, field):
    """May ``user`` give this field a value (its ``groups``)?"""
    return field.is_accessible(env(user=user))


def roles_that_may(env, users, model, operation):
    return [role for role in ROLES if env[model].with_user(users[role]).has_access(operation)]


# ---------------------------------------------------------------------- the values

SVG_SCRIPT = base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
).decode()
PLAIN_TEXT = base64.b64encode(b"I agree, signed Grace").decode()
NOT_BASE64 = "%%% this is not base64 %%%"
LONG_TEXT = "x" * 100_000


def hostile_values(field, others):
    """[(label, value)] for ``field``; ``others`` gives ids of other records:
    ``others("company", comodel)`` an id of another company's record,
    ``others("patient", comodel)`` one of another patient's, ``others("missing",
    comodel)`` an id that does not exist (each None when there is none)."""
    kind = field.type
    values = [("wrong type: dict", {"a": 1})]
    if kind in ("char", "text", "html"):
        values += [("empty", ""), ("100,000 characters", LONG_TEXT), ("wrong type: list", [1, 2])]
        if field.name == "lang":
            values.append(("language not installed", "xx_XX"))
    elif kind in ("integer", "float", "monetary"):
        values += [
            ("wrong type: text", "abc"), ("negative", -5), ("1e308", 1e308),
            ("NaN", float("nan")), ("inf", float("inf")), ("empty", ""),
        ]
    elif kind == "boolean":
        values += [("wrong type: text", "abc")]
    elif kind == "date":
        values += [
            ("wrong type: words", "next tuesday"), ("year 1", "0001-01-01"),
            ("year 9999", "9999-12-31"), ("wrong type: number", 42), ("empty", ""),
        ]
    elif kind == "datetime":
        values += [
            ("wrong type: words", "next tuesday"), ("year 1", "0001-01-01 00:00:00"),
            ("year 9999", "9999-12-31 23:59:59"), ("wrong type: number", 42), ("empty", ""),
        ]
    elif kind == "selection":
        values += [("unknown key", "xx_XX"), ("wrong type: number", 42), ("empty", "")]
    elif kind == "binary":
        values += [
            ("invalid base64", NOT_BASE64), ("SVG with script", SVG_SCRIPT),
            ("plain text", PLAIN_TEXT), ("empty", ""),
        ]
    elif kind == "many2one":
        values += [("wrong type: text", "abc"), ("negative id", -1)]
        for what in ("missing", "company", "patient"):
            other = others(what, field.comodel_name)
            if other:
                values.append((f"{what} id", other))
    elif kind == "many2many":
        values += [("wrong type: text", "abc"), ("huge list", [(6, 0, list(range(10**9, 10**9 + 10_000)))])]
        for what in ("missing", "company", "patient"):
            other = others(what, field.comodel_name)
            if other:
                values.append((f"{what} id", [(6, 0, [other])]))
    return values


# ---------------------------------------------------------------------- the verdicts

TECHNICAL = re.compile(
    r"Traceback|psycopg|File \"|\b[A-Z]\w*(Error|Exception)\b|violates|invalid input syntax"
    r"|Wrong value for|object has no attribute|unsupported operand|NoneType|not subscriptable"
)


def refusal_problem(error):
    """Why the refusal ``error`` is not "in words", or None."""
    if isinstance(error, psycopg2.IntegrityError):
        return None  # converted by the caller, as Odoo's RPC does
    if not isinstance(error, UserError):
        return f"{type(error).__name__}: {error}"
    message = error.args[0] if error.args else ""
    if isinstance(message, LazyGettext):
        message = str(message)  # Odoo's _lt(), sent over RPC as its text
    if not isinstance(message, str) or len(message) < 10 or " " not in message:
        return f"no sentence: {message!r}"
    if TECHNICAL.search(message):
        return f"technical words: {message[:300]!r}"
    return None


def as_rpc_error(env, error):
    """The error as an RPC caller gets it: Odoo turns a database integrity error
    into a ValidationError (odoo.service.model.retrying)."""
    if isinstance(error, psycopg2.IntegrityError):
        return _as_validation_error(env, error)
    return error


def accepted_problem(record, field, stored):
    """Why the stored value of an accepted write is not sane, or None."""
    kind = field.type
    if kind == "char":
        if stored and len(stored) > CHAR_BOUND:
            return f"{len(stored)} characters kept"
        if field.name == "lang" and stored and stored not in dict(record.env["res.lang"].get_installed()):
            return f"language {stored!r} is not installed"
    elif kind in ("integer", "float", "monetary"):
        if isinstance(stored, float) and not math.isfinite(stored):
            return f"{stored} kept"
        if abs(stored) >= FLOAT_BOUND:
            return f"{stored} kept"
        if stored < 0 and field.name not in SIGNED_INTEGERS:
            return f"negative {stored} kept"
    elif kind in ("date", "datetime"):
        if stored and not YEAR_WINDOW[0] <= stored.year <= YEAR_WINDOW[1]:
            return f"year {stored.year} kept"
    elif kind == "binary":
        if stored:
            try:
                raw = base64.b64decode(stored, validate=True)
            except ValueError:
                return "undecodable bytes kept"
            if b"<script" in raw or b"<svg" in raw:
                return "a script kept"
    elif kind in ("many2one", "many2many"):
        for other in stored:
            problem = _link_problem(record, other)
            if problem:
                return problem
    return None


def _link_problem(record, other):
    if not other.exists():
        return f"link to a missing {other._name} kept"
    company = record._fields.get("company_id") and record.company_id
    other_company = other._fields.get("company_id") and other.sudo().company_id
    if company and other_company and company != other_company:
        return f"link to another company's {other._name} kept"
    patient = _patient_of(record)
    other_patient = _patient_of(other)
    if patient and other_patient and patient != other_patient:
        return f"link to another patient's {other._name} kept"
    return None


def _patient_of(record):
    record = record.sudo()
    if "patient_id" in record._fields and record._fields["patient_id"].type == "many2one":
        return record.patient_id
    if "session_id" in record._fields and record._fields["session_id"].comodel_name == "halley.treatment.session":
        return record.session_id.patient_id
    return None


class _Collect(logging.Handler):
    def __init__(self, records):
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record):
        self.records.append(f"{record.levelname} {record.name}: {record.getMessage()[:300]}")


@contextmanager
def capture_log(records):
    """Collects into ``records`` the WARNING and ERROR lines Odoo logs meanwhile."""
    handler = _Collect(records)
    logger = logging.getLogger("odoo")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


# ---------------------------------------------------------------------- the snapshot

# What a refused or a harmless call must leave as it was: stock, packages, consents,
# journal entries and the sessions' states.
DIGEST_TABLES = {
    "stock_quant": None,
    "stock_move": None,
    "stock_move_line": None,
    "stock_lot": None,
    "halley_patient_package": None,
    "halley_patient_package_line": None,
    "halley_session_consent": None,
    "account_move": None,
    "account_move_line": None,
    "halley_treatment_session": "id, state, patient_id, room_id, protocol_id",
}
VOLATILE = ("write_date", "write_uid")


def digest(env, skip=None):
    """A digest of ``DIGEST_TABLES`` (row by row), ``skip`` = (table, id) left out."""
    env.flush_all()
    parts = []
    skip_table, skip_id = skip or (None, None)
    for table, columns in DIGEST_TABLES.items():
        select = f"SELECT {columns} FROM {table}" if columns else f"SELECT * FROM {table}"
        query = f"""
            SELECT md5(coalesce(string_agg((to_jsonb(t) - %s)::text, ',' ORDER BY t.id), ''))
              FROM ({select}) t WHERE t.id != %s
        """  # noqa: S608 -- table names come from DIGEST_TABLES
        env.cr.execute(query, [list(VOLATILE), skip_id if table == skip_table else 0])
        parts.append(f"{table}:{env.cr.fetchone()[0]}")
    return "|".join(parts)


def changed_tables(after, before):
    """The tables whose rows differ between two digests, or ""."""
    return ", ".join(
        part.split(":")[0] for part, was in zip(after.split("|"), before.split("|"), strict=True) if part != was
    )


def day_values():
    """Hostile days for a method taking a day (the appointment book's calls)."""
    return [
        ("words", "next tuesday"), ("year 1", "0001-01-01"), ("year 9999", "9999-12-31"),
        ("impossible day", "2026-02-30"), ("number", 42), ("list", [1, 2]), ("dict", {"a": 1}),
        ("100,000 characters", LONG_TEXT), ("date object", date(2026, 11, 24)),
        ("datetime text", str(datetime(2026, 11, 24, 9))),
    ]


def argument_values():
    """Hostile values for any other argument of a method."""
    return [
        ("None", None), ("number", 42), ("text", "abc"), ("list", [1, 2]), ("dict", {"a": 1}),
        ("huge list", list(range(100_000))), ("100,000 characters", LONG_TEXT), ("NaN", float("nan")),
    ]


# ---------------------------------------------------------------------- the methods

ORM_NAMES = {"init"}


def addon_methods(env):
    """[(model, name, function)] of the public methods the addon adds (not an
    override of Odoo's: no class outside the addon defines that name)."""
    result = []
    for name in sorted(env.registry):
        Model = env.registry[name]
        ours = [cls for cls in Model.__mro__ if cls.__module__.startswith(f"odoo.addons.{MODULE}.")]
        theirs = [cls for cls in Model.__mro__ if cls not in ours]
        seen = set()
        for cls in ours:
            for attr, function in vars(cls).items():
                if attr.startswith("_") or attr in seen or attr in ORM_NAMES or not inspect.isfunction(function):
                    continue
                if hasattr(models.BaseModel, attr) or any(attr in vars(other) for other in theirs):
                    continue
                seen.add(attr)
                result.append((name, attr, function))
    return result


def parameters(function):
    """The names of a method's parameters after ``self``."""
    return [
        p.name for p in list(inspect.signature(function).parameters.values())[1:]
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
