"""The object catalogue through the gateway: required fields, keys, item types, GL
accounts, modules, user-defined dimensions, terms and the read-only objects."""

from __future__ import annotations

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
    obj,
    read,
    read_by_name,
    read_by_query,
    row,
    update,
    vendor,
)

COMPANY = "DEMO-MFG"


def _name_key(caller: Caller, object_name: str, key: str, field: str) -> str:
    data = caller.ok(read_by_name(object_name, key, fields=field)).data()
    assert data.get("count") == "1", object_name
    return data[0].findtext(field) or ""


# --- each object: minimal create, its ID in the reply, readByName by its key ----------------


def _prerequisites(caller: Caller) -> None:
    caller.ok(
        create(
            obj("CONTACT", CONTACTNAME="Pat Doe", PRINTAS="Pat Doe"),
            obj("LOCATION", LOCATIONID="L100", NAME="Plant"),
            obj("GLACCOUNT", ACCOUNTNO="1010", TITLE="Cash"),
        )
    )


MINIMAL: list[tuple[str, str, str, str]] = [
    # (object, create body, ID field, ID value)
    ("VENDOR", vendor("V1"), "VENDORID", "V1"),
    (
        "CUSTOMER",
        obj("CUSTOMER", CUSTOMERID="C1", NAME="Cust", DISPLAYCONTACT={"PRINTAS": "Cust"}),
        "CUSTOMERID",
        "C1",
    ),
    ("CONTACT", obj("CONTACT", CONTACTNAME="Sam", PRINTAS="Sam"), "CONTACTNAME", "Sam"),
    ("LOCATION", obj("LOCATION", LOCATIONID="L1", NAME="Depot"), "LOCATIONID", "L1"),
    ("DEPARTMENT", obj("DEPARTMENT", DEPARTMENTID="D1", TITLE="Ops"), "DEPARTMENTID", "D1"),
    ("CLASS", obj("CLASS", CLASSID="K1", NAME="Retail"), "CLASSID", "K1"),
    (
        "EMPLOYEE",
        obj("EMPLOYEE", EMPLOYEEID="E1", PERSONALINFO={"CONTACTNAME": "Pat Doe"}),
        "EMPLOYEEID",
        "E1",
    ),
    (
        "WAREHOUSE",
        obj("WAREHOUSE", WAREHOUSEID="W1", NAME="Main", LOC={"LOCATIONID": "L100"}),
        "WAREHOUSEID",
        "W1",
    ),
    ("ITEM", obj("ITEM", ITEMID="I1", NAME="Bolt", ITEMTYPE="Inventory"), "ITEMID", "I1"),
    ("GLACCOUNT", obj("GLACCOUNT", ACCOUNTNO="4000", TITLE="Sales"), "ACCOUNTNO", "4000"),
    ("GLJOURNAL", obj("GLJOURNAL", SYMBOL="GJ", TITLE="General journal"), "SYMBOL", "GJ"),
    (
        "CHECKINGACCOUNT",
        obj("CHECKINGACCOUNT", BANKACCOUNTID="BOA", BANKACCOUNTNO="123", GLACCOUNTNO="1010"),
        "BANKACCOUNTID",
        "BOA",
    ),
]


@pytest.mark.parametrize(("object_name", "body", "id_field", "id_value"), MINIMAL)
def test_minimal_create_and_read_by_name(
    caller: Caller, object_name: str, body: str, id_field: str, id_value: str
) -> None:
    _prerequisites(caller)
    data = caller.ok(create(body)).data()
    assert children(data) == [object_name.lower()]
    assert data[0].findtext(id_field) == id_value
    assert _name_key(caller, object_name, id_value, id_field) == id_value
    read_back = caller.ok(read(object_name, data[0].findtext("RECORDNO") or "")).data()
    assert read_back[0].findtext("STATUS") == "active"


