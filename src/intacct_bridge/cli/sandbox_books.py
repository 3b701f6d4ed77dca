"""``intacct-bridge sandbox …``: the book-keeping settings of a sandbox company.

What an Intacct administrator sets in the *General Ledger*, *Accounts Payable*, *Accounts
Receivable*, *Taxes* and *Company* setup screens, for a state file (``--state``) or a
running server (``--url``, through its admin HTTP API), like every other administration
command of :mod:`intacct_bridge.cli.sandbox`::

    intacct-bridge sandbox close-period DEMO-MFG 03/31/2025 --module ap
    intacct-bridge sandbox add-exchange-rate DEMO-MFG EUR USD 1.1 --effective 01/01/2025
    intacct-bridge sandbox set-currency-accounts DEMO-MFG --ap 7200 --ar 7200
    intacct-bridge sandbox set-duplicate-bills DEMO-MFG refuse
    intacct-bridge sandbox add-tax-solution DEMO-MFG "UK VAT" --purchase-account 1400 \\
        --sale-account 2200
    intacct-bridge sandbox add-tax-detail DEMO-MFG "UK Sale 20" --type S --percent 20 \\
        --account 2200 --solution "UK VAT"
    intacct-bridge sandbox set-approvals DEMO-MFG --journal-entries --bills
    intacct-bridge sandbox approve DEMO-MFG APBILL 42
    intacct-bridge sandbox set-numbering DEMO-MFG VENDOR --prefix V- --width 4
    intacct-bridge sandbox set-undeposited-account DEMO-MFG 1050
    intacct-bridge sandbox accounting DEMO-MFG

The commands are registered on the ``sandbox`` command group when
:mod:`intacct_bridge.cli.sandbox` is imported.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from intacct_bridge.cli.sandbox import (
    AdminToken,
    CompanyId,
    ServerUrl,
    StateFile,
    _change,
    _fail,
    _load,
    _segment,
    _where,
    app,
)

Module = Annotated[
    str | None,
    typer.Option("--module", help="One module (gl, ap, ar, cm …) instead of the whole company."),
]
Entity = Annotated[
    str | None, typer.Option("--entity", help="MEGA: that entity only (with --module).")
]


@app.command("close-period")
def close_period(
    company_id: CompanyId,
    through: Annotated[str, typer.Argument(help="Last closed day, MM/DD/YYYY.")],
    module: Module = None,
    entity: Entity = None,
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """Close the books through a day: the whole company, or one module (and entity)."""
    body = {"through": through, "module": module, "entity": entity}
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("POST", "/periods/close", body),
        lambda admin: admin.close_period(company_id, through=through, module=module, entity=entity),
    )
    what = f"module {module}" + (f" of entity {entity}" if entity else "") if module else "books"
    typer.echo(f"Company {company_id}: {what} closed through {through}")


@app.command("open-period")
def open_period(
    company_id: CompanyId,
    from_date: Annotated[
        str | None, typer.Argument(help="First day to reopen, MM/DD/YYYY (default: all).")
    ] = None,
    module: Module = None,
    entity: Entity = None,
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """Reopen the periods from a day on (or all of them), of the company or one module."""
    body = {"module": module, "entity": entity}
    if from_date is not None:
        body["from"] = from_date
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("POST", "/periods/open", body),
        lambda admin: admin.open_period(
            company_id, from_date=from_date, module=module, entity=entity
        ),
    )
    typer.echo(f"Company {company_id}: periods reopened from {from_date or 'the start'}")


@app.command("set-base-currency")
def set_base_currency(
    company_id: CompanyId,
    currency: Annotated[str, typer.Argument(help="Three-letter code, e.g. USD.")],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """The company's base currency."""
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("PUT", "/base-currency", {"currency": currency}),
        lambda admin: admin.set_base_currency(company_id, currency),
    )
    typer.echo(f"Company {company_id}: base currency {currency}")


@app.command("add-exchange-rate")
def add_exchange_rate(
    company_id: CompanyId,
    from_currency: Annotated[str, typer.Argument(help="From currency, e.g. EUR.")],
    to_currency: Annotated[str, typer.Argument(help="To currency, e.g. USD.")],
    rate: Annotated[str, typer.Argument(help="1 FROM = RATE TO, e.g. 1.1.")],
    effective: Annotated[str, typer.Option("--effective", help="From this day, MM/DD/YYYY.")],
    rate_type: Annotated[
        str, typer.Option("--rate-type", help="Exchange rate type.")
    ] = "Intacct Daily Rate",
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """Add a daily exchange rate (replaces one of the same type, pair and day)."""
    body = {
        "from_currency": from_currency,
        "to_currency": to_currency,
        "rate": rate,
        "effective": effective,
        "rate_type": rate_type,
    }
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("POST", "/exchange-rates", body),
        lambda admin: admin.add_exchange_rate(company_id, **body),
    )
    typer.echo(f"Company {company_id}: 1 {from_currency} = {rate} {to_currency} from {effective}")


