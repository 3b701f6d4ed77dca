"""Platform custom objects: defined by an administrator, used through the XML gateway.

What an integration's audit trail object needs: a definition per company (typed fields,
required ones), records created, read, found by name, queried, updated by ``id`` and
deleted with the generic functions, values checked on every write, and Smart Events.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from lxml import etree

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.admin import AdminConflict, AdminError, AdminNotFound
from tests.sandbox.envelope import Caller

AUDIT_FIELDS: list[dict[str, Any]] = [
    {"name": "tenant", "type": "text", "length": 20, "required": True, "label": "DMO tenant"},
    {"name": "version", "type": "number"},
    {"name": "amount", "type": "decimal"},
    {"name": "checked_on", "type": "date"},
    {"name": "active", "type": "boolean"},
    {"name": "state", "type": "picklist", "values": ["ok", "mismatch"], "required": True},
]


@pytest.fixture
def audit(sandbox: Sandbox, creds: QuickstartCredentials) -> str:
    sandbox.admin.define_custom_object(
        creds.company_id, "sage_dmo_audit_trail", "Sage DMO audit trail", AUDIT_FIELDS
    )
    return "sage_dmo_audit_trail"


def _entry(name: str, tenant: str = "acme-prod", state: str = "ok", **extra: str) -> str:
    fields = "".join(f"<{key}>{value}</{key}>" for key, value in extra.items())
    return (
        f"<sage_dmo_audit_trail><name>{name}</name><tenant>{tenant}</tenant>"
        f"<state>{state}</state>{fields}</sage_dmo_audit_trail>"
    )


def _create(caller: Caller, *entries: str) -> list[etree._Element]:
    data = caller.ok(f"<create>{''.join(entries)}</create>").data()
    return list(data)


def _problem(caller: Caller, body: str) -> str:
    reply = caller.call(body)
    result = reply.result()
    assert result.findtext("status") == "failure", etree.tostring(result).decode()
    return " | ".join(f"{e[2]} {e[3]}".strip() for e in reply.errors())


def _names(caller: Caller) -> list[str]:
    data = caller.ok(
        "<readByQuery><object>sage_dmo_audit_trail</object><fields>name</fields>"
        "<query></query></readByQuery>"
    ).data()
    return [row.findtext("name") or "" for row in data]


# --- the generic functions -----------------------------------------------------------------


def test_create_then_read_with_lower_case_fields_and_id(audit: str, caller: Caller) -> None:
    (made,) = _create(
        caller,
        _entry("acme", version="3", amount="12.50", checked_on="2025-03-31", active="true"),
    )
    assert made.tag == "sage_dmo_audit_trail"
    assert [child.tag for child in made] == ["RECORDNO", "name"]
    recordno = made.findtext("RECORDNO")
    assert made.findtext("name") == "acme"

    data = caller.ok(
        f"<read><object>SAGE_DMO_AUDIT_TRAIL</object><keys>{recordno}</keys>"
        "<fields>*</fields></read>"
    ).data()
    (row,) = data
    assert row.tag == "SAGE_DMO_AUDIT_TRAIL"
    values = {child.tag: child.text or "" for child in row}
    assert values["RECORDNO"] == values["id"] == recordno
    assert {
        key: values[key]
        for key in ("name", "tenant", "version", "amount", "checked_on", "active", "state")
    } == {
        "name": "acme",
        "tenant": "acme-prod",
        "version": "3",
        "amount": "12.50",
        "checked_on": "03/31/2025",
        "active": "true",
        "state": "ok",
    }
    # user and Platform fields in lower case; the system fields as on every object
    assert {"WHENCREATED", "WHENMODIFIED", "CREATEDBY", "MODIFIEDBY", "RECORD_URL"} <= set(values)
    assert "cstm_object.phtml" in values["RECORD_URL"]


def test_defaults_and_read_by_name(audit: str, caller: Caller) -> None:
    _create(caller, _entry("acme"), _entry("globex", tenant="globex-prod"))
    data = caller.ok(
        "<readByName><object>sage_dmo_audit_trail</object><keys>globex,nobody</keys>"
        "<fields>id,name,tenant,active</fields></readByName>"
    ).data()
    (row,) = data
    assert [child.tag for child in row] == ["id", "name", "tenant", "active"]
    assert row.findtext("tenant") == "globex-prod"
    assert row.findtext("active") == "false"  # a checkbox defaults to false


def test_read_by_query_and_query(audit: str, caller: Caller) -> None:
    _create(
        caller,
        _entry("a", version="1", state="ok"),
        _entry("b", version="5", state="mismatch"),
        _entry("c", version="9", state="mismatch"),
    )
    rows = caller.ok(
        "<readByQuery><object>sage_dmo_audit_trail</object><fields>name,version</fields>"
        "<query>state = 'mismatch' AND version &gt; 6</query></readByQuery>"
    ).data()
    assert rows.get("totalcount") == "1"
    assert [(r.findtext("name"), r.findtext("version")) for r in rows] == [("c", "9")]

    data = caller.ok(
        "<query><object>sage_dmo_audit_trail</object>"
        "<select><field>id</field><field>name</field><field>state</field></select>"
        "<filter><greaterthanorequalto><field>version</field><value>5</value>"
        "</greaterthanorequalto></filter>"
        "<orderby><order><field>name</field><descending/></order></orderby></query>"
    ).data()
    assert [(r.findtext("name"), r.findtext("state")) for r in data] == [
        ("c", "mismatch"),
        ("b", "mismatch"),
    ]
    assert all(r.findtext("id") for r in data)
    counted = caller.ok(
        "<query><object>sage_dmo_audit_trail</object><select><count>id</count></select>"
        "<filter><equalto><field>state</field><value>mismatch</value></equalto></filter>"
        "</query>"
    ).data()
    assert counted[0][0].text == "2"


def test_update_by_id_and_by_recordno(audit: str, caller: Caller) -> None:
    (made,) = _create(caller, _entry("acme", version="1"))
    number = made.findtext("RECORDNO")
    updated = caller.ok(
        f"<update><sage_dmo_audit_trail><id>{number}</id><version>2</version>"
        "<state>mismatch</state></sage_dmo_audit_trail></update>"
    ).data()
    assert updated[0].findtext("RECORDNO") == number
    caller.ok(
        f"<update><sage_dmo_audit_trail><RECORDNO>{number}</RECORDNO><amount>1.5</amount>"
        "</sage_dmo_audit_trail></update>"
    )
    row = caller.ok(
        "<readByName><object>sage_dmo_audit_trail</object><keys>acme</keys></readByName>"
    ).data()[0]
    # omitted fields keep their values
    assert (row.findtext("tenant"), row.findtext("version"), row.findtext("state")) == (
        "acme-prod",
        "2",
        "mismatch",
    )
    assert row.findtext("amount") == "1.5"
    assert row.findtext("id") == number

    assert "needs its key: RECORDNO or ID" in _problem(
        caller, "<update><sage_dmo_audit_trail><version>3</version></sage_dmo_audit_trail></update>"
    )
    assert "Cannot update non-existing SAGE_DMO_AUDIT_TRAIL with RECORDNO=999" in _problem(
        caller,
        "<update><sage_dmo_audit_trail><id>999</id><version>3</version>"
        "</sage_dmo_audit_trail></update>",
    )
    assert "NAME of Sage DMO audit trail 'acme' cannot be changed" in _problem(
        caller,
        f"<update><sage_dmo_audit_trail><id>{number}</id><name>renamed</name>"
        "</sage_dmo_audit_trail></update>",
    )


def test_delete_by_id_keys(audit: str, caller: Caller) -> None:
    made = _create(caller, _entry("a"), _entry("b"), _entry("c"))
    numbers = [row.findtext("RECORDNO") for row in made]
    caller.ok(
        f"<delete><object>sage_dmo_audit_trail</object><keys>{numbers[0]},{numbers[2]}</keys>"
        "</delete>"
    )
    assert _names(caller) == ["b"]
    assert "Cannot find sage dmo audit trail with key '4711' to delete." in _problem(
        caller, "<delete><object>sage_dmo_audit_trail</object><keys>4711</keys></delete>"
    )


def test_inspect_and_lookup(audit: str, caller: Caller) -> None:
    listed = caller.ok("<inspect><object>*</object></inspect>").data()
    names = {item.get("typename"): item.text for item in listed}
    assert names["SAGE_DMO_AUDIT_TRAIL"] == "Sage DMO audit trail"
    assert "GLACCOUNT" in names

    detail = caller.ok('<inspect detail="1"><object>sage_dmo_audit_trail</object></inspect>').data()
    fields = {f.findtext("Name"): f for f in detail.iter("Field")}
    assert fields["TENANT"].findtext("isRequired") == "true"
    assert fields["TENANT"].findtext("maxLength") == "20"
    assert fields["TENANT"].findtext("DisplayLabel") == "DMO tenant"
    assert fields["VERSION"].findtext("externalDataName") == "integer"
    assert fields["AMOUNT"].findtext("externalDataName") == "decimal"
    assert fields["CHECKED_ON"].findtext("externalDataName") == "date"
    assert fields["ACTIVE"].findtext("externalDataName") == "boolean"
    assert [v.text for v in fields["STATE"].iter("value")] == ["ok", "mismatch"]
    assert fields["ID"].findtext("isReadOnly") == "true"
    assert fields["NAME"].findtext("isRequired") == "true"

    lookup = caller.ok("<lookup><object>sage_dmo_audit_trail</object></lookup>").data()
    ids = [f.findtext("ID") for f in lookup.iter("Field")]
    assert ids[:3] == ["RECORDNO", "ID", "NAME"]
    assert {"TENANT", "VERSION", "AMOUNT", "CHECKED_ON", "ACTIVE", "STATE"} <= set(ids)


# --- values are checked ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"version": "three"}, "'three' is not a valid number for VERSION."),
        ({"version": "1.5"}, "'1.5' is not a whole number for VERSION."),
        ({"amount": "lots"}, "'lots' is not a valid number for AMOUNT."),
        ({"checked_on": "31/31/2025"}, "'31/31/2025' is not a valid date. Use the format"),
        ({"active": "maybe"}, "'maybe' is not a valid value for ACTIVE. Use true or false."),
        ({"state": "lost"}, "'lost' is not a valid value for STATE. Valid values: ok, mismatch."),
        ({"colour": "blue"}, "The field 'COLOUR' does not exist on the SAGE_DMO_AUDIT_TRAIL"),
    ],
)
def test_wrong_values_are_refused_clearly(
    audit: str, caller: Caller, extra: dict[str, str], needle: str
) -> None:
    problem = _problem(caller, f"<create>{_entry('x', **extra)}</create>")
    assert needle in problem
    assert _names(caller) == []


def test_required_fields_length_and_duplicates(audit: str, caller: Caller) -> None:
    assert "Required field TENANT (DMO tenant) is missing." in _problem(
        caller,
        "<create><sage_dmo_audit_trail><name>x</name><state>ok</state>"
        "</sage_dmo_audit_trail></create>",
    )
    assert "Required field STATE (State) is missing." in _problem(
        caller,
        "<create><sage_dmo_audit_trail><name>x</name><tenant>t</tenant>"
        "</sage_dmo_audit_trail></create>",
    )
    assert "Required field NAME (Name) is missing." in _problem(
        caller,
        "<create><sage_dmo_audit_trail><tenant>t</tenant><state>ok</state>"
        "</sage_dmo_audit_trail></create>",
    )
    assert "The value for TENANT is 21 characters long; the maximum is 20." in _problem(
        caller, f"<create>{_entry('x', tenant='t' * 21)}</create>"
    )
    _create(caller, _entry("acme"))
    reply = caller.call(f"<create>{_entry('acme')}</create>")
    errors = reply.errors()
    assert errors[0][0] == "BL34000061"
    assert "Another Sage DMO audit trail with the given value(s) acme" in errors[0][2]
    # a required field cannot be blanked by an update either
    number = _create(caller, _entry("globex"))[0].findtext("RECORDNO")
    assert "Required field TENANT (DMO tenant) is missing." in _problem(
        caller,
        f"<update><sage_dmo_audit_trail><id>{number}</id><tenant></tenant>"
        "</sage_dmo_audit_trail></update>",
    )


def test_a_create_of_several_is_all_or_nothing(audit: str, caller: Caller) -> None:
    problem = _problem(
        caller, f"<create>{_entry('one')}{_entry('two', version='NaN-ish')}</create>"
    )
    assert "not a valid number for VERSION" in problem
    assert _names(caller) == []


# --- definitions -----------------------------------------------------------------------------


def test_objects_are_per_company(
    sandbox: Sandbox, creds: QuickstartCredentials, audit: str, caller: Caller
) -> None:
    other = QuickstartCredentials(creds.sender_id, creds.sender_password, "OTHER", "u2", "pw2")
    sandbox.admin.create_company("OTHER")
    sandbox.admin.add_user("OTHER", "u2", "pw2")
    sandbox.admin.authorize_sender("OTHER", creds.sender_id)
    elsewhere = Caller(caller.http, sandbox.endpoint, other)
    reply = elsewhere.call(
        "<readByQuery><object>sage_dmo_audit_trail</object><query></query></readByQuery>"
    )
    assert reply.errors()[0][:3] == (
        "Query Failed",
        "",
        "Object definition SAGE_DMO_AUDIT_TRAIL not found",
    )


def test_user_defined_dimensions_keep_working_next_to_custom_objects(
    sandbox: Sandbox, creds: QuickstartCredentials, audit: str, caller: Caller
) -> None:
    sandbox.admin.add_dimension(creds.company_id, "REGION", "Region")
    caller.ok("<create><REGION><id>N</id><name>North</name></REGION></create>")
    _create(caller, _entry("acme"))
    dimensions = caller.ok("<getDimensions/>").data()
    user_defined = [
        d.findtext("objectName")
        for d in dimensions.iter("dimension")
        if d.findtext("userDefinedDimension") == "true"
    ]
    assert user_defined == ["REGION"]  # a custom object is not a dimension
    region = caller.ok(
        "<readByName><object>REGION</object><keys>N</keys><fields>id,name</fields></readByName>"
    ).data()[0]
    assert (region.findtext("id"), region.findtext("name")) == ("N", "North")
    with pytest.raises(AdminConflict, match="already a custom object"):
        sandbox.admin.add_dimension(creds.company_id, "sage_dmo_audit_trail", "Audit")
    with pytest.raises(AdminConflict, match="already the user-defined dimension REGION"):
        sandbox.admin.define_custom_object(creds.company_id, "region", "Region again")


@pytest.mark.parametrize(
    ("name", "fields", "needle"),
    [
        ("9lives", [], "not a valid integration name"),
        ("audit trail", [], "not a valid integration name"),
        ("vendor", [], "already the standard object VENDOR"),
        ("x" * 61, [], "longer than 60 characters"),
        ("audit", [{"name": "id", "type": "text"}], "'id' is a system field"),
        ("audit", [{"name": "WhenCreated"}], "'whencreated' is a system field"),
        ("audit", [{"name": "a"}, {"name": "A"}], "Field 'a' is defined twice"),
        ("audit", [{"name": "a", "type": "currency"}], "type must be one of text, number"),
        ("audit", [{"name": "a", "type": "picklist"}], "a picklist needs at least one value"),
        (
            "audit",
            [{"name": "a", "type": "picklist", "values": ["x", "X"]}],
            "the picklist value 'X' appears twice",
        ),
        ("audit", [{"name": "a", "type": "date", "length": 5}], "only text fields have a length"),
        ("audit", [{"name": "a", "type": "text", "length": 0}], "length must be from 1 to 4000"),
        ("audit", [{"name": "a", "values": ["x"]}], "only picklist fields have values"),
        ("audit", [{"name": "a", "required": "yes"}], "required must be true or false"),
        ("audit", [{"name": "a", "colour": "red"}], "unknown attribute(s) colour"),
        ("audit", [{"type": "text"}], "'None' is not a valid field name"),
        ("audit", [{"name": f"f{n}"} for n in range(101)], "at most 100 fields"),
    ],
)
def test_bad_definitions_are_refused(
    sandbox: Sandbox,
    creds: QuickstartCredentials,
    name: str,
    fields: list[dict[str, Any]],
    needle: str,
) -> None:
    with pytest.raises(AdminError) as caught:
        sandbox.admin.define_custom_object(creds.company_id, name, "Label", fields)
    assert needle in str(caught.value)
    assert sandbox.admin.company(creds.company_id).custom_objects == {}


def test_definition_conflicts_and_unknown_company(
    sandbox: Sandbox, creds: QuickstartCredentials, audit: str
) -> None:
    with pytest.raises(AdminConflict, match="already the custom object sage_dmo_audit_trail"):
        sandbox.admin.define_custom_object(creds.company_id, "SAGE_DMO_AUDIT_TRAIL", "Again")
    with pytest.raises(AdminNotFound, match="Company 'NOPE' does not exist"):
        sandbox.admin.define_custom_object("NOPE", "audit", "Audit")
    with pytest.raises(AdminError, match="label of a custom object cannot be empty"):
        sandbox.admin.define_custom_object(creds.company_id, "audit", "  ")


def test_admin_seed_and_records_use_the_same_rules(
    sandbox: Sandbox, creds: QuickstartCredentials, audit: str, caller: Caller
) -> None:
    made = sandbox.admin.seed(
        creds.company_id, audit, [{"name": "acme", "tenant": "acme-prod", "state": "OK"}]
    )
    assert made[0].values["STATE"] == "ok"
    assert made[0].values["ID"] == str(made[0].recordno)
    with pytest.raises(AdminError, match="'nope' is not a valid value for STATE"):
        sandbox.admin.seed(creds.company_id, audit, [{"name": "b", "tenant": "t", "state": "nope"}])
    assert _names(caller) == ["acme"]
    (listed,) = sandbox.admin.custom_objects(creds.company_id)
    assert listed["name"] == "sage_dmo_audit_trail"
    assert listed["records"] == 1
    assert [f["name"] for f in listed["fields"]] == [f["name"] for f in AUDIT_FIELDS]


# --- the admin HTTP API ------------------------------------------------------------------------


def _api(sandbox: Sandbox, method: str, path: str, **kw: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=sandbox.asgi_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            return await client.request(method, f"/sandbox/admin{path}", **kw)

    return asyncio.run(go())


def test_admin_api_defines_and_lists_custom_objects(
    sandbox: Sandbox, creds: QuickstartCredentials, caller: Caller
) -> None:
    body = {
        "name": "bridge_audit",
        "label": "Bridge audit",
        "fields": [
            {"name": "tenant", "type": "text", "length": 80, "required": True},
            {"name": "state", "type": "picklist", "values": ["ok", "mismatch"]},
        ],
    }
    created = _api(sandbox, "POST", "/companies/DEMO-MFG/custom-objects", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "bridge_audit"
    assert created.json()["fields"][0] == {
        "name": "tenant",
        "type": "text",
        "label": "",
        "length": 80,
        "required": True,
        "values": [],
    }
    assert created.json()["fields"][1]["length"] is None
    # records through the admin API and the gateway
    seeded = _api(
        sandbox,
        "POST",
        "/companies/DEMO-MFG/records/bridge_audit",
        json=[{"name": "acme", "tenant": "acme-prod", "state": "ok"}],
    )
    assert seeded.status_code == 201, seeded.text
    caller.ok("<create><bridge_audit><name>globex</name><tenant>g</tenant></bridge_audit></create>")
    listed = _api(sandbox, "GET", "/companies/DEMO-MFG/custom-objects").json()
    assert [(o["name"], o["records"]) for o in listed["custom_objects"]] == [("bridge_audit", 2)]
    state = _api(sandbox, "GET", "/state").json()
    assert state["companies"][0]["custom_objects"] == {"bridge_audit": "Bridge audit"}

    again = _api(sandbox, "POST", "/companies/DEMO-MFG/custom-objects", json=body)
    assert again.status_code == 409
    assert "already the custom object bridge_audit" in again.json()["error"]
    bad_type = {"name": "x", "label": "X", "fields": [{"name": "a", "type": "money"}]}
    refused = _api(sandbox, "POST", "/companies/DEMO-MFG/custom-objects", json=bad_type)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "fields[0].type"
    no_values = {"name": "x", "label": "X", "fields": [{"name": "a", "type": "picklist"}]}
    refused = _api(sandbox, "POST", "/companies/DEMO-MFG/custom-objects", json=no_values)
    assert refused.status_code == 422
    assert "a picklist needs at least one value" in refused.json()["error"]
    missing = _api(sandbox, "GET", "/companies/NOPE/custom-objects")
    assert missing.status_code == 404


# --- Smart Events on a custom object -------------------------------------------------------


AUDIT_PACKAGE = b"""<?xml version="1.0" encoding="UTF-8"?>
<customErpPackage>
  <packageDescription><name>audit events</name><description>d</description>
    <author>a</author></packageDescription>
  <smartLinks>
    <smartLink>
      <smartLinkId>AUDIT_CHANGED</smartLinkId>
      <type>workflow</type>
      <ownerObject>sage_dmo_audit_trail</ownerObject>
      <events><event>add</event><event>set</event></events>
      <target>https://bridge.test/events</target>
      <renderDetails><workflow>
        <action><httpPostAction><method>post</method><arguments>
          <argument><argument>id</argument><value>{!SAGE_DMO_AUDIT_TRAIL.ID!}</value></argument>
          <argument><argument>tenant</argument>
            <value>{!SAGE_DMO_AUDIT_TRAIL.TENANT!}</value></argument>
        </arguments><requestTimeout>2</requestTimeout></httpPostAction></action>
        <condition>{!SAGE_DMO_AUDIT_TRAIL.STATE!} == "mismatch"</condition>
      </workflow></renderDetails>
      <active>true</active>
    </smartLink>
  </smartLinks>
