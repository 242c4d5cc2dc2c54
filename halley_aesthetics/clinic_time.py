"""The clinic's time: which time zone a text is written in, and times and dates
as its reader's language writes them, never with seconds.

Odoo stores datetimes in UTC and, left to itself, writes them in the zone of the
user who renders them (``env.user.tz``, else UTC): a reminder sent by the cron
would give the time of the job's user, a PDF rendered by the server the time of
whoever printed it. Every text the clinic writes for a patient or a clinic user
goes through these helpers instead:

- ``text_tz(company, patient)``: her own time zone when set, else her clinic's
  (the company's "Clinic time zone" setting), else UTC. Never the server's, never
  the user's who runs the job.
- ``format_local(env, value, tz, lang_code=None, ...)``: a UTC datetime in that
  zone, with the date format of the reader's language (``res.lang``) and its
  short time format (no seconds).
- ``date_pattern`` / ``time_pattern`` / ``datetime_pattern``: the same formats
  as LDML patterns, for QWeb's datetime widget (``t-options="{'widget':
  'datetime', 'tz_name': tz, 'format': pattern}"``).
"""

import re

import babel.dates
import pytz

from odoo.tools import babel_locale_parse, get_lang, posix_to_ldml

# A seconds field and what introduces or ends it ("%H:%M:%S", "%H时%M分%S秒").
_SECONDS = re.compile(r"[:.]?%S秒?")


def company_tz(company):
    """The clinic's time zone: the company's setting, else its contact's, else UTC."""
    company = company.sudo()[:1]
    return _valid(company.halley_tz) or _valid(company.partner_id.tz) or "UTC"


def text_tz(company, patient=None):
    """The time zone a text for ``patient`` (a res.partner, or nothing for a text
    the clinic's staff read) is written in: her own when set, else her clinic's
    (``company``)."""
    return _valid(patient and patient.sudo().tz) or company_tz(company)


def _valid(tz):
    return tz if tz and tz in pytz.all_timezones_set else False


def localize(value, tz):
    """A naive UTC datetime as an aware datetime in ``tz`` (in UTC at the very
    edge of the calendar, 9999-12-31 23:00, which has no later local time)."""
    utc_value = pytz.utc.localize(value.replace(tzinfo=None))
    try:
        return utc_value.astimezone(pytz.timezone(tz or "UTC"))
    except OverflowError:
        return utc_value


def _lang(env, lang_code=None):
    lang = get_lang(env, lang_code)
    return lang, babel_locale_parse(lang.code or lang_code)


def date_pattern(env, lang_code=None):
    """The reader's language's date format, as an LDML pattern (en_GB: dd/MM/y)."""
    lang, locale = _lang(env, lang_code)
    return posix_to_ldml(lang.date_format, locale=locale)


def time_pattern(env, lang_code=None):
    """The reader's language's time format without seconds (en_GB: HH:mm, zh_CN:
    HH时mm分), as an LDML pattern."""
    lang, locale = _lang(env, lang_code)
    fmt = lang.short_time_format or lang.time_format or "%H:%M"
    return posix_to_ldml(_SECONDS.sub("", fmt), locale=locale)


def datetime_pattern(env, lang_code=None):
    return f"{date_pattern(env, lang_code)} {time_pattern(env, lang_code)}"


def format_local(env, value, tz, lang_code=None, date_only=False, time_only=False, pattern=None):
    """``value`` (a naive UTC datetime) in ``tz``, as the reader's language writes
    it (``lang_code``, else the environment's language): its date format, its
    time format without seconds. ``pattern``: an LDML pattern of the caller's
    instead (a translated "d MMM y")."""
    if not value:
        return ""
    lang, locale = _lang(env, lang_code)
    if pattern is None:
        if date_only:
            pattern = date_pattern(env, lang.code)
        elif time_only:
            pattern = time_pattern(env, lang.code)
        else:
            pattern = datetime_pattern(env, lang.code)
    return babel.dates.format_datetime(localize(value, tz), format=pattern, locale=locale)


def export_local(value, tz):
    """A datetime for an export (CSV): local time, minutes, ISO-like
    ("2026-12-08 11:00")."""
    if not value:
        return ""
    return localize(value, tz).strftime("%Y-%m-%d %H:%M")
