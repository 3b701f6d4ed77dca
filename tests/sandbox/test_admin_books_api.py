"""The admin HTTP API of the book-keeping settings (tax, currencies, AP policy, inter-entity
accounts, approvals, module closes, automatic numbering, undeposited funds).

Each endpoint changes what the Python admin method changes (read back through
``GET …/accounting`` and through the gateway), refuses bad input with 422 / 404 / 409 and
a JSON ``error`` (never a 500), and a refused request changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.seeds import seed_demo
from tests.sandbox.books import COMPANY, VENDORS, batch, bill, entry, line
from tests.sandbox.envelope import Caller
from tests.sandbox.test_admin_api import Api

BASE = f"/companies/{COMPANY}"


@pytest.fixture
def api(sandbox: Sandbox, creds: QuickstartCredentials) -> Api:
    seed_demo(sandbox.admin, creds.company_id)
    sandbox.admin.seed(creds.company_id, "VENDOR", VENDORS)
    return Api(sandbox)


def _ok(api: Api, method: str, path: str, body: Any = None, status: int = 200) -> Any:
    reply = api(method, f"{BASE}{path}", json=body)
    assert reply.status_code == status, reply.text
    return reply.json()


def _refused(api: Api, method: str, path: str, body: Any, status: int) -> str:
    before = api("GET", f"{BASE}/accounting").json()
    reply = api(method, f"{BASE}{path}", json=body)
    assert reply.status_code == status, reply.text
    assert set(reply.json()) == {"error", "detail"}
    assert api("GET", f"{BASE}/accounting").json() == before
    return str(reply.json()["error"])


def test_currency_settings_over_http(api: Api) -> None:
    settings = _ok(
        api,
        "POST",
        "/exchange-rates",
        {"from_currency": "EUR", "to_currency": "USD", "rate": "1.1", "effective": "01/01/2025"},
    )
    assert settings["exchange_rates"] == 1
    settings = _ok(api, "PUT", "/currency-accounts", {"ap": "7200", "ar": "7200"})
    assert settings["fx_accounts"] == {"ap": "7200", "ar": "7200"}
    assert _ok(api, "PUT", "/base-currency", {"currency": "USD"})["base_currency"] == "USD"
    assert "no GL account '9999'" in _refused(api, "PUT", "/currency-accounts", {"ap": "9999"}, 404)
    rate = {"from_currency": "EUR", "to_currency": "USD", "rate": "-1", "effective": "01/01/2025"}
    _refused(api, "POST", "/exchange-rates", rate, 422)
    _refused(api, "POST", "/exchange-rates", {**rate, "rate": "1", "to_currency": "EUR"}, 422)


def test_duplicate_bills_policy_over_http(api: Api, caller: Caller) -> None:
    assert _ok(api, "PUT", "/duplicate-bills", {"policy": "refuse"})["duplicate_bills"] == "refuse"
    body = f"<create>{bill('V100', line('6300', '10'), RECORDID='INV-1')}</create>"
    caller.ok(body)
    assert caller.call(body).result().findtext("status") == "failure"
    _refused(api, "PUT", "/duplicate-bills", {"policy": "sometimes"}, 422)


def test_tax_solution_and_detail_over_http(api: Api) -> None:
    solution = _ok(
        api,
        "POST",
        "/tax-solutions",
        {"solution_id": "UK VAT", "purchase_account": "1400", "sale_account": "2200"},
        201,
    )
    assert (solution["TAXSOLUTIONID"], solution["GLACCOUNTPURCHASE"]) == ("UK VAT", "1400")
    detail = _ok(
        api,
        "POST",
        "/tax-details",
        {"detail_id": "UK Sale 20", "tax_type": "S", "percent": "20", "account": "2200",
         "solution": "UK VAT"},
        201,
    )  # fmt: skip
    assert (detail["TAXTYPE"], detail["VALUE"]) == ("Sale", "20")
    # The same detail again is a conflict; a reverse-charge sale is refused; bad shapes 422.
    again = {"detail_id": "UK Sale 20", "tax_type": "S", "percent": "20", "account": "2200"}
    assert api("POST", f"{BASE}/tax-details", json=again).status_code == 409
    reverse = {**again, "detail_id": "RC", "reverse_charge": True}
    assert api("POST", f"{BASE}/tax-details", json=reverse).status_code == 422
    assert api("POST", f"{BASE}/tax-details", json={**again, "tax_type": "X"}).status_code == 422


def test_approvals_over_http(sandbox: Sandbox, api: Api, caller: Caller) -> None:
    assert _ok(api, "PUT", "/approvals", {"journal_entries": True})["approvals"] == ["GLBATCH"]
    reply = caller.ok(f"<create>{batch(entry('6300', 1, '50'), entry('2100', -1, '50'))}</create>")
    recordno = int(reply.data().findtext("glbatch/RECORDNO") or 0)
    assert sandbox.admin.balances(COMPANY) == []  # submitted: nothing posted
    approved = _ok(api, "POST", f"/approvals/GLBATCH/{recordno}/approve")
    assert approved["STATE"] == "Posted"
    assert {b["ACCOUNTNO"] for b in sandbox.admin.balances(COMPANY)} == {"2100", "6300"}
    assert "only Submitted entries" in _refused(
        api, "POST", f"/approvals/GLBATCH/{recordno}/decline", None, 422
    )
    assert api("POST", f"{BASE}/approvals/VENDOR/1/approve").status_code == 422
    assert api("POST", f"{BASE}/approvals/GLBATCH/x/approve").status_code == 422


def test_module_closes_over_http(api: Api, caller: Caller) -> None:
    closed = _ok(api, "POST", "/periods/close", {"through": "03/31/2025", "module": "ap"})
    assert closed["closes"] == {"ap": "03/31/2025"}
    assert (
        caller.call(f"<create>{bill('V100', line('6300', '10'))}</create>")
        .result()
        .findtext("status")
        == "failure"
    )
    caller.ok(f"<create>{batch(entry('6300', 1, '5'), entry('2100', -1, '5'))}</create>")
    reopened = _ok(api, "POST", "/periods/open", {"module": "ap"})
    assert reopened["closes"] == {}
    caller.ok(f"<create>{bill('V100', line('6300', '10'))}</create>")
    _refused(api, "POST", "/periods/close", {"through": "03/31/2025", "module": "payroll"}, 422)
    _refused(api, "POST", "/periods/close", {"through": "03/31/2025", "entity": "E1"}, 422)


def test_interentity_accounts_need_a_mega_company(api: Api) -> None:
    assert "single-entity" in _refused(
        api, "PUT", "/interentity-accounts", {"due_from": "1100", "due_to": "2100"}, 422
    )


def test_numbering_and_undeposited_funds_over_http(api: Api, caller: Caller) -> None:
    numbering = _ok(api, "PUT", "/numbering/vendor", {"prefix": "S-", "width": 3})
    assert numbering["id_numbering"] == {"VENDOR": {"prefix": "S-", "width": 3, "next": 1}}
    reply = caller.ok(
        "<create><VENDOR><NAME>Numbered</NAME><DISPLAYCONTACT><PRINTAS>N</PRINTAS>"
        "</DISPLAYCONTACT></VENDOR></create>"
    )
    assert reply.data().findtext("vendor/VENDORID") == "S-001"
    assert _ok(api, "PUT", "/undeposited-account", {"account": "1050"})["undeposited_account"] == (
        "1050"
    )
    assert _ok(api, "PUT", "/undeposited-account", {"account": None})["undeposited_account"] == ""
    _refused(api, "PUT", "/numbering/ITEM", {"prefix": "I"}, 422)
    _refused(api, "PUT", "/numbering/VENDOR", {"prefix": "bad prefix!"}, 422)
    _refused(api, "PUT", "/numbering/VENDOR", {"width": 99}, 422)
    _refused(api, "PUT", "/undeposited-account", {"account": "9999"}, 404)
    assert api(
        "PUT", "/companies/NOPE/undeposited-account", json={"account": None}
    ).status_code == (404)
