"""A completed session's consumption over XML-RPC, as an outside program would
change it: the clinic manager (also Inventory administrator) writing the used
quantity of a done line, unlocking its transfer or deleting the line is refused in
the clinic's words, and the room's stock of the lot is unchanged."""

import pytest

from .conftest import RpcUser

FROZEN = "kept as it was recorded"


@pytest.fixture(scope="module")
def admin(odoo_server):
    return RpcUser(odoo_server, "admin", "admin")


@pytest.fixture(scope="module")
def doctor(odoo_server):
    return RpcUser(odoo_server, "doctor", "doctor")


def _quant(rpc, line):
    return rpc("stock.quant", "search_read",
               [("lot_id", "=", line["lot_id"][0]), ("location_id", "=", line["location_id"][0])],
               fields=["quantity"])


def test_the_manager_cannot_rewrite_a_done_consumption(admin, doctor):
    done = admin.ref("halley_aesthetics.session_grace_1_demo")
    assert admin("halley.treatment.session", "read", [done], ["state"])[0]["state"] == "done"
    lines = admin("stock.move.line", "search_read", [("treatment_session_id", "=", done), ("lot_id", "!=", False)],
                  fields=["quantity", "lot_id", "location_id", "picking_id"])
    assert lines, "the demo's completed session used a lot"
    line = lines[0]
    before = _quant(admin, line)
    fault = admin.refused(FROZEN, "stock.move.line", "write", [line["id"]], {"quantity": 40})
    assert "Grace Lim · " in fault and "cancel the session" in fault and "addendum" in fault
    assert "Traceback" not in fault.splitlines()[-1]
    admin.refused(FROZEN, "stock.move.line", "unlink", [line["id"]])
    admin.refused(FROZEN, "stock.picking", "action_toggle_is_locked", [line["picking_id"][0]])
    fault = doctor.refused(FROZEN, "stock.move.line", "write", [line["id"]], {"quantity": 40})
    assert "Journal Entry" not in fault
    after = admin("stock.move.line", "read", [line["id"]], ["quantity", "lot_id", "location_id"])[0]
    assert after["quantity"] == line["quantity"]
    assert after["lot_id"] == line["lot_id"]
    assert _quant(admin, line) == before


def test_times_and_quantities_without_bounds_get_a_sentence(admin, doctor):
    """A start that is no date, a session ending before it starts, a draft in 1900:
    each refused in words over XML-RPC, nothing created."""
    booked = admin.ref("halley_aesthetics.session_aisha_1_demo")
    row = admin("halley.treatment.session", "read", [booked], ["protocol_id", "room_id", "scheduled_start"])[0]
    base = {"protocol_id": row["protocol_id"][0], "room_id": row["room_id"][0],
            "patient_id": admin.ref("halley_aesthetics.patient_grace_demo")}
    count = admin("halley.treatment.session", "search_count", [])
    doctor.refused("is not a date and time", "halley.treatment.session", "create",
                   {**base, "scheduled_start": "next tuesday"})
    doctor.refused("in the year 2000 or later", "halley.treatment.session", "create",
                   {**base, "scheduled_start": "1900-01-01 10:00:00"})
    doctor.refused("not after it starts", "halley.treatment.session", "create",
                   {**base, "scheduled_start": row["scheduled_start"], "scheduled_end": "2001-01-01 10:00:00"})
    assert admin("halley.treatment.session", "search_count", []) == count
    before = admin("halley.treatment.session", "read", [booked], ["scheduled_start", "scheduled_end"])[0]
    doctor.refused("not after it starts", "halley.treatment.session", "write", [booked],
                   {"scheduled_end": row["scheduled_start"]})
    assert admin("halley.treatment.session", "read", [booked], ["scheduled_start", "scheduled_end"])[0] == before
