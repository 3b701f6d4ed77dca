"""Generic 3.0 functions through the gateway: create, update, delete, read, readByName.

XML in, XML out. Error numbers and texts are asserted exactly; texts that are the real
gateway's (from the SDK fixtures) are marked as such, the rest are the sandbox's.
"""

from __future__ import annotations

import re

import pytest

from intacct_bridge.sandbox import Sandbox
from tests.sandbox.envelope import Caller
from tests.sandbox.xmlbits import (
    attrs,
    children,
    column,
    count,
    create,
    delete,
    klass,
    obj,
    query,
    read,
    read_by_name,
    read_by_query,
    row,
    update,
    vendor,
)

DATETIME = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}$")


def _create_one(caller: Caller, body: str) -> int:
    data = caller.ok(create(body)).data()
    return int(data[0].findtext("RECORDNO") or 0)


# --- the case quirks of the replies ----------------------------------------------------------


def test_create_reply_is_lower_case_with_recordno_and_id(caller: Caller) -> None:
    reply = caller.ok(create(vendor("V100", "Steel Supply")))
    data = reply.data()
    assert attrs(data) == {"listtype": "objects", "count": "1"}
    assert children(data) == ["vendor"]
    assert children(data[0]) == ["RECORDNO", "VENDORID"]
    assert data[0].findtext("VENDORID") == "V100"
    assert int(data[0].findtext("RECORDNO") or 0) > 0


def test_read_reply_is_upper_case(caller: Caller) -> None:
    recordno = _create_one(caller, vendor("V100", "Steel Supply"))
    data = caller.ok(read("VENDOR", str(recordno))).data()
    assert attrs(data) == {"listtype": "VENDOR", "count": "1"}
    assert children(data) == ["VENDOR"]
    record = data[0]
    assert record.findtext("RECORDNO") == str(recordno)
    assert record.findtext("VENDORID") == "V100"
    assert record.findtext("NAME") == "Steel Supply"
    # Display values, defaults and audit fields in Intacct's formats.
    assert record.findtext("STATUS") == "active"
    assert record.findtext("ONETIME") == "false"
    assert record.findtext("PAYMENTPRIORITY") == "Normal"
    assert DATETIME.match(record.findtext("WHENCREATED") or "")
    assert record.findtext("WHENMODIFIED") == record.findtext("WHENCREATED")
    # Nested groups stay nested; the display contact name defaults to NAME(V<VENDORID>).
    assert record.findtext("DISPLAYCONTACT/PRINTAS") == "Steel Supply"
    assert record.findtext("DISPLAYCONTACT/CONTACTNAME") == "Steel Supply(VV100)"
    assert record.findtext("DISPLAYCONTACT/MAILADDRESS/CITY") == ""
    # Top-level records of a single-entity company have empty MEGA fields.
    assert record.findtext("MEGAENTITYID") == ""
    assert record.findtext("RECORD_URL", "").endswith(f"?.r={recordno}&.company=DEMO-MFG")


def test_read_by_name_reply_is_upper_case(caller: Caller) -> None:
    caller.ok(create(vendor("V100"), vendor("V200")))
    data = caller.ok(read_by_name("VENDOR", "V200,V100", fields="VENDORID,NAME")).data()
    assert attrs(data) == {"listtype": "VENDOR", "count": "2"}
    assert children(data) == ["VENDOR", "VENDOR"]
    assert sorted(column(data, "VENDOR", "VENDORID")) == ["V100", "V200"]
    assert children(data[0]) == ["VENDORID", "NAME"]


def test_read_by_query_rows_are_lower_case(caller: Caller) -> None:
    caller.ok(create(vendor("V100")))
    data = caller.ok(read_by_query("VENDOR", fields="RECORDNO,VENDORID")).data()
    assert attrs(data)["listtype"] == "vendor"
    assert children(data) == ["vendor"]
    assert children(data[0]) == ["RECORDNO", "VENDORID"]


def test_query_rows_are_upper_case(caller: Caller) -> None:
    caller.ok(create(vendor("V100")))
    data = caller.ok(query("VENDOR", "VENDORID")).data()
    assert data.get("listtype") == "VENDOR"
    assert children(data) == ["VENDOR"]