@pytest.mark.parametrize(("object_name", "body", "id_field", "id_value"), MINIMAL)
def test_duplicate_ids_are_refused(
    caller: Caller, object_name: str, body: str, id_field: str, id_value: str
) -> None:
    _prerequisites(caller)
    caller.ok(create(body))
    errors = caller.call(create(body)).errors()
    if object_name == "GLACCOUNT":
        assert errors[0][0] == "BL01001973"
    else:
        assert errors[0][0] == "BL34000061"
        assert errors[0][2].endswith(f" with the given value(s) {id_value}  already exists")


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        (obj("CUSTOMER", CUSTOMERID="C1", NAME="Cust"), "DISPLAYCONTACT.PRINTAS (Print as)"),
        (obj("CONTACT", CONTACTNAME="Sam"), "PRINTAS (Print as)"),
        (obj("LOCATION", LOCATIONID="L1"), "NAME (Name)"),
        (obj("CLASS", NAME="Retail"), "CLASSID (Class ID)"),
        (obj("EMPLOYEE", EMPLOYEEID="E1"), "PERSONALINFO.CONTACTNAME (Primary contact)"),
        (obj("WAREHOUSE", WAREHOUSEID="W1", NAME="Main"), "LOC.LOCATIONID (Location)"),
        (obj("GLJOURNAL", SYMBOL="GJ"), "TITLE (Journal title)"),
        (
            obj("CHECKINGACCOUNT", BANKACCOUNTID="BOA", BANKACCOUNTNO="123"),
            "GLACCOUNTNO (GL account)",
        ),
        (obj("ITEM", NAME="Bolt", ITEMTYPE="Kit"), "ITEMID (Item ID)"),
    ],
)
def test_required_fields_per_object(caller: Caller, body: str, missing: str) -> None:
    errors = caller.call(create(body)).errors()
    assert errors[0] == (
        "BL01001973",
        "",
        f"Required field {missing} is missing.",
        f"Provide a value for {missing.split(' ')[0]}.",
    )


def test_checking_account_needs_an_existing_gl_account(caller: Caller) -> None:
    body = obj("CHECKINGACCOUNT", BANKACCOUNTID="BOA", BANKACCOUNTNO="123", GLACCOUNTNO="1010")
    assert caller.call(create(body)).errors()[0][2] == "Invalid GL Account '1010' specified."


def test_employee_can_reference_department_location_and_supervisor(caller: Caller) -> None:
    _prerequisites(caller)
    caller.ok(
        create(
            obj("DEPARTMENT", DEPARTMENTID="D1", TITLE="Ops"),
            obj("EMPLOYEE", EMPLOYEEID="BOSS", PERSONALINFO={"CONTACTNAME": "Pat Doe"}),
        )
    )
    caller.ok(
        create(
            obj(
                "EMPLOYEE",
                EMPLOYEEID="E2",
                PERSONALINFO={"CONTACTNAME": "Pat Doe"},
                DEPARTMENTID="D1",
                LOCATIONID="L100",
                SUPERVISORID="BOSS",
                STARTDATE="01/15/2024",
            )
        )
    )
    record = caller.ok(read_by_name("EMPLOYEE", "E2")).data()[0]
    assert record.findtext("PERSONALINFO/CONTACTNAME") == "Pat Doe"
    assert record.findtext("SUPERVISORID") == "BOSS"
    assert record.findtext("STARTDATE") == "01/15/2024"


def test_a_record_cannot_be_its_own_parent(caller: Caller) -> None:
    caller.ok(create(obj("DEPARTMENT", DEPARTMENTID="D1", TITLE="Ops")))
    reply = caller.call(update(obj("DEPARTMENT", DEPARTMENTID="D1", PARENTID="D1")))
    assert reply.errors()[0][2] == "Department 'D1' cannot refer to itself in PARENTID."


# --- ITEM --------------------------------------------------------------------------------


ITEM_TYPES = [
    ("Inventory", "I"),
    ("Non-Inventory", "NI"),
    ("Non-Inventory (Purchase only)", "NP"),
    ("Non-Inventory (Sales only)", "NS"),
    ("Kit", "K"),
    ("Stockable Kit", "SK"),
]


@pytest.mark.parametrize(("display", "code"), ITEM_TYPES)
def test_every_item_type_can_be_created(caller: Caller, display: str, code: str) -> None:
    caller.ok(create(obj("ITEM", ITEMID="X1", NAME="Thing", ITEMTYPE=display)))
    assert _name_key(caller, "ITEM", "X1", "ITEMTYPE") == display
    data = caller.ok(read_by_query("ITEM", f"ITEMTYPE = '{code}'", fields="ITEMID")).data()
    assert column(data, "item", "ITEMID") == ["X1"]


