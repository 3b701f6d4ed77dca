"""The request bytes: creates and updates are deep-copied into the envelope instead of
serialised and parsed again, and must give exactly the bytes the round trip gives."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from intacct_bridge.intacct import functions as fn
from intacct_bridge.intacct.envelope import (
    Function,
    SenderCredentials,
    SessionAuth,
    build_request,
    parse_response,
)
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


REPLY = b"""<?xml version="1.0" encoding="UTF-8"?>
<response><control><status>success</status><controlid>c1</controlid></control>
<operation><authentication><status>success</status><userid>u</userid></authentication>
<result><!-- a comment --><status>success</status><function>create</function>
<controlid>a</controlid><controlid>second</controlid><key>K1</key>
<data listtype="objects" count="1"><item><RECORDNO></RECORDNO><RECORDNO>7</RECORDNO></item>
<item><RECORDNO>8</RECORDNO></item></data><data count="9"/></result>
<result><status>failure</status><function>update</function><controlid>b</controlid>
<errormessage><error><errorno>E1</errorno><description2>first</description2></error>
</errormessage><errormessage><error><errorno>E2</errorno></error></errormessage></result>
<result><status>success</status><controlid>c</controlid><key>K3</key></result>
</operation></response>"""


def _text_of(element: etree._Element | None) -> bytes | None:
    return None if element is None else etree.tostring(element)


def test_results_are_read_as_find_and_findtext_read_them() -> None:
    root = etree.fromstring(REPLY)
    expected = [
        (
            element.findtext("controlid") or "",
            element.findtext("function") or "",
            element.findtext("status") or "",
            element.findtext("key") or "",
            _text_of(element.find("data")),
            [e.findtext("errorno") for e in element.findall("errormessage[1]/error")],
        )
        for element in root.iter("result")
    ]
    results = parse_response(REPLY).results
    assert [
        (r.controlid, r.function, r.status, r.key, _text_of(r.data), [e.errorno for e in r.errors])
        for r in results
    ] == expected
    assert expected[0][0] == "a" and expected[1][5] == ["E1"]
    assert [(r.controlid, r.key, r.recordno, r.count) for r in results] == [
        ("a", "K1", "8", 1),  # the first RECORDNO of the first item is empty: the next item's
        ("b", "", "", 0),
        ("c", "K3", "K3", 0),
    ]
