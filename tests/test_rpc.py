"""Drive the installed addon from outside, through Odoo's XML-RPC API, as an
integration would: a real server process, the demo clinic, real stock."""

import pytest

from odoo.addons.halley_aesthetics.images import drawn_signature_png

from .conftest import RpcUser, after_held_sessions, open_slot

# The patient's signature: a drawing, as Odoo's signature pad sends it (a
# transparent PNG with a stroke).
SIGNATURE = drawn_signature_png()


def fields_datetime(value):
    return value.strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture(scope="module")
def admin(odoo_server):
    return RpcUser(odoo_server, "admin", "admin")


def on_hand(rpc, location_id, product_id):
    rows = rpc(
        "stock.quant", "search_read",
        [("location_id", "=", location_id), ("product_id", "=", product_id)],
        fields=["lot_id", "quantity"],
    )
    return {(row["lot_id"] or [False, False])[1]: row["quantity"] for row in rows}


def test_module_is_installed(admin):
    state = admin("ir.module.module", "search_read", [("name", "=", "halley_aesthetics")], fields=["state"])
    assert state[0]["state"] == "installed"


def test_a_session_over_rpc_consumes_by_lot_and_returns_on_cancel(admin):
    room = admin.ref("halley_aesthetics.room_1_demo")
    vial = admin.ref("halley_aesthetics.product_rejuran_vial_demo")
    needle = admin.ref("halley_aesthetics.product_needle_32g_demo")
    before_vials = on_hand(admin, room, vial)
    before_needles = sum(on_hand(admin, room, needle).values())
    patient = admin("res.partner", "create", {"name": "RPC Patient", "is_patient": True})
    session = admin("halley.treatment.session", "create", {
        "patient_id": patient,
        "protocol_id": admin.ref("halley_aesthetics.bom_rejuran_demo"),
        "room_id": room,
        # while the room is open, after every session booked
        "scheduled_start": fields_datetime(open_slot(after_held_sessions(admin), 60)),
    })
    # The patient signs her consent on the clinic's tablet (the signing form).
    signing = admin("halley.consent.sign", "create", {
        "session_id": session, "signed_by_name": "RPC Patient", "signature": SIGNATURE,
    })
    admin("halley.consent.sign", "action_sign", [signing])
    # The demo protocol is screened: the patient answers no to every question.
    answers = admin("halley.session.screening", "search", [("session_id", "=", session)])
    assert answers, "the Rejuran protocol has screening questions"
    admin("halley.session.screening", "write", answers, {"answer": "no"})
    assert admin("halley.treatment.session", "action_confirm", [session]) is True
    assert admin("halley.treatment.session", "action_start", [session]) is True
    assert admin("halley.treatment.session", "action_done", [session]) is True
    # pressing Done again changes nothing
    assert admin("halley.treatment.session", "action_done", [session]) is True

    after_vials = on_hand(admin, room, vial)
    used = {lot: before_vials[lot] - after_vials.get(lot, 0) for lot in before_vials}
    assert sum(used.values()) == 1
    first_expiring = min(
        admin("stock.lot", "search_read", [("product_id", "=", vial), ("name", "in", [lot for lot, qty in after_vials.items() if qty] + [lot for lot, q in used.items() if q])], fields=["name", "expiration_date"]),
        key=lambda lot: lot["expiration_date"],
    )["name"]
    assert used[first_expiring] == 1, "the vial that expires first was used"
    assert sum(on_hand(admin, room, needle).values()) == before_needles - 4

    admin.refused("only draft sessions can be deleted", "halley.treatment.session", "unlink", [session])

    assert admin("halley.treatment.session", "action_cancel", [session]) is True
    assert on_hand(admin, room, vial) == before_vials
    assert sum(on_hand(admin, room, needle).values()) == before_needles
    state = admin("halley.treatment.session", "read", [session], ["state", "return_picking_id"])[0]
    assert state["state"] == "cancel" and state["return_picking_id"]


def test_billing_cannot_change_a_session(odoo_server, admin):
    billing = RpcUser(odoo_server, "billing", "billing")
    session = admin.ref("halley_aesthetics.session_aisha_1_demo")
    assert billing("halley.treatment.session", "read", [session], ["state"])[0]["state"] == "confirmed"
    billing.refused(
        "You are not allowed to modify 'Treatment session'",
        "halley.treatment.session", "write", [session], {"notes": "changed by billing"},
    )
    assert admin("halley.treatment.session", "read", [session], ["notes"])[0]["notes"] in (False, "")