# --- create --------------------------------------------------------------------------------


def test_several_objects_in_one_create_come_back_in_order(caller: Caller) -> None:
    reply = caller.ok(
        create(klass("UT01"), klass("UT02"), obj("DEPARTMENT", DEPARTMENTID="D1", TITLE="Ops"))
    )
    data = reply.data()
    assert attrs(data) == {"listtype": "objects", "count": "3"}
    assert children(data) == ["class", "class", "department"]
    assert column(data, "class", "CLASSID") == ["UT01", "UT02"]
    numbers = [int(item.findtext("RECORDNO") or 0) for item in data]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert data[2].findtext("DEPARTMENTID") == "D1"


def test_a_failing_object_fails_the_whole_create(sandbox: Sandbox, caller: Caller) -> None:
    reply = caller.call(create(klass("UT01"), obj("CLASS", CLASSID="UT02")))
    result = reply.result()
    assert result.findtext("status") == "failure"
    assert attrs(reply.data()) == {"listtype": "objects", "count": "0"}
    assert len(reply.data()) == 0
    assert reply.errors() == [
        (
            "BL01001973",
            "",
            "Required field NAME (Name) is missing.",
            "Provide a value for NAME.",
        ),
        ("BL01001973", "", "Could not create class record!", ""),
    ]
    assert count(sandbox, "CLASS") == 0


def test_duplicate_id_matches_the_sdk_fixture(caller: Caller) -> None:
    caller.ok(create(klass("UT01", "Unit Test 01")))
    reply = caller.call(create(klass("UT01", "Unit Test 01")))
    # Verbatim from the PHP SDK's ClassObjTest (note the two spaces before "already").
    assert reply.errors() == [
        (
            "BL34000061",
            "",
            "Another Class with the given value(s) UT01  already exists",
            "Use a unique value instead.",
        ),
        ("BL01001973", "", "Could not create class record!", ""),
        ("BL01001973", "", "Could not create Class record!", ""),
    ]


def test_ids_are_case_sensitive(caller: Caller) -> None:
    caller.ok(create(klass("ut01"), klass("UT01")))
    data = caller.ok(read_by_name("CLASS", "ut01,UT01", fields="CLASSID")).data()
    assert sorted(column(data, "CLASS", "CLASSID")) == ["UT01", "ut01"]


def test_field_names_are_matched_case_insensitively(caller: Caller) -> None:
    body = (
        "<vendor><vendorid>V1</vendorid><name>Lower</name>"
        "<displaycontact><printas>L</printas></displaycontact></vendor>"
    )
    reply = caller.ok(create(body))
    assert reply.data()[0].tag == "vendor"
    data = caller.ok(read_by_name("VENDOR", "V1", fields="NAME")).data()
    assert data[0].findtext("NAME") == "Lower"


def test_values_round_trip_with_escaping_and_unicode(caller: Caller) -> None:
    caller.ok(create(vendor("V&1", "Müller & Söhne <GmbH>")))
    data = caller.ok(read_by_name("VENDOR", "V&amp;1", fields="VENDORID,NAME")).data()
    assert row(data[0]) == {"VENDORID": "V&1", "NAME": "Müller & Söhne <GmbH>"}


def test_read_only_fields_in_a_create_are_ignored(caller: Caller) -> None:
    body = vendor("V1", WHENCREATED="01/01/2000 00:00:00", MEGAENTITYID="E999", RECORDNO="777")
    reply = caller.ok(create(body))
    recordno = reply.data()[0].findtext("RECORDNO")
    assert recordno != "777"
    record = caller.ok(read("VENDOR", recordno or "")).data()[0]
    assert record.findtext("WHENCREATED") != "01/01/2000 00:00:00"
    assert record.findtext("MEGAENTITYID") == ""


def test_unknown_object_in_create(caller: Caller) -> None:
    reply = caller.call(create("<NOSUCHTHING><ID>1</ID></NOSUCHTHING>"))
    assert reply.result().findtext("status") == "failure"
    assert reply.errors() == [("Query Failed", "", "Object definition NOSUCHTHING not found", "")]


