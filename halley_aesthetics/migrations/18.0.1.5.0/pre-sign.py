"""18.0.1.4.0 -> 18.0.1.5.0 (sign): one signed procedure consent per session.

The database now refuses a second signed procedure consent for a session (a
partial unique index on ``halley_session_consent``, created by the model's
``init()`` right after this script). Before this release two signatures of one
consent could both succeed (two tablets at once). Where a session holds more
than one:

- the first signature (earliest signed, then first recorded) is the one that
  counts, as it did;
- each later one is kept, unchanged, as the patient signed it (a signed
  document is never deleted), and marked *Second signature of* the first: the
  index leaves it out;
- its photo consents are withdrawn, dated the upgrade, recorded by OdooBot:
  only the first signature's photo choices hold (post-sign.py then clears the
  marketing use of photos whose patient no longer consents, and notes each
  session's chatter).
"""


def migrate(cr, version):
    if not version:
        return
    # Upgrading from a release before signed consents (18.0.1.4.0): nothing was
    # signed, there is nothing to mark.
    cr.execute(
        """SELECT count(*) FROM information_schema.columns
            WHERE table_name = 'halley_session_consent'
              AND column_name IN ('signed_on', 'photo_record_withdrawn_on', 'photo_marketing_withdrawn_on')"""
    )
    if cr.fetchone()[0] < 3:
        return
    cr.execute("ALTER TABLE halley_session_consent ADD COLUMN IF NOT EXISTS duplicate_of_id integer")
    cr.execute(
        """
        WITH signed AS (
            SELECT id, first_value(id) OVER (PARTITION BY session_id ORDER BY signed_on, id) AS first_id
              FROM halley_session_consent
             WHERE procedure AND signed_on IS NOT NULL AND duplicate_of_id IS NULL
        )
        UPDATE halley_session_consent consent
           SET duplicate_of_id = signed.first_id,
               photo_record_withdrawn_on = CASE
                   WHEN consent.photo_record AND consent.photo_record_withdrawn_on IS NULL
                   THEN now() AT TIME ZONE 'UTC' ELSE consent.photo_record_withdrawn_on END,
               photo_record_withdrawn_by_id = CASE
                   WHEN consent.photo_record AND consent.photo_record_withdrawn_on IS NULL
                   THEN 1 ELSE consent.photo_record_withdrawn_by_id END,
               photo_marketing_withdrawn_on = CASE
                   WHEN consent.photo_marketing AND consent.photo_marketing_withdrawn_on IS NULL
                   THEN now() AT TIME ZONE 'UTC' ELSE consent.photo_marketing_withdrawn_on END,
               photo_marketing_withdrawn_by_id = CASE
                   WHEN consent.photo_marketing AND consent.photo_marketing_withdrawn_on IS NULL
                   THEN 1 ELSE consent.photo_marketing_withdrawn_by_id END
          FROM signed
         WHERE signed.id = consent.id AND signed.id != signed.first_id
        """
    )