def test_item_type_is_case_insensitive_on_input(caller: Caller) -> None:
    caller.ok(create(obj("ITEM", ITEMID="X1", NAME="Thing", ITEMTYPE="non-inventory")))
    assert _name_key(caller, "ITEM", "X1", "ITEMTYPE") == "Non-Inventory"


def test_unknown_item_type_is_refused(caller: Caller) -> None:
    reply = caller.call(create(obj("ITEM", ITEMID="X1", NAME="Thing", ITEMTYPE="Service")))
    assert reply.errors()[0] == (
        "BL01001973",
        "",
        "'Service' is not a valid value for ITEMTYPE. Valid values: Inventory, Non-Inventory, "
        "Non-Inventory (Purchase only), Non-Inventory (Sales only), Kit, Stockable Kit.",
        "Correct the value of ITEMTYPE.",
    )


def test_item_type_cannot_be_changed(caller: Caller) -> None:
    caller.ok(create(obj("ITEM", ITEMID="X1", NAME="Thing", ITEMTYPE="Non-Inventory")))
    reply = caller.call(update(obj("ITEM", ITEMID="X1", ITEMTYPE="Inventory")))
    assert reply.errors() == [
        (
            "BL01001973",
            "",
            "The item type of item X1 cannot be changed (it is Non-Inventory).",
            "Leave ITEMTYPE out of the update, or create a new item.",
        ),
        ("BL01001973", "", "Could not update item record!", ""),
    ]
    # Repeating the same type, or leaving it out, is fine.
    caller.ok(update(obj("ITEM", ITEMID="X1", ITEMTYPE="Non-Inventory", NAME="Renamed")))
    caller.ok(update(obj("ITEM", ITEMID="X1", BASEPRICE="12.50")))
    record = caller.ok(read_by_name("ITEM", "X1")).data()[0]
    assert (record.findtext("NAME"), record.findtext("BASEPRICE")) == ("Renamed", "12.50")
    assert record.findtext("ITEMTYPE") == "Non-Inventory"


def test_item_defaults(caller: Caller) -> None:
    caller.ok(create(obj("ITEM", ITEMID="X1", NAME="Thing", ITEMTYPE="Inventory")))
    record = caller.ok(read_by_name("ITEM", "X1")).data()[0]
    assert record.findtext("TAXABLE") == "true"
    assert record.findtext("ENABLEFULFILLMENT") == "false"


# --- GLACCOUNT -------------------------------------------------------------------------------


def test_gl_account_duplicate_matches_the_docs(sandbox: Sandbox, caller: Caller) -> None:
    account = obj("GLACCOUNT", ACCOUNTNO="5000.11", TITLE="Freight")
    caller.ok(create(account))
    reply = caller.call(create(account))
    assert reply.result().findtext("status") == "failure"
    assert reply.errors() == [
        (
            "BL01001973",
            "Duplicate account number",
            "The account number '5000.11' already exists",
            "Enter unique account number",
        ),
        ("BL01001973", "", "Could not create GL Account record.", ""),
    ]
    assert count(sandbox, "GLACCOUNT") == 1


def test_gl_account_defaults_and_flags(caller: Caller) -> None:
    caller.ok(
        create(
            obj("GLACCOUNT", ACCOUNTNO="6500", TITLE="Freight", REQUIREDEPT="true", REQUIRELOC="T")
        )
    )
    record = caller.ok(read_by_name("GLACCOUNT", "6500")).data()[0]
    assert record.findtext("ACCOUNTTYPE") == "balancesheet"
    assert record.findtext("NORMALBALANCE") == "debit"
    assert record.findtext("CLOSINGTYPE") == "non-closing account"
    assert record.findtext("REQUIREDEPT") == "true"
    assert record.findtext("REQUIRELOC") == "true"
    assert record.findtext("REQUIRECLASS") == "false"
    data = caller.ok(read_by_query("GLACCOUNT", "REQUIREDEPT = 'T'", fields="ACCOUNTNO")).data()
    assert column(data, "glaccount", "ACCOUNTNO") == ["6500"]