@app.command("set-currency-accounts")
def set_currency_accounts(
    company_id: CompanyId,
    ap: Annotated[
        str | None, typer.Option("--ap", help="AP gain/loss account ('' unsets).")
    ] = None,
    ar: Annotated[
        str | None, typer.Option("--ar", help="AR gain/loss account ('' unsets).")
    ] = None,
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """The realised exchange gain/loss accounts of AP and AR."""
    settings = _change(
        company_id,
        state,
        url,
        admin_token,
        ("PUT", "/currency-accounts", {"ap": ap, "ar": ar}),
        lambda admin: admin.set_currency_accounts(company_id, ap=ap, ar=ar),
    )
    accounts = settings.get("fx_accounts", {})
    shown = ", ".join(f"{key} {value}" for key, value in sorted(accounts.items())) or "none"
    typer.echo(f"Company {company_id}: exchange gain/loss accounts: {shown}")


@app.command("set-duplicate-bills")
def set_duplicate_bills(
    company_id: CompanyId,
    policy: Annotated[str, typer.Argument(help="allow, warn or refuse.")],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """What AP does with a bill number the vendor already used."""
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("PUT", "/duplicate-bills", {"policy": policy}),
        lambda admin: admin.set_duplicate_bills(company_id, policy),
    )
    typer.echo(f"Company {company_id}: duplicate bill numbers: {policy}")


@app.command("set-interentity-accounts")
def set_interentity_accounts(
    company_id: CompanyId,
    due_from: Annotated[str, typer.Argument(help="Due-from (asset) GL account.")],
    due_to: Annotated[str, typer.Argument(help="Due-to (liability) GL account.")],
    entity: Annotated[str | None, typer.Option("--entity", help="This entity's …")] = None,
    other: Annotated[str | None, typer.Option("--other", help="… accounts with that one.")] = None,
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """MEGA: the inter-entity accounts of one pair of entities (or of every pair)."""
    body = {"due_from": due_from, "due_to": due_to, "entity": entity, "other": other}
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("PUT", "/interentity-accounts", body),
        lambda admin: admin.set_interentity_accounts(
            company_id, due_from=due_from, due_to=due_to, entity=entity, other=other
        ),
    )
    pair = f"{entity} with {other}" if entity else "every pair of entities"
    typer.echo(f"Company {company_id}: inter-entity accounts of {pair}: {due_from} / {due_to}")


@app.command("add-tax-solution")
def add_tax_solution(
    company_id: CompanyId,
    solution_id: Annotated[str, typer.Argument(help="Tax solution ID, e.g. 'UK VAT'.")],
    purchase_account: Annotated[str, typer.Option("--purchase-account", help="Input tax.")],
    sale_account: Annotated[str, typer.Option("--sale-account", help="Output tax.")],
    method: Annotated[str, typer.Option("--method", help="Tax method.")] = "VAT",
    description: Annotated[str, typer.Option("--description")] = "",
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """A VAT/GST tax solution with its default purchase and sales tax accounts."""
    body: dict[str, Any] = {
        "solution_id": solution_id,
        "purchase_account": purchase_account,
        "sale_account": sale_account,
        "method": method,
        "description": description,
    }
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("POST", "/tax-solutions", body),
        lambda admin: admin.add_tax_solution(company_id, **body),
    )
    typer.echo(f"Company {company_id}: added tax solution {solution_id}")


@app.command("add-tax-detail")
def add_tax_detail(
    company_id: CompanyId,
    detail_id: Annotated[str, typer.Argument(help="Tax detail ID, e.g. 'UK Sale 20'.")],
    tax_type: Annotated[str, typer.Option("--type", help="S (sales) or P (purchase).")],
    percent: Annotated[str, typer.Option("--percent", help="Rate in percent, e.g. 20.")],
    account: Annotated[str, typer.Option("--account", help="Tax GL account.")],
    solution: Annotated[str | None, typer.Option("--solution", help="Tax solution.")] = None,
    reverse_charge: Annotated[bool, typer.Option("--reverse-charge")] = False,
    description: Annotated[str, typer.Option("--description")] = "",
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """A tax detail with its rate and GL account."""
    body: dict[str, Any] = {
        "detail_id": detail_id,
        "tax_type": tax_type,
        "percent": percent,
        "account": account,
        "solution": solution,
        "reverse_charge": reverse_charge,
        "description": description,
    }
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("POST", "/tax-details", body),
        lambda admin: admin.add_tax_detail(company_id, **body),
    )
    typer.echo(f"Company {company_id}: added tax detail {detail_id} ({percent}%)")


@app.command("set-approvals")
def set_approvals(
    company_id: CompanyId,
    journal_entries: Annotated[
        bool | None,
        typer.Option("--journal-entries/--no-journal-entries", help="Approve journal entries."),
    ] = None,
    bills: Annotated[bool | None, typer.Option("--bills/--no-bills", help="Approve bills.")] = None,
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """Require (or stop requiring) approval of new journal entries and/or bills."""
    body = {"journal_entries": journal_entries, "bills": bills}
    settings = _change(
        company_id,
        state,
        url,
        admin_token,
        ("PUT", "/approvals", body),
        lambda admin: admin.set_approvals(company_id, **body),
    )
    typer.echo(
        f"Company {company_id}: approval required for {', '.join(settings['approvals']) or 'none'}"
    )


def _decide(
    verb: str,
    company_id: str,
    object_name: str,
    recordno: int,
    state: StateFile,
    url: ServerUrl,
    admin_token: AdminToken,
) -> None:
    path = f"/approvals/{_segment(object_name)}/{recordno}/{verb}"
    record = _change(
        company_id,
        state,
        url,
        admin_token,
        ("POST", path, None),
        lambda admin: getattr(admin, verb)(company_id, object_name, recordno),
    )
    typer.echo(f"Company {company_id}: {object_name.upper()} {recordno} is {record['STATE']}")


@app.command("approve")
def approve(
    company_id: CompanyId,
    object_name: Annotated[str, typer.Argument(help="GLBATCH or APBILL.")],
    recordno: Annotated[int, typer.Argument(min=1, help="RECORDNO of the Submitted entry.")],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """Approve a Submitted journal entry or bill: it posts on its own date."""
    _decide("approve", company_id, object_name, recordno, state, url, admin_token)


@app.command("decline")
def decline(
    company_id: CompanyId,
    object_name: Annotated[str, typer.Argument(help="GLBATCH or APBILL.")],
    recordno: Annotated[int, typer.Argument(min=1, help="RECORDNO of the Submitted entry.")],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """Decline a Submitted journal entry or bill: Declined, nothing posted."""
    _decide("decline", company_id, object_name, recordno, state, url, admin_token)


@app.command("set-numbering")
def set_numbering(
    company_id: CompanyId,
    object_name: Annotated[str, typer.Argument(help="VENDOR, CUSTOMER, EMPLOYEE or PROJECT.")],
    prefix: Annotated[str, typer.Option("--prefix", help="Text before the number.")] = "",
    width: Annotated[int, typer.Option("--width", help="Zero-pad to this many digits.")] = 0,
    next_number: Annotated[
        int | None, typer.Option("--next", help="Restart the sequence at this number.")
    ] = None,
    off: Annotated[bool, typer.Option("--off", help="Stop numbering (IDs required).")] = False,
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """Number an object's IDs automatically: a create without the ID gets the next one."""
    body = {"enabled": not off, "prefix": prefix, "width": width, "next_number": next_number}
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("PUT", f"/numbering/{_segment(object_name)}", body),
        lambda admin: admin.set_id_numbering(
            company_id,
            object_name,
            enabled=not off,
            prefix=prefix,
            width=width,
            next_number=next_number,
        ),
    )
    if off:
        typer.echo(f"Company {company_id}: {object_name.upper()} IDs are given by hand")
    else:
        sample = f"{prefix}{(next_number or 1):0{width}d}"
        typer.echo(f"Company {company_id}: {object_name.upper()} IDs numbered ({sample}, …)")


@app.command("set-undeposited-account")
def set_undeposited_account(
    company_id: CompanyId,
    account: Annotated[
        str | None, typer.Argument(help="GL account; leave out for no default.")
    ] = None,
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """The default undeposited funds account of AR receipts."""
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("PUT", "/undeposited-account", {"account": account}),
        lambda admin: admin.set_undeposited_account(company_id, account),
    )
    typer.echo(f"Company {company_id}: undeposited funds account: {account or 'none'}")


@app.command("accounting")
def accounting(
    company_id: CompanyId,
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """Print every book-keeping setting of a company as JSON."""
    where = _where(state, url, admin_token)
    if where.remote is not None:
        settings = where.remote.call("GET", f"/companies/{_segment(company_id)}/accounting")
        settings.pop("company_id", None)
    else:
        from intacct_bridge.sandbox.admin import AdminError

        try:
            settings = _load(where.file, must_exist=True).admin.accounting(company_id)
        except AdminError as exc:
            _fail(str(exc))
    typer.echo(json.dumps(settings, indent=2, sort_keys=True))
