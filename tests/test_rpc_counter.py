"""The counter races (issue 23), on two real database connections: two counters
charging the same treatment session at the same moment, and a counter racing an
invoice made from "To invoice". Odoo runs every request in REPEATABLE READ and
replays it on a serialization failure: the counter locks the session's row before
charging it, so the second fails and, replayed, is refused in the user's words.
The session is paid once."""

import threading
import uuid
from datetime import timedelta

import psycopg2.errors
import pytest

from odoo import SUPERUSER_ID, api, fields
from odoo.addons.halley_aesthetics.images import drawn_signature_png
from odoo.exceptions import UserError
from odoo.modules.registry import Registry

from .conftest import after_held_sessions, open_slot

SIGNATURE = drawn_signature_png()


@pytest.fixture
def registry(test_db):
    return Registry(test_db)


def _env(cr, user=None):
    env = api.Environment(cr, SUPERUSER_ID, {})
    if user:
        env = env(user=env.ref(user).id)
    return env


def _prepare(registry):
    """Committed data: a patient's done Rejuran session waiting to be invoiced, and
    the demo counter open (as billing)."""
    tag = uuid.uuid4().hex[:6]
    with registry.cursor() as cr:
        env = _env(cr)
        ref = env.ref
        counter = ref("halley_aesthetics.pos_config_counter_demo", raise_if_not_found=False)
        if not counter:
            pytest.skip("the demo counter needs the Singapore chart (l10n_sg)")
        patient = env["res.partner"].create({"name": f"Counter patient {tag}", "is_patient": True})
        session = env["halley.treatment.session"].create({
            "patient_id": patient.id,
            "protocol_id": ref("halley_aesthetics.bom_rejuran_demo").id,
            "room_id": ref("halley_aesthetics.room_1_demo").id,
            "scheduled_start": open_slot(after_held_sessions(env), 60),
        })
        session._halley_sign_consent(SIGNATURE, patient.name, channel="clinic")
        session.screening_ids.answer = "no"
        session.action_confirm()
        session.action_start()
        session.with_context(halley_no_wizard=True).action_done()
        assert session.invoice_status == "to_invoice"
        billing = env.ref("halley_aesthetics.user_billing_demo")
        counter = counter.with_user(billing)
        if not counter.current_session_id:
            counter.open_ui()
            counter.current_session_id.set_opening_control(0, None)
        return session.id, patient.id, counter.current_session_id.id


def _order(env, session_id, patient_id, pos_session_id):
    """The order dict Odoo 18's POS sends for the session, paid by card."""
    session = env["halley.treatment.session"].browse(session_id)
    card = env.ref("halley_aesthetics.pos_payment_method_card_demo")
    product = session.treatment_product_id
    price = product.lst_price
    taxes = product.taxes_id.filtered(lambda t: t.company_id == session.company_id)
    total = taxes.compute_all(price)["total_included"] if taxes else price
    uid = uuid.uuid4().hex[:12]
    return {
        "amount_paid": total, "amount_return": 0, "amount_tax": total - price, "amount_total": total,
        "date_order": fields.Datetime.to_string(fields.Datetime.now()),
        "fiscal_position_id": False, "pricelist_id": False,
        "name": f"Order {uid}", "uuid": uid, "last_order_preparation_change": "{}",
        "lines": [(0, 0, {
            "uuid": uuid.uuid4().hex, "product_id": product.id, "qty": 1, "price_unit": price,
            "price_subtotal": price, "price_subtotal_incl": total, "discount": 0, "pack_lot_ids": [],
            "tax_ids": [(6, 0, taxes.ids)], "halley_session_id": session.id,
        })],
        "partner_id": patient_id, "session_id": pos_session_id, "sequence_number": 1,
        "payment_ids": [(0, 0, {"amount": total, "name": fields.Datetime.now(), "payment_method_id": card.id})],
        "user_id": env.uid, "to_invoice": False,
    }


