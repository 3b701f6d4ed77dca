"""Paged reads through the gateway: readByQuery + readMore, and query.

readByQuery filters on database codes (``STATUS = 'T'``, ``ITEMTYPE = 'NI'``); query
filters on display values (``active``, ``Non-Inventory``). Both return display values.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from intacct_bridge.sandbox import Sandbox
from tests.sandbox.envelope import Caller, Reply
from tests.sandbox.xmlbits import (
    attrs,
    children,
    column,
    create,
    delete,
    obj,
    query,
    read_by_query,
    row,
    update,
    vendor,
)

COMPANY = "DEMO-MFG"


def _classes(sandbox: Sandbox, n: int) -> None:
    sandbox.admin.seed(
        COMPANY, "CLASS", [{"CLASSID": f"C{i:04d}", "NAME": f"Class {i}"} for i in range(1, n + 1)]
    )


def _items(sandbox: Sandbox) -> None:
    sandbox.admin.seed(
        COMPANY,
        "ITEM",
        [
            {"ITEMID": "INV", "NAME": "Bolt", "ITEMTYPE": "Inventory", "BASEPRICE": "1.25"},
            {"ITEMID": "NI", "NAME": "Service", "ITEMTYPE": "Non-Inventory", "BASEPRICE": "80"},
            {"ITEMID": "NP", "NAME": "Oil", "ITEMTYPE": "Non-Inventory (Purchase only)"},
            {"ITEMID": "NS", "NAME": "Warranty", "ITEMTYPE": "Non-Inventory (Sales only)"},
            {"ITEMID": "K", "NAME": "Kit", "ITEMTYPE": "Kit", "STATUS": "inactive"},
            {"ITEMID": "SK", "NAME": "Box", "ITEMTYPE": "Stockable Kit", "BASEPRICE": "10"},
        ],
    )


def _rbq_ids(caller: Caller, obj_name: str, where: str, id_field: str) -> list[str]:
    data = caller.ok(read_by_query(obj_name, where, fields=id_field, pagesize=1000)).data()
    return column(data, obj_name.lower(), id_field)


def _query_ids(
    caller: Caller, obj_name: str, flt: str, id_field: str, options: str = ""
) -> list[str]:
    data = caller.ok(query(obj_name, id_field, filter=flt, options=options, pagesize=2000)).data()
    return column(data, obj_name, id_field)


def _eq(field: str, value: str) -> str:
    return f"<equalto><field>{field}</field><value>{value}</value></equalto>"


def _query_error(reply: Reply) -> str:
    errors = reply.errors()
    assert len(errors) == 1, errors
    errorno, description, description2, correction = errors[0]
    assert (errorno, description, correction) == (
        "DL02000001",
        "Error",
        "Correct the query and try again.",
    )
    prefix = "There was an error processing the request. "
    assert description2.startswith(prefix)
    return description2.removeprefix(prefix)


# --- codes versus display values -----------------------------------------------------------


def test_read_by_query_filters_on_status_codes(sandbox: Sandbox, caller: Caller) -> None:
    _items(sandbox)
    assert _rbq_ids(caller, "ITEM", "STATUS = 'T'", "ITEMID") == ["INV", "NI", "NP", "NS", "SK"]
    assert _rbq_ids(caller, "ITEM", "STATUS = 'F'", "ITEMID") == ["K"]
    assert _rbq_ids(caller, "ITEM", "STATUS = 'active'", "ITEMID") == []


def test_read_by_query_filters_on_item_type_codes(sandbox: Sandbox, caller: Caller) -> None:
    _items(sandbox)
    assert _rbq_ids(caller, "ITEM", "ITEMTYPE = 'NI'", "ITEMID") == ["NI"]
    assert _rbq_ids(caller, "ITEM", "ITEMTYPE IN ('NP','NS')", "ITEMID") == ["NP", "NS"]
    assert _rbq_ids(caller, "ITEM", "ITEMTYPE = 'Non-Inventory'", "ITEMID") == []
    # Rows carry display values, not codes.
    data = caller.ok(read_by_query("ITEM", "ITEMTYPE = 'NI'", fields="ITEMTYPE,STATUS")).data()
    assert row(data[0]) == {"ITEMTYPE": "Non-Inventory", "STATUS": "active"}


def test_read_by_query_filters_on_boolean_and_account_type_codes(caller: Caller) -> None:
    caller.ok(
        create(
            vendor("V1", ONETIME="true"),
            vendor("V2"),
            obj("GLACCOUNT", ACCOUNTNO="4000", TITLE="Sales", ACCOUNTTYPE="incomestatement"),
            obj("GLACCOUNT", ACCOUNTNO="1000", TITLE="Cash"),
        )
    )
    assert _rbq_ids(caller, "VENDOR", "ONETIME = 'T'", "VENDORID") == ["V1"]
    assert _rbq_ids(caller, "VENDOR", "ONETIME = 'F'", "VENDORID") == ["V2"]
    assert _rbq_ids(caller, "GLACCOUNT", "ACCOUNTTYPE = 'I'", "ACCOUNTNO") == ["4000"]
    assert _rbq_ids(caller, "GLACCOUNT", "ACCOUNTTYPE = 'N'", "ACCOUNTNO") == ["1000"]


def test_query_filters_on_display_values(sandbox: Sandbox, caller: Caller) -> None:
    _items(sandbox)
    assert _query_ids(caller, "ITEM", _eq("STATUS", "active"), "ITEMID") == [
        "INV",
        "NI",
        "NP",
        "NS",
        "SK",
    ]
    assert _query_ids(caller, "ITEM", _eq("STATUS", "T"), "ITEMID") == []
    assert _query_ids(caller, "ITEM", _eq("ITEMTYPE", "Non-Inventory"), "ITEMID") == ["NI"]
    assert _query_ids(caller, "ITEM", _eq("ITEMTYPE", "NI"), "ITEMID") == []


def test_query_filters_booleans_and_enums_by_display_value(caller: Caller) -> None:
    caller.ok(
        create(
            vendor("V1", ONETIME="true"),
            vendor("V2"),
            obj("GLACCOUNT", ACCOUNTNO="4000", TITLE="Sales", ACCOUNTTYPE="incomestatement"),
        )
    )
    assert _query_ids(caller, "VENDOR", _eq("ONETIME", "true"), "VENDORID") == ["V1"]
    assert _query_ids(caller, "GLACCOUNT", _eq("ACCOUNTTYPE", "incomestatement"), "ACCOUNTNO") == [
        "4000"
    ]


# --- readByQuery paging --------------------------------------------------------------------


def test_empty_read_by_query_matches_the_sdk_fixture(caller: Caller) -> None:
    data = caller.ok(read_by_query("DEPARTMENT")).data()
    assert attrs(data) == {
        "listtype": "department",
        "count": "0",
        "totalcount": "0",
        "numremaining": "0",
        "resultId": "",
    }
    assert len(data) == 0


def test_read_by_query_pages_with_read_more_to_the_end(sandbox: Sandbox, caller: Caller) -> None:
    _classes(sandbox, 250)
    first = caller.ok(read_by_query("CLASS", fields="CLASSID")).data()  # default pagesize 100
    result_id = first.get("resultId") or ""
    assert result_id
    assert attrs(first) == {
        "listtype": "class",
        "count": "100",
        "totalcount": "250",
        "numremaining": "150",
        "resultId": result_id,
    }
    seen = column(first, "class", "CLASSID")
    second = caller.ok(f"<readMore><resultId>{result_id}</resultId></readMore>").data()
    assert attrs(second) == {
        "listtype": "class",
        "count": "100",
        "totalcount": "250",
        "numremaining": "50",
        "resultId": result_id,
    }
    seen += column(second, "class", "CLASSID")
    last = caller.ok(f"<readMore><resultId>{result_id}</resultId></readMore>").data()
    assert attrs(last) == {
        "listtype": "class",
        "count": "50",
        "totalcount": "250",
        "numremaining": "0",
        "resultId": "",
    }
    seen += column(last, "class", "CLASSID")
    assert seen == [f"C{i:04d}" for i in range(1, 251)]
    # The cursor is gone once the last page was read.
    reply = caller.call(f"<readMore><resultId>{result_id}</resultId></readMore>")
    assert reply.errors() == [
        (
            "readMore failed",
            "",
            f"Attempt to readMore with an invalid or expired resultId: {result_id}",
            "",
        )
    ]


def test_read_more_keeps_the_field_list(sandbox: Sandbox, caller: Caller) -> None:
    _classes(sandbox, 3)
    first = caller.ok(read_by_query("CLASS", fields="CLASSID", pagesize=2)).data()
    more = caller.ok(f"<readMore><resultId>{first.get('resultId')}</resultId></readMore>").data()
    assert children(more) == ["class"]
    assert children(more[0]) == ["CLASSID"]


def test_unknown_result_id(caller: Caller) -> None:
    reply = caller.call(
        "<readMore><resultId>6465763031V2wi28CoHYQAAF0HcP8AAAAc5</resultId></readMore>"
    )
    assert reply.result().findtext("status") == "failure"
    assert reply.errors() == [
        (
            "readMore failed",
            "",
            "Attempt to readMore with an invalid or expired resultId: "
            "6465763031V2wi28CoHYQAAF0HcP8AAAAc5",
            "",
        )
    ]


def test_result_id_expires_after_the_cursor_ttl(sandbox: Sandbox, caller: Caller) -> None:
    now = [datetime(2026, 5, 4, 12, 0, tzinfo=UTC)]
    sandbox.backend.clock = lambda: now[0]
    ttl = sandbox.backend.settings.cursor_ttl_seconds
    _classes(sandbox, 5)
    result_id = caller.ok(read_by_query("CLASS", pagesize=1)).data().get("resultId")
    # Each readMore renews the lifetime.
    now[0] += timedelta(seconds=ttl - 1)
    caller.ok(f"<readMore><resultId>{result_id}</resultId></readMore>")
    now[0] += timedelta(seconds=ttl - 1)
    caller.ok(f"<readMore><resultId>{result_id}</resultId></readMore>")
    now[0] += timedelta(seconds=ttl)
    reply = caller.call(f"<readMore><resultId>{result_id}</resultId></readMore>")
    assert reply.errors()[0][:3] == (
        "readMore failed",
        "",
        f"Attempt to readMore with an invalid or expired resultId: {result_id}",
    )


def test_read_more_skips_records_deleted_meanwhile(sandbox: Sandbox, caller: Caller) -> None:
    _classes(sandbox, 4)
    first = caller.ok(read_by_query("CLASS", fields="RECORDNO,CLASSID", pagesize=2)).data()
    more = caller.ok(read_by_query("CLASS", "CLASSID = 'C0004'", fields="RECORDNO")).data()
    caller.ok(delete("CLASS", more[0].findtext("RECORDNO") or ""))
    last = caller.ok(f"<readMore><resultId>{first.get('resultId')}</resultId></readMore>").data()
    assert column(last, "class", "CLASSID") == ["C0003"]
    assert (last.get("count"), last.get("totalcount")) == ("1", "4")


def test_read_by_query_pagesize_limits(sandbox: Sandbox, caller: Caller) -> None:
    _classes(sandbox, 3)
    assert caller.ok(read_by_query("CLASS", pagesize=1000)).data().get("count") == "3"
    for size in (0, 1001, "²", "-5", "ten"):
        reply = caller.call(read_by_query("CLASS", pagesize=size))
        assert reply.errors() == [
            (
                "XL03000003",
                "",
                f"XML Parse schema error: pagesize must be a whole number from 1 to 1000; got "
                f"'{size}'.",
                "Correct the function so that it follows the Intacct 3.0 request schema.",
            )
        ]


# --- readByQuery query language ------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("", ["C0001", "C0002", "C0003", "C0004", "C0005"]),
        ("CLASSID = 'C0002'", ["C0002"]),
        ("CLASSID != 'C0002' AND CLASSID < 'C0004'", ["C0001", "C0003"]),
        (
            "CLASSID LIKE 'C000%' AND NOT (CLASSID IN ('C0001','C0005'))",
            ["C0002", "C0003", "C0004"],
        ),
        ("CLASSID = 'C0001' OR NAME = 'Class 5'", ["C0001", "C0005"]),
        ("DESCRIPTION IS NULL AND NAME LIKE '%3'", ["C0003"]),
        ("DESCRIPTION IS NOT NULL", []),
        ("rownum < 3", ["C0001", "C0002"]),
        ("RECORDNO > 0 AND CLASSID NOT LIKE '%1'", ["C0002", "C0003", "C0004", "C0005"]),
        ("name = 'Class 4'", ["C0004"]),  # field names are case-insensitive
    ],
)
def test_read_by_query_conditions(
    sandbox: Sandbox, caller: Caller, where: str, expected: list[str]
) -> None:
    _classes(sandbox, 5)
    assert _rbq_ids(caller, "CLASS", where, "CLASSID") == expected


def test_read_by_query_values_are_case_sensitive(sandbox: Sandbox, caller: Caller) -> None:
    _classes(sandbox, 2)
    assert _rbq_ids(caller, "CLASS", "NAME = 'class 1'", "CLASSID") == []


def test_read_by_query_escaped_apostrophe(caller: Caller) -> None:
    caller.ok(create(vendor("V1", "Erin's Software"), vendor("V2", "Other")))
    assert _rbq_ids(caller, "VENDOR", "NAME = 'Erin\\'s Software'", "VENDORID") == ["V1"]


def test_read_by_query_compares_dates_and_numbers(sandbox: Sandbox, caller: Caller) -> None:
    now = [datetime(2026, 1, 10, 8, 0, tzinfo=UTC)]
    sandbox.backend.clock = lambda: now[0]
    caller.ok(create(vendor("V1", CREDITLIMIT="900")))
    now[0] = datetime(2026, 2, 10, 8, 0, tzinfo=UTC)
    caller.ok(create(vendor("V2", CREDITLIMIT="10000")))
    assert _rbq_ids(caller, "VENDOR", "WHENCREATED >= '02/01/2026'", "VENDORID") == ["V2"]
    assert _rbq_ids(caller, "VENDOR", "WHENCREATED < '01/10/2026 09:00:00'", "VENDORID") == ["V1"]
    # 900 < 1000 numerically, though not as text.
    assert _rbq_ids(caller, "VENDOR", "CREDITLIMIT < 1000", "VENDORID") == ["V1"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("NOSUCHFIELD = 'x'", "Unknown field 'NOSUCHFIELD' for object CLASS."),
        (
            "CLASSID = ",
            "Invalid query: expected a quoted string or a number after = for CLASSID "
            "but found the end of the query.",
        ),
        ("CLASSID = 'x", "Invalid query: unterminated string starting at position 11."),
        ("RECORDNO = 'abc'", "Invalid value 'abc' for number field RECORDNO."),
    ],
)
def test_read_by_query_bad_queries(
    sandbox: Sandbox, caller: Caller, where: str, message: str
) -> None:
    _classes(sandbox, 1)
    assert _query_error(caller.call(read_by_query("CLASS", where))) == message


def test_read_by_query_unknown_field_in_fields(caller: Caller) -> None:
    reply = caller.call(read_by_query("CLASS", fields="CLASSID,COLOUR"))
    assert _query_error(reply) == "Unknown field 'COLOUR' for object CLASS."


def test_read_by_query_fields_subset_and_dotted_fields(caller: Caller) -> None:
    caller.ok(create(vendor("V1", "Acme", DISPLAYCONTACT={"EMAIL1": "ap@acme.example"})))
    data = caller.ok(read_by_query("VENDOR", fields="VENDORID,DISPLAYCONTACT.EMAIL1")).data()
    assert row(data[0]) == {"VENDORID": "V1", "DISPLAYCONTACT.EMAIL1": "ap@acme.example"}
    data = caller.ok(read_by_query("VENDOR", fields="*")).data()
    assert data[0].findtext("DISPLAYCONTACT/EMAIL1") == "ap@acme.example"


def test_read_by_query_lists_in_creation_order_after_updates(caller: Caller) -> None:
    caller.ok(create(vendor("V2"), vendor("V1"), vendor("V3")))
    caller.ok(update(obj("VENDOR", VENDORID="V2", NAME="Renamed")))
    assert _rbq_ids(caller, "VENDOR", "", "VENDORID") == ["V2", "V1", "V3"]


# --- query ---------------------------------------------------------------------------------


def _vendors(sandbox: Sandbox) -> None:
    rows = [
        ("V1", "Acme", "active", "500", "NY"),
        ("V2", "beta corp", "active", "1500", "CA"),
        ("V3", "Gamma", "inactive", "", "CA"),
        ("V4", "Delta", "active", "2500", "NY"),
        ("V5", "acme east", "active", "100", ""),
    ]
    sandbox.admin.seed(
        COMPANY,
        "VENDOR",
        [
            {
                "VENDORID": vid,
                "NAME": name,
                "STATUS": status,
                "CREDITLIMIT": limit or None,
                "DISPLAYCONTACT.PRINTAS": name,
                "DISPLAYCONTACT.MAILADDRESS.STATE": state or None,
            }
            for vid, name, status, limit, state in rows
        ],
    )


def test_query_returns_the_selected_fields_in_select_order(
    sandbox: Sandbox, caller: Caller
) -> None:
    _vendors(sandbox)
    data = caller.ok(
        query("VENDOR", "NAME", "VENDORID", "DISPLAYCONTACT.MAILADDRESS.STATE", "STATUS")
    ).data()
    assert attrs(data) == {
        "listtype": "VENDOR",
        "totalcount": "5",
        "offset": "0",
        "count": "5",
        "numremaining": "0",
    }
    assert children(data[0]) == ["NAME", "VENDORID", "DISPLAYCONTACT.MAILADDRESS.STATE", "STATUS"]
    assert row(data[2]) == {
        "NAME": "Gamma",
        "VENDORID": "V3",
        "DISPLAYCONTACT.MAILADDRESS.STATE": "CA",
        "STATUS": "inactive",
    }


def test_query_select_is_mandatory(caller: Caller) -> None:
    reply = caller.call("<query><object>VENDOR</object></query>")
    assert _query_error(reply) == (
        "Invalid select: select is mandatory; returning all fields is not supported."
    )


def test_query_unknown_fields_are_refused(caller: Caller) -> None:
    reply = caller.call(query("VENDOR", "VENDORID", "SHOESIZE"))
    assert _query_error(reply) == "Unknown field 'SHOESIZE' for object VENDOR."
    reply = caller.call(query("VENDOR", "VENDORID", filter=_eq("COLOUR", "red")))
    assert _query_error(reply) == "Unknown field 'COLOUR' for object VENDOR."


def test_query_filter_grammar(sandbox: Sandbox, caller: Caller) -> None:
    _vendors(sandbox)
    flt = (
        "<and>"
        "<equalto><field>STATUS</field><value>active</value></equalto>"
        "<or>"
        "<in><field>DISPLAYCONTACT.MAILADDRESS.STATE</field><value>NY</value><value>TX</value></in>"
        "<isnull><field>DISPLAYCONTACT.MAILADDRESS.STATE</field></isnull>"
        "</or>"
        "<greaterthanorequalto><field>CREDITLIMIT</field><value>100</value></greaterthanorequalto>"
        "</and>"
    )
    assert _query_ids(caller, "VENDOR", flt, "VENDORID") == ["V1", "V4", "V5"]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (
            "<between><field>CREDITLIMIT</field><value>500</value><value>1500</value></between>",
            ["V1", "V2"],
        ),
        ("<lessthan><field>CREDITLIMIT</field><value>600</value></lessthan>", ["V1", "V5"]),
        ("<notequalto><field>STATUS</field><value>active</value></notequalto>", ["V3"]),
        ("<like><field>NAME</field><value>%a</value></like>", ["V3", "V4"]),
        ("<notlike><field>NAME</field><value>%e%</value></notlike>", ["V3"]),
        (
            "<notin><field>VENDORID</field><value>V1</value><value>V2</value></notin>",
            ["V3", "V4", "V5"],
        ),
        ("<isnotnull><field>CREDITLIMIT</field></isnotnull>", ["V1", "V2", "V4", "V5"]),
        ("<greaterthan><field>CREDITLIMIT</field><value>2000</value></greaterthan>", ["V4"]),
        (
            "<lessthanorequalto><field>CREDITLIMIT</field><value>500</value></lessthanorequalto>",
            ["V1", "V5"],
        ),
    ],
)
def test_query_operators(sandbox: Sandbox, caller: Caller, flt: str, expected: list[str]) -> None:
    _vendors(sandbox)
    assert _query_ids(caller, "VENDOR", flt, "VENDORID") == expected


def test_query_is_case_sensitive_unless_caseinsensitive(sandbox: Sandbox, caller: Caller) -> None:
    _vendors(sandbox)
    like = "<like><field>NAME</field><value>acme%</value></like>"
    assert _query_ids(caller, "VENDOR", like, "VENDORID") == ["V5"]
    ci = "<caseinsensitive>true</caseinsensitive>"
    assert _query_ids(caller, "VENDOR", like, "VENDORID", ci) == ["V1", "V5"]
    assert _query_ids(caller, "VENDOR", _eq("NAME", "GAMMA"), "VENDORID", ci) == ["V3"]


def test_query_orderby(sandbox: Sandbox, caller: Caller) -> None:
    _vendors(sandbox)
    asc = "<order><field>CREDITLIMIT</field><ascending/></order>"
    data = caller.ok(query("VENDOR", "VENDORID", orderby=asc)).data()
    assert column(data, "VENDOR", "VENDORID") == ["V3", "V5", "V1", "V2", "V4"]  # nulls first
    desc = "<order><field>STATUS</field></order><order><field>NAME</field><descending/></order>"
    data = caller.ok(query("VENDOR", "VENDORID", orderby=desc)).data()
    # STATUS ascending, then NAME descending by code point (lower case after upper case).
    assert column(data, "VENDOR", "VENDORID") == ["V2", "V5", "V4", "V1", "V3"]


def test_query_orderby_folds_case_when_caseinsensitive(sandbox: Sandbox, caller: Caller) -> None:
    _vendors(sandbox)
    order = "<order><field>NAME</field></order>"
    options = "<caseinsensitive>true</caseinsensitive>"
    data = caller.ok(query("VENDOR", "NAME", orderby=order, options=options)).data()
    assert column(data, "VENDOR", "NAME") == ["Acme", "acme east", "beta corp", "Delta", "Gamma"]


def test_query_offset_and_pagesize(sandbox: Sandbox, caller: Caller) -> None:
    _classes(sandbox, 7)
    order = "<order><field>CLASSID</field></order>"
    data = caller.ok(query("CLASS", "CLASSID", orderby=order, pagesize=3, offset=3)).data()
    assert attrs(data) == {
        "listtype": "CLASS",
        "totalcount": "7",
        "offset": "3",
        "count": "3",
        "numremaining": "1",
    }
    assert column(data, "CLASS", "CLASSID") == ["C0004", "C0005", "C0006"]
    data = caller.ok(query("CLASS", "CLASSID", orderby=order, pagesize=3, offset=9)).data()
    assert attrs(data)["count"] == "0"
    assert attrs(data)["numremaining"] == "0"


def test_query_default_and_maximum_pagesize(sandbox: Sandbox, caller: Caller) -> None:
    _classes(sandbox, 150)
    data = caller.ok(query("CLASS", "CLASSID")).data()
    assert (data.get("count"), data.get("numremaining")) == ("100", "50")
    assert caller.ok(query("CLASS", "CLASSID", pagesize=2000)).data().get("count") == "150"
    reply = caller.call(query("CLASS", "CLASSID", pagesize=2001))
    assert reply.errors()[0][:3] == (
        "XL03000003",
        "",
        "XML Parse schema error: pagesize must be a whole number from 1 to 2000; got '2001'.",
    )
    for offset in ("-1", "²", "x"):
        reply = caller.call(query("CLASS", "CLASSID", offset=offset))
        assert reply.errors() == [
            (
                "XL03000003",
                "",
                f"XML Parse schema error: offset must be a whole number ≥ 0; got '{offset}'.",
                "Correct the function so that it follows the Intacct 3.0 request schema.",
            )
        ]


def test_query_aggregates(sandbox: Sandbox, caller: Caller) -> None:
    _vendors(sandbox)
    select = (
        "<select><field>STATUS</field><count>RECORDNO</count><sum>CREDITLIMIT</sum>"
        "<avg>CREDITLIMIT</avg><min>NAME</min><max>CREDITLIMIT</max></select>"
    )
    reply = caller.ok(
        f"<query><object>VENDOR</object>{select}"
        "<orderby><order><field>STATUS</field></order></orderby></query>"
    )
    data = reply.data()
    assert attrs(data)["totalcount"] == "2"
    assert [row(item) for item in data] == [
        {
            "STATUS": "active",
            "COUNT.RECORDNO": "4",
            "SUM.CREDITLIMIT": "4600",
            "AVG.CREDITLIMIT": "1150",
            "MIN.NAME": "Acme",
            "MAX.CREDITLIMIT": "2500",
        },
        {
            "STATUS": "inactive",
            "COUNT.RECORDNO": "1",
            "SUM.CREDITLIMIT": "",
            "AVG.CREDITLIMIT": "",
            "MIN.NAME": "Gamma",
            "MAX.CREDITLIMIT": "",
        },
    ]


def test_query_count_without_grouping(sandbox: Sandbox, caller: Caller) -> None:
    _vendors(sandbox)
    reply = caller.ok(
        "<query><object>VENDOR</object><select><count>RECORDNO</count></select>"
        f"<filter>{_eq('STATUS', 'active')}</filter></query>"
    )
    assert [row(item) for item in reply.data()] == [{"COUNT.RECORDNO": "4"}]


def test_query_sum_of_a_text_field_is_refused(caller: Caller) -> None:
    reply = caller.call("<query><object>VENDOR</object><select><sum>NAME</sum></select></query>")
    assert (
        _query_error(reply) == "Invalid select: <sum> needs a number field; NAME is a text field."
    )


def test_query_filter_with_two_top_level_conditions_is_refused(caller: Caller) -> None:
    reply = caller.call(query("VENDOR", "VENDORID", filter=_eq("STATUS", "active") * 2))
    assert _query_error(reply) == (
        "Invalid filter: <filter> must contain exactly one condition (use <and> or <or> to "
        "combine them), found 2."
    )


def test_query_on_system_fields(sandbox: Sandbox, caller: Caller) -> None:
    _classes(sandbox, 3)
    data = caller.ok(
        query(
            "CLASS",
            "RECORDNO",
            "CLASSID",
            filter="<greaterthan><field>RECORDNO</field><value>1</value></greaterthan>",
            orderby="<order><field>RECORDNO</field><descending/></order>",
        )
    ).data()
    assert column(data, "CLASS", "CLASSID") == ["C0003", "C0002"]
