"""Background jobs retry quietly (issue 20): billing invoices a session seconds
after Done, while the aftercare job sends its sheet. On two real database
connections: the job meets billing's transaction (its row lock, or its update
committed after the job's snapshot), leaves the session for its next run
without an ERROR line (nor a "bad query"), and the next run sends the sheet
exactly once. The reminder job behaves the same."""

import logging
import uuid
from datetime import timedelta

import pytest

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry

from .conftest import after_held_sessions, open_slot
from .test_concurrency import SIGNATURE


@pytest.fixture
def registry(test_db):
    return Registry(test_db)


def _env(cr, uid=SUPERUSER_ID):
    return api.Environment(cr, uid, {})


def _stock_up(env, protocol, room, tag):
    """The protocol's components for a few more sessions in the room (an
    inventory count: a fresh lot of each lot-tracked one, more of the others):
    the sessions these tests complete and invoice stay done. The skin booster:
    a Rejuran session would take the recalled demo lot that other tests count."""
    Quant = env["stock.quant"].with_context(inventory_mode=True)
    rows = []
    for line in protocol.bom_line_ids.filtered(lambda ln: ln.product_id.is_storable):
        product = line.product_id
        lot = env["stock.lot"]
        on_hand = 0.0
        if product.tracking == "lot":
            lot = lot.create(
                {"name": f"RETRY-{tag}", "product_id": product.id,
                 "expiration_date": fields.Datetime.now() + timedelta(days=700)}
            )
        else:
            on_hand = sum(env["stock.quant"].search(
                [("product_id", "=", product.id), ("location_id", "=", room.id), ("lot_id", "=", False)]
            ).mapped("quantity"))
        rows.append({"product_id": product.id, "location_id": room.id, "lot_id": lot.id,
                     "inventory_quantity": on_hand + 3 * line.product_qty})
    Quant.create(rows).action_apply_inventory()


def _done_session(registry):
    """Committed: a pay-per-session session just completed, its sheet to send."""
    tag = uuid.uuid4().hex[:6]
    with registry.cursor() as cr:
        env = _env(cr)
        patient = env["res.partner"].create(
            {"name": f"Retry patient {tag}", "is_patient": True, "email": f"retry-{tag}@example.com"}
        )
        protocol, room = env.ref("halley_aesthetics.bom_ha_demo"), env.ref("halley_aesthetics.room_1_demo")
        _stock_up(env, protocol, room, tag)
        start = open_slot(after_held_sessions(env), 60)
        session = env["halley.treatment.session"].create(
            {"patient_id": patient.id, "protocol_id": protocol.id, "room_id": room.id, "scheduled_start": start}
        )
        session._halley_sign_consent(SIGNATURE, patient.name, channel="clinic")
        session.screening_ids.answer = "no"
        session.action_confirm()
        session.action_start()
        session.action_done()
        assert (session.aftercare_state, session.invoice_status) == ("to_send", "to_invoice")
        cr.commit()  # pylint: disable=invalid-commit
        return session.id


def _billing(env):
    return env.ref("halley_aesthetics.user_billing_demo")


def _sheets(registry, session_id):
    with registry.cursor() as cr:
        session = _env(cr)["halley.treatment.session"].browse(session_id)
        sent = session.message_ids.filtered(lambda m: m.subject and "aftercare" in m.subject)
        return session.aftercare_state, len(sent), session.invoice_status


def _errors(caplog):
    return [
        r.getMessage() for r in caplog.records
        if r.levelno >= logging.WARNING or "bad query" in r.getMessage()
    ]


def _run_aftercare(registry):
    with registry.cursor() as cr:
        _env(cr)["halley.treatment.session"]._cron_send_aftercare()
        cr.commit()  # pylint: disable=invalid-commit