def test_unknown_field_is_refused(sandbox: Sandbox, caller: Caller) -> None:
    reply = caller.call(create(vendor("V1", FAVOURITECOLOUR="blue")))
    assert reply.errors() == [
        (
            "BL01001973",
            "",
            "The field 'FAVOURITECOLOUR' does not exist on the VENDOR object.",
            "Remove FAVOURITECOLOUR from the request, or check its spelling with inspect or "
            "lookup.",
        ),
    ]
    assert count(sandbox, "VENDOR") == 0


def test_unknown_field_inside_a_group_is_refused(caller: Caller) -> None:
    reply = caller.call(create(vendor("V1", DISPLAYCONTACT={"SHOESIZE": "42"})))
    assert reply.errors()[0][2] == (
        "The field 'DISPLAYCONTACT.SHOESIZE' does not exist on the VENDOR object."
    )


def test_a_value_in_a_group_element_is_refused(caller: Caller) -> None:
    body = obj("VENDOR", VENDORID="V1", NAME="N", DISPLAYCONTACT="oops")
    reply = caller.call(create(body))
    assert reply.errors()[0][2] == "DISPLAYCONTACT is a group of fields and cannot hold a value."


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (obj("VENDOR", NAME="N", DISPLAYCONTACT={"PRINTAS": "N"}), "VENDORID (Vendor ID)"),
        (obj("VENDOR", VENDORID="V1", DISPLAYCONTACT={"PRINTAS": "N"}), "NAME (Vendor name)"),
        (obj("VENDOR", VENDORID="V1", NAME="N"), "DISPLAYCONTACT.PRINTAS (Print as)"),
        (obj("CONTACT", PRINTAS="P"), "CONTACTNAME (Contact name)"),
        (obj("DEPARTMENT", DEPARTMENTID="D1"), "TITLE (Department name)"),
        (obj("GLACCOUNT", ACCOUNTNO="1000"), "TITLE (Title)"),
        (obj("ITEM", ITEMID="I1", NAME="Bolt"), "ITEMTYPE (Item type)"),
    ],
)
def test_required_fields(caller: Caller, body: str, text: str) -> None:
    reply = caller.call(create(body))
    errors = reply.errors()
    assert errors[0][:3] == ("BL01001973", "", f"Required field {text} is missing.")
    assert errors[1][2].startswith("Could not create ")


def test_an_empty_required_value_counts_as_missing(caller: Caller) -> None:
    reply = caller.call(create(obj("CLASS", CLASSID="C1", NAME="  ")))
    assert reply.errors()[0][2] == "Required field NAME (Name) is missing."


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        (
            "STATUS",
            "dormant",
            "'dormant' is not a valid value for STATUS. Valid values: active, inactive.",
        ),
        ("ONETIME", "maybe", "'maybe' is not a valid value for ONETIME. Use true or false."),
        ("CREDITLIMIT", "lots", "'lots' is not a valid number for CREDITLIMIT."),
        ("CREDITLIMIT", "NaN", "'NaN' is not a valid number for CREDITLIMIT."),
        ("DEFAULT_LEAD_TIME", "2.5", "'2.5' is not a whole number for DEFAULT_LEAD_TIME."),
        ("CURRENCY", "EURO", "The value for CURRENCY is 4 characters long; the maximum is 3."),
        ("CREDITLIMIT", "1e999999", "'1e999999' is out of range for CREDITLIMIT."),
        ("CREDITLIMIT", "1e-39", "'1e-39' is out of range for CREDITLIMIT."),
        ("DEFAULT_LEAD_TIME", "1" * 39, f"'{'1' * 39}' is out of range for DEFAULT_LEAD_TIME."),
        ("DEFAULT_LEAD_TIME", "1" * 45, f"'{'1' * 37}...' is out of range for DEFAULT_LEAD_TIME."),
        ("DEFAULT_LEAD_TIME", "²", "'²' is not a valid number for DEFAULT_LEAD_TIME."),
    ],
)
def test_bad_values_are_refused(caller: Caller, field: str, value: str, text: str) -> None:
    reply = caller.call(create(vendor("V1", **{field: value})))
    assert reply.errors() == [
        ("BL01001973", "", text, f"Correct the value of {field}."),
    ]


