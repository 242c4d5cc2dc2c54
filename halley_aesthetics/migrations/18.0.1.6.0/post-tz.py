"""18.0.1.5.0 -> 18.0.1.6.0 (tz): the session reminder (a noupdate template the
clinic may have edited) gave the session's time with Odoo's "long" format in the
patient's or the company contact's time zone, else the time of the user running
the reminder job ("December 8, 2026 at 4:00:00 AM +0100"). Its subject and body,
in every language, now call the session's ``_halley_when()``: the patient's time
zone, else the clinic's, as her language writes dates, without seconds. The rest
of the template, the clinic's edits included, is kept.

The companies' "Clinic time zone" (a new stored field computed from their
country) is filled by Odoo as the column is created."""

OLD = (
    "format_datetime(object.scheduled_start, tz=object.patient_id.tz or "
    "object.company_id.partner_id.tz, dt_format='long')"
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE mail_template t
           SET subject = replace(replace(t.subject::text, %(old_tag)s, %(new_tag)s), %(old)s, %(new)s)::jsonb,
               body_html = replace(replace(t.body_html::text, %(old_tag)s, %(new_tag)s), %(old)s, %(new)s)::jsonb
          FROM ir_model_data d
         WHERE d.model = 'mail.template' AND d.res_id = t.id
           AND d.module = 'halley_aesthetics' AND d.name = 'mail_template_halley_session_reminder'
        """,
        {
            "old_tag": OLD + " or ''",
            "new_tag": "object._halley_when()",
            "old": OLD,
            "new": "object._halley_when()",
        },
    )
