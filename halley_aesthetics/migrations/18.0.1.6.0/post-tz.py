"""18.0.1.5.0 -> 18.0.1.6.0 (tz): the session reminder (a noupdate template the
clinic may have edited) gave the session's time with Odoo's "long" format in the
patient's or the company contact's time zone, else the time of the user running
the reminder job ("December 8, 2026 at 4:00:00 AM +0100"). Its subject and body,
in every language, now call the session's ``_halley_when()``: the patient's time
zone, else the clinic's, as her language writes dates, without seconds. The rest
of the template, the clinic's edits included, is kept (hooks.py).

The companies' "Clinic time zone" (a new stored field computed from their
country) is filled by Odoo as the column is created."""

from odoo.addons.halley_aesthetics.hooks import rewrite_reminder_time


def migrate(cr, version):
    if version:
        rewrite_reminder_time(cr)
