"""Two practitioners complete two sessions of the same patient at the same moment,
on two database connections, while her package has one session left. Odoo runs
every request in REPEATABLE READ and replays it on a serialization failure: the
locks Done takes must make the second one fail and, replayed, be refused in
the user's words. No session is redeemed twice."""

import threading
import uuid
from datetime import timedelta

import psycopg2.errors
import pytest

from odoo import SUPERUSER_ID, api
from odoo.addons.halley_aesthetics.images import drawn_signature_png
from odoo.exceptions import UserError, ValidationError
from odoo.modules.registry import Registry

from .conftest import after_held_sessions, open_slot


@pytest.fixture
def registry(test_db):
    return Registry(test_db)


# The patient's signature: a drawing, as Odoo's signature pad sends it (a
# transparent PNG with a stroke).
SIGNATURE = drawn_signature_png()


def _env(cr):
    return api.Environment(cr, SUPERUSER_ID, {})


def _prepare(registry):
    """Committed data: a patient with a one-session package, two sessions in
    progress in two rooms (so they share no stock rows)."""
    tag = uuid.uuid4().hex[:6]
    with registry.cursor() as cr:
        env = _env(cr)
        ref = env.ref
        protocol = ref("halley_aesthetics.bom_rejuran_demo")
        patient = env["res.partner"].create({"name": f"Concurrent patient {tag}", "is_patient": True})
        course = env["product.product"].create(
            {
                "name": f"One Rejuran session {tag}",
                "type": "service",
                "clinic_role": "package",
                "lst_price": 300.0,
                "taxes_id": [(5, 0, 0)],
                "package_line_ids": [(0, 0, {"protocol_id": protocol.id, "session_count": 1})],
            }
        )
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": patient.id,
                "invoice_line_ids": [(0, 0, {"product_id": course.id, "quantity": 1})],
            }
        )
        invoice.action_post()
        package = invoice.invoice_line_ids.patient_package_ids
        # One after the other, after every session already held: the patient, the
        # practitioner and each room are never booked twice at once.
        # (and while the demo rooms are open).
        Session = env["halley.treatment.session"]
        start = open_slot(after_held_sessions(env), 2 * 60)
        sessions = Session.create(
            [
                {"patient_id": patient.id, "protocol_id": protocol.id, "room_id": room.id,
                 "scheduled_start": start + timedelta(hours=n)}
                for n, room in enumerate(
                    (ref("halley_aesthetics.room_1_demo"), ref("halley_aesthetics.room_laser_demo"))
                )
            ]
        )
        assert sessions.package_id == package, "both sessions propose the package"
        for session in sessions:  # the patient signs each consent
            session._halley_sign_consent(SIGNATURE, patient.name, channel="clinic")
        sessions.screening_ids.answer = "no"
        sessions.action_confirm()
        sessions.action_start()
        return package.id, sessions.ids


def _assert_failed_on_a_done_lock(exc, caplog):
    # Done locks, quietly (log_exceptions=False), what it will write before writing
    # it: the session, the stock rows every Done shares (the consumption location's
    # quants, the components' valuation layers: the two rooms share those) and the
    # package. The conflict surfaces on one of those locks; a failure anywhere
    # else would be logged by Odoo as a "bad query".
    query = (exc.cursor.query or b"").decode()
    assert "FOR UPDATE" in query and any(
        table in query for table in ("halley_patient_package", "stock_quant", "stock_valuation_layer")
    ), query
    assert not [r for r in caplog.records if "bad query" in r.getMessage()]


def test_two_sessions_never_redeem_the_last_session_twice(registry, caplog):
    package_id, (session_a, session_b) = _prepare(registry)
    cr_a, cr_b = registry.cursor(), registry.cursor()
    try:
        env_a, env_b = _env(cr_a), _env(cr_b)
        # B's transaction starts (its snapshot: one session left) ...
        assert env_b["halley.patient.package"].browse(package_id).sessions_remaining == 1
        # ... while A completes its session and commits.
        env_a["halley.treatment.session"].browse(session_a).action_done()
        cr_a.commit()
        # B completes too: its lock on the package fails, the transaction is void.
        with pytest.raises(psycopg2.errors.SerializationFailure) as failure:
            env_b["halley.treatment.session"].browse(session_b).action_done()
        _assert_failed_on_a_done_lock(failure.value, caplog)
        cr_b.rollback()
    finally:
        cr_a.close()
        cr_b.close()

    # Odoo replays B's request in a new transaction: refused in the user's words.
    with registry.cursor() as cr:
        session = _env(cr)["halley.treatment.session"].browse(session_b)
        with pytest.raises(UserError, match="has no .* session left: 1 of 1 used"):
            session.action_done()
        cr.rollback()

    with registry.cursor() as cr:
        env = _env(cr)
        package = env["halley.patient.package"].browse(package_id)
        a, b = env["halley.treatment.session"].browse([session_a, session_b])
        assert (package.sessions_used, package.sessions_remaining, package.state) == (1, 0, "used")
        assert (a.state, a.package_redeemed, a.package_progress) == ("done", True, "Session 1 of 1")
        assert (b.state, b.package_redeemed) == ("in_progress", False)
        assert package.amount_deferred == 0.0
        # Leave the room as found: B is cancelled, A's stock is returned.
        (a | b).action_cancel()
        cr.commit()  # pylint: disable=invalid-commit