def test_require_project_does_not_exist_without_the_projects_module(caller: Caller) -> None:
    body = obj("GLACCOUNT", ACCOUNTNO="6500", TITLE="Freight", REQUIREPROJECT="true")
    reply = caller.call(create(body))
    assert reply.errors()[0] == (
        "BL01001973",
        "",
        "The field 'REQUIREPROJECT' does not exist on the GLACCOUNT object.",
        "Remove REQUIREPROJECT from the request, or check its spelling with inspect or lookup.",
    )
    caller.ok(create(obj("GLACCOUNT", ACCOUNTNO="6500", TITLE="Freight")))
    record = caller.ok(read_by_name("GLACCOUNT", "6500")).data()[0]
    assert record.find("REQUIREPROJECT") is None
    assert record.find("REQUIRETASK") is None
    lookup = caller.ok("<lookup><object>GLACCOUNT</object></lookup>").data()
    assert "REQUIREPROJECT" not in [f.findtext("ID") for f in lookup.iter("Field")]


def test_require_project_is_accepted_with_the_projects_module(
    sandbox: Sandbox, caller: Caller
) -> None:
    sandbox.admin.set_modules(COMPANY, ["gl", "ap", "ar", "projects"])
    body = obj("GLACCOUNT", ACCOUNTNO="6500", TITLE="Freight", REQUIREPROJECT="true")
    caller.ok(create(body))
    record = caller.ok(read_by_name("GLACCOUNT", "6500")).data()[0]
    assert record.findtext("REQUIREPROJECT") == "true"
    assert record.findtext("REQUIRETASK") == "false"


def test_closing_account_needs_the_account_it_closes_into(caller: Caller) -> None:
    body = obj(
        "GLACCOUNT",
        ACCOUNTNO="4000",
        TITLE="Sales",
        ACCOUNTTYPE="incomestatement",
        CLOSINGTYPE="closing account",
    )
    reply = caller.call(create(body))
    assert reply.errors()[0][2] == (
        "Account 4000 is a closing account but has no CLOSINGACCOUNTNO."
    )
    caller.ok(create(obj("GLACCOUNT", ACCOUNTNO="3100", TITLE="Retained earnings")))
    body = body.replace("</GLACCOUNT>", "<CLOSINGACCOUNTNO>3100</CLOSINGACCOUNTNO></GLACCOUNT>")
    caller.ok(create(body))
    reply = caller.call(
        create(
            obj(
                "GLACCOUNT",
                ACCOUNTNO="4100",
                TITLE="x",
                CLOSINGTYPE="closing account",
                CLOSINGACCOUNTNO="9999",
            )
        )
    )
    assert reply.errors()[0][2] == "Invalid GL Account '9999' specified."


def test_gl_account_in_use_cannot_be_deleted(caller: Caller) -> None:
    caller.ok(create(obj("GLACCOUNT", ACCOUNTNO="6000", TITLE="Expense")))
    caller.ok(create(vendor("V1", APACCOUNT="6000")))
    reply = caller.call('<delete_glaccount glaccountno="6000"/>')
    assert reply.errors()[0][2] == (
        "GL Account '6000' cannot be deleted because Vendor V1 refers to it."
    )


# --- PROJECT and modules ----------------------------------------------------------------------


def test_project_object_is_unknown_without_the_module(caller: Caller) -> None:
    body = obj("PROJECT", PROJECTID="P1", NAME="Line 4", PROJECTCATEGORY="Contract")
    reply = caller.call(create(body))
    assert reply.errors() == [("Query Failed", "", "Object definition PROJECT not found", "")]
    reply = caller.call(read_by_query("PROJECT"))
    assert reply.errors() == [("Query Failed", "", "Object definition PROJECT not found", "")]
    dims = caller.ok("<getDimensions/>").data()
    assert "PROJECT" not in [d.findtext("objectName") for d in dims.iter("dimension")]