</customErpPackage>"""


def test_smart_events_fire_on_a_custom_object(
    sandbox: Sandbox, creds: QuickstartCredentials, audit: str, caller: Caller
) -> None:
    posts: list[dict[str, str]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        posts.append(dict(parse_qsl(request.content.decode())))
        return httpx.Response(200)

    sandbox.backend.smart_event_transport = httpx.MockTransport(handle)
    sandbox.admin.import_package(creds.company_id, AUDIT_PACKAGE)
    ok_one, bad_one = _create(
        caller, _entry("acme", state="ok"), _entry("globex", tenant="globex", state="mismatch")
    )
    caller.ok(
        f"<update><sage_dmo_audit_trail><id>{ok_one.findtext('RECORDNO')}</id>"
        "<state>mismatch</state></sage_dmo_audit_trail></update>"
    )
    deliveries = sandbox.admin.deliveries(creds.company_id, wait=5)
    assert [d["topic"] for d in deliveries] == [
        "ADD_SAGE_DMO_AUDIT_TRAIL",
        "SET_SAGE_DMO_AUDIT_TRAIL",
    ]
    assert posts == [
        {"id": bad_one.findtext("RECORDNO") or "", "tenant": "globex"},
        {"id": ok_one.findtext("RECORDNO") or "", "tenant": "acme-prod"},
    ]
