"""18.0.1.4.0 -> 18.0.1.5.0 (sign): after pre-sign.py marked the second
signatures of a session's consent, each such session's chatter says so, and the
photos of a patient who no longer consents to marketing photos (her only
marketing consent was on a second signature) lose their marketing use, as on a
withdrawal."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    duplicates = env["halley.session.consent"].search([("duplicate_of_id", "!=", False)])
    for consent in duplicates:
        first = consent.duplicate_of_id
        consent.session_id.message_post(
            body=env._(
                "This session's consent was signed twice (%(second)s after %(first)s): the first signature "
                "counts. The second is kept as she signed it, and its photo consents are withdrawn.",
                first=first._signed_on_label(),
                second=consent._signed_on_label(),
            ),
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
    patients = duplicates.patient_id
    patients.invalidate_recordset(["halley_marketing_photo_consent"])
    no_longer = patients.filtered(lambda p: not p.halley_marketing_photo_consent)
    if no_longer:
        photos = env["halley.session.photo"].search(
            [("patient_id", "in", no_longer.ids), ("use_for_marketing", "=", True)]
        )
        photos._withdraw_marketing_use()
