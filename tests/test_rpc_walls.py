"""The patient over XML-RPC, as an outside program would be (issue 20): she reads
her own session and writes nothing in its chatter; billing reads no message of
hers there."""

import uuid

import pytest

from .conftest import RpcUser

NO_POST = "Only the clinic's staff write in a treatment session's notes"


@pytest.fixture(scope="module")
def admin(odoo_server):
    return RpcUser(odoo_server, "admin", "admin")


@pytest.fixture(scope="module")
def grace(odoo_server, admin):
    """Grace Lim, invited to the patient portal."""
    login = f"walls_grace_{uuid.uuid4().hex[:6]}"
    admin("res.users", "create", {
        "login": login, "password": login, "partner_id": admin.ref("halley_aesthetics.patient_grace_demo"),
        "groups_id": [(6, 0, [admin.ref("base.group_portal")])],
    })
    return RpcUser(odoo_server, login, login)


def _messages(admin, session):
    return admin("mail.message", "search", [("model", "=", "halley.treatment.session"), ("res_id", "=", session)])


def test_the_patient_posts_nothing_in_her_sessions_chatter(admin, grace):
    session = admin.ref("halley_aesthetics.session_grace_2_demo")
    assert grace("halley.treatment.session", "read", [session], ["name"])[0]["name"]  # her own session
    before = _messages(admin, session)
    grace.refused(NO_POST, "halley.treatment.session", "message_post", [session], body="I will be late")
    grace.refused(NO_POST, "halley.treatment.session", "message_post", [session], body="Note",
                  subtype_xmlid="mail.mt_note", message_type="comment")
    grace.refused("The requested operation cannot be completed due to security restrictions", "mail.message", "create",
                  {"model": "halley.treatment.session", "res_id": session, "body": "Hello",
                   "message_type": "comment"})
    assert _messages(admin, session) == before
    billing = RpcUser(admin.server, "billing", "billing")
    authors = billing("mail.message", "read", before, ["author_id"]) if before else []
    grace_partner = admin.ref("halley_aesthetics.patient_grace_demo")
    assert not [m for m in authors if m["author_id"] and m["author_id"][0] == grace_partner]