def test_project_with_the_module(sandbox: Sandbox, caller: Caller) -> None:
    sandbox.admin.set_modules(COMPANY, ["gl", "projects"])
    reply = caller.call(create(obj("PROJECT", PROJECTID="P1", NAME="Line 4")))
    assert reply.errors()[0][2] == "Required field PROJECTCATEGORY (Project category) is missing."
    caller.ok(create(obj("PROJECT", PROJECTID="P1", NAME="Line 4", PROJECTCATEGORY="Contract")))
    assert _name_key(caller, "PROJECT", "P1", "NAME") == "Line 4"
    caller.ok(update(obj("PROJECT", PROJECTID="P1", PROJECTSTATUS="In progress")))
    assert _name_key(caller, "PROJECT", "P1", "PROJECTSTATUS") == "In progress"
    dims = caller.ok("<getDimensions/>").data()
    assert "PROJECT" in [d.findtext("objectName") for d in dims.iter("dimension")]


# --- user-defined dimensions -------------------------------------------------------------------


def test_user_defined_dimension_lifecycle(sandbox: Sandbox, caller: Caller) -> None:
    sandbox.admin.add_dimension(COMPANY, "PRODUCTLINE", "Product line")
    reply = caller.ok(create("<PRODUCTLINE><id>PL1</id><name>Pumps</name></PRODUCTLINE>"))
    data = reply.data()
    assert children(data) == ["productline"]
    assert row(data[0]) == {"RECORDNO": data[0].findtext("RECORDNO") or "", "id": "PL1"}
    record = caller.ok(read_by_name("PRODUCTLINE", "PL1")).data()[0]
    assert record.tag == "PRODUCTLINE"
    assert (record.findtext("id"), record.findtext("name"), record.findtext("status")) == (
        "PL1",
        "Pumps",
        "active",
    )
    assert record.findtext("RECORDNO") == data[0].findtext("RECORDNO")
    caller.ok(update("<PRODUCTLINE><id>PL1</id><name>Pumps and valves</name></PRODUCTLINE>"))
    rows = caller.ok(read_by_query("PRODUCTLINE", "NAME LIKE 'Pumps%'", fields="id,name")).data()
    assert [row(item) for item in rows] == [{"id": "PL1", "name": "Pumps and valves"}]
    queried = caller.ok(
        "<query><object>PRODUCTLINE</object><select><field>id</field><field>name</field></select>"
        "</query>"
    ).data()
    assert [row(item) for item in queried] == [{"id": "PL1", "name": "Pumps and valves"}]
    counted = caller.ok(
        "<query><object>PRODUCTLINE</object><select><field>status</field>"
        "<count>RECORDNO</count></select></query>"
    ).data()
    assert [row(item) for item in counted] == [{"status": "active", "COUNT.RECORDNO": "1"}]


def test_user_defined_dimension_is_listed_by_get_dimensions(
    sandbox: Sandbox, caller: Caller
) -> None:
    sandbox.admin.add_dimension(COMPANY, "PRODUCTLINE", "Product line")
    dims = caller.ok("<getDimensions/>").data()
    found = {d.findtext("objectName"): d for d in dims.iter("dimension")}
    assert row(found["PRODUCTLINE"]) == {
        "objectName": "PRODUCTLINE",
        "objectLabel": "Product line",
        "termLabel": "Product line",
        "userDefinedDimension": "true",
        "enabledInGL": "true",
    }
    assert found["DEPARTMENT"].findtext("userDefinedDimension") == "false"


def test_user_defined_dimension_adds_a_require_flag_to_gl_accounts(
    sandbox: Sandbox, caller: Caller
) -> None:
    sandbox.admin.add_dimension(COMPANY, "PRODUCTLINE", "Product line")
    caller.ok(
        create(obj("GLACCOUNT", ACCOUNTNO="4000", TITLE="Sales", REQUIREGLDIMPRODUCTLINE="true"))
    )
    record = caller.ok(read_by_name("GLACCOUNT", "4000")).data()[0]
    assert record.findtext("REQUIREGLDIMPRODUCTLINE") == "true"


def test_user_defined_dimension_is_unknown_in_other_companies(
    sandbox: Sandbox, caller: Caller
) -> None:
    sandbox.admin.create_company("OTHER-CO")
    sandbox.admin.add_dimension("OTHER-CO", "PRODUCTLINE", "Product line")
    reply = caller.call(create("<PRODUCTLINE><id>PL1</id><name>Pumps</name></PRODUCTLINE>"))
    assert reply.errors() == [("Query Failed", "", "Object definition PRODUCTLINE not found", "")]


