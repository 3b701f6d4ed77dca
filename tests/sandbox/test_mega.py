"""Multi-entity (MEGA) basics through the gateway: entity-level sessions, record ownership
and what each level sees."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from tests.sandbox.envelope import Caller, envelope, fn, login
from tests.sandbox.xmlbits import (
    column,
    create,
    delete,
    obj,
    query,
    read,
    read_by_name,
    read_by_query,
    row,
    update,
    vendor,
)

MakeCaller = Callable[..., Caller]


@pytest.fixture
def mega(sandbox: Sandbox) -> QuickstartCredentials:
    creds = sandbox.quickstart(mega=True)
    sandbox.admin.add_entity(creds.company_id, "E100", "East")
    sandbox.admin.add_entity(creds.company_id, "E200", "West")
    return creds


@pytest.fixture
def make_caller(sandbox: Sandbox, mega: QuickstartCredentials, http: httpx.Client) -> MakeCaller:
    def make(location_id: str | None = None, creds: QuickstartCredentials = mega) -> Caller:
        return Caller(http, sandbox.endpoint, creds, location_id=location_id)

    return make


@pytest.fixture
def top(make_caller: MakeCaller) -> Caller:
    return make_caller()


@pytest.fixture
def east(make_caller: MakeCaller) -> Caller:
    return make_caller("E100")


@pytest.fixture
def west(make_caller: MakeCaller) -> Caller:
    return make_caller("E200")


def _entity_error(location_id: str, user_id: str = "xt_api") -> tuple[str, str, str, str]:
    return (
        "XL03000006",
        "Sign-in information is incorrect",
        f"Invalid entity ID '{location_id}' for user '{user_id}': the entity does not exist or "
        "the user has no access to it.",
        "Check the entity ID, and the User entities tab of the Web Services user.",
    )


def _ids(caller: Caller, body: str, tag: str, field: str) -> list[str]:
    return column(caller.ok(body).data(), tag, field)


# --- sessions ------------------------------------------------------------------------------


def test_login_with_locationid_enters_the_entity(east: Caller) -> None:
    reply = east.ok("<getAPISession/>")
    assert reply.root.findtext("operation/authentication/locationid") == "E100"
    assert reply.data().findtext("api/locationid") == "E100"


def test_top_level_login_has_an_empty_locationid(top: Caller) -> None:
    reply = top.ok("<getAPISession/>")
    assert reply.root.findtext("operation/authentication/locationid") == ""
    assert reply.data().findtext("api/locationid") == ""


def test_get_api_session_with_locationid_gives_an_entity_session(
    sandbox: Sandbox, top: Caller, make_caller: MakeCaller
) -> None:
    api = top.ok("<getAPISession><locationid>E200</locationid></getAPISession>").data()
    assert api.findtext("api/locationid") == "E200"
    session_id = api.findtext("api/sessionid") or ""
    assert sandbox.backend.sessions[session_id].location_id == "E200"
    in_entity = make_caller()
    in_entity.session_id = session_id
    reply = in_entity.ok(create(vendor("V-W")))
    assert reply.root.findtext("operation/authentication/locationid") == "E200"
    record = in_entity.ok(read_by_name("VENDOR", "V-W", fields="MEGAENTITYID")).data()[0]
    assert record.findtext("MEGAENTITYID") == "E200"
    # An empty <locationid/> from the entity session goes back to the top level.
    back = in_entity.ok("<getAPISession><locationid/></getAPISession>").data()
    assert back.findtext("api/locationid") == ""
    assert sandbox.backend.sessions[back.findtext("api/sessionid") or ""].location_id == ""


def test_unknown_entity_in_login_is_refused(make_caller: MakeCaller) -> None:
    reply = make_caller("E999").call("<getAPISession/>")
    assert reply.control_status == "success"
    assert reply.auth_status == "failure"
    assert reply.results == []
    assert reply.auth_errors == [_entity_error("E999")]


def test_unknown_entity_in_get_api_session_is_refused(top: Caller) -> None:
    reply = top.call("<getAPISession><locationid>E999</locationid></getAPISession>")
    assert reply.result().findtext("status") == "failure"
    assert reply.errors() == [_entity_error("E999")]


def test_locationid_in_a_single_entity_company_is_refused(caller: Caller) -> None:
    caller.location_id = "E100"
    assert caller.call("<getAPISession/>").auth_errors == [_entity_error("E100")]


def test_user_without_top_level_access(
    sandbox: Sandbox, mega: QuickstartCredentials, make_caller: MakeCaller
) -> None:
    sandbox.admin.add_user(
        mega.company_id, "east_only", "pw-east", top_level_access=False, entity_access=["E100"]
    )
    creds = QuickstartCredentials(user_id="east_only", user_password="pw-east")
    reply = make_caller(creds=creds).call("<getAPISession/>")
    assert reply.auth_errors == [
        (
            "XL03000006",
            "Sign-in information is incorrect",
            "The user 'east_only' does not have access to the top level of this company.",
            "Grant top-level access on the User entities tab of the Web Services user.",
        )
    ]
    east_only = make_caller("E100", creds=creds)
    east_only.ok("<getAPISession/>")
    assert make_caller("E200", creds=creds).call("<getAPISession/>").auth_errors == [
        _entity_error("E200", "east_only")
    ]
    # From an entity session it cannot climb to the top level either.
    reply = east_only.call("<getAPISession><locationid/></getAPISession>")
    assert reply.errors()[0][2] == (
        "The user 'east_only' does not have access to the top level of this company."
    )


def test_user_limited_to_entities_but_with_top_level_access(
    sandbox: Sandbox, mega: QuickstartCredentials, make_caller: MakeCaller
) -> None:
    sandbox.admin.add_user(mega.company_id, "lead", "pw-lead", entity_access=["E200"])
    creds = QuickstartCredentials(user_id="lead", user_password="pw-lead")
    make_caller(creds=creds).ok("<getAPISession/>")
    make_caller("E200", creds=creds).ok("<getAPISession/>")
    assert make_caller("E100", creds=creds).call("<getAPISession/>").auth_errors == [
        _entity_error("E100", "lead")
    ]


# --- ownership ------------------------------------------------------------------------------


def test_entity_session_creates_carry_the_entity(east: Caller, top: Caller) -> None:
    recordno = east.ok(create(vendor("V-E"))).data()[0].findtext("RECORDNO") or ""
    record = top.ok(read("VENDOR", recordno)).data()[0]
    assert row(record)["MEGAENTITYID"] == "E100"
    assert record.findtext("MEGAENTITYNAME") == "East"
    entity_no = top.ok(read_by_name("LOCATIONENTITY", "E100", fields="RECORDNO")).data()[0]
    assert record.findtext("MEGAENTITYKEY") == entity_no.findtext("RECORDNO")
    top_no = top.ok(create(vendor("V-T"))).data()[0].findtext("RECORDNO") or ""
    top_record = top.ok(read("VENDOR", top_no)).data()[0]
    assert (top_record.findtext("MEGAENTITYID"), top_record.findtext("MEGAENTITYNAME")) == ("", "")


def test_the_display_contact_belongs_to_the_entity_too(east: Caller, west: Caller) -> None:
    east.ok(create(vendor("V-E", "Eastern")))
    contact = east.ok(read_by_name("CONTACT", "Eastern(VV-E)", fields="MEGAENTITYID")).data()
    assert contact[0].findtext("MEGAENTITYID") == "E100"
    assert west.ok(read_by_name("CONTACT", "Eastern(VV-E)")).data().get("count") == "0"


def test_an_update_at_the_top_level_keeps_the_owner(east: Caller, top: Caller) -> None:
    east.ok(create(vendor("V-E")))
    top.ok(update(obj("VENDOR", VENDORID="V-E", NAME="Renamed")))
    record = east.ok(read_by_name("VENDOR", "V-E", fields="NAME,MEGAENTITYID")).data()[0]
    assert row(record) == {"NAME": "Renamed", "MEGAENTITYID": "E100"}


# --- visibility -----------------------------------------------------------------------------


@pytest.fixture
def three_vendors(top: Caller, east: Caller, west: Caller) -> dict[str, str]:
    """V-TOP (shared), V-EAST (E100) and V-WEST (E200); returns their RECORDNOs."""
    numbers = {}
    for caller, vid in ((top, "V-TOP"), (east, "V-EAST"), (west, "V-WEST")):
        numbers[vid] = caller.ok(create(vendor(vid))).data()[0].findtext("RECORDNO") or ""
    return numbers


def test_entity_sessions_do_not_see_other_entities_records(
    east: Caller, three_vendors: dict[str, str]
) -> None:
    west_no = three_vendors["V-WEST"]
    assert east.ok(read("VENDOR", west_no)).data().get("count") == "0"
    assert east.ok(read_by_name("VENDOR", "V-WEST")).data().get("count") == "0"
    assert _ids(east, read_by_query("VENDOR", fields="VENDORID"), "vendor", "VENDORID") == [
        "V-TOP",
        "V-EAST",
    ]
    assert _ids(east, query("VENDOR", "VENDORID"), "VENDOR", "VENDORID") == ["V-TOP", "V-EAST"]
    reply = east.call(update(obj("VENDOR", VENDORID="V-WEST", NAME="Hijack")))
    assert reply.errors() == [
        ("BL01001973", "", "Cannot update non-existing VENDOR with VENDORID=V-WEST.", "")
    ]
    reply = east.call(update(obj("VENDOR", RECORDNO=west_no, NAME="Hijack")))
    assert reply.errors()[0][2] == f"Cannot update non-existing VENDOR with RECORDNO={west_no}."
    reply = east.call(delete("VENDOR", west_no))
    assert reply.errors() == [
        ("BL01001973", "", f"Cannot find vendor with key '{west_no}' to delete.", "")
    ]
    reply = east.call('<delete_vendor vendorid="V-WEST"/>')
    assert reply.errors() == [
        ("BL01001973", "", "Cannot find vendor with key 'V-WEST' to delete.", "")
    ]


def test_entity_sessions_see_and_use_shared_top_level_records(
    east: Caller, three_vendors: dict[str, str]
) -> None:
    assert east.ok(read("VENDOR", three_vendors["V-TOP"])).data().get("count") == "1"
    east.ok(create(vendor("V-E2", PARENTID="V-TOP")))


def test_entity_sessions_cannot_reference_other_entities_records(
    east: Caller, three_vendors: dict[str, str]
) -> None:
    reply = east.call(create(vendor("V-E2", PARENTID="V-WEST")))
    assert reply.errors()[0][2] == "Invalid Vendor 'V-WEST' specified."


def test_ids_are_unique_across_the_company(east: Caller, west: Caller) -> None:
    east.ok(create(vendor("V-SAME")))
    reply = west.call(create(vendor("V-SAME")))
    assert reply.errors()[0][:3] == (
        "BL34000061",
        "",
        "Another Vendor with the given value(s) V-SAME  already exists",
    )


def test_top_level_reads_see_every_entity(top: Caller, three_vendors: dict[str, str]) -> None:
    assert top.ok(read("VENDOR", three_vendors["V-WEST"])).data().get("count") == "1"
    assert top.ok(read_by_name("VENDOR", "V-EAST,V-WEST")).data().get("count") == "2"
    # readByQuery has no showprivate option in the schema and lists every entity's records.
    assert _ids(top, read_by_query("VENDOR", fields="VENDORID"), "vendor", "VENDORID") == [
        "V-TOP",
        "V-EAST",
        "V-WEST",
    ]


def test_top_level_query_hides_entity_records_unless_showprivate(
    top: Caller, three_vendors: dict[str, str]
) -> None:
    assert _ids(top, query("VENDOR", "VENDORID"), "VENDOR", "VENDORID") == ["V-TOP"]
    body = query("VENDOR", "VENDORID", "MEGAENTITYID", options="<showprivate>true</showprivate>")
    data = top.ok(body).data()
    assert [row(item) for item in data] == [
        {"VENDORID": "V-TOP", "MEGAENTITYID": ""},
        {"VENDORID": "V-EAST", "MEGAENTITYID": "E100"},
        {"VENDORID": "V-WEST", "MEGAENTITYID": "E200"},
    ]
    flt = "<equalto><field>MEGAENTITYID</field><value>E200</value></equalto>"
    body = query("VENDOR", "VENDORID", filter=flt, options="<showprivate>true</showprivate>")
    assert _ids(top, body, "VENDOR", "VENDORID") == ["V-WEST"]


def test_showprivate_does_not_widen_an_entity_session(
    east: Caller, three_vendors: dict[str, str]
) -> None:
    body = query("VENDOR", "VENDORID", options="<showprivate>true</showprivate>")
    assert _ids(east, body, "VENDOR", "VENDORID") == ["V-TOP", "V-EAST"]


def test_a_result_id_belongs_to_the_level_that_opened_it(
    sandbox: Sandbox, top: Caller, west: Caller, three_vendors: dict[str, str]
) -> None:
    result_id = top.ok(read_by_query("VENDOR", pagesize=1)).data().get("resultId")
    reply = west.call(f"<readMore><resultId>{result_id}</resultId></readMore>")
    assert reply.errors()[0][:3] == (
        "readMore failed",
        "",
        f"Attempt to readMore with an invalid or expired resultId: {result_id}",
    )


def test_entities_are_readable_as_locationentity(top: Caller, east: Caller) -> None:
    body = read_by_query("LOCATIONENTITY", "STATUS = 'T'", fields="LOCATIONID,NAME")
    rows = top.ok(body).data()
    assert [row(item) for item in rows] == [
        {"LOCATIONID": "E100", "NAME": "East"},
        {"LOCATIONID": "E200", "NAME": "West"},
    ]
    assert east.ok(read_by_name("LOCATIONENTITY", "E200")).data().get("count") == "1"
    # Each entity is also a location.
    assert top.ok(read_by_name("LOCATION", "E100,E200")).data().get("count") == "2"


def test_an_entitys_location_cannot_be_deleted(top: Caller) -> None:
    location = top.ok(read_by_name("LOCATION", "E100", fields="RECORDNO")).data()[0]
    reply = top.call(delete("LOCATION", location.findtext("RECORDNO") or ""))
    assert reply.errors()[0][2] == (
        "Location 'E100' cannot be deleted because Entity E100 refers to it."
    )
    top.ok(create(obj("LOCATION", LOCATIONID="L1", NAME="Yard")))
    plain = top.ok(read_by_name("LOCATION", "L1", fields="RECORDNO")).data()[0]
    top.ok(delete("LOCATION", plain.findtext("RECORDNO") or ""))


def test_entities_cannot_be_created_through_the_api(top: Caller) -> None:
    reply = top.call(create(obj("LOCATIONENTITY", LOCATIONID="E300", NAME="North")))
    assert reply.errors()[0][2] == (
        "The LOCATIONENTITY object cannot be created with the generic create function."
    )


def test_project_needs_a_location_in_a_mega_company(
    sandbox: Sandbox, mega: QuickstartCredentials, top: Caller
) -> None:
    sandbox.admin.set_modules(mega.company_id, ["gl", "projects"])
    reply = top.call(
        create(obj("PROJECT", PROJECTID="P1", NAME="Line", PROJECTCATEGORY="Contract"))
    )
    assert reply.errors()[0][2] == "Required field LOCATIONID (Location) is missing."
    top.ok(
        create(
            obj(
                "PROJECT",
                PROJECTID="P1",
                NAME="Line",
                PROJECTCATEGORY="Contract",
                LOCATIONID="E100",
            )
        )
    )


def test_raw_login_with_locationid_element(
    sandbox: Sandbox, mega: QuickstartCredentials, http: httpx.Client
) -> None:
    """The login block as the SDKs write it: locationid after password."""
    body = envelope(
        fn("<getAPISession/>"),
        sender_id=mega.sender_id,
        sender_password=mega.sender_password,
        authentication=login(mega.user_id, mega.company_id, mega.user_password, "E200"),
    )
    response = http.post(sandbox.endpoint, content=body)
    assert b"<locationid>E200</locationid>" in response.content
