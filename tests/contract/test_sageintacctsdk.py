"""Contract: fylein's ``sageintacctsdk`` 1.28.1 works against the sandbox unchanged.

The only change to the client is its URL, set with "Recipe B" of
``connector-landscape.md`` §6.2: ``ApiBase.__init__`` is wrapped so that every client
object starts with the sandbox URL, and the constructor's real ``getAPISession`` login
runs. Everything else — XML building, response parsing, paging, error mapping — is the
SDK's own code talking HTTP to a uvicorn-served sandbox.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sageintacctsdk import SageIntacctSDK
from sageintacctsdk.apis.api_base import ApiBase
from sageintacctsdk.apis.constants import dimensions_fields_mapping
from sageintacctsdk.exceptions import (
    DataIntegrityWarning,
    InvalidTokenError,
    NoPrivilegeError,
    WrongParamsError,
)

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox, SandboxSettings
from tests.contract.conftest import (
    CLASSES,
    DEPARTMENTS,
    GL_ACCOUNTS,
    LOCATIONS,
    PRODUCT_LINES,
    BigCompany,
    Connect,
    RunningServer,
    serve,
    vendor_id,
)

pytestmark = [pytest.mark.server, pytest.mark.timeout(60)]


def _url_of(client: ApiBase) -> str:
    return str(client._ApiBase__api_url)


def _session_of(sdk: SageIntacctSDK) -> str:
    return str(sdk._SageIntacctSDK__session_id)


@pytest.fixture
def sdk(connect: Connect, server: RunningServer, creds: QuickstartCredentials) -> SageIntacctSDK:
    return connect(server.url, creds)


@pytest.fixture
def big_sdk(connect: Connect, big: BigCompany) -> SageIntacctSDK:
    return connect(big.server.url, big.creds)


def _vendor(number: int) -> dict[str, Any]:
    return {
        "VENDORID": f"VC{number}",
        "NAME": f"Contract Vendor {number}",
        "DISPLAYCONTACT": {"PRINTAS": f"Contract Vendor {number} Inc"},
    }


# --- login ------------------------------------------------------------------------------------


def test_login_recipe_b_adopts_the_endpoint_from_get_api_session(
    sandbox: Sandbox, creds: QuickstartCredentials, server: RunningServer, connect: Connect
) -> None:
    entry = f"{server.url}?entry=recipe-b"
    sandbox.admin.seed(
        creds.company_id,
        "VENDOR",
        [{"VENDORID": "V1", "NAME": "One", "DISPLAYCONTACT.PRINTAS": "One"}],
    )

    sdk = connect(entry, creds)

    # api_base ran getAPISession and switched to the <endpoint> the sandbox returned
    # (the request URL without its query); the object clients keep the URL they had.
    assert _url_of(sdk.api_base) == server.url
    assert _url_of(sdk.vendors) == entry
    session = sandbox.backend.sessions[_session_of(sdk)]
    assert (session.company_id, session.user_id, session.location_id) == (
        creds.company_id,
        creds.user_id,
        "",
    )
    assert sdk.vendors.count() == 1
    assert sdk.vendors.get_all(fields=["VENDORID", "NAME"]) == [{"VENDORID": "V1", "NAME": "One"}]


def test_login_with_entity_id_opens_an_entity_session(
    sandbox: Sandbox, server: RunningServer, connect: Connect
) -> None:
    creds = sandbox.quickstart(mega=True)
    admin = sandbox.admin
    admin.add_entity(creds.company_id, "E100", "East")
    admin.add_entity(creds.company_id, "E200", "West")
    for entity, vid in (("", "V-TOP"), ("E100", "V-EAST"), ("E200", "V-WEST")):
        admin.seed(
            creds.company_id,
            "VENDOR",
            [{"VENDORID": vid, "NAME": vid, "DISPLAYCONTACT.PRINTAS": vid}],
            entity=entity,
        )

    east = connect(server.url, creds, entity_id="E100")
    top = connect(server.url, creds)
    top_private = connect(server.url, creds, show_private=True)

    def ids(sdk: SageIntacctSDK) -> set[str]:
        return {row["VENDORID"] for row in sdk.vendors.get_all(fields=["VENDORID"])}

    assert sandbox.backend.sessions[_session_of(east)].location_id == "E100"
    assert sandbox.backend.sessions[_session_of(top)].location_id == ""
    assert ids(east) == {"V-TOP", "V-EAST"}
    # At the top level, query skips entity-owned records unless showprivate is set.
    assert ids(top) == {"V-TOP"}
    assert ids(top_private) == {"V-TOP", "V-EAST", "V-WEST"}
    east_row = east.vendors.get_all(
        fields=["VENDORID", "MEGAENTITYID"], field="VENDORID", value="V-EAST"
    )
    assert east_row == [{"VENDORID": "V-EAST", "MEGAENTITYID": "E100"}]


def test_wrong_sender_password_raises_wrong_params_error(
    creds: QuickstartCredentials, server: RunningServer, connect: Connect
) -> None:
    with pytest.raises(WrongParamsError) as caught:
        connect(server.url, creds, sender_password="not-the-sender-password")

    assert caught.value.message == "Some of the parameters are wrong"
    assert caught.value.response == {
        "error": [
            {
                "errorno": "XL03000006",
                "description": None,
                "description2": "Incorrect Intacct XML Partner ID or password.",
                "correction": None,
            }
        ]
    }


def test_wrong_user_password_modern_http_401_raises_invalid_token_error(
    creds: QuickstartCredentials, server: RunningServer, connect: Connect
) -> None:
    with pytest.raises(InvalidTokenError) as caught:
        connect(server.url, creds, user_password="not-the-user-password")

    # The SDK's HTTP 401 branch: the response is the control-level errormessage.
    assert caught.value.message == "Invalid token / Incorrect credentials"
    error = caught.value.response["error"]
    assert error["errorno"] == "XMLGW_JPP0002"
    assert error["description2"] == "Sign-in information is incorrect. Please check your request."


def test_wrong_user_password_legacy_form_raises_invalid_token_error(connect: Connect) -> None:
    sandbox = Sandbox(seed=7, settings=SandboxSettings(login_failure_style="legacy"))
    creds = sandbox.quickstart()
    with serve(sandbox) as running, pytest.raises(InvalidTokenError) as caught:
        connect(running.url, creds, user_password="not-the-user-password")

    # HTTP 200 with operation/authentication/status = failure.
    assert caught.value.message == "Invalid token / Incorrect credentials"
    assert caught.value.response == {
        "error": {
            "errorno": "XL03000006",
            "description": None,
            "description2": "Sign-in information is incorrect",
            "correction": None,
        }
    }


def test_sender_without_web_services_authorization_raises_invalid_token_error(
    sandbox: Sandbox, creds: QuickstartCredentials, server: RunningServer, connect: Connect
) -> None:
    sandbox.admin.revoke_sender(creds.company_id, creds.sender_id)

    with pytest.raises(InvalidTokenError) as caught:
        connect(server.url, creds)

    error = caught.value.response["error"]
    assert error["description"] == "Invalid Web Services Authorization"
    assert error["description2"] == (
        f"The sender ID '{creds.sender_id}' is not authorized to make Web Services requests "
        f"to company ID '{creds.company_id}'."
    )


def test_expired_session_raises_invalid_token_error(sandbox: Sandbox, sdk: SageIntacctSDK) -> None:
    assert sdk.vendors.count(None) == 0
    real_clock = sandbox.backend.clock
    sandbox.backend.clock = lambda: real_clock() + timedelta(hours=2)

    with pytest.raises(InvalidTokenError) as caught:
        sdk.vendors.count(None)

    assert caught.value.response["error"]["description2"] == (
        "The session ID is invalid or has expired."
    )


def test_user_without_rights_raises_no_privilege_error(
    sandbox: Sandbox, creds: QuickstartCredentials, server: RunningServer, connect: Connect
) -> None:
    sandbox.admin.update_user(creds.company_id, creds.user_id, admin="off", roles=())
    sdk = connect(server.url, creds)

    with pytest.raises(NoPrivilegeError) as caught:
        sdk.vendors.post(_vendor(1))

    assert caught.value.response["error"][0]["description2"] == (
        "You do not have permission for API operation CREATE on objects of type VENDOR"
    )
    assert sdk.vendors.count(None) == 0


# --- writes -----------------------------------------------------------------------------------


def test_vendor_create_update_delete(
    sandbox: Sandbox, creds: QuickstartCredentials, sdk: SageIntacctSDK
) -> None:
    created = sdk.vendors.post(
        {
            "VENDORID": "V-ACME",
            "NAME": "Acme Castings",
            "DISPLAYCONTACT": {"PRINTAS": "Acme Castings Inc", "EMAIL1": "ap@acme.example"},
            "VENDTYPE": "Castings",
        }
    )
    assert (created["status"], created["function"]) == ("success", "create")
    key = created["data"]["vendor"]
    assert key["VENDORID"] == "V-ACME"
    recordno = key["RECORDNO"]

    updated = sdk.vendors.update({"VENDORID": "V-ACME", "NAME": "Acme Castings West"})
    assert updated["data"]["vendor"] == {"RECORDNO": recordno, "VENDORID": "V-ACME"}
    sdk.vendors.update({"RECORDNO": recordno, "STATUS": "inactive"})

    page = sdk.vendors.get(field="VENDORID", value="V-ACME")
    assert page["@totalcount"] == "1"
    (row,) = page["VENDOR"]
    assert set(row) == set(dimensions_fields_mapping["VENDOR"])
    assert (row["RECORDNO"], row["NAME"], row["STATUS"], row["VENDTYPE"]) == (
        recordno,
        "Acme Castings West",
        "inactive",
        "Castings",
    )
    assert row["DISPLAYCONTACT.PRINTAS"] == "Acme Castings Inc"
    assert row["DISPLAYCONTACT.EMAIL1"] == "ap@acme.example"
    assert sdk.vendors.count() == 0  # STATUS = active
    assert sdk.vendors.count(None) == 1

    deleted = sdk.vendors.delete(recordno)
    assert deleted["status"] == "success"
    assert sdk.vendors.count(None) == 0
    assert "VENDOR" not in sdk.vendors.get(field="VENDORID", value="V-ACME")
    assert sandbox.admin.company(creds.company_id).data.table("VENDOR").records == {}


def test_customer_create_update_delete(sdk: SageIntacctSDK) -> None:
    created = sdk.customers.post(
        {
            "CUSTOMERID": "C-BOLT",
            "NAME": "Bolt Motors",
            "DISPLAYCONTACT": {
                "PRINTAS": "Bolt Motors GmbH",
                "MAILADDRESS": {"CITY": "Stuttgart", "COUNTRY": "Germany"},
            },
            "CREDITLIMIT": 25000.0,
            "ONHOLD": False,
        }
    )
    key = created["data"]["customer"]
    assert key["CUSTOMERID"] == "C-BOLT"
    recordno = key["RECORDNO"]

    sdk.customers.update({"CUSTOMERID": "C-BOLT", "CREDITLIMIT": 40000.0, "ONHOLD": True})

    # ApiBase.get is a readByQuery: records come back lower-case, one record as a dict.
    page = sdk.customers.get(field="CUSTOMERID", value="C-BOLT")
    assert (page["@totalcount"], page["@numremaining"]) == ("1", "0")
    row = page["customer"]
    assert (row["RECORDNO"], row["NAME"], row["CREDITLIMIT"], row["ONHOLD"]) == (
        recordno,
        "Bolt Motors",
        "40000.0",
        "true",
    )
    assert row["DISPLAYCONTACT"]["MAILADDRESS"]["CITY"] == "Stuttgart"
    listed = sdk.customers.get_all(fields=["CUSTOMERID", "CREDITLIMIT", "ONHOLD"])
    assert listed == [{"CUSTOMERID": "C-BOLT", "CREDITLIMIT": "40000.0", "ONHOLD": "true"}]
    (default,) = sdk.customers.get_all()
    assert set(default) == set(dimensions_fields_mapping["CUSTOMER"])
    assert (default["RECORDNO"], default["ONHOLD"], default["OBJECTRESTRICTION"]) == (
        recordno,
        "true",
        "Unrestricted",
    )

    sdk.customers.delete(recordno)
    assert sdk.customers.count(None) == 0
    assert "customer" not in sdk.customers.get(field="CUSTOMERID", value="C-BOLT")


def test_duplicate_create_raises_wrong_params_error_with_the_error_list(
    sdk: SageIntacctSDK,
) -> None:
    sdk.vendors.post(_vendor(7))

    with pytest.raises(WrongParamsError) as caught:
        sdk.vendors.post(_vendor(7))

    assert caught.value.message == "Error during create"
    errors = caught.value.response["error"]
    assert errors[0] == {
        "errorno": "BL34000061",
        "description": None,
        "description2": "Another Vendor with the given value(s) VC7  already exists",
        "correction": "Use a unique value instead.",
    }
    # Then Intacct's generic companion error(s): "Could not create vendor record!".
    assert len(errors) >= 2
    for companion in errors[1:]:
        assert companion["errorno"] == "BL01001973"
        assert companion["description2"].lower() == "could not create vendor record!"
    assert sdk.vendors.count(None) == 1


def test_unknown_field_raises_wrong_params_error(sdk: SageIntacctSDK) -> None:
    with pytest.raises(WrongParamsError) as caught:
        sdk.vendors.post({**_vendor(8), "FAVOURITECOLOUR": "blue"})

    first = caught.value.response["error"][0]
    assert first["description2"] == (
        "The field 'FAVOURITECOLOUR' does not exist on the VENDOR object."
    )
    assert sdk.vendors.count(None) == 0


def test_every_error_carries_a_description2(sdk: SageIntacctSDK) -> None:
    """The SDK crashes with UnboundLocalError on an empty description2 (pitfall 9)."""
    calls: list[Callable[[], object]] = [
        lambda: sdk.vendors.delete(999_999),
        lambda: sdk.vendors.update({"VENDORID": "NOPE", "NAME": "x"}),
        lambda: sdk.vendors.get(field="NOSUCHFIELD", value="x"),
        lambda: sdk.vendors.count("NOSUCHFIELD", "x"),
        lambda: sdk.vendors.post({"NAME": "No id", "DISPLAYCONTACT": {"PRINTAS": "x"}}),
    ]
    for call in calls:
        with pytest.raises(WrongParamsError) as caught:
            call()
        errors = caught.value.response["error"]
        assert errors
        assert all(error["description2"] for error in errors), errors


# --- paging over the 2,600-vendor company -----------------------------------------------------


def test_count_defaults_to_active_and_accepts_filters(
    big: BigCompany, big_sdk: SageIntacctSDK
) -> None:
    vendors = big_sdk.vendors
    assert vendors.count() == len(big.active_vendor_ids) == 2_340
    assert vendors.count(None) == 2_600
    assert vendors.count("VENDTYPE", "Freight") == 650
    in_v01 = {v for v in big.active_vendor_ids if v.startswith("V01")}
    assert (
        vendors.count(and_filter=[("equalto", "STATUS", "active"), ("like", "VENDORID", "V01%")])
        == len(in_v01)
        == 900
    )
    assert (
        vendors.count(
            or_filter=[("equalto", "VENDORID", "V00001"), ("equalto", "VENDORID", "V02600")]
        )
        == 2
    )


def test_get_all_reads_every_vendor_with_the_sdk_default_fields(
    big: BigCompany, big_sdk: SageIntacctSDK
) -> None:
    rows = big_sdk.vendors.get_all()

    assert len(rows) == 2_600
    assert {row["VENDORID"] for row in rows} == big.vendor_ids
    assert len({row["RECORDNO"] for row in rows}) == 2_600
    assert all(set(row) == set(dimensions_fields_mapping["VENDOR"]) for row in rows)
    by_id = {row["VENDORID"]: row for row in rows}
    assert {k: by_id["V00040"][k] for k in ("NAME", "VENDTYPE", "STATUS")} == {
        "NAME": "Supplier 0040",
        "VENDTYPE": "Freight",
        "STATUS": "inactive",
    }
    assert by_id["V02599"]["DISPLAYCONTACT.EMAIL1"] == "ap2599@supplier.example"
    assert by_id["V02599"]["DISPLAYCONTACT.CONTACTNAME"] == "Supplier 2599(VV02599)"


def test_get_all_with_a_field_filter(big: BigCompany, big_sdk: SageIntacctSDK) -> None:
    rows = big_sdk.vendors.get_all(
        field="STATUS", value="active", fields=["RECORDNO", "VENDORID", "STATUS"]
    )

    assert len(rows) == 2_340
    assert {row["VENDORID"] for row in rows} == big.active_vendor_ids
    assert {row["STATUS"] for row in rows} == {"active"}


def test_get_all_generator_pages_by_offset(big: BigCompany, big_sdk: SageIntacctSDK) -> None:
    pages = list(
        big_sdk.vendors.get_all_generator(
            field="STATUS",
            value="active",
            fields=["VENDORID"],
            order_by_field="VENDORID",
            order="descending",
        )
    )

    assert [len(page) for page in pages] == [2_000, 340]
    ids = [row["VENDORID"] for page in pages for row in page]
    assert ids == sorted(big.active_vendor_ids, reverse=True)


def test_get_all_generator_incremental_read_as_fyle_does_it(
    big: BigCompany, big_sdk: SageIntacctSDK
) -> None:
    # fyle-intacct-api: get_all_generator(fields=..., updated_at='mm/dd/yyyy').
    pages = list(
        big_sdk.vendors.get_all_generator(
            fields=["VENDORID", "NAME", "STATUS", "WHENMODIFIED"],
            updated_at=big.recent_cutoff,
        )
    )

    # count(None) = 2,600 drives the offsets, so the second page is empty (pitfall 5).
    assert [len(page) for page in pages] == [100, 0]
    assert {row["VENDORID"] for row in pages[0]} == big.recent_vendor_ids


def test_get_by_query_pages_with_and_filter_without_data_integrity_warning(
    big: BigCompany, big_sdk: SageIntacctSDK
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataIntegrityWarning)
        rows = big_sdk.vendors.get_by_query(
            fields=["VENDORID", "STATUS"], and_filter=[("equalto", "STATUS", "active")]
        )

    assert len(rows) == 2_340
    assert {row["VENDORID"] for row in rows} == big.active_vendor_ids


def test_get_by_query_between_in_and_or_filters(big_sdk: SageIntacctSDK) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataIntegrityWarning)
        between_in = big_sdk.vendors.get_by_query(
            fields=["VENDORID", "VENDTYPE"],
            and_filter=[
                ("between", "VENDORID", ["V00100", "V00199"]),
                ("in", "VENDTYPE", ["Freight", "Tooling"]),
            ],
        )
        either = big_sdk.vendors.get_by_query(
            fields=["VENDORID"],
            or_filter=[("equalto", "VENDORID", "V00001"), ("like", "NAME", "Supplier 260%")],
        )

    assert {row["VENDORID"] for row in between_in} == {
        vendor_id(n) for n in range(100, 200) if n % 4 == 0
    }
    assert {row["VENDTYPE"] for row in between_in} == {"Freight"}
    assert {row["VENDORID"] for row in either} == {"V00001", "V02600"}


def test_read_by_query_returns_the_first_page_with_paging_attributes(
    big_sdk: SageIntacctSDK,
) -> None:
    data = big_sdk.vendors.read_by_query(fields=["RECORDNO", "VENDORID"])["data"]

    assert (data["@listtype"], data["@count"], data["@totalcount"], data["@numremaining"]) == (
        "vendor",
        "1000",
        "2600",
        "1600",
    )
    assert data["@resultId"]
    assert [row["VENDORID"] for row in data["vendor"]] == [vendor_id(n) for n in range(1, 1001)]


# --- GL accounts and dimensions ----------------------------------------------------------------


def test_gl_accounts_get_all_with_default_fields(big_sdk: SageIntacctSDK) -> None:
    rows = big_sdk.accounts.get_all()

    defaults = {
        "ACCOUNTTYPE": "balancesheet",
        "NORMALBALANCE": "debit",
        "CLOSINGTYPE": "non-closing account",
        "STATUS": "active",
        "CATEGORY": None,
        "ALTERNATIVEACCOUNT": "None",
    }
    fields = [f for f in dimensions_fields_mapping["GLACCOUNT"] if f != "RECORDNO"]
    expected = {
        account["ACCOUNTNO"]: {f: {**defaults, **account}.get(f) for f in fields}
        for account in GL_ACCOUNTS
    }
    assert {row["ACCOUNTNO"]: {f: row[f] for f in fields} for row in rows} == expected
    assert big_sdk.accounts.count() == 9
    income = big_sdk.accounts.get_all(
        field="ACCOUNTTYPE", value="incomestatement", fields=["ACCOUNTNO"]
    )
    assert {row["ACCOUNTNO"] for row in income} == {"4000", "4100", "5000", "6000", "6900"}


def test_get_dimensions_lists_standard_and_user_defined_dimensions(
    big_sdk: SageIntacctSDK,
) -> None:
    dimensions = {d["objectName"]: d for d in big_sdk.dimensions.get_all()}

    assert {"DEPARTMENT", "LOCATION", "CLASS", "CUSTOMER", "VENDOR", "PRODUCTLINE"} <= set(
        dimensions
    )
    assert "PROJECT" not in dimensions  # the projects module is not subscribed
    assert dimensions["DEPARTMENT"]["userDefinedDimension"] == "false"
    assert dimensions["PRODUCTLINE"] == {
        "objectName": "PRODUCTLINE",
        "objectLabel": "Product line",
        "termLabel": "Product line",
        "userDefinedDimension": "true",
        "enabledInGL": "true",
    }
    assert big_sdk.dimension_values.count("PRODUCTLINE") == len(PRODUCT_LINES)


def test_user_defined_dimension_values_come_back_with_lower_case_fields(
    big_sdk: SageIntacctSDK,
) -> None:
    # fyle-intacct-api reads value['name'] and value['id'] from these rows.
    values = big_sdk.dimension_values.get_all("PRODUCTLINE")

    assert {value["id"]: value["name"] for value in values} == {
        item["ID"]: item["NAME"] for item in PRODUCT_LINES
    }


@pytest.mark.parametrize(
    ("client", "object_name", "id_field", "seeded"),
    [
        ("departments", "DEPARTMENT", "DEPARTMENTID", DEPARTMENTS),
        ("classes", "CLASS", "CLASSID", CLASSES),
        ("locations", "LOCATION", "LOCATIONID", LOCATIONS),
    ],
)
def test_dimension_objects_get_all_with_default_fields(
    big_sdk: SageIntacctSDK,
    client: str,
    object_name: str,
    id_field: str,
    seeded: tuple[dict[str, str], ...],
) -> None:
    api: ApiBase = getattr(big_sdk, client)
    rows = api.get_all()

    mapping = dimensions_fields_mapping[object_name]
    assert all(set(row) == set(mapping) for row in rows)
    by_id = {row[id_field]: row for row in rows}
    assert set(by_id) == {item[id_field] for item in seeded}
    for item in seeded:
        assert set(item) <= set(mapping)
        wanted = {"STATUS": "active", "PARENTID": None, **item}
        assert {key: by_id[item[id_field]][key] for key in wanted} == wanted
    assert api.count() == sum(1 for item in seeded if item.get("STATUS", "active") == "active")


def test_department_get_single_record_comes_back_as_a_dict(big_sdk: SageIntacctSDK) -> None:
    data = big_sdk.departments.get(field="DEPARTMENTID", value="D120")

    # readByQuery rows are lower-case and a single one is not a list (pitfall 7).
    assert data["@count"] == "1"
    row = data["department"]
    assert (row["TITLE"], row["PARENTID"], row["CUSTTITLE"]) == ("Machining", "D100", "Shop")


def test_parent_key_is_the_parent_record_number(big_sdk: SageIntacctSDK) -> None:
    rows = {row["DEPARTMENTID"]: row for row in big_sdk.departments.get_all()}

    assert rows["D110"]["PARENTKEY"] == rows["D100"]["RECORDNO"]


def test_entity_project_item_and_bank_objects_get_all_with_default_fields(
    sandbox: Sandbox, server: RunningServer, connect: Connect
) -> None:
    creds = sandbox.quickstart(
        mega=True, modules={"gl", "ap", "ar", "cm", "inventory", "order_entry", "projects"}
    )
    admin, company = sandbox.admin, creds.company_id
    admin.add_entity(company, "E100", "East", LEGALNAME="East Manufacturing LLC")
    admin.seed(company, "GLACCOUNT", [{"ACCOUNTNO": "1010", "TITLE": "Operating bank"}])
    admin.seed(
        company,
        "CHECKINGACCOUNT",
        [
            {
                "BANKACCOUNTID": "BOA-OP",
                "BANKACCOUNTNO": "000123456",
                "GLACCOUNTNO": "1010",
                "BANKNAME": "Bank of Anywhere",
            }
        ],
    )
    admin.seed(company, "ITEM", [{"ITEMID": "PUMP-1", "NAME": "Pump", "ITEMTYPE": "Inventory"}])
    admin.seed(
        company,
        "PROJECT",
        [
            {
                "PROJECTID": "P-1",
                "NAME": "Line upgrade",
                "PROJECTCATEGORY": "Capitalized",
                "LOCATIONID": "E100",
            }
        ],
    )
    sdk = connect(server.url, creds)

    expected = {
        "location_entities": ("LOCATIONENTITY", "LOCATIONID", "E100"),
        "checking_accounts": ("CHECKINGACCOUNT", "BANKACCOUNTID", "BOA-OP"),
        "items": ("ITEM", "ITEMID", "PUMP-1"),
        "projects": ("PROJECT", "PROJECTID", "P-1"),
    }
    for client, (object_name, id_field, id_value) in expected.items():
        rows = getattr(sdk, client).get_all()
        assert [set(row) for row in rows] == [set(dimensions_fields_mapping[object_name])]
        assert rows[0][id_field] == id_value
    (entity,) = sdk.location_entities.get_all()
    assert (entity["NAME"], entity["LEGALNAME"]) == ("East", "East Manufacturing LLC")
    (project,) = sdk.projects.get_all()
    assert (project["PROJECTCATEGORY"], project["LOCATIONID"]) == ("Capitalized", "E100")


# --- non-ASCII text -----------------------------------------------------------------------------

#: Latin-1 and beyond: what a requests-based client would garble if the reply's charset were
#: missing (ISO-8859-1 is requests' default for text/*).
NON_ASCII_NAME = "Müller & Søn Łódź \u2013 東京 ✓"


def test_a_non_ascii_vendor_name_round_trips_unchanged(
    sandbox: Sandbox, sdk: SageIntacctSDK
) -> None:
    created = sdk.vendors.post(
        {
            "VENDORID": "V-UTF8",
            "NAME": NON_ASCII_NAME,
            "DISPLAYCONTACT": {"PRINTAS": NON_ASCII_NAME},
        }
    )
    assert created["status"] == "success"
    (row,) = sdk.vendors.get(field="VENDORID", value="V-UTF8")["VENDOR"]
    assert row["NAME"] == NON_ASCII_NAME
    assert row["DISPLAYCONTACT.PRINTAS"] == NON_ASCII_NAME
    assert sdk.vendors.get_all(fields=["NAME"]) == [{"NAME": NON_ASCII_NAME}]
