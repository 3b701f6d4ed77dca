"""GLBATCH (journal entries) through the gateway: create, read, update, delete, and every
rule with its exact error — and that a refused entry changes nothing.

Verbatim Intacct texts: the closed-period text (intacct-sdk-net #105), ``This transaction is
missing the … dimension for the Account …`` and ``Account … is not valid`` (production texts
from fyle's error mapping). The others are the sandbox's *(inferred)* texts.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from tests.sandbox.books import (
    COMPANY,
    batch,
    companion,
    create,
    created,
    entry,
    ledger_rows,
    read,
    snapshot,
)
from tests.sandbox.envelope import Caller
from tests.sandbox.xmlbits import attrs, children, column

CLOSED = (
    "Periods are closed.  Your transaction date ({}) is within a period that's been closed.  "
    "You can add, modify, or delete a transaction only if the date of the transaction is "
    "within a period that's open."
)
CLOSED_FIX = "Use a date in an open period, or have an administrator reopen the period."


def _balanced(amount: str = "1450.80", **dims: Any) -> str:
    return batch(entry("6300", 1, amount, **dims), entry("2100", -1, amount, **dims))


def _refused(sandbox: Sandbox, caller: Caller, body: str, error: tuple[str, str]) -> None:
    """The create fails with ``error`` (description2, correction) + the companion, and
    nothing changes."""
    before = snapshot(sandbox)
    reply = caller.call(create(body))
    assert reply.result().findtext("status") == "failure"
    assert attrs(reply.data()) == {"listtype": "objects", "count": "0"}
    assert reply.errors() == [("BL01001973", "", *error), companion("glbatch")]
    assert snapshot(sandbox) == before


# --- create and read ------------------------------------------------------------------------


def test_create_replies_with_the_lower_case_glbatch_and_its_recordno(books: Caller) -> None:
    data = books.ok(create(_balanced())).data()
    assert attrs(data) == {"listtype": "objects", "count": "1"}
    assert children(data) == ["glbatch"]
    assert children(data[0]) == ["RECORDNO"]


def test_read_back_shows_header_state_batchno_and_normalised_entries(books: Caller) -> None:
    number = created(books, _balanced("1450.80", LOCATION="HQ", DESCRIPTION="Freight"))
    record = read(books, "GLBATCH", number)
    assert record.findtext("RECORDNO") == str(number)
    assert record.findtext("JOURNAL") == "GJ"
    assert record.findtext("BATCHNO") == "1"
    assert record.findtext("BATCH_DATE") == "03/31/2025"
    assert record.findtext("STATE") == "Posted"
    assert record.findtext("MODULE") == "2.GL"
    assert record.findtext("ADJ") == "false"
    assert record.findtext("JOURNALKEY")
    assert record.findtext("RECORD_URL") == (
        f"https://www.intacct.com/ia/acct/glbatch.phtml?.r={number}&.company={COMPANY}"
    )
    entries = record.findall("ENTRIES/GLENTRY")
    assert [e.findtext("LINE_NO") for e in entries] == ["1", "2"]
    assert [e.findtext("TR_TYPE") for e in entries] == ["1", "-1"]
    assert [e.findtext("AMOUNT") for e in entries] == ["1450.80", "1450.80"]
    assert [e.findtext("LOCATION") for e in entries] == ["HQ", "HQ"]
    assert [e.findtext("DESCRIPTION") for e in entries] == ["Freight", "Freight"]


def test_description_defaults_to_the_batch_title(books: Caller) -> None:
    number = created(books, _balanced())
    entries = read(books, "GLBATCH", number).findall("ENTRIES/GLENTRY")
    assert [e.findtext("DESCRIPTION") for e in entries] == ["Freight accrual"] * 2


def test_batch_numbers_count_per_journal(books: Caller) -> None:
    first = created(books, _balanced())
    second = created(books, _balanced())
    other = created(books, batch(entry("6300", 1, "5"), entry("2100", -1, "5"), journal="ADJ"))
    numbers = [read(books, "GLBATCH", n).findtext("BATCHNO") for n in (first, second, other)]
    assert numbers == ["1", "2", "1"]
    assert read(books, "GLBATCH", other).findtext("ADJ") == "true"


def test_amount_alias_and_lower_case_field_names_as_fyle_sends_them(books: Caller) -> None:
    body = (
        "<GLBATCH><journal>GJ</journal><batch_date>03/31/2025</batch_date>"
        "<batch_title>fyle expense</batch_title><ENTRIES>"
        "<GLENTRY><accountno>6300</accountno><amount>12.5</amount><tr_type>1</tr_type>"
        "<department>ADM</department><description>Taxi</description></GLENTRY>"
        "<GLENTRY><accountno>2100</accountno><amount>12.50</amount><tr_type>-1</tr_type>"
        "</GLENTRY></ENTRIES></GLBATCH>"
    )
    number = created(books, body)
    entries = read(books, "GLBATCH", number).findall("ENTRIES/GLENTRY")
    assert [e.findtext("TRX_AMOUNT") for e in entries] == ["12.50", "12.50"]
    assert entries[0].findtext("DEPARTMENT") == "ADM"


def test_amounts_are_rounded_to_two_decimals_half_up(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, batch(entry("6300", 1, "100.005"), entry("2100", -1, "100.01")))
    entries = read(books, "GLBATCH", number).findall("ENTRIES/GLENTRY")
    assert [e.findtext("TRX_AMOUNT") for e in entries] == ["100.01", "100.01"]
    assert [r["AMOUNT"] for r in ledger_rows(sandbox, number)] == ["100.01", "100.01"]


def test_several_batches_in_one_create(books: Caller) -> None:
    data = books.ok(create(_balanced("1"), _balanced("2"))).data()
    assert children(data) == ["glbatch", "glbatch"]


# --- balance ---------------------------------------------------------------------------------


def test_an_unbalanced_entry_is_refused_and_changes_nothing(
    sandbox: Sandbox, books: Caller
) -> None:
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "100.00"), entry("2100", -1, "90.00")),
        (
            "The journal entry is not balanced: debits total 100.00 and credits total 90.00.",
            "Make the debit lines (TR_TYPE 1) and the credit lines (TR_TYPE -1) add up to the "
            "same amount.",
        ),
    )


def test_balance_is_checked_after_rounding(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "10.004"), entry("2100", -1, "10.005")),
        (
            "The journal entry is not balanced: debits total 10.00 and credits total 10.01.",
            "Make the debit lines (TR_TYPE 1) and the credit lines (TR_TYPE -1) add up to the "
            "same amount.",
        ),
    )


def test_an_entry_needs_two_lines(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "0")),
        (
            "Journal Entry needs at least 2 GLENTRY line(s) in ENTRIES; got 1.",
            "Give a debit and a credit line (only a statistical journal takes one line).",
        ),
    )


@pytest.mark.parametrize("tr_type", ["2", "0", "debit"])
def test_tr_type_is_one_or_minus_one(sandbox: Sandbox, books: Caller, tr_type: str) -> None:
    body = batch(entry("6300", 1, "5"), entry("2100", -1, "5")).replace(
        "<TR_TYPE>-1</TR_TYPE>", f"<TR_TYPE>{tr_type}</TR_TYPE>"
    )
    before = snapshot(sandbox)
    errors = books.call(create(body)).errors()
    if tr_type == "debit":  # not even a number
        assert errors[0][2] == "'debit' is not a valid number for TR_TYPE."
    else:
        assert errors[0][2] == (
            f"TR_TYPE on line 2 of ENTRIES must be 1 (debit) or -1 (credit); got '{tr_type}'."
        )
    assert snapshot(sandbox) == before


def test_amounts_are_positive(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "-5"), entry("2100", 1, "5")),
        (
            "The amount -5 on line 1 of ENTRIES is negative; give the absolute amount and use "
            "TR_TYPE -1 for a credit.",
            "Correct the amount.",
        ),
    )


def test_a_zero_line_is_accepted(books: Caller) -> None:
    created(books, batch(entry("6300", 1, "5"), entry("2100", -1, "5"), entry("6500", 1, "0")))


# --- journal, accounts, dimensions ------------------------------------------------------------


def test_the_journal_must_exist(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "5"), entry("2100", -1, "5"), journal="NOPE"),
        (
            "Invalid Journal 'NOPE' specified.",
            "Create the journal 'NOPE' first, or use an existing SYMBOL.",
        ),
    )


def test_the_journal_must_be_active(sandbox: Sandbox, books: Caller) -> None:
    sandbox.admin.set_status(COMPANY, "GLJOURNAL", "POJ", "inactive")
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "5"), entry("2100", -1, "5"), journal="POJ"),
        ("Journal 'POJ' is inactive.", "Activate the journal POJ, then try again."),
    )


def test_an_unknown_account_is_refused(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "5"), entry("16200", -1, "5")),
        (
            "Account 16200 is not valid",
            "Use the number of an existing GL account (readByName GLACCOUNT).",
        ),
    )


def test_an_inactive_account_is_refused(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        batch(entry("6910", 1, "5"), entry("2100", -1, "5")),
        ("Account '6910' is inactive.", "Activate the account 6910, then try again."),
    )


def test_a_required_dimension_must_be_present(sandbox: Sandbox, books: Caller) -> None:
    # 6000 Salaries requires a department (REQUIREDEPT), 6100 Rent a location.
    _refused(
        sandbox,
        books,
        batch(entry("6000", 1, "5"), entry("2100", -1, "5")),
        (
            "This transaction is missing the Department dimension for the Account 6000",
            "Provide the department on every line that uses account 6000 (the account "
            "requires it).",
        ),
    )
    _refused(
        sandbox,
        books,
        batch(entry("6100", 1, "5", DEPARTMENT="ADM"), entry("2100", -1, "5")),
        (
            "This transaction is missing the Location dimension for the Account 6100",
            "Provide the location on every line that uses account 6100 (the account requires it).",
        ),
    )
    created(books, batch(entry("6000", 1, "5", DEPARTMENT="ADM"), entry("2100", -1, "5")))


def test_dimension_values_must_exist_and_be_active(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "5", LOCATION="MOON"), entry("2100", -1, "5")),
        (
            "Invalid Location 'MOON' specified.",
            "Create the location 'MOON' first, or use an existing LOCATIONID.",
        ),
    )
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "5", VENDORID="VM"), entry("2100", -1, "5")),
        ("Vendor 'VM' is inactive.", "Activate the vendor VM, then try again."),
    )


def test_user_defined_dimension_required_by_the_account(sandbox: Sandbox, books: Caller) -> None:
    sandbox.admin.add_dimension(COMPANY, "REGION", "Region")
    sandbox.admin.seed(COMPANY, "REGION", [{"ID": "NORTH", "NAME": "North"}])
    books.ok("<update><GLACCOUNT><ACCOUNTNO>6300</ACCOUNTNO>"
             "<REQUIREGLDIMREGION>true</REQUIREGLDIMREGION></GLACCOUNT></update>")  # fmt: skip
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "5"), entry("2100", -1, "5")),
        (
            "This transaction is missing the Region dimension for the Account 6300",
            "Provide the region on every line that uses account 6300 (the account requires it).",
        ),
    )
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "5", GLDIMREGION="EAST"), entry("2100", -1, "5")),
        (
            "Invalid Region 'EAST' specified.",
            "Create the region 'EAST' first, or use an existing ID.",
        ),
    )
    number = created(books, batch(entry("6300", 1, "5", GLDIMREGION="NORTH"),
                                  entry("2100", -1, "5")))  # fmt: skip
    assert [r.get("GLDIMREGION") for r in ledger_rows(sandbox, number)] == ["NORTH", None]


def test_allocations_are_refused_honestly(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "5", ALLOCATION="SPLIT50"), entry("2100", -1, "5")),
        (
            "Allocation 'SPLIT50' on line 1 of ENTRIES: the sandbox does not emulate allocations.",
            "Split the line into one line per dimension value instead.",
        ),
    )


# --- dates and periods ------------------------------------------------------------------------


def test_a_closed_period_refuses_the_entry(sandbox: Sandbox, books: Caller) -> None:
    sandbox.admin.close_period(COMPANY, through="03/31/2025")
    _refused(sandbox, books, _balanced(), (CLOSED.format("03/31/2025"), CLOSED_FIX))
    created(books, batch(entry("6300", 1, "5"), entry("2100", -1, "5"), date="04/01/2025"))
    sandbox.admin.open_period(COMPANY, from_date="03/01/2025")
    created(books, _balanced())


def test_closed_periods_protect_existing_entries(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, _balanced())
    sandbox.admin.close_period(COMPANY, through="03/31/2025")
    before = snapshot(sandbox)
    update = (
        f"<update><GLBATCH><RECORDNO>{number}</RECORDNO><BATCH_DATE>04/02/2025</BATCH_DATE>"
        "</GLBATCH></update>"
    )
    assert books.call(update).errors() == [
        ("BL01001973", "", CLOSED.format("03/31/2025"), CLOSED_FIX),
        companion("glbatch", "update"),
    ]
    deleted = books.call(f"<delete><object>GLBATCH</object><keys>{number}</keys></delete>")
    assert deleted.errors() == [("BL01001973", "", CLOSED.format("03/31/2025"), CLOSED_FIX)]
    assert snapshot(sandbox) == before


def test_reverse_date_must_follow_the_posting_date(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "5"), entry("2100", -1, "5"), REVERSEDATE="03/31/2025"),
        (
            "The reverse date 03/31/2025 must be after the posting date 03/31/2025.",
            "Use a REVERSEDATE later than BATCH_DATE, or leave it out.",
        ),
    )


def test_a_reverse_date_posts_the_reversal(sandbox: Sandbox, books: Caller) -> None:
    body = batch(entry("6300", 1, "40"), entry("2100", -1, "40"), REVERSEDATE="04/01/2025")
    number = created(books, body)
    rows = ledger_rows(sandbox, number)
    assert [(r["BATCH_DATE"], r["ACCOUNTNO"], r["TR_TYPE"]) for r in rows] == [
        ("03/31/2025", "6300", "1"),
        ("03/31/2025", "2100", "-1"),
        ("04/01/2025", "6300", "-1"),
        ("04/01/2025", "2100", "1"),
    ]


# --- states -----------------------------------------------------------------------------------


def test_a_draft_need_not_balance_and_posts_nothing(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, batch(entry("6300", 1, "100"), entry("2100", -1, "90"), STATE="Draft"))
    assert read(books, "GLBATCH", number).findtext("STATE") == "Draft"
    assert ledger_rows(sandbox, number) == []


def test_posting_a_draft_by_update(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, batch(entry("6300", 1, "7"), entry("2100", -1, "7"), STATE="Draft"))
    books.ok(
        f"<update><GLBATCH><RECORDNO>{number}</RECORDNO><STATE>Posted</STATE></GLBATCH></update>"
    )
    assert len(ledger_rows(sandbox, number)) == 2


@pytest.mark.parametrize("state", ["Approved", "Submitted", "Reversed"])
def test_workflow_states_cannot_be_written(sandbox: Sandbox, books: Caller, state: str) -> None:
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "5"), entry("2100", -1, "5"), STATE=state),
        (
            f"A journal entry cannot be saved in state {state}: only an approver moves an "
            "entry through the approval states.",
            "Use STATE Posted (the default; Submitted when the company requires approval) "
            "or Draft.",
        ),
    )


def test_state_codes_in_read_by_query(books: Caller) -> None:
    posted = created(books, _balanced())
    draft = created(books, batch(entry("6300", 1, "1"), entry("2100", -1, "1"), STATE="Draft"))
    for code, expected in (("P", posted), ("I", draft)):
        data = books.ok(
            "<readByQuery><object>GLBATCH</object><fields>RECORDNO,STATE</fields>"
            f"<query>STATE = '{code}'</query></readByQuery>"
        ).data()
        assert column(data, "glbatch", "RECORDNO") == [str(expected)]


# --- update and delete ------------------------------------------------------------------------


def test_update_replaces_the_entries_and_their_ledger_lines(
    sandbox: Sandbox, books: Caller
) -> None:
    number = created(books, _balanced("10"))
    books.ok(
        f"<update><GLBATCH><RECORDNO>{number}</RECORDNO><BATCH_TITLE>Fixed</BATCH_TITLE>"
        f"<ENTRIES>{entry('6300', 1, '12')}{entry('6500', 1, '3')}{entry('2100', -1, '15')}"
        "</ENTRIES></GLBATCH></update>"
    )
    record = read(books, "GLBATCH", number)
    assert record.findtext("BATCH_TITLE") == "Fixed"
    assert record.findtext("BATCHNO") == "1"
    assert len(record.findall("ENTRIES/GLENTRY")) == 3
    rows = ledger_rows(sandbox, number)
    assert [(r["ACCOUNTNO"], r["AMOUNT"]) for r in rows] == [
        ("6300", "12.00"),
        ("6500", "3.00"),
        ("2100", "15.00"),
    ]


def test_an_unbalanced_update_changes_nothing(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, _balanced("10"))
    before = snapshot(sandbox)
    reply = books.call(
        f"<update><GLBATCH><RECORDNO>{number}</RECORDNO><ENTRIES>{entry('6300', 1, '12')}"
        f"{entry('2100', -1, '10')}</ENTRIES></GLBATCH></update>"
    )
    assert reply.errors()[0][2] == (
        "The journal entry is not balanced: debits total 12.00 and credits total 10.00."
    )
    assert snapshot(sandbox) == before


def test_delete_removes_the_entry_and_its_ledger_lines(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, _balanced())
    books.ok(f"<delete><object>GLBATCH</object><keys>{number}</keys></delete>")
    assert ledger_rows(sandbox, number) == []
    data = books.ok(f"<read><object>GLBATCH</object><keys>{number}</keys></read>").data()
    assert data.get("count") == "0"


def test_a_rolled_back_transaction_leaves_no_entry_and_no_batch_number(
    sandbox: Sandbox, books: Caller
) -> None:
    before = snapshot(sandbox)
    reply = books.call(
        create(_balanced()),
        create(batch(entry("6300", 1, "1"), entry("2100", -1, "2"))),
        transaction=True,
    )
    assert [r.findtext("status") for r in reply.results] == ["aborted", "failure"]
    assert snapshot(sandbox) == before
    number = created(books, _balanced())
    assert read(books, "GLBATCH", number).findtext("BATCHNO") == "1"


def test_a_company_without_general_ledger_has_no_glbatch(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    creds = sandbox.quickstart(QuickstartCredentials(company_id="NOGL"), modules={"ap", "ar"})
    caller = Caller(http, sandbox.endpoint, creds)
    assert caller.call(create(_balanced())).errors()[0] == (
        "Query Failed",
        "",
        "Object definition GLBATCH not found",
        "",
    )


# --- multi-entity -----------------------------------------------------------------------------


@pytest.fixture
def mega(sandbox: Sandbox, http: httpx.Client) -> Caller:
    creds = sandbox.quickstart(QuickstartCredentials(company_id="MEGA"), mega=True)
    admin = sandbox.admin
    admin.add_entity("MEGA", "E100", "East")
    admin.add_entity("MEGA", "E200", "West")
    admin.seed("MEGA", "LOCATION", [{"LOCATIONID": "E100-PLANT", "NAME": "Plant",
                                     "PARENTID": "E100"}])  # fmt: skip
    admin.seed("MEGA", "GLACCOUNT", [
        {"ACCOUNTNO": "6300", "TITLE": "Freight", "ACCOUNTTYPE": "incomestatement"},
        {"ACCOUNTNO": "2100", "TITLE": "Accrued", "NORMALBALANCE": "credit"},
    ])  # fmt: skip
    admin.seed("MEGA", "GLJOURNAL", [{"SYMBOL": "GJ", "TITLE": "General journal"}])
    return Caller(http, sandbox.endpoint, creds)


def _mega_refused(sandbox: Sandbox, caller: Caller, body: str, text: str, fix: str) -> None:
    before = snapshot(sandbox, "MEGA")
    assert caller.call(create(body)).errors() == [
        ("BL01001973", "", text, fix),
        companion("glbatch"),
    ]
    assert snapshot(sandbox, "MEGA") == before


def test_mega_lines_need_a_location(sandbox: Sandbox, mega: Caller) -> None:
    _mega_refused(
        sandbox,
        mega,
        batch(entry("6300", 1, "5", LOCATION="E100"), entry("2100", -1, "5")),
        "Required field LOCATION is missing on line 2 of ENTRIES.",
        "Provide LOCATION on every GLENTRY.",
    )


def test_mega_entries_balance_per_entity(sandbox: Sandbox, mega: Caller) -> None:
    body = batch(entry("6300", 1, "5", LOCATION="E100-PLANT"), entry("2100", -1, "5",
                                                                      LOCATION="E200"))  # fmt: skip
    _mega_refused(
        sandbox,
        mega,
        body,
        "The journal entry is not balanced for entity E100: debits total 5.00 and credits "
        "total 0.00.",
        "Balance the entry within each entity (the company has no inter-entity relationships "
        "set up).",
    )
    sandbox.admin.set_interentity("MEGA", True)
    _mega_refused(
        sandbox,
        mega,
        body,
        "BASELOCATION_NO is required when the entries do not balance by entity.",
        "Give the base location (entity) of the inter-entity transaction.",
    )
    number = created(mega, body.replace("<ENTRIES>", "<BASELOCATION_NO>E100</BASELOCATION_NO>"
                                        "<ENTRIES>"))  # fmt: skip
    rows = ledger_rows(sandbox, number, "MEGA")
    assert [(r["ENTITY"], r["LOCATION"]) for r in rows] == [
        ("E100", "E100-PLANT"),
        ("E200", "E200"),
    ]


def test_mega_balanced_per_entity_is_accepted(sandbox: Sandbox, mega: Caller) -> None:
    number = created(mega, batch(
        entry("6300", 1, "5", LOCATION="E100-PLANT"), entry("2100", -1, "5", LOCATION="E100"),
        entry("6300", 1, "2", LOCATION="E200"), entry("2100", -1, "2", LOCATION="E200"),
    ))  # fmt: skip
    assert {r["ENTITY"] for r in ledger_rows(sandbox, number, "MEGA")} == {"E100", "E200"}


# --- the admin HTTP API for periods -----------------------------------------------------------


def _admin(sandbox: Sandbox, method: str, path: str, **kw: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=sandbox.asgi_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            return await client.request(method, f"/sandbox/admin{path}", **kw)

    return asyncio.run(go())


def test_admin_api_closes_and_reopens_periods(sandbox: Sandbox, books: Caller) -> None:
    path = f"/companies/{COMPANY}/periods"
    closed = _admin(sandbox, "POST", f"{path}/close", json={"through": "03/31/2025"})
    assert closed.status_code == 200
    assert closed.json() == {
        "company_id": COMPANY,
        "closed_through": "03/31/2025",
        "interentity": False,
    }
    assert books.call(create(_balanced())).errors()[0][2] == CLOSED.format("03/31/2025")
    reopened = _admin(sandbox, "POST", f"{path}/open", json={"from": "03/01/2025"})
    assert reopened.json()["closed_through"] == "02/28/2025"
    assert _admin(sandbox, "GET", path).json()["closed_through"] == "02/28/2025"
    created(books, _balanced())
    assert _admin(sandbox, "POST", f"{path}/open", json={}).json()["closed_through"] is None


def test_admin_api_refuses_bad_period_requests(sandbox: Sandbox, books: Caller) -> None:
    path = f"/companies/{COMPANY}/periods/close"
    bad_date = _admin(sandbox, "POST", path, json={"through": "31/03/2025"})
    assert bad_date.status_code == 422
    assert bad_date.json()["error"] == "through must be a date (MM/DD/YYYY); got '31/03/2025'."
    assert _admin(sandbox, "POST", path, json={"until": "03/31/2025"}).status_code == 422
    assert _admin(sandbox, "POST", "/companies/NOPE/periods/close",
                  json={"through": "03/31/2025"}).status_code == 404  # fmt: skip
    single = _admin(sandbox, "PUT", f"/companies/{COMPANY}/interentity", json={"allowed": True})
    assert single.status_code == 422
    assert sandbox.admin.books(COMPANY) == {"closed_through": None, "interentity": False}
