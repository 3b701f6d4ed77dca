"""What a record sends: the fields built from a map's plan are what reading each property
one by one gives, and the fingerprint (stored with every synchronised record) is stable."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from intacct_bridge.model.kinds import Record
from intacct_bridge.sync.mappings import DELIVERED, OUTBOUND_PROPERTIES, FieldMap, ObjectMap
from intacct_bridge.sync.outbound import (
    Context,
    FieldPlan,
    build_fields,
    fingerprint,
    flat_fingerprint,
    flatten,
    property_value,
)
from tests.sync.conftest import address, contact, customer, item, supplier


def _one_by_one(record: Record, kind: str, objmap: ObjectMap, ctx: Context) -> dict[str, Any]:
    """The fields as the map describes them, one property read at a time."""
    out: dict[str, Any] = {}
    for row in objmap.mapped:
        assert row.bridge_property is not None
        value = property_value(record, kind, row.bridge_property, ctx)
        if value is None or value == "":
            continue
        target = out
        *groups, name = row.intacct_field.split(".")
        for group in groups:
            target = target.setdefault(group, {})
        target[name] = value
    return out


def _every_property(kind: str, objmap: ObjectMap) -> ObjectMap:
    """``objmap`` with every outbound property of ``kind`` mapped (some in groups)."""
    rows = tuple(
        FieldMap(
            intacct_field=f"G{index % 2}.F{index}" if index % 3 == 0 else f"F{index}",
            label=prop,
            bridge_property=prop,
        )
        for index, prop in enumerate(OUTBOUND_PROPERTIES[kind])
    )
    return dataclasses.replace(objmap, fields=rows)


RECORDS: list[tuple[str, Record]] = [
    ("item", item("W-1")),
    ("item", item("W-2", description=None, standard_cost=None, is_active=False)),
    ("contact", contact("Ann Smith")),
    ("contact", contact("Bob Jones", address=None, email=None)),
    ("customer", customer("C1")),
    ("customer", customer("C2", ship_to=address("York"), primary_contact="Ann Smith")),
    ("supplier", supplier("V1", currency="EUR")),
    ("supplier", supplier("V2", return_to=address("Hull"), is_active=False)),
]


@pytest.mark.parametrize(("kind", "record"), RECORDS)
@pytest.mark.parametrize("hide", [False, True])
def test_the_plan_builds_what_each_property_gives(kind: str, record: Record, hide: bool) -> None:
    ctx = Context(hide_display_contact=hide)
    delivered = next(m for m in DELIVERED.values() if m.bridge_object == kind)
    for objmap in (delivered, _every_property(kind, delivered)):
        expected = _one_by_one(record, kind, objmap, ctx)
        assert FieldPlan.of(kind, objmap).build(record, ctx) == expected
        assert build_fields(record, kind, objmap, ctx) == expected


def test_the_fingerprint_of_the_same_fields_never_changes() -> None:
    fields = {
        "ITEMID": "W-1",
        "NAME": 'Café <&> "x"',
        "BASEPRICE": Decimal("4.990"),
        "STATUS": "active",
        "DISPLAYCONTACT": {"PRINTAS": "Zoë", "MAILADDRESS": {"CITY": "Leeds"}},
        "HIDE": True,
        "N": 3,
        "E": "",
    }
    # the digest of release 1 (stored with every synchronised record): must stay the same
    digest = "71f24e9b29c2fab553cdfac5f32b2fec1e8ac832b401daf7e83a68748fe8181a"
    assert fingerprint("ITEM", fields) == digest
    assert flat_fingerprint("ITEM", flatten(fields)) == digest
    assert flatten(fields)["DISPLAYCONTACT.MAILADDRESS.CITY"] == "Leeds"
    assert flatten(fields)["BASEPRICE"] == "4.990"