@pytest.mark.parametrize("value", ["13/01/2025", "02/30/2025", "2025-02-30", "yesterday"])
def test_bad_dates_are_refused(caller: Caller, value: str) -> None:
    body = obj("LOCATION", LOCATIONID="L1", NAME="Plant", STARTDATE=value)
    reply = caller.call(create(body))
    assert reply.errors()[0][2] == f"'{value}' is not a valid date. Use the format mm/dd/yyyy."


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("3/7/2025", "03/07/2025"), ("2025-03-07", "03/07/2025"), ("12/31/2025", "12/31/2025")],
)
def test_dates_are_stored_as_mm_dd_yyyy(caller: Caller, raw: str, stored: str) -> None:
    caller.ok(create(obj("LOCATION", LOCATIONID="L1", NAME="Plant", STARTDATE=raw)))
    data = caller.ok(read_by_name("LOCATION", "L1", fields="STARTDATE")).data()
    assert data[0].findtext("STARTDATE") == stored


@pytest.mark.parametrize(
    ("field", "raw", "stored"),
    [
        ("ONETIME", "T", "true"),
        ("ONETIME", "FALSE", "false"),
        ("STATUS", "Inactive", "inactive"),
        ("PAYMENTPRIORITY", "urgent", "Urgent"),
        ("CREDITLIMIT", "1500.50", "1500.50"),
        ("CREDITLIMIT", "1e3", "1000"),
        ("CREDITLIMIT", "+.5", "0.5"),
        ("CREDITLIMIT", "0.00", "0.00"),
        ("CREDITLIMIT", "0E-999999", "0"),
        ("DEFAULT_LEAD_TIME", "-0", "0"),
        ("CREDITLIMIT", "\u0661\u0660.\u0665", "10.5"),  # Arabic-Indic digits
        ("CREDITLIMIT", "\uff15", "5"),  # fullwidth digit five
        ("DEFAULT_LEAD_TIME", "\u0667", "7"),
        ("DEFAULT_LEAD_TIME", "7.0", "7"),
    ],
)
def test_values_are_normalised(caller: Caller, field: str, raw: str, stored: str) -> None:
    caller.ok(create(vendor("V1", **{field: raw})))
    data = caller.ok(read_by_name("VENDOR", "V1", fields=field)).data()
    assert data[0].findtext(field) == stored


def test_reference_to_a_missing_record(sandbox: Sandbox, caller: Caller) -> None:
    reply = caller.call(create(vendor("V2", PARENTID="V404")))
    assert reply.errors() == [
        (
            "BL01001973",
            "",
            "Invalid Vendor 'V404' specified.",
            "Create the vendor 'V404' first, or use an existing VENDORID.",
        ),
        ("BL01001973", "", "Could not create vendor record!", ""),
    ]
    assert count(sandbox, "VENDOR") == 0
    assert count(sandbox, "CONTACT") == 0  # the display contact is rolled back too


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (vendor("V1", TERMNAME="N30"), "Invalid AP Term 'N30' specified."),
        (vendor("V1", APACCOUNT="6000"), "Invalid GL Account '6000' specified."),
        (klass("C2", PARENTID="C1"), "Invalid Class 'C1' specified."),
        (
            obj("WAREHOUSE", WAREHOUSEID="W1", NAME="Main", LOC={"LOCATIONID": "L9"}),
            "Invalid Location 'L9' specified.",
        ),
        (
            obj("EMPLOYEE", EMPLOYEEID="E1", PERSONALINFO={"CONTACTNAME": "Nobody"}),
            "Invalid Contact 'Nobody' specified.",
        ),
    ],
)
def test_references_are_checked(caller: Caller, body: str, text: str) -> None:
    assert caller.call(create(body)).errors()[0][2] == text


def test_reference_to_an_existing_record_is_accepted(caller: Caller) -> None:
    caller.ok(create(klass("C1")))
    caller.ok(create(klass("C2", PARENTID="C1")))


def test_creating_a_vendor_creates_its_display_contact(caller: Caller) -> None:
    caller.ok(create(vendor("V1", "Acme", DISPLAYCONTACT={"EMAIL1": "ap@acme.example"})))
    data = caller.ok(
        read_by_name("CONTACT", "Acme(VV1)", fields="CONTACTNAME,PRINTAS,EMAIL1")
    ).data()
    assert row(data[0]) == {
        "CONTACTNAME": "Acme(VV1)",
        "PRINTAS": "Acme",
        "EMAIL1": "ap@acme.example",
    }


