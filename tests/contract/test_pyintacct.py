"""Contract: red-coracle's ``pyintacct`` 0.1.1 works against the sandbox unchanged.

The only change to the client is its URL (``api.url``, ``connector-landscape.md`` §7.1).
pyintacct logs in lazily on the first ``execute()``, adopts the ``<endpoint>`` from
``getAPISession`` and parses ``<sessiontimeout>`` with a literal ``+00:00`` format; errors
surface as ``IntacctException`` built from ``description`` + ``description2``.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from tests.contract.conftest import (
    CLASSES,
    DEPARTMENTS,
    GL_ACCOUNTS,
    LOCATIONS,
    BigCompany,
    Make,
    PyClient,
    RunningServer,
    import_pyintacct,
    vendor_id,
)

pytestmark = [
    pytest.mark.server,
    pytest.mark.timeout(60),
    pytest.mark.usefixtures("utc_machine"),
]


pyintacct = import_pyintacct()
IntacctAPI = pyintacct.IntacctAPI
IntacctException = pyintacct.IntacctException
IntacctServerError = pyintacct.exceptions.IntacctServerError
Client = PyClient


@pytest.fixture
def client(make_client: Make, server: RunningServer, creds: QuickstartCredentials) -> Client:
    return make_client(server.url, creds)


@pytest.fixture
def big_client(make_client: Make, big: BigCompany) -> Client:
    return make_client(big.server.url, big.creds)


def _text(node: Any) -> str:
    return str(node)


def _ids(records: list[Any], field: str = "VENDORID") -> list[str]:
    return [_text(record[field]) for record in records]


def _first(response: Any, tag: str) -> str:
    return _text(next(response.find_nodes_with_tag(tag)))


# --- login ------------------------------------------------------------------------------------


def test_login_adopts_the_endpoint_and_parses_the_utc_sessiontimeout(
    sandbox: Sandbox,
    creds: QuickstartCredentials,
    server: RunningServer,
    make_client: Make,
) -> None:
    frozen = datetime.now(UTC).replace(microsecond=0)
    sandbox.backend.clock = lambda: frozen
    api, wire = make_client(f"{server.url}?entry=pyintacct", creds)
    assert api.sessionid is None

    api.inspect("VENDOR")

    assert wire.functions() == ["getAPISession", "inspect"]
    expires = frozen + timedelta(seconds=3600)
    login_reply = wire.exchanges[0][1]
    assert f"<sessiontimeout>{expires:%Y-%m-%dT%H:%M:%S}+00:00</sessiontimeout>" in login_reply
    # The gateway reports the URL it was called on (without the query) as the endpoint,
    # and pyintacct switches to it.
    assert api.url == server.url
    session = sandbox.backend.sessions[str(api.sessionid)]
    assert (session.company_id, session.user_id, session.location_id) == (
        creds.company_id,
        creds.user_id,
        "",
    )
    # time.strptime(..., '%Y-%m-%dT%H:%M:%S+00:00') then time.mktime.
    assert api.session_expiration == calendar.timegm(expires.utctimetuple())

    api.inspect("CUSTOMER")
    assert wire.functions() == ["getAPISession", "inspect", "inspect"]  # session reused


def test_entity_id_opens_an_entity_session(
    sandbox: Sandbox, server: RunningServer, make_client: Make
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
    east, _ = make_client(server.url, creds, ENTITY_ID="E100")
    top, _ = make_client(server.url, creds)

    east_rows = east.read_by_query("VENDOR", "", fields="VENDORID,MEGAENTITYID")
    top_rows = top.read_by_query("VENDOR", "", fields="VENDORID")

    assert sandbox.backend.sessions[east.sessionid].location_id == "E100"
    assert {(_text(r["VENDORID"]), _text(r["MEGAENTITYID"])) for r in east_rows} == {
        ("V-TOP", ""),
        ("V-EAST", "E100"),
    }
    assert set(_ids(top_rows)) == {"V-TOP", "V-EAST", "V-WEST"}


def test_wrong_sender_password_raises_intacct_exception(
    creds: QuickstartCredentials, server: RunningServer, make_client: Make
) -> None:
    api, wire = make_client(server.url, creds, SENDER_PW="not-the-sender-password")

    with pytest.raises(IntacctException) as caught:
        api.read_by_query("VENDOR", "")

    # 0.1.1 swallows the failed login and sends the call anyway; both are refused.
    assert wire.functions() == ["getAPISession", "readByQuery"]
    assert api.sessionid is None
    assert str(caught.value) == "Incorrect Intacct XML Partner ID or password.\n"


def test_wrong_user_password_surfaces_as_intacct_exception(
    creds: QuickstartCredentials, server: RunningServer, make_client: Make
) -> None:
    api, wire = make_client(server.url, creds, USER_PW="not-the-user-password")

    with pytest.raises(IntacctException) as login_error:
        api.get_session_id()
    assert not isinstance(login_error.value, IntacctServerError)  # HTTP 401 is not a 5xx
    assert str(login_error.value) == (
        "Sign-in information is incorrect. Please check your request."
        "Sign-in information is incorrect. Please check your request.\n"
    )

    # Through execute(), the failed login is swallowed (pitfall 3) and the call then
    # fails on its missing session.
    with pytest.raises(IntacctException) as call_error:
        api.read_by_query("VENDOR", "")
    assert api.sessionid is None
    assert str(call_error.value) == "Invalid sessionThe session ID is invalid or has expired.\n"
    assert wire.functions() == ["getAPISession", "getAPISession", "readByQuery"]


# --- writes -----------------------------------------------------------------------------------


def test_vendor_create_update_delete(
    sandbox: Sandbox, creds: QuickstartCredentials, client: Client
) -> None:
    api, _ = client
    created = api.create(
        {
            "VENDOR": {
                "VENDORID": "V-FORGE",
                "NAME": "Forge Works",
                "DISPLAYCONTACT": {"PRINTAS": "Forge Works plc", "PHONE1": "+44 20 7946 0000"},
                "TERMNAME": "",
            }
        }
    )
    assert _first(created, "status") == "success"
    assert _first(created, "VENDORID") == "V-FORGE"
    recordno = _first(created, "RECORDNO")

    api.update({"VENDOR": {"RECORDNO": recordno, "NAME": "Forge Works Group", "ONHOLD": "true"}})

    (row,) = api.read_by_query(
        "VENDOR", "VENDORID = 'V-FORGE'", fields="RECORDNO,NAME,ONHOLD,DISPLAYCONTACT"
    )
    assert (_text(row["RECORDNO"]), _text(row["NAME"]), _text(row["ONHOLD"])) == (
        recordno,
        "Forge Works Group",
        "true",
    )
    assert _text(row["DISPLAYCONTACT"]["PHONE1"]) == "+44 20 7946 0000"

    deleted = api.delete("VENDOR", [recordno])
    assert _first(deleted, "function") == "delete"
    assert api.read_by_query("VENDOR", "VENDORID = 'V-FORGE'", fields="RECORDNO") == []
    assert sandbox.admin.company(creds.company_id).data.table("VENDOR").records == {}


def test_customer_create_update_delete(client: Client) -> None:
    api, _ = client
    numbers = []
    for cid, name in (("C-ONE", "First Motors"), ("C-TWO", "Second Motors")):
        created = api.create(
            {"CUSTOMER": {"CUSTOMERID": cid, "NAME": name, "DISPLAYCONTACT": {"PRINTAS": name}}}
        )
        numbers.append(_first(created, "RECORDNO"))

    api.update({"CUSTOMER": {"CUSTOMERID": "C-TWO", "STATUS": "inactive", "CUSTTYPE": "Dealer"}})

    rows = api.read_by_query("CUSTOMER", "STATUS = 'F'", fields="CUSTOMERID,STATUS,CUSTTYPE")
    assert [(_text(r["CUSTOMERID"]), _text(r["STATUS"]), _text(r["CUSTTYPE"])) for r in rows] == [
        ("C-TWO", "inactive", "Dealer")
    ]

    api.delete("CUSTOMER", numbers)
    assert api.read_by_query("CUSTOMER", "", fields="CUSTOMERID") == []


def test_duplicate_create_raises_intacct_exception_with_description2(client: Client) -> None:
    api, _ = client
    vendor = {"VENDOR": {"VENDORID": "V-DUP", "NAME": "Dup", "DISPLAYCONTACT": {"PRINTAS": "Dup"}}}
    api.create(vendor)

    with pytest.raises(IntacctException) as caught:
        api.create(vendor)

    first, *companions, last = str(caught.value).split("\n")
    assert first == "Another Vendor with the given value(s) V-DUP  already exists"
    assert companions
    assert {line.lower() for line in companions} == {"could not create vendor record!"}
    assert last == ""
    assert _ids(api.read_by_query("VENDOR", "", fields="VENDORID")) == ["V-DUP"]


def test_bad_query_raises_intacct_exception(client: Client) -> None:
    api, _ = client

    with pytest.raises(IntacctException) as caught:
        api.read_by_query("VENDOR", "NOSUCHFIELD = 'x'")

    assert "Unknown field 'NOSUCHFIELD' for object VENDOR." in str(caught.value)


# --- paging over the 2,600-vendor company -----------------------------------------------------


def test_read_by_query_pages_with_read_more_over_2600_vendors(
    big: BigCompany, big_client: Client
) -> None:
    api, wire = big_client

    rows = api.read_by_query(
        "VENDOR", "STATUS = 'T'", fields="RECORDNO,VENDORID,NAME", pagesize=1000
    )

    assert wire.functions() == ["getAPISession", "readByQuery", "readMore", "readMore"]
    assert len(rows) == 2_340
    assert _ids(rows) == sorted(big.active_vendor_ids)
    assert len({_text(r["RECORDNO"]) for r in rows}) == 2_340
    assert _text(rows[-1]["NAME"]) == "Supplier 2599"


def test_read_by_query_default_pagesize_with_a_compound_query(
    big_client: Client,
) -> None:
    api, wire = big_client

    rows = api.read_by_query(
        "VENDOR",
        "(STATUS = 'F' AND VENDORID >= 'V01000') OR VENDORID IN ('V00001', 'V00002')",
        fields="VENDORID,STATUS",
    )

    expected = ["V00001", "V00002"] + [vendor_id(n) for n in range(1000, 2601) if n % 10 == 0]
    assert _ids(rows) == expected
    assert len(expected) == 163
    # pagesize defaults to 100: one readByQuery and one readMore.
    assert wire.functions()[1:] == ["readByQuery", "readMore"]


# --- GL accounts and dimensions ----------------------------------------------------------------


def test_gl_accounts_read_by_query_uses_database_codes(big_client: Client) -> None:
    api, _ = big_client

    income = api.read_by_query(
        "GLACCOUNT",
        "ACCOUNTTYPE = 'I' AND STATUS = 'T'",
        fields="ACCOUNTNO,TITLE,ACCOUNTTYPE,NORMALBALANCE",
    )
    everything = api.read_by_query("GLACCOUNT", "", fields="*")

    assert {
        _text(r["ACCOUNTNO"]): (
            _text(r["TITLE"]),
            _text(r["ACCOUNTTYPE"]),
            _text(r["NORMALBALANCE"]),
        )
        for r in income
    } == {
        "4000": ("Product Sales", "incomestatement", "credit"),
        "4100": ("Service Revenue", "incomestatement", "credit"),
        "5000": ("Cost of Goods Sold", "incomestatement", "debit"),
        "6000": ("Rent", "incomestatement", "debit"),
    }
    assert _ids(everything, "ACCOUNTNO") == [a["ACCOUNTNO"] for a in GL_ACCOUNTS]
    closing = {_text(r["ACCOUNTNO"]): _text(r["CLOSINGACCOUNTNO"]) for r in everything}
    assert closing["4000"] == "3000"


def test_get_dimensions_through_execute(big_client: Client) -> None:
    api, _ = big_client
    payload, function = api.get_function_base()
    function.add_node("getDimensions")

    response = api.execute(payload)

    dimensions = {
        _text(d["objectName"]): _text(d["userDefinedDimension"])
        for d in response.find_nodes_with_tag("dimension")
    }
    assert dimensions["DEPARTMENT"] == dimensions["CLASS"] == dimensions["LOCATION"] == "false"
    assert dimensions["PRODUCTLINE"] == "true"


@pytest.mark.parametrize(
    ("object_name", "id_field", "seeded"),
    [
        ("DEPARTMENT", "DEPARTMENTID", DEPARTMENTS),
        ("CLASS", "CLASSID", CLASSES),
        ("LOCATION", "LOCATIONID", LOCATIONS),
    ],
)
def test_dimension_objects_read_by_query(
    big_client: Client, object_name: str, id_field: str, seeded: tuple[dict[str, str], ...]
) -> None:
    api, _ = big_client

    rows = api.read_by_query(object_name, "", fields="*")
    active = api.read_by_query(object_name, "STATUS = 'T'", fields=id_field)

    by_id = {_text(r[id_field]): r for r in rows}
    assert list(by_id) == [item[id_field] for item in seeded]
    for item in seeded:
        wanted = {"STATUS": "active", "PARENTID": "", **item}
        assert {k: _text(by_id[item[id_field]][k]) for k in wanted} == wanted
    assert _ids(active, id_field) == [
        item[id_field] for item in seeded if item.get("STATUS", "active") == "active"
    ]


def test_inspect_describes_the_fields_the_sandbox_accepts(big_client: Client) -> None:
    api, _ = big_client

    response = api.inspect("VENDOR", detail=True)

    names = {_text(f["Name"]) for f in response.find_nodes_with_tag("Field")}
    assert {"VENDORID", "NAME", "DISPLAYCONTACT.PRINTAS", "PARENTKEY", "APACCOUNTTITLE"} <= names


# --- non-ASCII text -----------------------------------------------------------------------------

NON_ASCII_NAME = "Müller & Søn Łódź \u2013 東京 ✓"


def test_a_non_ascii_vendor_name_comes_back_unchanged(
    sandbox: Sandbox, creds: QuickstartCredentials, client: Client
) -> None:
    api, _ = client
    sandbox.admin.seed(
        creds.company_id,
        "VENDOR",
        [{"VENDORID": "V-UTF8", "NAME": NON_ASCII_NAME, "DISPLAYCONTACT.PRINTAS": "Müller"}],
    )
    (row,) = api.read_by_query("VENDOR", "VENDORID = 'V-UTF8'", fields="NAME,DISPLAYCONTACT")
    assert _text(row["NAME"]) == NON_ASCII_NAME
    assert _text(row["DISPLAYCONTACT"]["PRINTAS"]) == "Müller"
