"""Mapped fields the Intacct company does not have, found before they fail a sync.

For every mapped (not *Not sent*) object, one ``inspect`` lists the fields this company
has; a mapped field it lacks — ``REQUIREPROJECT`` with the Projects module off, a custom
field not defined here — is reported with the one-command fix, instead of failing every
record with the same error. An object the company does not have at all (a module off) is
reported with the fix that stops synchronising it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from intacct_bridge.intacct import IntacctClient
from intacct_bridge.intacct import functions as fn
from intacct_bridge.sync.mappings import Direction, ObjectMap, list_maps


@dataclass(frozen=True)
class Finding:
    """A mapped field (or object) the company does not have."""

    intacct_object: str
    #: ``None``: the whole object is missing
    intacct_field: str | None
    bridge_property: str | None
    message: str
    fix: str


def _fields(result_data: object) -> set[str] | None:
    from lxml import etree

    if not isinstance(result_data, etree._Element):
        return None
    found: set[str] = set()
    for element in result_data.iter("Field"):
        name = element.findtext("Name") if len(element) else element.text
        if name:
            found.add(name.strip().upper())
    return found


async def inspect_maps(session: Session, tenant_id: str, client: IntacctClient) -> list[Finding]:
    """Inspect every mapped Intacct object of the tenant (one batched call)."""
    maps = [m for m in list_maps(session, tenant_id) if m.direction is not Direction.NOT_SENT]
    return await inspect_objects(client, maps)


async def inspect_objects(client: IntacctClient, maps: Sequence[ObjectMap]) -> list[Finding]:
    """Inspect the Intacct objects of ``maps`` (one batched call); report what they lack."""
    if not maps:
        return []
    calls = [fn.inspect(m.intacct_object) for m in maps]
    results = await client.execute(calls)
    findings: list[Finding] = []
    for objmap, result in zip(maps, results, strict=True):
        if not result.ok:
            findings.append(
                _missing_object(objmap, result.errors[0].text() if result.errors else "")
            )
            continue
        have = _fields(result.data)
        if have is None:
            continue
        for row in objmap.mapped:
            if row.intacct_field not in have:
                findings.append(
                    Finding(
                        objmap.intacct_object,
                        row.intacct_field,
                        row.bridge_property,
                        f"{objmap.intacct_object}.{row.intacct_field} ({row.label}) is mapped "
                        f"to {row.bridge_property}, but this Intacct company has no such field "
                        "(its module is off, or it is a custom field not defined here); every "
                        f"{objmap.intacct_object} sync would fail on it",
                        f"intacct-bridge mapping remove-field {objmap.intacct_object} "
                        f"{row.intacct_field}",
                    )
                )
    return findings


def _missing_object(objmap: ObjectMap, detail: str) -> Finding:
    return Finding(
        objmap.intacct_object,
        None,
        None,
        f"{objmap.intacct_object} ({objmap.label}) is mapped {objmap.direction.value!r}, but "
        f"this Intacct company does not have it (its module is off?): {detail}",
        f"intacct-bridge mapping set {objmap.intacct_object} --direction 'Not sent'",
    )


__all__ = ["Finding", "inspect_maps", "inspect_objects"]