# --- update --------------------------------------------------------------------------------


def test_partial_update_leaves_other_fields(caller: Caller) -> None:
    recordno = _create_one(
        caller, vendor("V1", "Old", CREDITLIMIT="100", DISPLAYCONTACT={"EMAIL1": "a@x.example"})
    )
    before = caller.ok(read("VENDOR", str(recordno))).data()[0]
    reply = caller.ok(update(obj("VENDOR", RECORDNO=str(recordno), NAME="New")))
    data = reply.data()
    assert attrs(data) == {"listtype": "objects", "count": "1"}
    assert children(data) == ["vendor"]
    assert row(data[0]) == {"RECORDNO": str(recordno), "VENDORID": "V1"}
    after = caller.ok(read("VENDOR", str(recordno))).data()[0]
    assert after.findtext("NAME") == "New"
    assert after.findtext("CREDITLIMIT") == "100"
    assert after.findtext("DISPLAYCONTACT/EMAIL1") == "a@x.example"
    assert after.findtext("WHENCREATED") == before.findtext("WHENCREATED")


def test_update_of_a_group_field_keeps_the_rest_of_the_group(caller: Caller) -> None:
    caller.ok(create(vendor("V1", DISPLAYCONTACT={"EMAIL1": "a@x.example"})))
    caller.ok(update(obj("VENDOR", VENDORID="V1", DISPLAYCONTACT={"PHONE1": "555"})))
    record = caller.ok(read_by_name("VENDOR", "V1")).data()[0]
    assert record.findtext("DISPLAYCONTACT/EMAIL1") == "a@x.example"
    assert record.findtext("DISPLAYCONTACT/PHONE1") == "555"


def test_an_empty_group_in_an_update_changes_nothing(caller: Caller) -> None:
    caller.ok(create(vendor("V1", DISPLAYCONTACT={"EMAIL1": "a@x.example"})))
    caller.ok(update("<VENDOR><VENDORID>V1</VENDORID><DISPLAYCONTACT/></VENDOR>"))
    record = caller.ok(read_by_name("VENDOR", "V1")).data()[0]
    assert record.findtext("DISPLAYCONTACT/EMAIL1") == "a@x.example"


def test_an_empty_element_clears_an_optional_field(caller: Caller) -> None:
    caller.ok(create(vendor("V1", COMMENTS="hello")))
    caller.ok(update("<VENDOR><VENDORID>V1</VENDORID><COMMENTS></COMMENTS></VENDOR>"))
    assert caller.ok(read_by_name("VENDOR", "V1")).data()[0].findtext("COMMENTS") == ""


def test_clearing_a_required_field_is_refused(caller: Caller) -> None:
    caller.ok(create(vendor("V1")))
    reply = caller.call(update("<VENDOR><VENDORID>V1</VENDORID><NAME/></VENDOR>"))
    assert reply.errors() == [
        (
            "BL01001973",
            "",
            "Required field NAME (Vendor name) is missing.",
            "Provide a value for NAME.",
        ),
        ("BL01001973", "", "Could not update vendor record!", ""),
    ]


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (obj("VENDOR", VENDORID="V1", NAME="By ID"), "VENDORID"),
        (obj("CUSTOMER", CUSTOMERID="C1", NAME="By ID"), "CUSTOMERID"),
        (obj("CLASS", CLASSID="CL1", NAME="By ID"), "CLASSID"),
        (obj("DEPARTMENT", DEPARTMENTID="D1", TITLE="By ID"), "DEPARTMENTID"),
        (obj("LOCATION", LOCATIONID="L1", NAME="By ID"), "LOCATIONID"),
        (obj("ITEM", ITEMID="I1", NAME="By ID"), "ITEMID"),
        (obj("GLACCOUNT", ACCOUNTNO="1010", TITLE="By ID"), "ACCOUNTNO"),
        (obj("CONTACT", CONTACTNAME="Pat", PRINTAS="By ID"), "CONTACTNAME"),
    ],
)
def test_update_by_id_key(caller: Caller, body: str, key: str) -> None:
    caller.ok(
        create(
            vendor("V1"),
            obj("CUSTOMER", CUSTOMERID="C1", NAME="C", DISPLAYCONTACT={"PRINTAS": "C"}),
            klass("CL1"),
            obj("DEPARTMENT", DEPARTMENTID="D1", TITLE="D"),
            obj("LOCATION", LOCATIONID="L1", NAME="L"),
            obj("ITEM", ITEMID="I1", NAME="I", ITEMTYPE="Inventory"),
            obj("GLACCOUNT", ACCOUNTNO="1010", TITLE="Cash"),
            obj("CONTACT", CONTACTNAME="Pat", PRINTAS="Pat"),
        )
    )
    data = caller.ok(update(body)).data()
    name = data[0].tag.upper()
    value = data[0].findtext(key)
    changed = "TITLE" if name in ("DEPARTMENT", "GLACCOUNT") else "NAME"
    if name == "CONTACT":
        changed = "PRINTAS"
    record = caller.ok(read_by_name(name, value or "")).data()[0]
    assert record.findtext(changed) == "By ID"


