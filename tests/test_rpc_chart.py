"""The injection chart over XML-RPC, as each role would reach it from outside (issue
22): the practitioner charts her started session; billing, a patient on the portal
and an employee outside the clinic groups can neither see nor change an entry; a
completed session's chart is kept as charted; an entry naming another clinic's
session or another product's lot is refused in words; a zone in use is archived,
not deleted."""

import uuid

import pytest

from odoo.addons.halley_aesthetics.images import drawn_signature_png

from .conftest import RpcUser, after_held_sessions, open_slot

ENTRY = "halley.session.injection"
SESSION = "halley.treatment.session"
# (Changing or deleting an entry reads it first: refused as reading it.)
NO_ACCESS = "You are not allowed to {operation} 'Injection chart entry' (halley.session.injection) records."
# Charting is changing the session: who may not change it is told so first.
NO_SESSION_WRITE = "You are not allowed to modify 'Treatment session' (halley.treatment.session) records."
NO_FIELD_ACCESS = 'You do not have enough rights to access the fields "injection_ids"'
FROZEN = "its injection chart is kept as it was charted. Add an addendum to the session to correct it."


@pytest.fixture(scope="module")
def admin(odoo_server):
    return RpcUser(odoo_server, "admin", "admin")


@pytest.fixture(scope="module")
def doctor(odoo_server):
    return RpcUser(odoo_server, "doctor", "doctor")


@pytest.fixture(scope="module")
def billing(odoo_server):
    return RpcUser(odoo_server, "billing", "billing")


@pytest.fixture(scope="module")
def chart(admin, doctor):
    """Dr. Tan's started Rejuran session for a new patient, the Rejuran vial charted in
    mL (2 mL a vial, as the demo sets it: a database upgraded from before the chart
    keeps its demo products as they were) and the chart's references."""
    ref = admin.ref
    vial = ref("halley_aesthetics.product_rejuran_vial_demo")
    ml = ref("halley_aesthetics.uom_millilitre")
    admin("product.product", "write", [vial], {"halley_charted": True, "halley_dose_uom_id": ml,
                                                "halley_dose_per_unit": 2.0})
    tag = uuid.uuid4().hex[:6]
    patient = admin("res.partner", "create", {"name": f"Chart Patient {tag}", "is_patient": True})
    session = admin(SESSION, "create", {
        "patient_id": patient,
        "protocol_id": ref("halley_aesthetics.bom_rejuran_demo"),
        "room_id": ref("halley_aesthetics.room_1_demo"),
        "practitioner_id": ref("halley_aesthetics.user_doctor_demo"),
        "scheduled_start": open_slot(after_held_sessions(admin), 120).strftime("%Y-%m-%d %H:%M:%S"),
    })
    signing = doctor("halley.consent.sign", "create", {
        "session_id": session, "signed_by_name": f"Chart Patient {tag}", "signature": drawn_signature_png(),
    })
    doctor("halley.consent.sign", "action_sign", [signing])
    answers = doctor("halley.session.screening", "search", [("session_id", "=", session)])
    doctor("halley.session.screening", "write", answers, {"answer": "no"})
    assert doctor(SESSION, "action_confirm", [session]) is True
    assert doctor(SESSION, "action_start", [session]) is True
    return {
        "tag": tag, "patient": patient, "session": session, "vial": vial,
        "forehead": ref("halley_aesthetics.chart_zone_forehead"),
        "chin": ref("halley_aesthetics.chart_zone_chin"),
        "ha_lot": ref("halley_aesthetics.lot_ha_a_demo"),
        "room": ref("halley_aesthetics.room_1_demo"),
    }


def _entry(chart, **vals):
    return {"session_id": chart["session"], "zone_id": chart["forehead"], "product_id": chart["vial"],
            "quantity": 0.4, "x": 100, "y": 50, "depth": "intradermal", "device": "needle", "gauge": "32g", **vals}


