import math
from collections import defaultdict
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MODULE = "halley_aesthetics"
# A one-line field of the addon (a name, a label, a short note) holds at most this.
CHAR_MAX = 1000
# Any day the clinic may type in a date field (a birth date, a validity, a report's date).
YEAR_MIN, YEAR_MAX = 1900, 2200
INTEGER_MAX = 2**31 - 1
# The addon's integers are counts, durations and intervals, never negative (a model
# may raise a field's minimum with ``_halley_minimums``), except an order.
SIGNED_INTEGERS = {"sequence"}
# Odoo's commands in a relational field's value: (0, 0, vals) ... (6, 0, ids).
COMMANDS = range(7)


class Base(models.AbstractModel):
    """Values given to the addon's own fields are checked for their type before
    Odoo stores them: a value of the wrong type (text for a number, a number for a
    date, a key the selection does not have, an id that does not exist) is refused
    in words naming the field, where Odoo itself would answer with a traceback or a
    database error. Only the fields this addon declares are checked: Odoo's own
    fields, and every model without the addon's fields, behave as without it."""

    _inherit = "base"

    # {field: minimum} of integer fields whose minimum is above 0 (a SQL check says so
    # too): refused in words before the database refuses it.
    _halley_minimums = {}

    @api.model_create_multi
    def create(self, vals_list):
        # Odoo accepts any iterable of values (a generator too): read it once, here.
        vals_list = list(vals_list)
        self._halley_check_values(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._halley_check_values([vals])
        return super().write(vals)

    def _halley_check_values(self, vals_list):
        fields_ = self._fields
        # The ids given to the addon's many2one fields are looked up at once, one
        # query per model (not one per field and record: the lines of an entry).
        given = defaultdict(set)
        for vals in vals_list:
            for name, value in vals.items():
                field = fields_.get(name)
                # An id (a bool is not one); anything else is checked on its own below.
                if field is not None and field._module == MODULE and field.type == "many2one" and (
                    type(value) is int and value > 0
                ):
                    given[field.comodel_name].add(value)
        existing = {model: set(self.env[model].browse(ids).sudo().exists().ids) for model, ids in given.items()}
        for vals in vals_list:
            for name, value in vals.items():
                field = fields_.get(name)
                if field is None or field._module != MODULE:
                    continue
                if field.type in ("date", "datetime") and isinstance(value, str) and not value.strip():
                    vals[name] = value = False  # an emptied date, as the web client sends it
                if value is None or value is False or (value == "" and field.type != "boolean"):
                    problem = field.required and field.type != "boolean" and self.env._("a value is required.")
                else:
                    problem = _value_problem(self, field, value, existing)
                if problem:
                    raise ValidationError(
                        self.env._(
                            "%(field)s: %(problem)s",
                            field=field._description_string(self.env), problem=problem,
                        )
                    )


def _shown(value):
    text = str(value)
    return text if len(text) <= 40 else f"{text[:40]}…"


def _value_problem(records, field, value, existing=None):  # noqa: C901 -- one branch per field type
    """What is wrong with ``value`` for ``field``, in words, or None. ``existing``:
    {model: ids known to exist}, looked up already."""
    env = records.env
    kind = field.type
    if kind in ("char", "text", "html"):
        if not isinstance(value, str):
            return env._("this is not a text.")
        if kind == "char" and len(value) > CHAR_MAX:
            return env._("at most %(max)s characters, not %(count)s.", max=CHAR_MAX, count=len(value))
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return env._("“%(value)s” is not a whole number.", value=_shown(value))
        if not math.isfinite(value) or abs(value) > INTEGER_MAX:
            return env._("%(value)s is too large a number.", value=_shown(value))
        minimum = records._halley_minimums.get(field.name, None if field.name in SIGNED_INTEGERS else 0)
        if minimum is not None and value < minimum:
            return env._("at least %(minimum)s, not %(value)s.", minimum=minimum, value=_shown(value))
    elif kind in ("float", "monetary"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return env._("“%(value)s” is not a number.", value=_shown(value))
        if not math.isfinite(value):
            return env._("%(value)s is not a number the clinic can count.", value=_shown(value))
    elif kind == "boolean":
        if not isinstance(value, bool | int):
            return env._("“%(value)s” is neither yes nor no.", value=_shown(value))
    elif kind in ("date", "datetime"):
        return _date_problem(records, field, value)
    elif kind == "selection":
        if not isinstance(value, str) or value not in field.get_values(records.env):
            labels = dict(field._description_selection(records.env))
            return env._(
                "“%(value)s” is not one of the choices (%(choices)s).",
                value=_shown(value), choices=", ".join(labels.values()),
            )
    elif kind == "many2one":
        return _id_problem(records, field, [value], existing)
    elif kind == "many2many":
        return _commands_problem(records, field, value)
    return None


def _date_problem(records, field, value):
    env = records.env
    if not isinstance(value, str | date):
        return env._("“%(value)s” is not a date.", value=_shown(value))
    try:
        day = fields.Date.to_date(value) if field.type == "date" else fields.Datetime.to_datetime(value)
    except (ValueError, TypeError):
        return env._("“%(value)s” is not a date.", value=_shown(value))
    # A day typed for the addon's date fields; a moment (a session's start) has the
    # bounds its model sets.
    if field.type == "date" and not YEAR_MIN <= day.year <= YEAR_MAX:
        return env._(
            "%(year)s is not a year the clinic works in (%(min)s to %(max)s).",
            year=day.year, min=YEAR_MIN, max=YEAR_MAX,
        )
    return None


def _id_problem(records, field, values, existing=None):
    """Ids or records given for a relational ``field``: of its model, existing
    (``existing``: {model: ids looked up already})."""
    env = records.env
    Comodel = records.env[field.comodel_name]
    ids = []
    for value in values:
        if isinstance(value, models.BaseModel):
            if value._name != Comodel._name:
                return env._("this is not a %(model)s.", model=Comodel._description)
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            return env._("“%(value)s” is not a %(model)s.", value=_shown(value), model=Comodel._description)
        ids.append(value)
    known = (existing or {}).get(Comodel._name)
    if known is not None and known.issuperset(ids):
        return None
    if ids and len(Comodel.browse(ids).sudo().exists()) != len(set(ids)):
        return env._("this %(model)s does not exist (or was deleted).", model=Comodel._description)
    return None


def _commands_problem(records, field, value):
    """A many2many value: a list of ids, or of Odoo's commands."""
    env = records.env
    if isinstance(value, models.BaseModel):
        return _id_problem(records, field, [value])
    if not isinstance(value, list | tuple):
        return env._("“%(value)s” is not a list.", value=_shown(value))
    ids = []
    for item in value:
        if isinstance(item, int | models.BaseModel) and not isinstance(item, bool):
            ids.append(item)
            continue
        if not isinstance(item, list | tuple) or not item or item[0] not in COMMANDS:
            return env._("“%(value)s” is not a list of changes.", value=_shown(item))
        if item[0] == 6:
            if len(item) != 3 or not isinstance(item[2], list | tuple):
                return env._("“%(value)s” is not a list of changes.", value=_shown(item))
            ids.extend(item[2])
        elif item[0] == 4 and len(item) > 1:
            ids.append(item[1])
    return _id_problem(records, field, ids)
