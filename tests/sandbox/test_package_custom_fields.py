"""Custom fields of an imported customization package are fields of their objects.

A package's ``customField`` on ``vendor`` makes ``VENDOR`` take, store, return and filter on
that field through the generic functions (create, update, read, readByQuery, query,
lookup), with the value kind, length, pick values, default and ``required`` flag of its
``dataDescription``; the values are saved in the state file with the records, and the
package (re-imported from the state file) brings the fields back.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.admin import AdminError
from intacct_bridge.sandbox.persistence import load_state, save_state
from tests.sandbox.books import COMPANY
from tests.sandbox.envelope import Caller

PACKAGE = b"""<?xml version="1.0" encoding="UTF-8"?>
<customErpPackage>
  <packageDescription><name>Vendor extras</name><description>d</description>
    <author>a</author></packageDescription>
  <customFields>
    <customField>
      <customFieldId>PORTAL_ID</customFieldId><type>text</type><ownerObject>vendor</ownerObject>
      <label>Supplier portal ID</label>
      <dataDescription><text><length>8</length></text></dataDescription>
    </customField>
    <customField>
      <customFieldId>ISO_CERTIFIED</customFieldId><type>checkbox</type>
      <ownerObject>vendor</ownerObject>
      <dataDescription><checkbox><checked>false</checked></checkbox></dataDescription>
    </customField>
    <customField>
      <customFieldId>TIER</customFieldId><type>picklist</type><ownerObject>vendor</ownerObject>
      <dataDescription><picklist><pickValues><pickValue>Gold</pickValue>
        <pickValue>Silver</pickValue></pickValues><defaultValue>Silver</defaultValue>
      </picklist></dataDescription>
    </customField>
    <customField>
      <customFieldId>SCORE</customFieldId><type>number</type><ownerObject>vendor</ownerObject>
      <dataDescription><number><leftOfDecimal>5</leftOfDecimal>
        <rightOfDecimal>2</rightOfDecimal></number></dataDescription>
    </customField>
    <customField>
      <customFieldId>AUDITED</customFieldId><type>date</type><ownerObject>vendor</ownerObject>
      <dataDescription><date/></dataDescription>
    </customField>
  </customFields>