def _entries(admin, chart):
    return admin(ENTRY, "search_read", [("session_id", "=", chart["session"])],
                 ["zone_id", "quantity", "lot_id"], order="id")


def test_the_practitioner_charts_her_started_session(doctor, chart):
    entry = doctor(ENTRY, "create", _entry(chart))
    row = doctor(ENTRY, "read", [entry], ["session_id", "zone_id", "product_id", "lot_id", "quantity",
                                          "dose_uom_id", "depth"])[0]
    assert row["session_id"][0] == chart["session"]
    assert row["zone_id"][1] == "Forehead"
    assert row["quantity"] == 0.4 and row["dose_uom_id"][1] == "mL" and row["depth"] == "intradermal"
    # No lot named: the room's vial that expires first and is not held by other sessions
    # (what this session holds is its own chart's).
    held = {line["lot_id"][0]: line["quantity"] for line in doctor(
        "stock.move.line", "search_read", [("treatment_session_id", "=", chart["session"]),
                                           ("product_id", "=", chart["vial"])], ["lot_id", "quantity"])}
    quants = doctor("stock.quant", "search_read", [("location_id", "=", chart["room"]),
                                                   ("product_id", "=", chart["vial"])],
                    ["lot_id", "quantity", "reserved_quantity"])
    free = {q["lot_id"][0] for q in quants
            if q["quantity"] - q["reserved_quantity"] + held.get(q["lot_id"][0], 0) >= 1}
    first = min(doctor("stock.lot", "read", list(free), ["name", "expiration_date"]),
                key=lambda lot: lot["expiration_date"])
    assert row["lot_id"] == [first["id"], first["name"]]
    assert held == {first["id"]: 1.0}, "0.4 mL: one vial of that lot, held for the session"
    assert doctor(ENTRY, "write", [entry], {"quantity": 0.6}) is True
    assert doctor(ENTRY, "read", [entry], ["quantity"])[0]["quantity"] == 0.6
    session = doctor(SESSION, "read", [chart["session"]], ["state", "injection_ids"])[0]
    assert session["state"] == "in_progress" and session["injection_ids"] == [entry]


def test_billing_has_no_access_to_the_chart(admin, billing, chart):
    entries = [row["id"] for row in _entries(admin, chart)]
    assert entries, "the practitioner charted the session"
    billing.refused(NO_ACCESS.format(operation="access"), ENTRY, "search", [])
    billing.refused(NO_ACCESS.format(operation="access"), ENTRY, "search_count", [("session_id", "=", chart["session"])])
    billing.refused(NO_ACCESS.format(operation="access"), ENTRY, "read", entries, ["quantity"])
    billing.refused(NO_ACCESS.format(operation="access"), ENTRY, "read_group", [], ["quantity:sum"], ["zone_id"])
    billing.refused(NO_SESSION_WRITE, ENTRY, "create", _entry(chart))
    billing.refused(NO_ACCESS.format(operation="access"), ENTRY, "write", entries, {"quantity": 2.0})
    billing.refused(NO_ACCESS.format(operation="access"), ENTRY, "unlink", entries)
    # The session she reads (its patient, its invoice) shows no chart.
    billing.refused(NO_FIELD_ACCESS, SESSION, "read", [chart["session"]], ["injection_ids"])
    billing.refused(NO_FIELD_ACCESS, SESSION, "search_count", [("injection_ids", "!=", False)])
    everything = billing(SESSION, "read", [chart["session"]])[0]
    assert "patient_id" in everything and "injection_ids" not in everything
    assert _entries(admin, chart) == _entries(admin, chart) and len(_entries(admin, chart)) == len(entries)


