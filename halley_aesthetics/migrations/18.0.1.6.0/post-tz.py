"""18.0.1.5.0 -> 18.0.1.6.0 (tz): the session reminder (a noupdate template the
clinic may have edited) gave the session's time with Odoo's "long" format in the
patient's or the company contact's time zone, else the time of the user running
the reminder job ("December 8, 2026 at 4:00:00 AM +0100"). Its subject and body,
in every language, now call the session's ``_halley_when()``: the patient's time
zone, else the clinic's, as her language writes dates, without seconds. The rest
of the template, the clinic's edits included, is kept.

The companies' "Clinic time zone" (a new stored field computed from their
country) is filled by Odoo as the column is created."""

# The reminder's time as the templates wrote it before 18.0.1.6.0 (Odoo's "long"
# format, in the patient's or the company contact's zone, else the job user's).
OLD_REMINDER_TIME = (
    "format_datetime(object.scheduled_start, tz=object.patient_id.tz or "
    "object.company_id.partner_id.tz, dt_format='long')"
)
NEW_REMINDER_TIME = "object._halley_when()"


def rewrite_reminder_time(cr):
    """The session reminder's subject and body, in every language, give the
    session's time with ``_halley_when()`` (the patient's zone, else the
    clinic's, her date format, no seconds) where they still call the old
    expression: a translation loaded from a catalogue written before the change,
    or a template the clinic edited (noupdate). The rest is kept."""
    cr.execute(
        """
        UPDATE mail_template t
           SET subject = replace(replace(t.subject::text, %(old_tag)s, %(new)s), %(old)s, %(new)s)::jsonb,
               body_html = replace(replace(t.body_html::text, %(old_tag)s, %(new)s), %(old)s, %(new)s)::jsonb
          FROM ir_model_data d
         WHERE d.model = 'mail.template' AND d.res_id = t.id
           AND d.module = 'halley_aesthetics' AND d.name = 'mail_template_halley_session_reminder'
           AND (t.subject::text LIKE %(like)s OR t.body_html::text LIKE %(like)s)
        """,
        {"old_tag": OLD_REMINDER_TIME + " or ''", "old": OLD_REMINDER_TIME, "new": NEW_REMINDER_TIME,
         "like": "%format_datetime(object.scheduled_start%"},
    )


def migrate(cr, version):
    if version:
        rewrite_reminder_time(cr)