</customErpPackage>"""


@pytest.fixture
def extras(sandbox: Sandbox, books: Caller) -> Caller:
    sandbox.admin.import_package(COMPANY, PACKAGE)
    return books


def _vendor(vendor_id: str, extra: str) -> str:
    return (
        f"<create><VENDOR><VENDORID>{vendor_id}</VENDORID><NAME>{vendor_id}</NAME>"
        f"<DISPLAYCONTACT><PRINTAS>{vendor_id}</PRINTAS></DISPLAYCONTACT>{extra}"
        "</VENDOR></create>"
    )


def _read(
    caller: Caller, query: str, fields: str = "VENDORID,PORTAL_ID,TIER"
) -> list[dict[str, str]]:
    reply = caller.ok(
        f"<readByQuery><object>VENDOR</object><fields>{fields}</fields>"
        f"<query>{query}</query><pagesize>100</pagesize></readByQuery>"
    )
    return [{child.tag: child.text or "" for child in row} for row in reply.data()]


def test_a_package_custom_field_is_written_read_and_queried(extras: Caller) -> None:
    extras.ok(
        _vendor(
            "VX1",
            "<PORTAL_ID>SUP-0001</PORTAL_ID><ISO_CERTIFIED>true</ISO_CERTIFIED>"
            "<TIER>Gold</TIER><SCORE>87.5</SCORE><AUDITED>02/01/2025</AUDITED>",
        ),
        _vendor("VX2", "<PORTAL_ID>SUP-0002</PORTAL_ID>"),
    )
    extras.ok("<update><VENDOR><VENDORID>VX2</VENDORID><SCORE>12</SCORE></VENDOR></update>")
    assert _read(extras, "TIER = 'Gold'") == [
        {"VENDORID": "VX1", "PORTAL_ID": "SUP-0001", "TIER": "Gold"}
    ]
    # The default pick value fills a create that leaves the field out.
    assert _read(extras, "PORTAL_ID = 'SUP-0002'") == [
        {"VENDORID": "VX2", "PORTAL_ID": "SUP-0002", "TIER": "Silver"}
    ]
    read = extras.ok(
        "<readByName><object>VENDOR</object><keys>VX1</keys>"
        "<fields>ISO_CERTIFIED,SCORE,AUDITED</fields></readByName>"
    ).data()[0]
    assert [(c.tag, c.text) for c in read] == [
        ("ISO_CERTIFIED", "true"),
        ("SCORE", "87.5"),
        ("AUDITED", "02/01/2025"),
    ]
    query = extras.ok(
        "<query><object>VENDOR</object><select><field>VENDORID</field><field>SCORE</field>"
        "</select><filter><greaterthan><field>SCORE</field><value>50</value></greaterthan>"
        "</filter></query>"
    ).data()
    assert [[(c.tag, c.text) for c in row] for row in query] == [
        [("VENDORID", "VX1"), ("SCORE", "87.5")]
    ]
    lookup = extras.ok("<lookup><object>VENDOR</object></lookup>").data()
    custom = {f.findtext("ID"): f.findtext("ISCUSTOM") for f in lookup.iter("Field")}
    assert {name for name, flag in custom.items() if flag == "true"} == {
        "PORTAL_ID",
        "ISO_CERTIFIED",
        "TIER",
        "SCORE",
        "AUDITED",
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("<PORTAL_ID>TOO-LONG-ID</PORTAL_ID>", "PORTAL_ID"),
        ("<TIER>Bronze</TIER>", "'Bronze' is not a valid value for TIER"),
        ("<SCORE>many</SCORE>", "SCORE"),
        ("<AUDITED>someday</AUDITED>", "'someday' is not a valid date"),
        ("<NOT_A_FIELD>1</NOT_A_FIELD>", "The field 'NOT_A_FIELD' does not exist"),
    ],
)
def test_bad_custom_field_values_are_refused_and_nothing_is_written(
    sandbox: Sandbox, extras: Caller, extra: str, message: str
) -> None:
    reply = extras.call(_vendor("VBAD", extra))
    assert reply.result().findtext("status") == "failure"
    assert message in reply.errors()[0][2]
    assert "VBAD" not in sandbox.admin.company(COMPANY).data.table("VENDOR").by_id


def test_without_the_package_the_field_does_not_exist(books: Caller) -> None:
    reply = books.call(_vendor("VNONE", "<PORTAL_ID>SUP-1</PORTAL_ID>"))
    assert reply.errors()[0][2] == "The field 'PORTAL_ID' does not exist on the VENDOR object."


def test_a_required_custom_field_is_required(sandbox: Sandbox, books: Caller) -> None:
    required = PACKAGE.replace(
        b"<label>Supplier portal ID</label>",
        b"<label>Supplier portal ID</label><required>true</required>",
    )
    sandbox.admin.import_package(COMPANY, required)
    reply = books.call(_vendor("VREQ", ""))
    assert "PORTAL_ID" in reply.errors()[0][2]
    books.ok(_vendor("VREQ", "<PORTAL_ID>P1</PORTAL_ID>"))


def test_a_custom_field_cannot_take_a_standard_field_name(sandbox: Sandbox, books: Caller) -> None:
    clash = PACKAGE.replace(b"<customFieldId>PORTAL_ID<", b"<customFieldId>name<")
    with pytest.raises(AdminError, match="custom field name of VENDOR has the name of a standard"):
        sandbox.admin.import_package(COMPANY, clash)
    group = PACKAGE.replace(b"<customFieldId>PORTAL_ID<", b"<customFieldId>DISPLAYCONTACT<")
    with pytest.raises(AdminError, match="DISPLAYCONTACT of VENDOR has the name of a standard"):
        sandbox.admin.import_package(COMPANY, group)
    assert sandbox.admin.packages(COMPANY) == []


def test_custom_field_values_survive_the_state_file(
    sandbox: Sandbox, extras: Caller, creds: QuickstartCredentials, tmp_path: Path
) -> None:
    extras.ok(_vendor("VKEEP", "<PORTAL_ID>KEEP-1</PORTAL_ID><TIER>Gold</TIER>"))
    path = tmp_path / "state.json"
    save_state(sandbox.backend, path)
    other = Sandbox()
    load_state(other.backend, path)
    with httpx.Client(transport=other.transport()) as http:
        again = Caller(http, other.endpoint, creds)
        assert _read(again, "PORTAL_ID = 'KEEP-1'") == [
            {"VENDORID": "VKEEP", "PORTAL_ID": "KEEP-1", "TIER": "Gold"}
        ]