def test_the_second_redemption_waits_for_the_first(registry, caplog):
    """B completes while A still holds the package: B waits on Done's locks and
    fails as soon as A commits (it never reads a stale balance)."""
    package_id, (session_a, session_b) = _prepare(registry)
    cr_a, cr_b = registry.cursor(), registry.cursor()
    outcome = {}
    try:
        env_a, env_b = _env(cr_a), _env(cr_b)
        assert env_b["halley.patient.package"].browse(package_id).sessions_remaining == 1
        env_a["halley.treatment.session"].browse(session_a).action_done()  # holds the lock

        def complete_b():
            try:
                env_b["halley.treatment.session"].browse(session_b).action_done()
                outcome["b"] = "done"
            except Exception as exc:  # noqa: BLE001 - the test inspects it
                outcome["b"] = exc

        thread = threading.Thread(target=complete_b)
        thread.start()
        thread.join(timeout=2)
        assert thread.is_alive(), "B must wait for A's lock on the package"
        cr_a.commit()
        thread.join(timeout=30)
        assert isinstance(outcome.get("b"), psycopg2.errors.SerializationFailure), outcome
        _assert_failed_on_a_done_lock(outcome["b"], caplog)
        cr_b.rollback()
    finally:
        cr_a.close()
        cr_b.close()
    with registry.cursor() as cr:
        env = _env(cr)
        assert env["halley.patient.package"].browse(package_id).sessions_used == 1
        env["halley.treatment.session"].browse([session_a, session_b]).action_cancel()
        cr.commit()  # pylint: disable=invalid-commit



def _two_drafts_in_one_slot(registry, tag):
    """Two patients' drafts, committed: Treatment Room 1 at the same time, after
    every session already held, no practitioner."""
    with registry.cursor() as cr:
        env = _env(cr)
        Session = env["halley.treatment.session"]
        start = open_slot(after_held_sessions(env), 60)
        patients = env["res.partner"].create(
            [{"name": f"Front desk {desk} {tag}", "is_patient": True} for desk in ("A", "B")]
        )
        ids = Session.create(
            [
                {"patient_id": patient.id, "protocol_id": env.ref("halley_aesthetics.bom_rejuran_demo").id,
                 "room_id": env.ref("halley_aesthetics.room_1_demo").id, "practitioner_id": False,
                 "scheduled_start": start}
                for patient in patients
            ]
        ).ids
        cr.commit()  # pylint: disable=invalid-commit
    return ids


def _confirm_in_thread(env, session_id, outcome):
    def confirm():
        try:
            env["halley.treatment.session"].browse(session_id).action_confirm()
            outcome["b"] = "confirmed"
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome["b"] = exc

    thread = threading.Thread(target=confirm)
    thread.start()
    thread.join(timeout=2)
    return thread


def _cancel_booked(registry, session_a, session_b):
    with registry.cursor() as cr:
        a, b = _env(cr)["halley.treatment.session"].browse([session_a, session_b])
        assert (a.state, b.state) == ("confirmed", "draft")
        a.action_cancel()  # leave the room as found
        cr.commit()  # pylint: disable=invalid-commit


def test_two_front_desks_never_book_the_same_slot(registry):
    """Two front desks confirm two patients in the same room at the same time, on
    two connections (XML-RPC calls: nothing read before): B waits for A's turn on
    the room, then sees A's booking (its snapshot is taken after A committed) and
    is refused in the clinic's words."""
    tag = uuid.uuid4().hex[:6]
    session_a, session_b = _two_drafts_in_one_slot(registry, tag)
    cr_a, cr_b = registry.cursor(), registry.cursor()
    outcome = {}
    try:
        env_a, env_b = _env(cr_a), _env(cr_b)
        env_a["halley.treatment.session"].browse(session_a).action_confirm()  # A holds the room's turn
        thread = _confirm_in_thread(env_b, session_b, outcome)
        assert thread.is_alive(), "B must wait for A's turn on the room"
        cr_a.commit()
        thread.join(timeout=30)
        assert isinstance(outcome.get("b"), ValidationError), outcome
        assert "Treatment Room 1 is already booked from" in str(outcome["b"])
        assert f"Front desk A {tag}" in str(outcome["b"])
        cr_b.rollback()
    finally:
        cr_a.close()
        cr_b.close()
    _cancel_booked(registry, session_a, session_b)


def test_a_front_desk_that_read_first_is_replayed_and_refused(registry, caplog):
    """The web client's requests read before the button's method (the session's
    check): B's snapshot is older than A's booking. B waits for A's turn, finds
    A's booking in a fresh snapshot, and fails on its lock of A's session: Odoo
    replays B's request, which is refused."""
    tag = uuid.uuid4().hex[:6]
    session_a, session_b = _two_drafts_in_one_slot(registry, tag)
    cr_a, cr_b = registry.cursor(), registry.cursor()
    outcome = {}
    try:
        env_a, env_b = _env(cr_a), _env(cr_b)
        for env in (env_a, env_b):  # both requests have read: their snapshots are taken
            assert env["halley.treatment.session"].browse([session_a, session_b]).mapped("state") == ["draft"] * 2
        env_a["halley.treatment.session"].browse(session_a).action_confirm()
        thread = _confirm_in_thread(env_b, session_b, outcome)
        assert thread.is_alive(), "B must wait for A's turn on the room"
        cr_a.commit()
        thread.join(timeout=30)
        assert isinstance(outcome.get("b"), psycopg2.errors.SerializationFailure), outcome
        assert not [r for r in caplog.records if "bad query" in r.getMessage()]
        cr_b.rollback()
    finally:
        cr_a.close()
        cr_b.close()
    # Odoo replays B's request in a new transaction: refused in the clinic's words.
    with registry.cursor() as cr:
        with pytest.raises(ValidationError, match="Treatment Room 1 is already booked from"):
            _env(cr)["halley.treatment.session"].browse(session_b).action_confirm()
        cr.rollback()
    _cancel_booked(registry, session_a, session_b)