def test_aftercare_waits_for_billing_holding_the_session(registry, caplog):
    """Billing is invoicing the session (its transaction holds the row): the job
    does not wait nor fail, it leaves the sheet for its next run."""
    session_id = _done_session(registry)
    caplog.set_level(logging.INFO, logger="odoo.addons.halley_aesthetics")
    billing_cr = registry.cursor()
    try:
        billing_env = _env(billing_cr)
        billing = _billing(billing_env)
        billing_env["halley.treatment.session"].with_user(billing).browse(session_id).action_create_invoices()
        with registry.cursor() as cr:  # the aftercare job, meanwhile
            # (A job that waited for billing would wait for this test: 5 s at most.)
            cr.execute("SET lock_timeout = '5s'")
            _env(cr)["halley.treatment.session"]._cron_send_aftercare()
            cr.commit()  # pylint: disable=invalid-commit
        billing_cr.commit()
    finally:
        billing_cr.close()
    assert _errors(caplog) == []
    assert any("left for the next run" in r.getMessage() for r in caplog.records)
    assert _sheets(registry, session_id) == ("to_send", 0, "invoiced")
    _run_aftercare(registry)  # the next run
    _run_aftercare(registry)  # and one more: nothing twice
    assert _sheets(registry, session_id) == ("sent", 1, "invoiced")
    assert _errors(caplog) == []


def test_aftercare_retries_after_billing_committed_during_its_run(registry, caplog):
    """The job's transaction began (its snapshot) before billing committed the
    invoice: writing the session would fail with a serialization error, logged as
    a "bad query" and an ERROR of the cron. It is left for the next run instead."""
    session_id = _done_session(registry)
    caplog.set_level(logging.INFO, logger="odoo.addons.halley_aesthetics")
    job_cr = registry.cursor()
    try:
        job_env = _env(job_cr)
        assert job_env["halley.treatment.session"].browse(session_id).aftercare_state == "to_send"  # snapshot
        with registry.cursor() as billing_cr:
            billing_env = _env(billing_cr)
            billing_env["halley.treatment.session"].with_user(_billing(billing_env)).browse(
                session_id
            ).action_create_invoices()
            billing_cr.commit()  # pylint: disable=invalid-commit
        job_env["halley.treatment.session"]._cron_send_aftercare()
        job_cr.commit()
    finally:
        job_cr.close()
    assert _errors(caplog) == []
    assert _sheets(registry, session_id) == ("to_send", 0, "invoiced")
    _run_aftercare(registry)
    _run_aftercare(registry)
    assert _sheets(registry, session_id) == ("sent", 1, "invoiced")
    assert _errors(caplog) == []


def test_reminder_waits_for_a_session_being_changed(registry, caplog):
    """The reminder job meets a booked session someone is changing: no reminder,
    no error; the next run sends it once."""
    tag = uuid.uuid4().hex[:6]
    with registry.cursor() as cr:
        env = _env(cr)
        patient = env["res.partner"].create(
            {"name": f"Reminder patient {tag}", "is_patient": True, "email": f"reminder-{tag}@example.com"}
        )
        now = fields.Datetime.now()
        start = open_slot(max(after_held_sessions(env), now + timedelta(hours=1)), 60)
        session = env["halley.treatment.session"].create(
            {"patient_id": patient.id, "protocol_id": env.ref("halley_aesthetics.bom_ha_demo").id,
             "room_id": env.ref("halley_aesthetics.room_1_demo").id, "scheduled_start": start}
        )
        session.action_confirm()
        hours = (start - now).total_seconds() / 3600 + 1  # this session is within the job's window
        session_id = session.id
        cr.commit()  # pylint: disable=invalid-commit
    caplog.set_level(logging.INFO, logger="odoo.addons.halley_aesthetics")

    def reminders():
        with registry.cursor() as cr:
            session = _env(cr)["halley.treatment.session"].browse(session_id)
            return bool(session.reminder_sent_on), len(
                session.message_ids.filtered(lambda m: m.subject and m.subject.startswith("Reminder"))
            )

    other_cr = registry.cursor()
    try:
        _env(other_cr)["halley.treatment.session"].browse(session_id).write({"notes": "<p>Running late</p>"})
        other_cr.flush()
        with registry.cursor() as cr:
            cr.execute("SET lock_timeout = '5s'")  # a job that waited would wait for this test
            _env(cr)["halley.treatment.session"]._cron_send_reminders(hours=hours)
            cr.commit()  # pylint: disable=invalid-commit
        assert reminders() == (False, 0)
        other_cr.commit()
    finally:
        other_cr.close()
    for _run in range(2):
        with registry.cursor() as cr:
            _env(cr)["halley.treatment.session"]._cron_send_reminders(hours=hours)
            cr.commit()  # pylint: disable=invalid-commit
    assert reminders() == (True, 1)
    assert _errors(caplog) == []
    with registry.cursor() as cr:  # leave the room as found
        _env(cr)["halley.treatment.session"].browse(session_id).action_cancel()
        cr.commit()  # pylint: disable=invalid-commit
