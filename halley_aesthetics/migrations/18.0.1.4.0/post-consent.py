"""18.0.1.3.0 -> 18.0.1.4.0 (signed consent): a session starts only with the
patient's signed procedure consent.

Procedure consents the practitioner recorded (ticked) before this release have no
signature: they are kept as they are and marked *recorded before signed
consents*, so the sessions booked with them still start (completed sessions are
not checked again anyway). Photo consents given then get their date given: the
consent's own date.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE halley_session_consent
           SET recorded_before_signing = TRUE
         WHERE procedure AND signed_on IS NULL
        """
    )
    cr.execute(
        """
        UPDATE halley_session_consent
           SET photo_record_given_on = CASE WHEN photo_record THEN date END,
               photo_marketing_given_on = CASE WHEN photo_marketing THEN date END
         WHERE photo_record_given_on IS NULL AND photo_marketing_given_on IS NULL
           AND (photo_record OR photo_marketing)
        """
    )
