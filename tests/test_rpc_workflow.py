"""Forged writes over XML-RPC, as an outside program would send them: no role
brings a session, its stock or its package into a state the workflow would not
produce; each refusal is a sentence, and nothing changes."""

import pytest

from .conftest import RpcUser

WORKFLOW = "recorded by the clinic's workflow"


@pytest.fixture(scope="module")
def admin(odoo_server):
    return RpcUser(odoo_server, "admin", "admin")


@pytest.fixture(scope="module")
def doctor(odoo_server):
    return RpcUser(odoo_server, "doctor", "doctor")


def _state(rpc, session):
    return rpc("halley.treatment.session", "read", [session], ["state", "package_redeemed", "invoice_status"])[0]


def test_session_state_is_the_workflow_s(admin, doctor):
    done = admin.ref("halley_aesthetics.session_grace_1_demo")
    booked = admin.ref("halley_aesthetics.session_aisha_1_demo")
    before = _state(admin, booked)
    assert before["state"] == "confirmed"
    doctor.refused(WORKFLOW, "halley.treatment.session", "write", [booked], {"state": "done"})
    admin.refused(WORKFLOW, "halley.treatment.session", "write", [booked], {"package_redeemed": True})
    admin.refused(WORKFLOW, "halley.treatment.session", "write", [done], {"state": "draft"})
    doctor.refused("only draft sessions can be deleted", "halley.treatment.session", "unlink", [done])
    doctor.refused("kept as it was", "halley.treatment.session", "write", [done], {"notes": "<p>rewritten</p>"})
    assert _state(admin, booked) == before
    assert _state(admin, done)["state"] == "done"


def test_done_screening_and_consent_cannot_be_rewritten(admin, doctor):
    done = admin.ref("halley_aesthetics.session_grace_1_demo")
    consent = doctor("halley.session.consent", "search", [("session_id", "=", done)])
    doctor.refused("kept as they were", "halley.session.consent", "write", consent, {"procedure": False})
    doctor.refused(
        "kept as they were", "halley.session.consent", "create",
        {"session_id": done, "procedure": True, "note": "backdated"},
    )
    doctor.refused(WORKFLOW, "halley.session.consent", "write", consent, {"recorded_by_id": 2})
    answers = doctor("halley.session.screening", "search", [("session_id", "=", done)])
    if answers:
        doctor.refused("kept as they were", "halley.session.screening", "write", answers[:1], {"answer": "yes"})
    assert doctor("halley.session.consent", "read", consent, ["procedure"])[0]["procedure"] is True


def test_session_transfer_and_package_cannot_be_forged(admin, doctor):
    done = admin.ref("halley_aesthetics.session_grace_1_demo")
    booked = admin.ref("halley_aesthetics.session_aisha_1_demo")
    picking = admin("halley.treatment.session", "read", [booked], ["picking_id"])[0]["picking_id"][0]
    admin.refused("stock of the treatment session", "stock.picking", "button_validate", [picking])
    admin.refused("stock of the treatment session", "stock.picking", "action_cancel", [picking])
    assert admin("stock.picking", "read", [picking], ["state"])[0]["state"] not in ("done", "cancel")
    # A negative quantity on the done session's vial move.
    move = admin("stock.move", "search", [("treatment_session_id", "=", done)], limit=1)
    doctor.refused(
        "kept as it was", "halley.treatment.session", "write", [done],
        {"move_ids": [(1, move[0], {"quantity": -1})]},
    )
    # Packages: sold by invoices, not typed.
    package = admin("halley.patient.package", "search", [], limit=1)
    if package:
        admin.refused(WORKFLOW, "halley.patient.package", "write", package, {"amount_total": 1})
        admin.refused(WORKFLOW, "halley.patient.package", "write", package, {"state": "active"})


def test_bad_ids_and_dates_get_a_sentence(admin, doctor):
    booked = admin.ref("halley_aesthetics.session_aisha_1_demo")
    row = admin("halley.treatment.session", "read", [booked], ["protocol_id", "room_id"])[0]
    base = {"protocol_id": row["protocol_id"][0], "room_id": row["room_id"][0]}
    doctor.refused(
        "patient chosen no longer exists", "halley.treatment.session", "create",
        {**base, "patient_id": 999999999},
    )
    patient = admin.ref("halley_aesthetics.patient_grace_demo")
    doctor.refused(
        "more than 2 years away", "halley.treatment.session", "create",
        {**base, "patient_id": patient, "scheduled_start": "9999-12-31 10:00:00"},
    )


def test_a_booked_session_is_never_moved_into_a_clash(admin, doctor):
    """Rescheduling and reassigning over XML-RPC: Chen Wei's booked session, moved
    to the doctor at the time she sees Aisha, is refused and keeps its time and
    practitioner."""
    aisha = admin.ref("halley_aesthetics.session_aisha_1_demo")
    wei = admin.ref("halley_aesthetics.session_wei_1_demo")
    slot = ["scheduled_start", "scheduled_end", "practitioner_id", "state"]
    before = admin("halley.treatment.session", "read", [wei], slot)[0]
    assert before["state"] == "confirmed"
    taken = admin("halley.treatment.session", "read", [aisha], ["scheduled_start"])[0]["scheduled_start"]
    fault = doctor.refused(
        "Dr. Rachel Tan already has a session from", "halley.treatment.session", "write", [wei],
        {"scheduled_start": taken, "practitioner_id": admin.ref("halley_aesthetics.user_doctor_demo")},
    )
    assert "(Aisha Rahman, " in fault and "choose another time or practitioner" in fault
    assert admin("halley.treatment.session", "read", [wei], slot)[0] == before
