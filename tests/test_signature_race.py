"""Two tablets (or the portal and a tablet) sign the same session's consent at
the same moment, on two database connections. Odoo runs every request in
REPEATABLE READ and replays it on a serialization failure: the signing locks
the session and marks it changed, so the second waits, fails quietly, and,
replayed, is refused in words ("... already signed this consent at 10:42").
The session ends with exactly one signed procedure consent, and the database
itself refuses a second one (a partial unique index)."""

import re
import threading
import uuid

import psycopg2.errors
import pytest

from odoo import SUPERUSER_ID, api
from odoo.addons.halley_aesthetics.images import drawn_signature_png
from odoo.addons.halley_aesthetics.models.halley_session_consent import ONE_SIGNED_CONSENT_INDEX
from odoo.exceptions import UserError
from odoo.modules.registry import Registry

from .conftest import after_held_sessions, open_slot

SIGNATURE = drawn_signature_png()


@pytest.fixture
def registry(test_db):
    return Registry(test_db)


def _env(cr):
    # Read in the clinic's zone, as its practitioners do.
    return api.Environment(cr, SUPERUSER_ID, {"tz": "Asia/Singapore"})


def _booked_session(registry):
    """A committed draft session of a new patient, its consent not signed."""
    tag = uuid.uuid4().hex[:6]
    with registry.cursor() as cr:
        env = _env(cr)
        patient = env["res.partner"].create({"name": f"Race patient {tag}", "is_patient": True})
        session = env["halley.treatment.session"].create(
            {
                "patient_id": patient.id,
                "protocol_id": env.ref("halley_aesthetics.bom_rejuran_demo").id,
                "room_id": env.ref("halley_aesthetics.room_1_demo").id,
                "practitioner_id": False,
                "scheduled_start": open_slot(after_held_sessions(env), 60),
            }
        )
        cr.commit()  # pylint: disable=invalid-commit
        return session.id, patient.name


def _sign(env, session_id, name, photo_marketing):
    return env["halley.treatment.session"].browse(session_id)._halley_sign_consent(
        SIGNATURE, name, photo_marketing=photo_marketing, channel="clinic"
    )


def _signed_consents(registry, session_id):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT signed_by_name, photo_marketing FROM halley_session_consent "
            "WHERE session_id = %s AND procedure AND signed_on IS NOT NULL",
            [session_id],
        )
        return cr.fetchall()


def _cancel(registry, session_id):
    with registry.cursor() as cr:
        _env(cr)["halley.treatment.session"].browse(session_id).action_cancel()
        cr.commit()  # pylint: disable=invalid-commit


def test_two_tablets_sign_one_consent_once(registry, caplog):
    """A signs and holds the session; B, whose request has already read the
    session (the web client's), waits for A, fails on its lock as A commits
    (quietly: no "bad query" in the log), and, replayed, is told who signed and
    when. One signed consent is kept: A's, with A's photo choice."""
    session_id, name = _booked_session(registry)
    cr_a, cr_b = registry.cursor(), registry.cursor()
    outcome = {}
    try:
        env_a, env_b = _env(cr_a), _env(cr_b)
        for env in (env_a, env_b):  # both requests have read: their snapshots are taken
            assert not env["halley.treatment.session"].browse(session_id).sudo().consent_ids
        _sign(env_a, session_id, name, photo_marketing=False)  # A holds the session

        def sign_b():
            try:
                _sign(env_b, session_id, name, photo_marketing=True)
                outcome["b"] = "signed"
            except Exception as exc:  # noqa: BLE001 - the test inspects it
                outcome["b"] = exc

        thread = threading.Thread(target=sign_b)
        thread.start()
        thread.join(timeout=2)
        assert thread.is_alive(), "B must wait for A's signature"
        cr_a.commit()
        thread.join(timeout=60)
        assert isinstance(outcome.get("b"), psycopg2.errors.SerializationFailure), outcome
        assert "FOR UPDATE" in (outcome["b"].cursor.query or b"").decode()
        assert not [r for r in caplog.records if "bad query" in r.getMessage()]
        cr_b.rollback()
    finally:
        cr_a.close()
        cr_b.close()
    # Odoo replays B's request in a new transaction: refused in words.
    with registry.cursor() as cr:
        with pytest.raises(UserError) as refused:
            _sign(_env(cr), session_id, name, photo_marketing=True)
        assert re.fullmatch(rf"{re.escape(name)} already signed this consent at \d\d:\d\d\.", str(refused.value)), (
            str(refused.value)
        )
        cr.rollback()
    assert _signed_consents(registry, session_id) == [(name, False)]
    _cancel(registry, session_id)


def test_a_later_signature_is_refused_in_words(registry):
    session_id, name = _booked_session(registry)
    with registry.cursor() as cr:
        _sign(_env(cr), session_id, name, photo_marketing=False)
        cr.commit()  # pylint: disable=invalid-commit
    with registry.cursor() as cr:
        with pytest.raises(UserError, match=rf"^{re.escape(name)} already signed this consent at \d\d:\d\d\.$"):
            _sign(_env(cr), session_id, "Someone else", photo_marketing=True)
        cr.rollback()
    assert _signed_consents(registry, session_id) == [(name, False)]
    _cancel(registry, session_id)


def test_the_database_refuses_a_second_signed_consent(registry):
    """A write that skips every check of the addon (plain SQL, committed
    concurrently) still cannot give a session two signed procedure consents."""
    session_id, name = _booked_session(registry)
    with registry.cursor() as cr:
        _sign(_env(cr), session_id, name, photo_marketing=False)
        cr.commit()  # pylint: disable=invalid-commit
    with registry.cursor() as cr:
        with pytest.raises(psycopg2.errors.UniqueViolation) as violation:
            cr.execute(
                """INSERT INTO halley_session_consent (session_id, procedure, signed_on, signed_by_name, date,
                                                       recorded_by_id, company_id, patient_id)
                   SELECT session_id, TRUE, signed_on, 'Forged', date, recorded_by_id, company_id, patient_id
                     FROM halley_session_consent WHERE session_id = %s""",
                [session_id],
                log_exceptions=False,
            )
        assert violation.value.diag.constraint_name == ONE_SIGNED_CONSENT_INDEX
        cr.rollback()
    assert _signed_consents(registry, session_id) == [(name, False)]
    _cancel(registry, session_id)
