"""The outbox consumer: no change is lost, even when transactions commit out of order."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from intacct_bridge.store.repositories import save_record
from intacct_bridge.store.tables.sync import SyncCursorRow
from intacct_bridge.sync import state
from intacct_bridge.sync.state import SyncState, _gaps_after
from tests.sync.conftest import TENANT, Bridge, item

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_gap_bookkeeping() -> None:
    # 5 and 8..9 missing after reading 4, 6, 7, 10
    gaps = _gaps_after([], [4, 6, 7, 10], 3, T0)
    assert [(a, b) for a, b, _ in gaps] == [(5, 5), (8, 9)]
    # 9 commits late: 8 is still missing; a new gap 12 opens
    later = T0 + dt.timedelta(seconds=5)
    gaps = _gaps_after(gaps, [9, 11, 13], 10, later)
    assert [(a, b, t) for a, b, t in gaps] == [(5, 5, T0), (8, 8, T0), (12, 12, later)]
    assert _gaps_after([(1, 100_000, T0)], [50_000], 100_000, T0) == [
        (1, 49_999, T0),
        (50_001, 100_000, T0),
    ]


def test_a_change_committed_after_a_newer_one_is_not_lost(bridge: Bridge) -> None:
    if bridge.engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: events commit in ID order")
    slow = Session(bridge.engine)
    slow.begin()
    save_record(slow, TENANT, item("SLOW"))  # takes an event ID, commits later
    slow.flush()
    bridge.save(item("FAST"))  # a newer event ID, committed first
    with bridge.sessions.begin() as session:
        assert state.collect_all(session, TENANT) == 1
        assert state.get_state(session, TENANT, "item", "FAST") is not None
        cursor = session.get(SyncCursorRow, (TENANT, state.OUTBOX_CONSUMER))
        assert cursor is not None and cursor.gaps  # SLOW's ID is remembered
    slow.commit()
    slow.close()
    with bridge.sessions.begin() as session:
        assert state.collect_all(session, TENANT) == 1
        got = state.get_state(session, TENANT, "item", "SLOW")
        assert got is not None and got.state is SyncState.PENDING
        cursor = session.get(SyncCursorRow, (TENANT, state.OUTBOX_CONSUMER))
        assert cursor is not None and not cursor.gaps
    with bridge.sessions.begin() as session:
        assert state.collect_all(session, TENANT) == 0  # nothing read twice


def test_a_rolled_back_transaction_leaves_no_lasting_gap(bridge: Bridge) -> None:
    lost = Session(bridge.engine)
    lost.begin()
    save_record(lost, TENANT, item("GONE"))
    lost.flush()
    lost.rollback()
    lost.close()
    bridge.save(item("KEPT"))
    with bridge.sessions.begin() as session:
        assert state.collect_all(session, TENANT) == 1
        assert state.get_state(session, TENANT, "item", "GONE") is None
        cursor = session.get(SyncCursorRow, (TENANT, state.OUTBOX_CONSUMER))
        assert cursor is not None
        if cursor.gaps:  # PostgreSQL: the sequence number was used; given up later
            old = (dt.datetime.now(dt.UTC) - state.GAP_WAIT * 2).isoformat()
            cursor.gaps = [[a, b, old] for a, b, _ in cursor.gaps]
    with bridge.sessions.begin() as session:
        assert state.collect_all(session, TENANT) == 0
        cursor = session.get(SyncCursorRow, (TENANT, state.OUTBOX_CONSUMER))
        assert cursor is not None and not cursor.gaps