def test_id_cannot_change(caller: Caller) -> None:
    recordno = _create_one(caller, vendor("V1"))
    reply = caller.call(update(obj("VENDOR", RECORDNO=str(recordno), VENDORID="V2")))
    assert reply.errors() == [
        (
            "BL01001973",
            "",
            "VENDORID of Vendor 'V1' cannot be changed.",
            "Leave VENDORID out of the update, or create a new record.",
        ),
        ("BL01001973", "", "Could not update vendor record!", ""),
    ]
    assert attrs(reply.data()) == {"listtype": "objects", "count": "0"}


def test_update_of_a_missing_record(caller: Caller) -> None:
    # The text of the PHP SDK's ClassObjTest update failure.
    reply = caller.call(update(klass("UT99", "Unit Test 99")))
    assert reply.result().findtext("status") == "failure"
    assert reply.errors() == [
        ("BL01001973", "", "Cannot update non-existing CLASS with CLASSID=UT99.", "")
    ]
    reply = caller.call(update(obj("CLASS", RECORDNO="9999", NAME="x")))
    assert reply.errors()[0][2] == "Cannot update non-existing CLASS with RECORDNO=9999."


def test_update_without_a_key(caller: Caller) -> None:
    reply = caller.call(update(obj("CLASS", NAME="x")))
    assert reply.errors() == [
        (
            "BL01001973",
            "",
            "An update of CLASS needs its key: RECORDNO or CLASSID.",
            "Add RECORDNO or CLASSID to the CLASS element.",
        )
    ]


def test_update_of_several_objects_is_all_or_nothing(caller: Caller) -> None:
    caller.ok(create(klass("C1", "One"), klass("C2", "Two")))
    reply = caller.call(update(klass("C1", "Changed"), klass("C9", "Missing")))
    assert reply.result().findtext("status") == "failure"
    data = caller.ok(read_by_name("CLASS", "C1", fields="NAME")).data()
    assert data[0].findtext("NAME") == "One"


def test_update_changes_when_modified(sandbox: Sandbox, caller: Caller) -> None:
    from datetime import UTC, datetime, timedelta

    now = [datetime(2026, 3, 1, 9, 30, 0, tzinfo=UTC)]
    sandbox.backend.clock = lambda: now[0]
    caller.ok(create(klass("C1")))
    now[0] += timedelta(hours=2, seconds=5)
    caller.ok(update(klass("C1", "Later")))
    record = caller.ok(read_by_name("CLASS", "C1")).data()[0]
    assert record.findtext("WHENCREATED") == "03/01/2026 09:30:00"
    assert record.findtext("WHENMODIFIED") == "03/01/2026 11:30:05"


# --- delete --------------------------------------------------------------------------------


def test_delete_by_recordno(sandbox: Sandbox, caller: Caller) -> None:
    data = caller.ok(create(klass("C1"), klass("C2"), klass("C3"))).data()
    numbers = column(data, "class", "RECORDNO")
    reply = caller.ok(delete("CLASS", f"{numbers[0]},{numbers[2]}"))
    result = reply.result()
    assert children(result) == ["status", "function", "controlid"]  # status only, no data
    assert count(sandbox, "CLASS") == 1
    left = caller.ok(read_by_query("CLASS", fields="CLASSID")).data()
    assert column(left, "class", "CLASSID") == ["C2"]
    assert caller.ok(read("CLASS", numbers[0])).data().get("count") == "0"


