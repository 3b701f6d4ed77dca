"""The request bytes: creates and updates are deep-copied into the envelope instead of
serialised and parsed again, and must give exactly the bytes the round trip gives."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from intacct_bridge.intacct import functions as fn
from intacct_bridge.intacct.envelope import Function, SenderCredentials, SessionAuth, build_request
from intacct_bridge.secret import Secret

FIELDS = {
    "ITEMID": "X&<1>",
    "NAME": "Café \"q\" 'a' \t\n\r end ]]> ☃",
    "EMPTY": "",
    "NONE": None,
    "PRICE": Decimal("1.50"),
    "FLAG": True,
    "COUNT": 3,
    "GROUP": {"A": "1", "B": {"C": "x>y", "D": ""}, "E": {}},
    "MANY": ["one", "", {"F": "2"}, None],
}


def _request(*functions: Function) -> bytes:
    return build_request(
        SenderCredentials("sender", Secret("pw")),
        SessionAuth(Secret("session")),
        functions,
        control_id="c1",
        unique_id=True,
    )


def _round_tripped(function: Function) -> Function:
    """``function`` with its body serialised and parsed again (the general copy)."""
    body = etree.fromstring(etree.tostring(function.body))
    return Function(function.controlid, body, writes=function.writes)


def test_creates_and_updates_send_the_bytes_of_the_round_trip() -> None:
    made = [
        fn.create("ITEM", FIELDS, controlid="a", key_field="ITEMID"),
        fn.update("ITEM", FIELDS, controlid="b"),
        fn.create("ITEM", {"ITEMID": "only"}, controlid="c"),
    ]
    assert all(function.exact_copy for function in made)
    expected = _request(*(_round_tripped(function) for function in made))
    assert _request(*made) == expected
    assert b"<EMPTY/>" in expected and b"<D/>" in expected and b"<E/>" in expected
    assert _request(*made) == expected  # the bodies are still there to be sent again