def test_the_patient_and_an_employee_outside_the_clinic_have_no_access(odoo_server, admin, chart):
    login = f"chart_patient_{chart['tag']}"
    admin("res.users", "create", {"login": login, "password": login, "partner_id": chart["patient"],
                                  "groups_id": [(6, 0, [admin.ref("base.group_portal")])]})
    patient = RpcUser(odoo_server, login, login)
    # Her own session on the portal, without its chart.
    assert patient(SESSION, "read", [chart["session"]], ["state"])[0]["state"] == "in_progress"
    patient.refused(NO_FIELD_ACCESS, SESSION, "read", [chart["session"]], ["injection_ids"])
    employee_login = f"chart_employee_{chart['tag']}"
    admin("res.users", "create", {"name": f"Chart Employee {chart['tag']}", "login": employee_login,
                                  "password": employee_login, "groups_id": [(6, 0, [admin.ref("base.group_user")])]})
    employee = RpcUser(odoo_server, employee_login, employee_login)
    entries = [row["id"] for row in _entries(admin, chart)]
    before = _entries(admin, chart)
    for rpc in (patient, employee):
        rpc.refused(NO_ACCESS.format(operation="access"), ENTRY, "search", [("session_id", "=", chart["session"])])
        rpc.refused(NO_ACCESS.format(operation="access"), ENTRY, "read", entries, ["quantity", "zone_id"])
        rpc.refused(NO_ACCESS.format(operation="access"), ENTRY, "read_group", [], ["quantity:sum"], ["zone_id"])
        rpc.refused(NO_SESSION_WRITE, ENTRY, "create", _entry(chart))
        rpc.refused(NO_ACCESS.format(operation="access"), ENTRY, "write", entries, {"quantity": 2.0})
        rpc.refused(NO_ACCESS.format(operation="access"), ENTRY, "unlink", entries)
    assert _entries(admin, chart) == before


def test_another_clinics_session_or_another_products_lot_is_refused_in_words(admin, doctor, chart):
    before = _entries(admin, chart)
    fault = doctor.refused("is a lot of HA skin booster 1 ml syringe, not of Rejuran Healer 2 ml vial", ENTRY, "create",
                           _entry(chart, lot_id=chart["ha_lot"]))
    assert "choose a lot of Rejuran Healer 2 ml vial" in fault
    entry = before[0]["id"]
    doctor.refused("is a lot of HA skin booster 1 ml syringe", ENTRY, "write", [entry], {"lot_id": chart["ha_lot"]})
    # Another clinic's session (the demo's second company, the manager's too: its own room
    # and protocol).
    company = admin.ref("stock.res_company_1")
    context = {"allowed_company_ids": [company]}
    warehouse = admin("stock.warehouse", "search_read", [("company_id", "=", company)], ["lot_stock_id"],
                      context=context)[0]
    room = admin("stock.location", "create", {"name": f"Chart Room {chart['tag']}", "is_treatment_room": True,
                                              "location_id": warehouse["lot_stock_id"][0], "company_id": company},
                 context=context)
    template = admin("product.product", "read", [admin.ref("halley_aesthetics.product_treatment_rejuran_demo")],
                     ["product_tmpl_id"])[0]["product_tmpl_id"][0]
    protocol = admin("mrp.bom", "create", {
        "product_tmpl_id": template, "type": "phantom", "is_treatment_protocol": True, "company_id": company,
        "bom_line_ids": [(0, 0, {"product_id": chart["vial"], "product_qty": 1})],
    }, context=context)
    other = admin(SESSION, "create", {"patient_id": chart["patient"], "protocol_id": protocol, "room_id": room,
                                      "company_id": company}, context=context)
    fault = doctor.refused("Looks like you have stumbled upon some top-secret records.", ENTRY, "create",
                           _entry(chart, session_id=other))
    assert "Sorry, Dr. Rachel Tan" in fault and "doesn't have 'write' access to:\n- Treatment session" in fault, fault
    doctor.refused("stays in the chart of the session it was given in", ENTRY, "write", [entry], {"session_id": other})
    # The manager of both clinics, working in the other one, naming this clinic's lot.
    admin.refused(f"of Rejuran Healer 2 ml vial is not in Chart Room {chart['tag']}: chart a lot the room holds.", ENTRY, "create", _entry(chart, session_id=other, lot_id=before[0]["lot_id"][0]),
                  context={"allowed_company_ids": [company, admin.ref("base.main_company")]})
    assert not admin(ENTRY, "search", [("session_id", "=", other)], context=context)
    assert _entries(admin, chart) == before


