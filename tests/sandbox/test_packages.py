"""Customization package parsing and Smart Event conditions."""

from __future__ import annotations

import pytest

from intacct_bridge.sandbox.conditions import ConditionError, evaluate, merge
from intacct_bridge.sandbox.packages import PackageError, parse_package

PACKAGE = b"""<?xml version="1.0" encoding="UTF-8"?>
<customErpPackage>
  <packageDescription><name>Bridge events</name><description>d</description>
    <author>a</author></packageDescription>
  <smartLinks>
    <smartLink>
      <smartLinkId>BRIDGE_GLACCOUNT</smartLinkId>
      <type>workflow</type>
      <ownerObject>glaccount</ownerObject>
      <events><event>add</event><event>set</event><event>delete</event></events>
      <target>http://127.0.0.1:9/hook?tenant=t1</target>
      <renderDetails><workflow>
        <action><httpPostAction><method>post</method>
          <arguments>
            <argument><argument>recordno</argument><value>{!GLACCOUNT.RECORDNO!}</value></argument>
            <argument><argument>accountno</argument><value>{!GLACCOUNT.ACCOUNTNO!}</value></argument>
          </arguments><requestTimeout>5</requestTimeout></httpPostAction></action>
        <condition>{!GLACCOUNT.STATUS!} == "active"</condition>
      </workflow></renderDetails>
      <active>true</active>
    </smartLink>
  </smartLinks>
</customErpPackage>"""


def test_package_parses_into_smart_links() -> None:
    (package,) = parse_package(PACKAGE)
    assert package.name == "Bridge events"
    (link,) = package.smart_links
    assert link.smart_link_id == "BRIDGE_GLACCOUNT"
    assert link.owner_object == "glaccount"
    assert link.events == ("add", "set", "delete")
    assert link.http_post is not None
    assert link.http_post.arguments == (
        ("recordno", "{!GLACCOUNT.RECORDNO!}"),
        ("accountno", "{!GLACCOUNT.ACCOUNTNO!}"),
    )
    assert link.http_post.timeout == 5


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p.replace(b"<type>workflow</type>", b"<type>trigger</type>"), "not one of"),
        (lambda p: p.replace(b"<name>Bridge events</name>", b""), "<name> is missing"),
        (lambda p: p.replace(b"<event>delete</event>", b"<event>remove</event>"), "'remove'"),
        (lambda p: p.replace(b"<requestTimeout>5", b"<requestTimeout>50"), "0 to 10"),
        (lambda p: p.replace(b'== "active"', b"== = active"), "condition"),
        (
            lambda p: p.replace(b"<target>http://127.0.0.1:9/hook?tenant=t1</target>", b""),
            "<target> URL",
        ),
        (lambda p: p.replace(b"customErpPackage>", b"package>"), "root element"),
        (lambda p: p[:-30], "not well-formed"),
        (lambda p: b'<!DOCTYPE x [<!ENTITY a "b">]>' + p[38:], "forbidden"),
    ],
)
def test_invalid_packages_are_refused_with_a_clear_message(mutate, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PackageError, match=message.replace("(", r"\(")):
        parse_package(mutate(PACKAGE))


def test_duplicate_smart_link_ids_are_refused() -> None:
    start = PACKAGE.index(b"<smartLink>")
    end = PACKAGE.index(b"</smartLink>") + len(b"</smartLink>")
    doubled = PACKAGE[:end] + PACKAGE[start:end] + PACKAGE[end:]
    with pytest.raises(PackageError, match="used more than once"):
        parse_package(doubled)


VALUES = {"TOTALDUE": "3500.00", "STATUS": "active", "MEGAENTITYID": "400", "NAME": 'A "q"'}


def _lookup(obj: str, field: str) -> str:
    return VALUES.get(field, "") if obj == "ARINVOICE" else ""


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("", True),
        ("1 == 1", True),
        ("1 == 2", False),
        ("{!ARINVOICE.TOTALDUE!} > 3000.00", True),
        ("{!ARINVOICE.TOTALDUE!} > 4000", False),
        ("{!ARINVOICE.MEGAENTITYID!}==400", True),
        ('{!ARINVOICE.STATUS!} == "active" && {!ARINVOICE.TOTALDUE!} >= 3500', True),
        ('{!ARINVOICE.STATUS!} != "active" || !(1 == 1)', False),
        ('{!ARINVOICE.NAME!} == "A \\"q\\""', True),
        ("{!VENDOR.NAME!} == ''", True),
    ],
)
def test_conditions(condition: str, expected: bool) -> None:
    assert evaluate(condition, _lookup) is expected


@pytest.mark.parametrize("condition", ["1 ==", "(1 == 1", "foo == 1", "1 === 1", "(" * 40 + "1"])
def test_bad_conditions_raise(condition: str) -> None:
    with pytest.raises(ConditionError):
        evaluate(condition, _lookup)


def test_merge_fields_are_replaced() -> None:
    assert merge("due={!ARINVOICE.TOTALDUE!}&x={!ARINVOICE.NOPE!}", _lookup) == "due=3500.00&x="