# --- terms (legacy create only) ------------------------------------------------------------------


@pytest.mark.parametrize("object_name", ["APTERM", "ARTERM"])
def test_legacy_term_create_returns_key(caller: Caller, object_name: str) -> None:
    function = f"create_{object_name.lower()}"
    reply = caller.ok(
        f"<{function}><name>2-10 N30</name><description>2%/10 net 30</description>"
        "<due><dueday>30</dueday><duefrom>from invoice/bill date</duefrom></due>"
        "<discount><discday>10</discday><discfrom>from invoice/bill date</discfrom>"
        "<discamount>2</discamount><discpercamn>%</discpercamn></discount>"
        f"<disccalcon>Bill total</disccalcon></{function}>"
    )
    result = reply.result()
    assert children(result) == ["status", "function", "controlid", "key"]
    assert result.findtext("function") == function
    assert result.findtext("key") == "2-10 N30"
    record = caller.ok(read_by_name(object_name, "2-10 N30")).data()[0]
    assert record.tag == object_name
    assert (record.findtext("DUEDATE"), record.findtext("DISCAMOUNT")) == ("30", "2")
    assert record.findtext("DISCCALCON") == "Bill total"
    assert record.findtext("STATUS") == "active"


def test_term_needs_a_name_and_a_unique_one(caller: Caller) -> None:
    reply = caller.call("<create_apterm><name></name></create_apterm>")
    assert reply.errors() == [
        ("BL01001973", "", "Required field NAME (Term) is missing.", "Provide a value for NAME."),
        ("BL01001973", "", "Could not create apterm record!", ""),
    ]
    caller.ok("<create_apterm><name>N30</name></create_apterm>")
    reply = caller.call("<create_apterm><name>N30</name></create_apterm>")
    assert reply.errors()[0][:3] == (
        "BL34000061",
        "",
        "Another AP Term with the given value(s) N30  already exists",
    )


def test_term_bad_number_is_refused(caller: Caller) -> None:
    reply = caller.call(
        "<create_arterm><name>N30</name><due><dueday>thirty</dueday></due></create_arterm>"
    )
    assert reply.errors()[0][:3] == (
        "BL01001973",
        "",
        "'thirty' is not a valid number for DUEDATE.",
    )


@pytest.mark.parametrize("object_name", ["APTERM", "ARTERM"])
def test_terms_cannot_be_created_or_updated_generically(caller: Caller, object_name: str) -> None:
    reply = caller.call(create(obj(object_name, NAME="N30")))
    assert reply.errors()[0] == (
        "BL01001973",
        "",
        f"The {object_name} object cannot be created with the generic create function.",
        f"Use the legacy create_{object_name.lower()} function.",
    )
    caller.ok(f"<create_{object_name.lower()}><name>N30</name></create_{object_name.lower()}>")
    reply = caller.call(update(obj(object_name, RECORDNO="1", DESCRIPTION="x")))
    assert reply.errors()[0][2] == (
        f"The {object_name} object cannot be updated with the generic update function."
    )


def test_vendor_and_customer_terms_reference_the_right_term_object(caller: Caller) -> None:
    caller.ok("<create_apterm><name>N30</name></create_apterm>")
    caller.ok(create(vendor("V1", TERMNAME="N30")))
    reply = caller.call(
        create(
            obj(
                "CUSTOMER",
                CUSTOMERID="C1",
                NAME="C",
                DISPLAYCONTACT={"PRINTAS": "C"},
                TERMNAME="N30",
            )
        )
    )
    assert reply.errors()[0][2] == "Invalid AR Term 'N30' specified."


# --- read-only objects ----------------------------------------------------------------------------


