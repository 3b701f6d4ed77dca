"""The outbox consumer marks a mixed batch as one record at a time would.

:func:`state.collect` writes the states of a whole slice in a few set-based statements;
:func:`state.mark_changed` keeps the unit of work. Both follow the same rules, and these
tests would fail if the set-based writing drifted from them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import Text, cast, delete, select
from sqlalchemy.orm import Session

from intacct_bridge.store.errors import RecordNotFoundError
from intacct_bridge.store.repositories import (
    list_change_events,
    mark_item_integrated,
    mark_items_integrated,
    save_record,
)
from intacct_bridge.store.tables.items import ItemRow
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.store.tables.tenancy import ChangeEventRow
from intacct_bridge.sync import state
from tests.sync.conftest import TENANT, Bridge, customer, item

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
LATER = T0 + dt.timedelta(hours=1)

#: key → (state, source_hash, pending_hash, record_no, attempts, next_attempt_at); "HASH" is
#: the record's current content hash; a key starting with "GONE" has no record
BEFORE: dict[str, tuple[str, str | None, str | None, int | None, int, dt.datetime | None]] = {
    "SAME-OK": ("success", "HASH", None, 7, 0, None),
    "CHANGED-OK": ("success", "old", None, 8, 0, None),
    "PEND-SAME": ("pending", None, "HASH", None, 2, LATER),
    "PEND-OTHER": ("pending", None, "old", None, 2, LATER),
    "ERR": ("error", "old", "old", 9, 5, LATER),
    "DESYNC": ("desynchronized", "old", None, 10, 0, None),
    "NOT": ("not", None, None, None, 0, None),
    "GONE-PENDING": ("pending", None, "old", None, 1, None),
    "GONE-LINKED": ("pending", "old", "old", 11, 0, None),
    "GONE-SUCCESS": ("success", "old", None, None, 0, None),
    "GONE-ERROR": ("error", None, "old", None, 3, LATER),
}
STORED = ["NEW", *(key for key in BEFORE if not key.startswith("GONE"))]
#: key → (state, pending_hash, attempts, next_attempt_at) afterwards; missing: no row
AFTER: dict[str, tuple[str, str | None, int, dt.datetime | None]] = {
    "NEW": ("pending", "HASH", 0, None),
    "SAME-OK": ("success", None, 0, None),
    "CHANGED-OK": ("pending", "HASH", 0, None),
    "PEND-SAME": ("pending", "HASH", 2, LATER),
    "PEND-OTHER": ("pending", "HASH", 2, LATER),
    "ERR": ("pending", "HASH", 0, None),
    "DESYNC": ("desynchronized", None, 0, None),
    "NOT": ("pending", "HASH", 0, None),
    "GONE-LINKED": ("pending", "old", 0, None),
    "GONE-SUCCESS": ("success", None, 0, None),
}


def _item_name(key: str) -> str:
    return f"I-{key}"


def _arrange(bridge: Bridge) -> dict[str, str]:
    """The records, their state rows as in :data:`BEFORE`, the outbox consumed up to now
    and an event for every key (twice for some); returns the content hashes."""
    with bridge.sessions.begin() as session:
        for key in STORED:
            save_record(session, TENANT, item(_item_name(key)))
        state.collect_all(session, TENANT)  # consume the saves
        session.execute(delete(SyncStateRow).where(SyncStateRow.tenant_id == TENANT))
        hashes = {
            key[2:]: str(digest)
            for key, digest in session.execute(
                select(ItemRow.id, ItemRow.content_hash).where(ItemRow.tenant_id == TENANT)
            )
        }
        for key, (status, source, pending, record_no, attempts, due) in BEFORE.items():
            digest = hashes.get(key, "x")
            session.add(
                SyncStateRow(
                    tenant_id=TENANT,
                    kind="item",
                    key=_item_name(key),
                    intacct_object="ITEM",
                    state=status,
                    source_hash=digest if source == "HASH" else source,
                    pending_hash=digest if pending == "HASH" else pending,
                    record_no=record_no,
                    version=1,
                    attempts=attempts,
                    next_attempt_at=due,
                    created_at=T0,
                    updated_at=T0,
                )
            )
        for key in [*STORED, *BEFORE, "GONE-NEVER", "NEW", "ERR"]:
            session.add(
                ChangeEventRow(
                    tenant_id=TENANT,
                    kind="item",
                    key=_item_name(key),
                    action="updated",
                    content_hash=None,
                    occurred_at=T0,
                )
            )
    return hashes


def _states(session: Session) -> dict[str, tuple[Any, ...]]:
    rows = session.scalars(select(SyncStateRow).where(SyncStateRow.tenant_id == TENANT))
    return {
        row.key[2:]: (
            row.state,
            row.pending_hash,
            row.attempts,
            None if row.next_attempt_at is None else row.next_attempt_at.replace(tzinfo=dt.UTC),
            row.source_hash,
            row.record_no,
            row.version,
            row.intacct_object,
            row.updated_at == T0 or row.updated_at.replace(tzinfo=dt.UTC) == T0,
        )
        for row in rows
    }


def test_collect_marks_a_mixed_batch_by_the_rules(bridge: Bridge) -> None:
    hashes = _arrange(bridge)
    with bridge.sessions.begin() as session:
        assert state.collect_all(session, TENANT) == len(STORED) + len(BEFORE) + 3
    with bridge.sessions.begin() as session:
        got = _states(session)
    assert set(got) == set(AFTER)
    for key, (status, pending, attempts, due) in AFTER.items():
        digest = hashes.get(key, "x")
        expected = (status, digest if pending == "HASH" else pending, attempts, due)
        assert got[key][:4] == expected, key
    untouched = {"SAME-OK", "PEND-SAME", "DESYNC", "GONE-LINKED", "GONE-SUCCESS"}
    assert {key for key, values in got.items() if values[-1]} == untouched


def test_collect_writes_what_marking_one_record_at_a_time_writes(bridge: Bridge) -> None:
    _arrange(bridge)
    with bridge.sessions.begin() as session:
        state.collect_all(session, TENANT)
    with bridge.sessions.begin() as session:
        collected = _states(session)
    _arrange(bridge)
    with bridge.sessions.begin() as session:
        for key in [*STORED, *BEFORE, "GONE-NEVER"]:
            state.mark_changed(session, TENANT, "item", _item_name(key))
        session.flush()
    with bridge.sessions.begin() as session:
        one_by_one = _states(session)
    assert collected == one_by_one


def test_collect_keeps_loaded_rows_in_step(bridge: Bridge) -> None:
    """A state row already in the session is not left stale by the set-based writes."""
    bridge.save(item("I-1"))
    with bridge.sessions.begin() as session:
        state.collect_all(session, TENANT)
    bridge.save(item("I-1", name="Renamed widget"))
    with bridge.sessions.begin() as session:
        row = session.get(SyncStateRow, (TENANT, "item", "I-1"))
        assert row is not None
        row.state = "error"
        row.attempts = 4
        state.collect_all(session, TENANT)  # flushes the change first, then marks
        got = state.get_state(session, TENANT, "item", "I-1")
        assert got is not None and got.state is state.SyncState.PENDING and got.attempts == 0


def test_a_party_and_its_address_are_marked_together(bridge: Bridge) -> None:
    from tests.sync.conftest import address

    bridge.save(customer("C1", ship_to=address("Hull")), customer("C2"))
    with bridge.sessions.begin() as session:
        state.collect_all(session, TENANT)
        keys = {(s.kind, s.key, s.state.value) for s in state.list_states(session, TENANT)}
    assert keys == {
        ("customer", "C1", "pending"),
        ("customer", "C2", "pending"),
        ("address", "customer/C1/ship_to", "pending"),
    }


def test_marking_many_items_integrated_matches_one_at_a_time(bridge: Bridge) -> None:
    bridge.save(item("A"), item("B"), item("C"))
    with bridge.sessions.begin() as session:
        mark_item_integrated(session, TENANT, "B", at=T0)
    with bridge.sessions.begin() as session:
        loaded = session.get(ItemRow, (TENANT, "C"))
        assert loaded is not None and loaded.integrated_at is None
        mark_items_integrated(session, TENANT, ["C", "B", "A"], at=LATER)
        assert loaded.integrated_at is not None  # the loaded copy follows
    with bridge.sessions.begin() as session:
        stamps = dict(session.execute(select(ItemRow.id, ItemRow.integrated_at)).all())
        events = [
            (event.key, event.action, event.content_hash)
            for event in list_change_events(session, TENANT)
            if event.action == "integrated"
        ]
        digests = dict(session.execute(select(ItemRow.id, ItemRow.content_hash)).all())
    assert {key: value.replace(tzinfo=dt.UTC) for key, value in stamps.items()} == {
        "A": LATER,
        "B": T0,
        "C": LATER,
    }
    assert events == [(key, "integrated", digests[key]) for key in ("B", "C", "A")]
    with bridge.sessions.begin() as session, pytest.raises(RecordNotFoundError, match="'Z'"):
        mark_items_integrated(session, TENANT, ["A", "Z"])


def test_a_success_stores_what_was_sent_as_the_json_column_would(bridge: Bridge) -> None:
    """The sent values of a whole batch go to PostgreSQL as one JSON document; each row's
    ``sent_values`` text must still be what binding the column on its own stores."""
    from tests.sync.conftest import address

    bridge.save(
        item("J-1", description='A "quoted" widget — naïve'), customer("J2", ship_to=address())
    )
    report = bridge.worker().run_until_idle(TENANT)
    assert report.errors == 0
    with bridge.sessions.begin() as session:
        rows = session.execute(
            select(
                SyncStateRow.key,
                SyncStateRow.sent_values,
                cast(SyncStateRow.sent_values, Text).label("stored"),
            )
        ).all()
        integrated = [
            e.key for e in list_change_events(session, TENANT) if e.action == "integrated"
        ]
    assert len(rows) == 3 and integrated == ["J-1"]
    for _key, values, stored in rows:
        assert values and stored == json.dumps(values)
