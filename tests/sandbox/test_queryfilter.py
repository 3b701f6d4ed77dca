"""Tests for the ``query`` function's filter/select/orderby language (sandbox/queryfilter.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from intacct_bridge.sandbox.queryfilter import (
    MAX_FILTER_CONDITIONS,
    MAX_IN_VALUES,
    Filter,
    Select,
    aggregate,
    aggregate_kind_of,
    compile_filter,
    parse_orderby,
    parse_select,
    sort_rows,
)
from intacct_bridge.sandbox.querylang import (
    MAX_NESTING_DEPTH,
    FieldKind,
    Getter,
    QueryError,
    compile_where,
)

BILL_KINDS: dict[str, FieldKind] = {
    "RECORDNO": "number",
    "VENDORID": "text",
    "VENDORNAME": "text",
    "STATE": "text",
    "TOTALDUE": "number",
    "WHENDUE": "date",
    "WHENMODIFIED": "datetime",
    "DEPARTMENTID": "text",
    "DESCRIPTION": "text",
    "ONHOLD": "boolean",
    "VENDOR.CREDITLIMIT": "number",
}

# APBILL-like rows with display values, as the query function sees them.
BILLS: list[dict[str, str]] = [
    {
        "RECORDNO": "208",
        "VENDORID": "V100",
        "VENDORNAME": "Regal Services",
        "STATE": "Posted",
        "TOTALDUE": "100.10",
        "WHENDUE": "01/24/2022",
        "WHENMODIFIED": "01/20/2022 10:00:00",
        "DEPARTMENTID": "04",
        "DESCRIPTION": "",
        "ONHOLD": "false",
        "VENDOR.CREDITLIMIT": "5000",
    },
    {
        "RECORDNO": "227",
        "VENDORID": "V100",
        "VENDORNAME": "Regal Services",
        "STATE": "Paid",
        "TOTALDUE": "0",
        "WHENDUE": "02/24/2022",
        "WHENMODIFIED": "02/25/2022 09:15:00",
        "DEPARTMENTID": "05",
        "DESCRIPTION": "Office chairs",
        "ONHOLD": "true",
        "VENDOR.CREDITLIMIT": "5000",
    },
    {
        "RECORDNO": "230",
        "VENDORID": "V200",
        "VENDORNAME": "regal services llc",
        "STATE": "Posted",
        "TOTALDUE": "200.20",
        "WHENDUE": "02/25/2022",
        "DEPARTMENTID": "",
        "DESCRIPTION": "Toner",
        "ONHOLD": "false",
    },
    {
        "RECORDNO": "9",
        "VENDORID": "V300",
        "VENDORNAME": "Acme",
        "STATE": "Draft",
        "TOTALDUE": "",
        "WHENDUE": "12/31/2021",
        "DEPARTMENTID": "04",
    },
    {
        "RECORDNO": "1000",
        "VENDORID": "V200",
        "VENDORNAME": "Regal Services LLC",
        "STATE": "Posted",
        "TOTALDUE": "0.1",
        "WHENDUE": "01/01/2022",
        "DEPARTMENTID": "06",
        "DESCRIPTION": "Chairs & desks",
        "ONHOLD": "false",
        "VENDOR.CREDITLIMIT": "750.50",
    },
]


def kind_of(name: str) -> FieldKind:
    return BILL_KINDS[name]


def get_of(row: dict[str, str]) -> Getter:
    return row.get


def xml(text: str) -> etree._Element:
    return etree.fromstring(text)


def compile_xml(inner: str, *, ci: bool = False) -> Filter:
    return compile_filter(xml(f"<filter>{inner}</filter>"), case_insensitive=ci)


def recnos(inner: str, *, ci: bool = False, rows: list[dict[str, str]] = BILLS) -> list[str]:
    flt = compile_xml(inner, ci=ci)
    return [r["RECORDNO"] for r in rows if flt.matches(r.get, kind_of)]


def op(name: str, field: str, *values: str) -> str:
    vals = "".join(f"<value>{v}</value>" for v in values)
    return f"<{name}><field>{field}</field>{vals}</{name}>"


def filter_error(inner: str) -> str:
    with pytest.raises(QueryError) as info:
        compile_xml(inner)
    return info.value.message


ALL = ["208", "227", "230", "9", "1000"]

# ---------------------------------------------------------------------------------------
# Operators
# ---------------------------------------------------------------------------------------


def test_no_filter_matches_every_row() -> None:
    flt = compile_filter(None, case_insensitive=False)
    assert flt.fields == frozenset()
    assert [r["RECORDNO"] for r in BILLS if flt.matches(r.get, kind_of)] == ALL


def test_equalto_uses_display_values_case_sensitively() -> None:
    assert recnos(op("equalto", "STATE", "Posted")) == ["208", "230", "1000"]
    assert recnos(op("equalto", "STATE", "posted")) == []


def test_notequalto_excludes_nulls() -> None:
    assert recnos(op("notequalto", "DEPARTMENTID", "04")) == ["227", "1000"]


def test_number_operators_compare_numerically() -> None:
    assert recnos(op("lessthan", "RECORDNO", "208")) == ["9"]
    assert recnos(op("lessthanorequalto", "RECORDNO", "208")) == ["208", "9"]
    assert recnos(op("greaterthan", "RECORDNO", "227")) == ["230", "1000"]
    assert recnos(op("greaterthanorequalto", "TOTALDUE", "100.1")) == ["208", "230"]
    assert recnos(op("equalto", "TOTALDUE", "0.00")) == ["227"]


def test_between_dates_includes_both_ends() -> None:
    inner = op("between", "WHENDUE", "01/24/2022", "02/24/2022")
    assert recnos(inner) == ["208", "227"]
    assert recnos(op("between", "WHENDUE", "12/31/2021", "01/01/2022")) == ["9", "1000"]


def test_between_numbers_and_datetimes() -> None:
    assert recnos(op("between", "TOTALDUE", "0", "100.10")) == ["208", "227", "1000"]
    assert recnos(op("between", "WHENMODIFIED", "01/20/2022", "01/20/2022 10:00:00")) == ["208"]


def test_between_with_reversed_bounds_matches_nothing() -> None:
    assert recnos(op("between", "RECORDNO", "300", "200")) == []


def test_in_and_notin() -> None:
    assert recnos(op("in", "DEPARTMENTID", "04", "05")) == ["208", "227", "9"]
    assert recnos(op("in", "RECORDNO", "9", "1000.0")) == ["9", "1000"]
    assert recnos(op("notin", "DEPARTMENTID", "04", "05")) == ["1000"]


def test_in_accepts_the_maximum_number_of_values() -> None:
    values = [str(n) for n in range(1, MAX_IN_VALUES + 1)]
    assert recnos(op("in", "RECORDNO", *values)) == ["208", "227", "230", "9", "1000"]


def test_like_and_notlike() -> None:
    assert recnos(op("like", "VENDORNAME", "Regal%")) == ["208", "227", "1000"]
    assert recnos(op("like", "DESCRIPTION", "%chairs%")) == ["227"]
    assert recnos(op("like", "DEPARTMENTID", "0_")) == ["208", "227", "9", "1000"]
    assert recnos(op("notlike", "DESCRIPTION", "%chairs%")) == ["230", "1000"]


def test_isnull_and_isnotnull() -> None:
    assert recnos("<isnull><field>DESCRIPTION</field></isnull>") == ["208", "9"]
    assert recnos("<isnotnull><field>VENDOR.CREDITLIMIT</field></isnotnull>") == [
        "208",
        "227",
        "1000",
    ]


def test_and_or_groups_nest() -> None:
    inner = (
        "<and>"
        + op("equalto", "STATE", "Posted")
        + "<or>"
        + op("greaterthan", "TOTALDUE", "150")
        + "<isnull><field>DESCRIPTION</field></isnull>"
        + "</or>"
        + "</and>"
    )
    assert recnos(inner) == ["208", "230"]
    inner = "<or>" + op("equalto", "VENDORID", "V300") + inner + "</or>"
    assert recnos(inner) == ["208", "230", "9"]


def test_full_spec_example_filter() -> None:
    inner = (
        "<and>"
        + op("equalto", "STATE", "Posted")
        + op("between", "WHENDUE", "01/24/2022", "02/24/2022")
        + op("in", "DEPARTMENTID", "04", "05")
        + "<isnull><field>DESCRIPTION</field></isnull>"
        + "</and>"
    )
    assert recnos(inner) == ["208"]


def test_null_semantics_in_groups() -> None:
    # Row 9's TOTALDUE is null: greaterthan is unknown, so the or depends on the other part.
    inner = "<or>" + op("greaterthan", "TOTALDUE", "150") + op("equalto", "STATE", "Draft")
    assert recnos(inner + "</or>") == ["230", "9"]
    assert recnos(op("notin", "TOTALDUE", "0")) == ["208", "230", "1000"]


def test_boolean_display_values_compare_as_text() -> None:
    assert recnos(op("equalto", "ONHOLD", "true")) == ["227"]


def test_field_names_are_upper_cased_and_reported() -> None:
    flt = compile_xml(
        "<and>"
        + op("equalto", " vendor.creditlimit ", "5000")
        + op("like", "VendorName", "R%")
        + "</and>"
    )
    assert flt.fields == frozenset({"VENDOR.CREDITLIMIT", "VENDORNAME"})
    assert [r["RECORDNO"] for r in BILLS if flt.matches(r.get, kind_of)] == ["208", "227"]


def test_child_order_is_free_and_comments_and_whitespace_are_ignored() -> None:
    inner = """
        <!-- bills that are posted -->
        <equalto>
            <value>Posted</value>
            <!-- the field comes second -->
            <field>STATE</field>
        </equalto>
    """
    assert recnos(inner) == ["208", "230", "1000"]


def test_value_text_is_kept_verbatim() -> None:
    rows = [{"RECORDNO": "1", "DESCRIPTION": " padded "}, {"RECORDNO": "2", "DESCRIPTION": "a&b"}]
    assert recnos(op("equalto", "DESCRIPTION", " padded "), rows=rows) == ["1"]
    assert recnos(op("equalto", "DESCRIPTION", "padded"), rows=rows) == []
    assert recnos(op("equalto", "DESCRIPTION", "a&amp;b"), rows=rows) == ["2"]


def test_value_comment_inside_value_is_skipped() -> None:
    assert recnos(op("equalto", "STATE", "Pos<!-- x -->ted")) == ["208", "230", "1000"]


# ---------------------------------------------------------------------------------------
# caseinsensitive
# ---------------------------------------------------------------------------------------


def test_caseinsensitive_equalto() -> None:
    inner = op("equalto", "VENDORNAME", "REGAL SERVICES")
    assert recnos(inner) == []
    assert recnos(inner, ci=True) == ["208", "227"]


def test_caseinsensitive_in_like_and_ordering() -> None:
    assert recnos(op("in", "STATE", "posted", "DRAFT"), ci=True) == ["208", "230", "9", "1000"]
    assert recnos(op("like", "VENDORNAME", "%LLC"), ci=True) == ["230", "1000"]
    assert recnos(op("like", "VENDORNAME", "%LLC")) == ["1000"]
    # Case-sensitively 'regal services llc' > 'b'; folded, 'Acme' < 'b' and so on.
    assert recnos(op("lessthan", "VENDORNAME", "b")) == ["208", "227", "9", "1000"]
    assert recnos(op("lessthan", "VENDORNAME", "b"), ci=True) == ["9"]


def test_caseinsensitive_does_not_change_numbers() -> None:
    assert recnos(op("equalto", "TOTALDUE", "100.1"), ci=True) == ["208"]


# ---------------------------------------------------------------------------------------
# Filter errors
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inner", "message"),
    [
        (
            "",
            "Invalid filter: <filter> must contain exactly one condition "
            "(use <and> or <or> to combine them), found 0.",
        ),
        (
            op("equalto", "STATE", "Paid") + op("equalto", "STATE", "Posted"),
            "Invalid filter: <filter> must contain exactly one condition "
            "(use <and> or <or> to combine them), found 2.",
        ),
        (op("contains", "STATE", "P"), "Invalid filter: unknown operator <contains>."),
        (op("EqualTo", "STATE", "P"), "Invalid filter: unknown operator <EqualTo>."),
        (
            "<and>" + op("equalto", "STATE", "Paid") + "</and>",
            "Invalid filter: <and> needs at least 2 conditions, found 1.",
        ),
        ("<or></or>", "Invalid filter: <or> needs at least 2 conditions, found 0."),
        (
            op("between", "WHENDUE", "01/01/2022"),
            "Invalid filter: <between> needs exactly 2 <value> elements, found 1.",
        ),
        (
            op("equalto", "STATE", "Paid", "Posted"),
            "Invalid filter: <equalto> needs exactly 1 <value> element, found 2.",
        ),
        (
            op("like", "STATE"),
            "Invalid filter: <like> needs exactly 1 <value> element, found 0.",
        ),
        (op("in", "STATE"), "Invalid filter: <in> needs 1 to 1000 <value> elements, found 0."),
        (
            "<equalto><value>Paid</value></equalto>",
            "Invalid filter: <equalto> needs exactly one <field>, found 0.",
        ),
        (
            "<isnull><field>A</field><field>B</field></isnull>",
            "Invalid filter: <isnull> needs exactly one <field>, found 2.",
        ),
        (
            op("isnull", "DESCRIPTION", ""),
            "Invalid filter: unexpected <value> in <isnull>; it takes <field> only.",
        ),
        (
            "<equalto><field>STATE</field><val>Paid</val></equalto>",
            "Invalid filter: unexpected <val> in <equalto>; it takes <field> and <value> only.",
        ),
        (
            "<equalto><field>STATE</field><value><b>Paid</b></value></equalto>",
            "Invalid filter: <value> must contain text, not <b>.",
        ),
        (
            "<equalto>oops<field>STATE</field><value>Paid</value></equalto>",
            "Invalid filter: unexpected text 'oops' in <equalto>.",
        ),
        ("stray text", "Invalid filter: unexpected text 'stray text' in <filter>."),
        (
            op("equalto", "", "Paid"),
            "Invalid filter: <field> is empty; it must name a field.",
        ),
        (
            op("equalto", "STATE; DROP", "Paid"),
            "Invalid filter: 'STATE; DROP' is not a valid field name.",
        ),
        (
            op("equalto", "*", "Paid"),
            "Invalid filter: '*' is not a valid field name.",
        ),
    ],
)
def test_filter_structure_errors(inner: str, message: str) -> None:
    assert filter_error(inner) == message


def test_in_rejects_too_many_values() -> None:
    values = [str(n) for n in range(MAX_IN_VALUES + 1)]
    assert filter_error(op("notin", "RECORDNO", *values)) == (
        "Invalid filter: <notin> needs 1 to 1000 <value> elements, found 1001."
    )


@pytest.mark.parametrize(
    ("inner", "message"),
    [
        (op("equalto", "NOPE", "x"), "Unknown field NOPE."),
        (op("greaterthan", "TOTALDUE", "lots"), "Invalid value 'lots' for number field TOTALDUE."),
        (
            op("between", "WHENDUE", "01/01/2022", "2022/02/01"),
            "Invalid value '2022/02/01' for date field WHENDUE.",
        ),
        (op("in", "RECORDNO", "1", "two"), "Invalid value 'two' for number field RECORDNO."),
    ],
)
def test_errors_found_when_binding(inner: str, message: str) -> None:
    flt = compile_xml(inner)
    with pytest.raises(QueryError) as info:
        flt.bind(kind_of)
    assert info.value.message == message


def nested_groups(levels: int) -> str:
    """Alternating and/or groups around one test; the padding leaf never changes the result
    (RECORDNO is never null: ``isnotnull`` is true inside and, ``isnull`` false inside or)."""
    inner = op("equalto", "STATE", "Paid")
    for n in range(levels):
        tag, pad = ("and", "isnotnull") if n % 2 else ("or", "isnull")
        inner = f"<{tag}>{inner}{op(pad, 'RECORDNO')}</{tag}>"
    return inner


def test_nesting_up_to_the_limit_is_accepted() -> None:
    assert recnos(nested_groups(MAX_NESTING_DEPTH)) == ["227"]


@pytest.mark.parametrize("levels", [MAX_NESTING_DEPTH + 1, 2000])
def test_deeper_nesting_is_rejected(levels: int) -> None:
    root = etree.Element("filter")
    parent = root
    for _ in range(levels):
        parent = etree.SubElement(parent, "and")
        etree.SubElement(etree.SubElement(parent, "isnull"), "field").text = "DESCRIPTION"
    with pytest.raises(QueryError) as info:
        compile_filter(root, case_insensitive=False)
    assert info.value.message == (
        f"Invalid filter: <and>/<or> groups are nested more than {MAX_NESTING_DEPTH} levels deep."
    )


def test_number_of_conditions_is_capped() -> None:
    leaves = op("isnull", "DESCRIPTION") * MAX_FILTER_CONDITIONS
    assert filter_error(f"<or>{leaves}</or>") == (
        f"Invalid filter: more than {MAX_FILTER_CONDITIONS} conditions in one filter."
    )
    assert recnos(f"<or>{op('isnull', 'DESCRIPTION') * (MAX_FILTER_CONDITIONS - 1)}</or>") == [
        "208",
        "9",
    ]


def test_filter_binds_once_for_many_rows() -> None:
    calls: list[str] = []

    def counting(name: str) -> FieldKind:
        calls.append(name)
        return BILL_KINDS[name]

    flt = compile_xml(
        "<and>" + op("equalto", "STATE", "Posted") + op("lessthan", "RECORDNO", "500") + "</and>"
    )
    rows = BILLS * 3000
    assert sum(flt.matches(r.get, counting) for r in rows) == 2 * 3000
    assert sorted(calls) == ["RECORDNO", "STATE"]


# ---------------------------------------------------------------------------------------
# select
# ---------------------------------------------------------------------------------------


def test_parse_select_fields_and_aggregates() -> None:
    select = parse_select(
        xml(
            "<select><field>vendorid</field><field>VENDOR.CREDITLIMIT</field>"
            "<count>RECORDNO</count><sum>totaldue</sum><avg>TOTALDUE</avg>"
            "<min>WHENDUE</min><max>WHENDUE</max></select>"
        )
    )
    assert select == Select(
        ("VENDORID", "VENDOR.CREDITLIMIT"),
        (
            ("count", "RECORDNO"),
            ("sum", "TOTALDUE"),
            ("avg", "TOTALDUE"),
            ("min", "WHENDUE"),
            ("max", "WHENDUE"),
        ),
    )
    assert select.output_keys == (
        "VENDORID",
        "VENDOR.CREDITLIMIT",
        "COUNT.RECORDNO",
        "SUM.TOTALDUE",
        "AVG.TOTALDUE",
        "MIN.WHENDUE",
        "MAX.WHENDUE",
    )
    assert select.referenced == {
        "VENDORID",
        "VENDOR.CREDITLIMIT",
        "RECORDNO",
        "TOTALDUE",
        "WHENDUE",
    }


def test_parse_select_drops_duplicates_keeping_first_position() -> None:
    select = parse_select(
        xml(
            "<select><field>NAME</field><field>RECORDNO</field><field>name</field>"
            "<count>RECORDNO</count><count>recordno</count></select>"
        )
    )
    assert select.fields == ("NAME", "RECORDNO")
    assert select.aggregates == (("count", "RECORDNO"),)


def test_parse_select_only_aggregates_is_fine() -> None:
    assert parse_select(xml("<select><count>RECORDNO</count></select>")) == Select(
        (), (("count", "RECORDNO"),)
    )


@pytest.mark.parametrize(
    ("select_xml", "message"),
    [
        (None, "Invalid select: select is mandatory; returning all fields is not supported."),
        (
            "<select/>",
            "Invalid select: select is mandatory; returning all fields is not supported.",
        ),
        (
            "<select> <!-- nothing --> </select>",
            "Invalid select: select is mandatory; returning all fields is not supported.",
        ),
        ("<select><field>*</field></select>", "Invalid select: '*' is not a valid field name."),
        (
            "<select><total>TOTALDUE</total></select>",
            "Invalid select: unexpected <total>; "
            "use <field>, <count>, <avg>, <min>, <max> or <sum>.",
        ),
        ("<select><sum></sum></select>", "Invalid select: <sum> is empty; it must name a field."),
    ],
)
def test_parse_select_errors(select_xml: str | None, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_select(None if select_xml is None else xml(select_xml))
    assert info.value.message == message


# ---------------------------------------------------------------------------------------
# orderby and sorting
# ---------------------------------------------------------------------------------------


def test_parse_orderby() -> None:
    order = parse_orderby(
        xml(
            "<orderby><order><field>vendorid</field><ascending/></order>"
            "<order><descending/><field>TOTALDUE</field></order>"
            "<order><field>RECORDNO</field></order></orderby>"
        )
    )
    assert order == (("VENDORID", False), ("TOTALDUE", True), ("RECORDNO", False))
    assert parse_orderby(None) == ()


@pytest.mark.parametrize(
    ("orderby_xml", "message"),
    [
        (
            "<orderby><sort><field>A</field></sort></orderby>",
            "Invalid orderby: unexpected <sort>; <orderby> holds <order> elements.",
        ),
        (
            "<orderby><order><ascending/></order></orderby>",
            "Invalid orderby: <order> needs exactly one <field>, found 0.",
        ),
        (
            "<orderby><order><field>A</field><ascending/><descending/></order></orderby>",
            "Invalid orderby: <order> takes at most one of <ascending/> or <descending/>.",
        ),
        (
            "<orderby><order><field>A</field><desc/></order></orderby>",
            "Invalid orderby: unexpected <desc> in <order>; "
            "use <field> with <ascending/> or <descending/>.",
        ),
        (
            "<orderby><order><field>A</field><descending><x/></descending></order></orderby>",
            "Invalid orderby: <descending/> must be empty.",
        ),
    ],
)
def test_parse_orderby_errors(orderby_xml: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_orderby(xml(orderby_xml))
    assert info.value.message == message


def sorted_recnos(order: tuple[tuple[str, bool], ...], **kwargs: Any) -> list[str]:
    return [r["RECORDNO"] for r in sort_rows(BILLS, order, get_of, kind_of, **kwargs)]


def test_sort_numbers_numerically() -> None:
    assert sorted_recnos((("RECORDNO", False),)) == ["9", "208", "227", "230", "1000"]
    assert sorted_recnos((("RECORDNO", True),)) == ["1000", "230", "227", "208", "9"]


def test_sort_dates_chronologically() -> None:
    assert sorted_recnos((("WHENDUE", False),)) == ["9", "1000", "208", "227", "230"]


def test_sort_puts_nulls_first_ascending_and_last_descending() -> None:
    assert sorted_recnos((("TOTALDUE", False),)) == ["9", "227", "1000", "208", "230"]
    assert sorted_recnos((("TOTALDUE", True),)) == ["230", "208", "1000", "227", "9"]
    # WHENMODIFIED is missing on three rows; they keep their input order.
    assert sorted_recnos((("WHENMODIFIED", True),)) == ["227", "208", "230", "9", "1000"]


def test_sort_is_stable_with_several_keys() -> None:
    order = (("VENDORID", True), ("TOTALDUE", False))
    assert sorted_recnos(order) == ["9", "1000", "230", "227", "208"]
    assert sorted_recnos((("STATE", False),)) == ["9", "227", "208", "230", "1000"]


def test_sort_text_case_sensitive_unless_asked() -> None:
    assert sorted_recnos((("VENDORNAME", False),)) == ["9", "208", "227", "1000", "230"]
    assert sorted_recnos((("VENDORNAME", False),), case_insensitive=True) == [
        "9",
        "208",
        "227",
        "230",
        "1000",
    ]


def test_sort_without_order_keeps_rows() -> None:
    assert sorted_recnos(()) == ALL


def test_sort_unknown_field() -> None:
    with pytest.raises(QueryError, match=r"^Unknown field NOPE\.$"):
        sort_rows([], (("NOPE", False),), get_of, kind_of)


# ---------------------------------------------------------------------------------------
# Aggregates
# ---------------------------------------------------------------------------------------


def select_of(text: str) -> Select:
    return parse_select(xml(f"<select>{text}</select>"))


def test_aggregate_groups_by_plain_fields() -> None:
    select = select_of(
        "<field>VENDORID</field><count>RECORDNO</count><count>TOTALDUE</count>"
        "<sum>TOTALDUE</sum><avg>TOTALDUE</avg><min>TOTALDUE</min><max>TOTALDUE</max>"
    )
    assert aggregate(BILLS, select, get_of, kind_of) == [
        {
            "VENDORID": "V100",
            "COUNT.RECORDNO": "2",
            "COUNT.TOTALDUE": "2",
            "SUM.TOTALDUE": "100.1",
            "AVG.TOTALDUE": "50.05",
            "MIN.TOTALDUE": "0",
            "MAX.TOTALDUE": "100.10",
        },
        {
            "VENDORID": "V200",
            "COUNT.RECORDNO": "2",
            "COUNT.TOTALDUE": "2",
            "SUM.TOTALDUE": "200.3",
            "AVG.TOTALDUE": "100.15",
            "MIN.TOTALDUE": "0.1",
            "MAX.TOTALDUE": "200.20",
        },
        {
            "VENDORID": "V300",
            "COUNT.RECORDNO": "1",
            "COUNT.TOTALDUE": "0",
            "SUM.TOTALDUE": "",
            "AVG.TOTALDUE": "",
            "MIN.TOTALDUE": "",
            "MAX.TOTALDUE": "",
        },
    ]


def test_aggregate_without_plain_fields_gives_one_row() -> None:
    select = select_of("<count>RECORDNO</count><sum>TOTALDUE</sum><max>WHENDUE</max>")
    assert aggregate(BILLS, select, get_of, kind_of) == [
        {"COUNT.RECORDNO": "5", "SUM.TOTALDUE": "300.4", "MAX.WHENDUE": "02/25/2022"}
    ]


def test_aggregate_over_no_rows() -> None:
    select = select_of("<count>RECORDNO</count><sum>TOTALDUE</sum>")
    assert aggregate([], select, get_of, kind_of) == [{"COUNT.RECORDNO": "0", "SUM.TOTALDUE": ""}]
    grouped = select_of("<field>STATE</field><count>RECORDNO</count>")
    assert aggregate([], grouped, get_of, kind_of) == []


def test_aggregate_sum_and_avg_have_no_float_artifacts() -> None:
    rows = [{"AMT": "0.1"}, {"AMT": "0.2"}, {"AMT": "0.2"}]
    select = select_of("<sum>AMT</sum><avg>AMT</avg>")
    assert aggregate(rows, select, get_of, lambda _: "number") == [
        # 0.5 / 3 to 38 significant digits, like Oracle NUMBER
        {"SUM.AMT": "0.5", "AVG.AMT": "0.1" + "6" * 36 + "7"}
    ]
    rows = [{"AMT": "10.00"}, {"AMT": "20.00"}, {"AMT": "1E+2"}]
    assert aggregate(rows, select, get_of, lambda _: "number") == [
        {"SUM.AMT": "130", "AVG.AMT": "43." + "3" * 36}
    ]


def test_aggregate_sum_of_zeroes_is_plain_zero() -> None:
    rows = [{"AMT": "-0.00"}, {"AMT": "0.0"}]
    assert aggregate(rows, select_of("<sum>AMT</sum>"), get_of, lambda _: "number") == [
        {"SUM.AMT": "0"}
    ]


def test_aggregate_min_max_by_kind_return_stored_text() -> None:
    select = select_of("<min>WHENDUE</min><max>WHENDUE</max><min>RECORDNO</min><max>RECORDNO</max>")
    assert aggregate(BILLS, select, get_of, kind_of) == [
        {
            "MIN.WHENDUE": "12/31/2021",
            "MAX.WHENDUE": "02/25/2022",
            "MIN.RECORDNO": "9",
            "MAX.RECORDNO": "1000",
        }
    ]


def test_aggregate_groups_equal_numbers_and_null_group() -> None:
    rows = [
        {"LINE": "1", "QTY": "2"},
        {"LINE": "1.0", "QTY": "3"},
        {"LINE": "", "QTY": "4"},
        {"QTY": "5"},
    ]
    select = select_of("<field>LINE</field><sum>QTY</sum>")
    assert aggregate(rows, select, get_of, lambda _: "number") == [
        {"LINE": "1", "SUM.QTY": "5"},
        {"LINE": "", "SUM.QTY": "9"},
    ]


def test_aggregate_skips_unreadable_values_except_in_count() -> None:
    rows = [{"AMT": "n/a"}, {"AMT": "7"}, {"AMT": "3"}]
    select = select_of("<count>AMT</count><sum>AMT</sum><avg>AMT</avg><min>AMT</min>")
    assert aggregate(rows, select, get_of, lambda _: "number") == [
        {"COUNT.AMT": "3", "SUM.AMT": "10", "AVG.AMT": "5", "MIN.AMT": "3"}
    ]


def test_aggregate_with_recordno_defeats_grouping() -> None:
    select = select_of("<field>RECORDNO</field><count>VENDORID</count>")
    result = aggregate(BILLS, select, get_of, kind_of)
    assert [r["COUNT.VENDORID"] for r in result] == ["1"] * 5


def test_aggregate_without_aggregates_returns_one_row_per_input() -> None:
    select = select_of("<field>RECORDNO</field><field>DESCRIPTION</field>")
    assert aggregate(BILLS[:2], select, get_of, kind_of) == [
        {"RECORDNO": "208", "DESCRIPTION": ""},
        {"RECORDNO": "227", "DESCRIPTION": "Office chairs"},
    ]


@pytest.mark.parametrize(
    ("select_xml", "message"),
    [
        (
            "<sum>VENDORNAME</sum>",
            "Invalid select: <sum> needs a number field; VENDORNAME is a text field.",
        ),
        (
            "<avg>WHENDUE</avg>",
            "Invalid select: <avg> needs a number field; WHENDUE is a date field.",
        ),
        ("<count>NOPE</count>", "Unknown field NOPE."),
        ("<field>NOPE</field><count>RECORDNO</count>", "Unknown field NOPE."),
    ],
)
def test_aggregate_errors(select_xml: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        aggregate(BILLS, select_of(select_xml), get_of, kind_of)
    assert info.value.message == message


def test_aggregate_overflow_is_a_query_error() -> None:
    rows = [{"AMT": "9e999999"}, {"AMT": "9e999999"}]
    with pytest.raises(QueryError, match="numeric overflow"):
        aggregate(rows, select_of("<sum>AMT</sum>"), get_of, lambda _: "number")


def test_aggregate_kind_of_and_sorting_aggregated_rows() -> None:
    select = select_of("<field>VENDORID</field><count>RECORDNO</count><max>WHENDUE</max>")
    result = aggregate(BILLS, select, get_of, kind_of)
    kinds = aggregate_kind_of(select, kind_of)
    assert kinds("COUNT.RECORDNO") == "number"
    assert kinds("MAX.WHENDUE") == "date"
    assert kinds("VENDORID") == "text"
    ordered = sort_rows(result, (("MAX.WHENDUE", True),), get_of, kinds)
    assert [r["VENDORID"] for r in ordered] == ["V200", "V100", "V300"]


# ---------------------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------------------

TAGS = [
    "and", "or", "equalto", "notequalto", "lessthan", "lessthanorequalto", "greaterthan",
    "greaterthanorequalto", "between", "in", "notin", "like", "notlike", "isnull",
    "isnotnull", "field", "value", "bogus",
]  # fmt: skip
FIELD_TEXTS = ["RECORDNO", "vendorname", "WHENDUE", "WHENMODIFIED", "ONHOLD", "X.Y", "", "*"]
VALUE_TEXTS = ["1", "-2.5", "01/24/2022", "02/30/2022", "Paid", "%a_", "", "x'y", "1e3"]


# A tree is (tag, text) for a leaf or (tag, [children]); tag "!" stands for a comment.
tree_specs = st.recursive(
    st.one_of(
        st.tuples(st.just("field"), st.sampled_from(FIELD_TEXTS)),
        st.tuples(st.just("value"), st.sampled_from(VALUE_TEXTS)),
        st.tuples(st.sampled_from([*TAGS, "!"]), st.just("")),
    ),
    lambda inner: st.tuples(st.sampled_from(TAGS), st.lists(inner, max_size=4)),
    max_leaves=24,
)


def build_tree(spec: tuple[str, Any]) -> etree._Element:
    tag, content = spec
    if tag == "!":
        return etree.Comment("note")
    el = etree.Element(tag)
    if isinstance(content, str):
        el.text = content
    else:
        for child in content:
            el.append(build_tree(child))
    return el


xml_trees = tree_specs.map(build_tree)

# Mostly well-formed filters (right element names, usually the right number of values) so
# that evaluation, not only parsing, is exercised with odd fields and values.
VALUE_COUNTS = {
    "equalto": 1, "notequalto": 1, "lessthan": 1, "lessthanorequalto": 1, "greaterthan": 1,
    "greaterthanorequalto": 1, "between": 2, "in": 3, "notin": 2, "like": 1, "notlike": 1,
    "isnull": 0, "isnotnull": 0,
}  # fmt: skip


@st.composite
def near_valid_operators(draw: st.DrawFn) -> tuple[str, Any]:
    tag = draw(st.sampled_from(sorted(VALUE_COUNTS)))
    count = max(0, VALUE_COUNTS[tag] + draw(st.sampled_from([0, 0, 0, 0, 1, -1])))
    children: list[tuple[str, Any]] = [("field", draw(st.sampled_from(FIELD_TEXTS)))]
    children += [("value", draw(st.sampled_from(VALUE_TEXTS))) for _ in range(count)]
    return (tag, draw(st.permutations(children)))


near_valid_filters = st.recursive(
    near_valid_operators(),
    lambda inner: st.tuples(
        st.sampled_from(["and", "or"]), st.lists(inner, min_size=1, max_size=3)
    ),
    max_leaves=10,
).map(build_tree)


def loose_kind_of(name: str) -> FieldKind:
    kinds: list[FieldKind] = ["text", "number", "date", "datetime", "boolean"]
    return kinds[len(name) % len(kinds)]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(xml_trees, near_valid_filters), max_size=2), st.booleans())
def test_random_filters_only_raise_query_error(children: list[etree._Element], ci: bool) -> None:
    root = etree.Element("filter")
    for child in children:
        root.append(child)
    try:
        flt = compile_filter(root, case_insensitive=ci)
        rows: list[dict[str, str]] = [{}, dict.fromkeys(flt.fields, "1")]
        rows.append(dict.fromkeys(flt.fields, "01/24/2022"))
        for row in rows:
            assert flt.matches(row.get, loose_kind_of) in (True, False)
    except QueryError as exc:
        assert exc.message


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(xml_trees, st.none()))
def test_random_select_and_orderby_only_raise_query_error(tree: etree._Element | None) -> None:
    for parse in (parse_select, parse_orderby):
        try:
            parse(tree)
        except QueryError as exc:
            assert exc.message
    wrapper = etree.Element("select")
    if tree is not None:
        wrapper.append(tree)
    try:
        select = parse_select(wrapper)
        aggregate(BILLS, select, get_of, loose_kind_of)
        sort_rows(BILLS, tuple((f, True) for f in select.fields), get_of, loose_kind_of)
    except QueryError as exc:
        assert exc.message


# Equivalence: the same condition written as a <filter> and as a readByQuery string must
# select the same rows (both front ends share one evaluator, but each has its own parser).

MODEL_KINDS: dict[str, FieldKind] = {"RECORDNO": "number", "VENDORNAME": "text", "WHENDUE": "date"}
model_values: dict[str, st.SearchStrategy[str]] = {
    "RECORDNO": st.integers(-3, 3).map(str),
    "VENDORNAME": st.text(alphabet="aB'%_", max_size=3),
    "WHENDUE": st.sampled_from(["01/01/2022", "12/31/2021", "02/28/2022"]),
}
# (filter tag, readByQuery operator, number of values)
SHARED_OPS = [
    ("equalto", "=", 1),
    ("notequalto", "!=", 1),
    ("lessthan", "<", 1),
    ("lessthanorequalto", "<=", 1),
    ("greaterthan", ">", 1),
    ("greaterthanorequalto", ">=", 1),
    ("in", "IN", 3),
    ("notin", "NOT IN", 2),
    ("like", "LIKE", 1),
    ("notlike", "NOT LIKE", 1),
    ("isnull", "IS NULL", 0),
    ("isnotnull", "IS NOT NULL", 0),
]


def sql_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@st.composite
def shared_leaves(draw: st.DrawFn) -> tuple[str, str]:
    field = draw(st.sampled_from(sorted(MODEL_KINDS)))
    tag, sql_op, count = draw(st.sampled_from(SHARED_OPS))
    values = [draw(model_values[field]) for _ in range(count)]
    if tag in ("like", "notlike"):
        values = [draw(st.text(alphabet="aB%_'0/1", max_size=4))]
    el = etree.Element(tag)
    etree.SubElement(el, "field").text = field
    for v in values:
        etree.SubElement(el, "value").text = v
    if count == 0:
        sql = f"{field} {sql_op}"
    elif tag in ("in", "notin"):
        sql = f"{field} {sql_op} ({', '.join(sql_quote(v) for v in values)})"
    else:
        sql = f"{field} {sql_op} {sql_quote(values[0])}"
    return etree.tostring(el, encoding="unicode"), sql


def combine(tag: str, parts: list[tuple[str, str]]) -> tuple[str, str]:
    return (
        f"<{tag}>{''.join(x for x, _ in parts)}</{tag}>",
        "(" + f" {tag.upper()} ".join(s for _, s in parts) + ")",
    )


shared_conditions = st.recursive(
    shared_leaves(),
    lambda inner: st.builds(
        combine, st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=250)
@given(
    shared_conditions,
    st.lists(
        st.fixed_dictionaries({k: st.one_of(st.just(""), v) for k, v in model_values.items()}),
        min_size=1,
        max_size=6,
    ),
)
def test_filter_and_readbyquery_agree(
    condition: tuple[str, str], rows: list[dict[str, str]]
) -> None:
    filter_xml, sql = condition
    flt = compile_xml(filter_xml)
    where = compile_where(sql)
    assert flt.fields == where.fields
    kinds: Callable[[str], FieldKind] = MODEL_KINDS.__getitem__
    for n, row in enumerate(rows, 1):
        assert flt.matches(row.get, kinds) == where.matches(row.get, kinds, n), (filter_xml, sql)