def test_a_zone_in_use_is_archived_not_deleted(admin, doctor, chart):
    zone = admin("halley.chart.zone", "create", {"name": f"Temple {chart['tag']}", "code": f"temple_{chart['tag']}",
                                                 "diagram": "left", "shape": "60,60 90,60 90,90 60,90"})
    entry = doctor(ENTRY, "create", _entry(chart, zone_id=zone, quantity=0.2, x=75, y=75))
    for zone_id, name in ((zone, f"Temple {chart['tag']}"), (chart["forehead"], "Forehead")):
        admin.refused(f"The zone {name} is in injection charts: archive it instead (untick Active)",
                      "halley.chart.zone", "unlink", [zone_id])
        assert admin("halley.chart.zone", "read", [zone_id], ["active"])[0]["active"] is True
    assert admin("halley.chart.zone", "write", [zone], {"active": False}) is True
    assert admin("halley.chart.zone", "read", [zone], ["name", "active"])[0] == {
        "id": zone, "name": f"Temple {chart['tag']}", "active": False}
    # No longer offered; the chart that names it keeps it.
    assert zone not in doctor("halley.chart.zone", "search", [])
    assert doctor(ENTRY, "read", [entry], ["zone_id"])[0]["zone_id"] == [zone, f"Temple {chart['tag']}"]


def _in_room(rpc, chart, lot):
    quants = rpc("stock.quant", "search_read", [("location_id", "=", chart["room"]), ("lot_id", "=", lot)],
                 ["quantity"])
    return sum(q["quantity"] for q in quants)


def test_a_completed_sessions_chart_is_kept_as_charted(admin, doctor, chart):
    before = _entries(admin, chart)
    lot = before[0]["lot_id"][0]
    on_hand = _in_room(admin, chart, lot)
    assert doctor(SESSION, "action_done", [chart["session"]]) is True
    assert admin(SESSION, "read", [chart["session"]], ["state"])[0]["state"] == "done"
    # Done consumed the chart: 0.6 + 0.2 mL of the first lot, one 2 mL vial.
    used = admin("stock.move.line", "search_read", [("treatment_session_id", "=", chart["session"]),
                                                    ("product_id", "=", chart["vial"])], ["lot_id", "quantity"])
    assert [(row["lot_id"][0], row["quantity"]) for row in used] == [(lot, 1.0)]
    assert _in_room(admin, chart, lot) == on_hand - 1
    entry = before[0]["id"]
    for rpc in (doctor, admin):
        rpc.refused(FROZEN, ENTRY, "write", [entry], {"quantity": 1.0})
        rpc.refused(FROZEN, ENTRY, "unlink", [entry])
        rpc.refused(FROZEN, ENTRY, "create", _entry(chart, zone_id=chart["chin"]))
        rpc.refused("is Done: its record is kept as it was (Injection chart). Add an addendum to correct it.",
                    SESSION, "write", [chart["session"]], {"injection_ids": [(1, entry, {"quantity": 1.0})]})
    assert _entries(admin, chart) == before
    # Cancelled by the manager, the vial goes back to the room (the rest of the suite
    # finds the demo's patients only among those who received the lot); the chart stays.
    assert admin(SESSION, "action_cancel", [chart["session"]]) is True
    assert _in_room(admin, chart, lot) == on_hand
    doctor.refused(FROZEN, ENTRY, "write", [entry], {"quantity": 1.0})
    assert _entries(admin, chart) == before