def _sync(env, session_id, patient_id, pos_session_id):
    return env["pos.order"].sync_from_ui([_order(env, session_id, patient_id, pos_session_id)])


def _assert_failed_on_the_session_lock(exc, caplog):
    query = (exc.cursor.query or b"").decode()
    assert "FOR UPDATE" in query and "halley_treatment_session" in query, query
    assert not [r for r in caplog.records if "bad query" in r.getMessage()]


def _assert_paid_once(registry, session_id):
    with registry.cursor() as cr:
        session = _env(cr)["halley.treatment.session"].browse(session_id)
        assert session.invoice_status == "invoiced"
        assert session._invoiced_quantity() == 1.0
        lines = session.invoice_line_ids.filtered(lambda line: line.parent_state == "posted")
        assert len(lines) == 1, lines


def test_two_counters_charge_a_session_once(registry, caplog):
    session_id, patient_id, pos_session_id = _prepare(registry)
    billing = "halley_aesthetics.user_billing_demo"
    cr_a, cr_b = registry.cursor(), registry.cursor()
    outcome = {}
    try:
        env_a, env_b = _env(cr_a, billing), _env(cr_b, billing)
        # B's transaction starts (its snapshot: the session waits to be invoiced) ...
        assert env_b["halley.treatment.session"].browse(session_id).invoice_status == "to_invoice"
        # ... A charges it at its counter and holds the lock ...
        _sync(env_a, session_id, patient_id, pos_session_id)

        def charge_b():
            try:
                _sync(env_b, session_id, patient_id, pos_session_id)
                outcome["b"] = "charged"
            except Exception as exc:  # noqa: BLE001 - the test inspects it
                outcome["b"] = exc

        thread = threading.Thread(target=charge_b)
        thread.start()
        thread.join(timeout=2)
        assert thread.is_alive(), "B must wait for A's lock on the session"
        cr_a.commit()
        thread.join(timeout=60)
        # ... B fails as soon as A commits: its snapshot is stale.
        assert isinstance(outcome.get("b"), psycopg2.errors.SerializationFailure), outcome
        _assert_failed_on_the_session_lock(outcome["b"], caplog)
        cr_b.rollback()
    finally:
        cr_a.close()
        cr_b.close()
    # Odoo replays B's request: refused in words.
    with registry.cursor() as cr:
        with pytest.raises(UserError, match="is already invoiced .*never charged twice"):
            _sync(_env(cr, billing), session_id, patient_id, pos_session_id)
        cr.rollback()
    _assert_paid_once(registry, session_id)


def test_counter_and_invoice_from_to_invoice_charge_a_session_once(registry, caplog):
    session_id, patient_id, pos_session_id = _prepare(registry)
    billing = "halley_aesthetics.user_billing_demo"
    cr_a, cr_b = registry.cursor(), registry.cursor()
    try:
        env_a, env_b = _env(cr_a, billing), _env(cr_b, billing)
        assert env_b["halley.treatment.session"].browse(session_id).invoice_status == "to_invoice"
        # A invoices it from "To invoice" and posts, and commits ...
        action = env_a["halley.treatment.session"].browse(session_id).action_create_invoices()
        env_a["account.move"].search(action["domain"]).action_post()
        cr_a.commit()
        # ... B charges it at the counter on its stale snapshot: its lock fails.
        with pytest.raises(psycopg2.errors.SerializationFailure) as failure:
            _sync(env_b, session_id, patient_id, pos_session_id)
        _assert_failed_on_the_session_lock(failure.value, caplog)
        cr_b.rollback()
    finally:
        cr_a.close()
        cr_b.close()
    with registry.cursor() as cr:
        with pytest.raises(UserError, match="is already invoiced .*never charged twice"):
            _sync(_env(cr, billing), session_id, patient_id, pos_session_id)
        cr.rollback()
    _assert_paid_once(registry, session_id)