def test_delete_of_a_missing_key_matches_the_sdk_fixture(sandbox: Sandbox, caller: Caller) -> None:
    data = caller.ok(create(klass("C1"))).data()
    recordno = data[0].findtext("RECORDNO") or ""
    reply = caller.call(delete("CLASS", f"{recordno},UT01"))
    assert reply.result().findtext("status") == "failure"
    assert reply.errors() == [
        ("BL01001973", "", "Cannot find class with key 'UT01' to delete.", "")
    ]
    assert count(sandbox, "CLASS") == 1  # all or nothing


def test_delete_is_refused_while_referenced(sandbox: Sandbox, caller: Caller) -> None:
    data = caller.ok(create(klass("P1"), klass("K1", PARENTID="P1"))).data()
    parent, child = column(data, "class", "RECORDNO")
    reply = caller.call(delete("CLASS", parent))
    assert reply.errors() == [
        (
            "BL01001973",
            "",
            "Class 'P1' cannot be deleted because Class K1 refers to it.",
            "Remove the reference first, or make the record inactive instead.",
        ),
        ("BL01001973", "", "Could not delete class record!", ""),
    ]
    assert count(sandbox, "CLASS") == 2
    # Deleting the child first, or both together, is fine.
    caller.ok(delete("CLASS", f"{parent},{child}"))
    assert count(sandbox, "CLASS") == 0


def test_delete_of_a_term_used_by_a_vendor_is_refused(caller: Caller) -> None:
    caller.ok("<create_apterm><name>N30</name></create_apterm>")
    caller.ok(create(vendor("V1", TERMNAME="N30")))
    term = caller.ok(read_by_name("APTERM", "N30", fields="RECORDNO")).data()[0]
    reply = caller.call(delete("APTERM", term.findtext("RECORDNO") or ""))
    assert reply.errors()[0][2] == "AP Term 'N30' cannot be deleted because Vendor V1 refers to it."


def test_delete_of_a_contact_used_by_a_vendor_is_refused(caller: Caller) -> None:
    caller.ok(create(vendor("V1", "Acme")))
    contact = caller.ok(read_by_name("CONTACT", "Acme(VV1)", fields="RECORDNO")).data()[0]
    reply = caller.call(delete("CONTACT", contact.findtext("RECORDNO") or ""))
    assert reply.errors()[0][2] == (
        "Contact 'Acme(VV1)' cannot be deleted because Vendor V1 refers to it."
    )


def test_delete_of_an_unused_record_frees_its_id(caller: Caller) -> None:
    recordno = _create_one(caller, klass("C1"))
    caller.ok(delete("CLASS", str(recordno)))
    again = _create_one(caller, klass("C1"))
    assert again != recordno  # record numbers are never reused


def test_legacy_delete_by_id(sandbox: Sandbox, caller: Caller) -> None:
    caller.ok(create(vendor("V1")))
    caller.ok('<delete_vendor vendorid="V1"/>')
    assert count(sandbox, "VENDOR") == 0
    reply = caller.call('<delete_vendor vendorid="V1"/>')
    assert reply.errors() == [("BL01001973", "", "Cannot find vendor with key 'V1' to delete.", "")]


# --- read / readByName ---------------------------------------------------------------------


def test_read_several_keys_and_missing_keys(caller: Caller) -> None:
    data = caller.ok(create(klass("C1"), klass("C2"))).data()
    one, two = column(data, "class", "RECORDNO")
    reply = caller.ok(read("CLASS", f"{two},999999,{one},abc", fields="CLASSID"))
    assert attrs(reply.data()) == {"listtype": "CLASS", "count": "2"}
    assert column(reply.data(), "CLASS", "CLASSID") == ["C2", "C1"]  # key order