def _seed_tax(sandbox: Sandbox) -> None:
    sandbox.admin.seed(COMPANY, "GLACCOUNT", [{"ACCOUNTNO": "2200", "TITLE": "VAT"}])
    sandbox.admin.seed(
        COMPANY,
        "TAXSOLUTION",
        [{"TAXSOLUTIONID": "UK VAT", "DESCRIPTION": "United Kingdom VAT", "TAXMETHOD": "VAT"}],
    )
    sandbox.admin.seed(
        COMPANY,
        "TAXDETAIL",
        [
            {
                "DETAILID": "UK Sale Standard",
                "TAXTYPE": "Sale",
                "VALUE": "20",
                "GLACCOUNT": "2200",
                "TAXSOLUTIONID": "UK VAT",
            },
            {
                "DETAILID": "UK Purchase Standard",
                "TAXTYPE": "Purchase",
                "VALUE": "20",
                "GLACCOUNT": "2200",
                "TAXSOLUTIONID": "UK VAT",
            },
        ],
    )


def test_tax_details_are_readable(sandbox: Sandbox, caller: Caller) -> None:
    _seed_tax(sandbox)
    data = caller.ok(read_by_query("TAXDETAIL", "TAXTYPE = 'P'", fields="DETAILID,TAXTYPE")).data()
    assert [row(item) for item in data] == [
        {"DETAILID": "UK Purchase Standard", "TAXTYPE": "Purchase"}
    ]
    assert _name_key(caller, "TAXDETAIL", "UK Sale Standard", "VALUE") == "20"
    assert _name_key(caller, "TAXSOLUTION", "UK VAT", "DESCRIPTION") == "United Kingdom VAT"
    queried = caller.ok(
        "<query><object>TAXDETAIL</object><select><field>DETAILID</field></select><filter>"
        "<equalto><field>TAXTYPE</field><value>Sale</value></equalto></filter></query>"
    ).data()
    assert column(queried, "TAXDETAIL", "DETAILID") == ["UK Sale Standard"]


@pytest.mark.parametrize("object_name", ["TAXDETAIL", "TAXSOLUTION", "LOCATIONENTITY"])
def test_read_only_objects_refuse_writes(
    sandbox: Sandbox, caller: Caller, object_name: str
) -> None:
    _seed_tax(sandbox)
    hint = "records are maintained in the Intacct UI (or the sandbox admin API)."
    label = {"TAXDETAIL": "Tax detail", "TAXSOLUTION": "Tax solution", "LOCATIONENTITY": "Entity"}
    reply = caller.call(create(obj(object_name, DETAILID="X")))
    assert reply.errors()[0] == (
        "BL01001973",
        "",
        f"The {object_name} object cannot be created with the generic create function.",
        f"{label[object_name]} {hint}",
    )
    reply = caller.call(update(obj(object_name, RECORDNO="1")))
    assert reply.errors()[0][2] == (
        f"The {object_name} object cannot be updated with the generic update function."
    )
    reply = caller.call(delete(object_name, "1"))
    assert reply.errors()[0][2] == f"The {object_name} object cannot be deleted through the API."
    if object_name != "LOCATIONENTITY":
        assert count(sandbox, object_name) >= 1


# --- metadata -------------------------------------------------------------------------------------


def test_lookup_describes_fields_and_relationships(caller: Caller) -> None:
    data = caller.ok("<lookup><object>VENDOR</object></lookup>").data()
    type_el = data.find("Type")
    assert type_el is not None
    assert attrs(type_el) == {"Name": "VENDOR", "DocumentType": ""}
    fields = {f.findtext("ID"): f for f in type_el.iter("Field")}
    assert fields["VENDORID"].findtext("REQUIRED") == "true"
    assert fields["RECORDNO"].findtext("READONLY") == "true"
    assert [v.text for v in fields["STATUS"].iter("VALIDVALUE")] == ["active", "inactive"]
    relations = {
        r.findtext("RELATEDBY"): r.findtext("OBJECTNAME") for r in type_el.iter("Relationship")
    }
    assert relations["TERMNAME"] == "APTERM"
    assert relations["APACCOUNT"] == "GLACCOUNT"


def test_inspect_lists_fields(caller: Caller) -> None:
    data = caller.ok('<inspect detail="1"><object>CLASS</object></inspect>').data()
    assert attrs(data) == {"listtype": "All", "count": "1"}
    type_el = data.find("Type")
    assert type_el is not None and type_el.get("Name") == "CLASS"
    assert type_el.findtext("Attributes/SingularName") == "Class"
    names = [f.findtext("Name") for f in type_el.iter("Field")]
    assert names[:3] == ["RECORDNO", "CLASSID", "NAME"]
    reply = caller.call("<inspect><object>NOPE</object></inspect>")
    assert reply.errors() == [("Query Failed", "", "Object definition NOPE not found", "")]


