"""18.0.1.3.0 -> 18.0.1.4.0 (signed consent): a session starts only with the
patient's signed procedure consent.

Procedure consents the practitioner recorded (ticked) before this release have no
signature: they are kept as they are and marked *recorded before signed
consents*, so the sessions booked with them still start (completed sessions are
not checked again anyway). Photo consents given then get their date given: the
consent's own date.

Protocols have no consent text yet, and a consent is signed on its protocol's text:
each treatment protocol without one gets a general text, in English, for the clinic
manager to review on the protocol's Consent tab, so that the clinic's booked
sessions can still be signed for and started the day after the upgrade.
"""
import json

GENERAL_CONSENT = (
    "<p>I agree to this treatment. My practitioner has explained what it involves, what may "
    "happen afterwards (redness, swelling or bruising for a few days; rarely, an infection at "
    "the treated site) and how to care for my skin afterwards, and I have had the chance to ask "
    "questions.</p>"
    "<p>I have told my practitioner about my medicines (especially blood thinners), "
    "supplements, allergies, pregnancy or breastfeeding.</p>"
)


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
    cr.execute(
        """
        UPDATE mrp_bom
           SET consent_text = %s::jsonb
         WHERE is_treatment_protocol AND consent_text IS NULL
        """,
        [json.dumps({"en_US": GENERAL_CONSENT})],
    )