@pytest.mark.parametrize("key", ["²", "\u0661", "-1", "1.0", "9" * 50])
def test_keys_that_are_not_plain_record_numbers(caller: Caller, key: str) -> None:
    assert caller.ok(read("CLASS", key)).data().get("count") == "0"
    assert caller.call(delete("CLASS", key)).errors() == [
        ("BL01001973", "", f"Cannot find class with key '{key}' to delete.", "")
    ]
    reply = caller.call(update(obj("CLASS", RECORDNO=key, NAME="x")))
    assert reply.errors()[0][2] == f"Cannot update non-existing CLASS with RECORDNO={key}."


def test_read_with_no_match_is_an_empty_success(caller: Caller) -> None:
    data = caller.ok(read("CLASS", "424242")).data()
    assert attrs(data) == {"listtype": "CLASS", "count": "0"}
    assert len(data) == 0


def test_read_fields_subset_keeps_schema_order(caller: Caller) -> None:
    recordno = _create_one(caller, vendor("V1", "Acme"))
    data = caller.ok(read("VENDOR", str(recordno), fields="NAME,VENDORID,STATUS")).data()
    assert children(data[0]) == ["VENDORID", "NAME", "STATUS"]


def test_read_of_an_explicit_dotted_field_is_flat(caller: Caller) -> None:
    recordno = _create_one(caller, vendor("V1", DISPLAYCONTACT={"EMAIL1": "a@x.example"}))
    data = caller.ok(read("VENDOR", str(recordno), fields="VENDORID,DISPLAYCONTACT.EMAIL1")).data()
    assert row(data[0]) == {"VENDORID": "V1", "DISPLAYCONTACT.EMAIL1": "a@x.example"}
    # Naming the group returns it nested, as with *.
    data = caller.ok(read("VENDOR", str(recordno), fields="DISPLAYCONTACT")).data()
    assert children(data[0]) == ["DISPLAYCONTACT"]
    assert data[0].findtext("DISPLAYCONTACT/EMAIL1") == "a@x.example"


def test_read_by_name_uses_each_objects_name_key(caller: Caller) -> None:
    caller.ok(
        create(
            obj("GLACCOUNT", ACCOUNTNO="1010", TITLE="Cash"),
            obj("CONTACT", CONTACTNAME="Pat Doe", PRINTAS="Pat"),
        )
    )
    caller.ok("<create_apterm><name>N30</name></create_apterm>")
    assert caller.ok(read_by_name("GLACCOUNT", "1010")).data().get("count") == "1"
    assert caller.ok(read_by_name("CONTACT", "Pat Doe")).data().get("count") == "1"
    assert caller.ok(read_by_name("APTERM", "N30")).data().get("count") == "1"
    assert caller.ok(read_by_name("GLACCOUNT", "9999")).data().get("count") == "0"


@pytest.mark.parametrize("function", ["read", "readByName", "readByQuery", "delete", "lookup"])
def test_unknown_object_is_query_failed(caller: Caller, function: str) -> None:
    bodies = {
        "read": read("BADOBJECT", "1"),
        "readByName": read_by_name("BADOBJECT", "X"),
        "readByQuery": read_by_query("badobject"),
        "delete": delete("BADOBJECT", "1"),
        "lookup": "<lookup><object>BADOBJECT</object></lookup>",
    }
    reply = caller.call(bodies[function])
    assert reply.result().findtext("status") == "failure"
    # Verbatim from the SDK fixtures.
    assert reply.errors() == [("Query Failed", "", "Object definition BADOBJECT not found", "")]


def test_object_names_are_case_insensitive(caller: Caller) -> None:
    caller.ok(create("<class><CLASSID>C1</CLASSID><NAME>n</NAME></class>"))
    data = caller.ok(read_by_name("class", "C1")).data()
    assert data.get("listtype") == "CLASS"


def test_user_without_write_permission_cannot_create(sandbox: Sandbox, caller: Caller) -> None:
    sandbox.admin.update_user("DEMO-MFG", "xt_api", admin="off", roles=[])
    reply = caller.call(create(klass("C1")))
    assert reply.errors() == [
        (
            "XL03000005",
            "",
            "You do not have permission for API operation CREATE on objects of type CLASS",
            "Give the Web Services user the permissions it needs (admin privileges or a role).",
        )
    ]
    caller.ok(read_by_query("CLASS"))  # reading is still allowed
