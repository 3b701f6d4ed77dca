"""Strict legacy schema: legacy functions follow their v2.1 DTD or the request is refused.

The content models the sandbox enforces live in ``sandbox/legacyschema.py``; when Intacct's
official DTDs are at hand (``../shared/intacct-schema/v2.1``), the data is compared with
them, so a copying mistake or a DTD update shows here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from intacct_bridge.sandbox import Sandbox, legacyschema
from intacct_bridge.sandbox.functions import load_all
from tests.sandbox.books import legacy_date
from tests.sandbox.envelope import Caller

DTD_DIR = Path(__file__).resolve().parents[3] / "shared" / "intacct-schema" / "v2.1"
REQUEST_DTD = DTD_DIR / "intacct_request.v2.1.dtd"
_OCCUR = {"once": "", "opt": "?", "mult": "*", "plus": "+"}
#: Functions of the 3.0 API that the v2.1 DTD happens to declare too (not legacy).
NOT_LEGACY = frozenset({"getAPISession"})


def _parts(node: Any, kind: str) -> list[Any]:
    found: list[Any] = []
    for side in (node.left, node.right):
        if side is None:
            continue
        if side.type == kind and side.occur == "once":
            found += _parts(side, kind)
        else:
            found.append(side)
    return found


def _model(node: Any) -> str:
    if node.type == "pcdata":
        return "#PCDATA"
    if node.type == "element":
        return f"{node.name}{_OCCUR[node.occur]}"
    separator = " , " if node.type == "seq" else " | "
    inner = separator.join(_model(part) for part in _parts(node, node.type))
    return f"({inner}){_OCCUR[node.occur]}"


def _names(node: Any, found: list[str]) -> None:
    if node is not None:
        if node.type == "element":
            found.append(node.name)
        _names(node.left, found)
        _names(node.right, found)


def _declaration(decl: Any) -> str:
    if decl.type == "empty":
        return "EMPTY"
    if decl.type == "mixed":
        inner: list[str] = []
        _names(decl.content, inner)
        return "(#PCDATA)" if not inner else "(#PCDATA | " + " | ".join(inner) + ")*"
    text = _model(decl.content)
    return text if text.startswith("(") else f"({text})"


def _attribute(attr: Any) -> tuple[str, str, str]:
    kind = "(" + " | ".join(attr.values()) + ")" if attr.type == "enumeration" else "CDATA"
    defaults = {"required": "#REQUIRED", "implied": "#IMPLIED"}
    return attr.name, kind, defaults.get(attr.default, f'"{attr.default_value}"')


@pytest.fixture(scope="module")
def official() -> dict[str, Any]:
    if not REQUEST_DTD.exists():
        pytest.skip("Intacct's official DTDs are not next to the project (../shared)")
    return {decl.name: decl for decl in etree.DTD(str(REQUEST_DTD)).elements()}


def test_the_sandbox_checks_every_legacy_function_the_dtd_declares(
    official: dict[str, Any],
) -> None:
    registered = set(load_all())
    declared = (registered & official.keys()) - NOT_LEGACY
    assert declared, "no registered function is a v2.1 legacy function?"
    assert {name for name in declared if not legacyschema.is_checked(name)} == set()


def test_the_encoded_models_are_the_official_dtd(official: dict[str, Any]) -> None:
    roots = sorted((set(load_all()) & official.keys()) - NOT_LEGACY)
    seen: list[str] = []
    todo = list(roots)
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.append(name)
        children: list[str] = []
        _names(official[name].content, children)
        todo += children
    expected_text = {
        name
        for name in seen
        if _declaration(official[name]) == "(#PCDATA)" and not list(official[name].iterattributes())
    }
    assert legacyschema.TEXT_ELEMENTS == expected_text
    expected_models = {
        name: _declaration(official[name]) for name in seen if name not in expected_text
    }
    assert legacyschema.MODELS == expected_models
    expected_attributes = {
        name: tuple(_attribute(attr) for attr in official[name].iterattributes())
        for name in seen
        if list(official[name].iterattributes())
    }
    assert legacyschema.ATTRIBUTES == expected_attributes
    for name, (dtd_part, sandbox_part, why) in legacyschema.EXTENSIONS.items():
        assert dtd_part in legacyschema.MODELS[name], name
        assert sandbox_part in legacyschema.model_of(name), why


# --- through the gateway ------------------------------------------------------------------


def _contact(name: str) -> str:
    return f"<create_contact><contactname>{name}</contactname><printas>{name}</printas>" + (
        "</create_contact>"
    )


def _invoice(body: str) -> str:
    return f"<create_invoice><customerid>C100</customerid>{body}</create_invoice>"


ITEMS = "<invoiceitems><lineitem><glaccountno>4200</glaccountno><amount>10</amount></lineitem>"
ITEMS += "</invoiceitems>"
DATE = legacy_date("datecreated", "03/15/2025")


def _refused_whole(sandbox: Sandbox, caller: Caller, body: str, got: str) -> None:
    """``body`` after a valid function: the request fails at control level, nothing runs."""
    tables = {
        name: dict(table.records)
        for name, table in sandbox.admin.company("DEMO-MFG").data.tables.items()
    }
    reply = caller.call(_contact("Before Pat"), body)
    assert reply.results == []
    ((errorno, description, text, fix),) = reply.control_errors
    assert (errorno, description) == ("XL03000003", "XML Parse schema error")
    assert "does not follow the DTD" in text and text.endswith(f"got ({got}).")
    assert "nothing in the request was run" in fix
    after = {
        name: dict(table.records)
        for name, table in sandbox.admin.company("DEMO-MFG").data.tables.items()
    }
    assert after == tables


def test_invoice_items_first_refuse_the_whole_request(sandbox: Sandbox, books: Caller) -> None:
    body = _invoice(f"{ITEMS}{DATE}<termname>N30</termname>")
    body = body.replace("<customerid>C100</customerid>", "")
    body = body.replace("<create_invoice>", "<create_invoice><customerid>C100</customerid>")
    _refused_whole(sandbox, books, body, "customerid invoiceitems datecreated termname")


def test_amount_before_the_account_refuses_the_whole_request(
    sandbox: Sandbox, books: Caller
) -> None:
    items = ITEMS.replace(
        "<glaccountno>4200</glaccountno><amount>10</amount>",
        "<amount>10</amount><glaccountno>4200</glaccountno>",
    )
    _refused_whole(sandbox, books, _invoice(f"{DATE}{items}"), "amount glaccountno")


def test_a_text_date_in_a_date_block_refuses_the_whole_request(
    sandbox: Sandbox, books: Caller
) -> None:
    body = _invoice(f"<datecreated>03/15/2025</datecreated>{ITEMS}")
    _refused_whole(sandbox, books, body, "CDATA")


def test_an_undeclared_attribute_refuses_the_whole_request(sandbox: Sandbox, books: Caller) -> None:
    reply = books.call('<delete_vendor vendorid="V100" cascade="true"/>')
    assert reply.results == []
    assert reply.control_errors[0][2] == (
        "XML Parse schema error: No declaration for attribute cascade of element delete_vendor."
    )


def test_the_same_functions_in_dtd_order_run(sandbox: Sandbox, books: Caller) -> None:
    reply = books.ok(_contact("Before Pat"), _invoice(f"{DATE}<termname>N30</termname>{ITEMS}"))
    assert reply.results[1].findtext("key")
    # The official SDKs' <onhold> (after <ponumber>) is the one extension of the v2.1 DTD.
    books.ok(_invoice(f"{DATE}<ponumber>PO-1</ponumber><onhold>true</onhold>{ITEMS}"))
    assert sandbox.admin.records("DEMO-MFG", "ARINVOICE")[-1]["ONHOLD"] == "true"