# --- legacy contact functions (pyintacct's 2.1 Contact model) ---------------------------------


def test_legacy_create_contact_returns_key(caller: Caller) -> None:
    reply = caller.ok(
        "<create_contact><contactname>Pat Doe</contactname><printas>Pat</printas>"
        "<taxable>True</taxable><email1>pat@x.example</email1>"
        "<mailaddress><city>Leeds</city><latitude>53.8</latitude></mailaddress>"
        "<taxid>12-345</taxid><externalid>ext-1</externalid></create_contact>"
    )
    assert reply.result().findtext("key") == "Pat Doe"
    record = caller.ok(read_by_name("CONTACT", "Pat Doe")).data()[0]
    assert record.findtext("PRINTAS") == "Pat"
    assert record.findtext("TAXABLE") == "true"
    assert record.findtext("TAXID") == "12-345"
    assert record.findtext("MAILADDRESS/CITY") == "Leeds"


def test_legacy_create_contact_duplicates(sandbox: Sandbox, caller: Caller) -> None:
    body = "<contactname>Pat</contactname><printas>Pat</printas>"
    caller.ok(f"<create_contact>{body}</create_contact>")
    reply = caller.call(f"<create_contact>{body}</create_contact>")
    assert reply.errors()[0][:3] == (
        "BL34000061",
        "",
        "Another Contact with the given value(s) Pat  already exists",
    )
    reply = caller.ok(f'<create_contact ignoreduplicates="true">{body}</create_contact>')
    assert reply.result().findtext("key") == "Pat"
    assert count(sandbox, "CONTACT") == 1


def test_legacy_create_contact_needs_printas(caller: Caller) -> None:
    reply = caller.call("<create_contact><contactname>Pat</contactname></create_contact>")
    assert reply.results == []  # the DTD requires <printas>: nothing runs
    assert reply.control_errors[0][:3] == (
        "XL03000003",
        "XML Parse schema error",
        "XML Parse schema error: Element create_contact content does not follow the DTD, "
        "expecting (contactname , printas , companyname? , taxable? , taxgroup? , prefix? , "
        "firstname? , lastname? , initial? , phone1? , phone2? , cellphone? , pager? , fax? , "
        "email1? , email2? , url1? , url2? , status? , mailaddress? , taxid? , "
        "taxsolutionid? , taxschedule? , externalid?), got (contactname).",
    )
    reply = caller.call(
        "<create_contact><contactname>Pat</contactname><printas></printas></create_contact>"
    )
    assert reply.errors() == [
        (
            "BL01001973",
            "",
            "Required field PRINTAS (Print as) is missing.",
            "Provide a value for PRINTAS.",
        ),
        ("BL01001973", "", "Could not create contact record!", ""),
    ]


def test_legacy_update_and_delete_contact(sandbox: Sandbox, caller: Caller) -> None:
    caller.ok(
        "<create_contact><contactname>Pat</contactname><printas>Pat</printas>"
        "<phone1>555</phone1><email1>old@x.example</email1></create_contact>"
    )
    reply = caller.ok(
        '<update_contact contactname="Pat"><printas>Patricia</printas>'
        "<email1>new@x.example</email1></update_contact>"
    )
    assert reply.result().findtext("key") == "Pat"
    record = caller.ok(read_by_name("CONTACT", "Pat")).data()[0]
    assert (record.findtext("PRINTAS"), record.findtext("EMAIL1")) == ("Patricia", "new@x.example")
    assert record.findtext("PHONE1") == "555"
    reply = caller.call(
        '<update_contact contactname="Nobody"><printas>x</printas></update_contact>'
    )
    assert reply.errors() == [
        ("BL01001973", "", "Cannot update non-existing CONTACT with CONTACTNAME=Nobody.", "")
    ]
    caller.ok('<delete_contact contactname="Pat"/>')
    assert count(sandbox, "CONTACT") == 0
