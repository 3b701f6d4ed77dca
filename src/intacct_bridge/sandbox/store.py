"""In-memory record storage of one sandbox company, with undo journals.

A :class:`Record` is a flat mapping of dotted field paths (``DISPLAYCONTACT.EMAIL1``)
to text, plus owned line collections. Values are stored in their *display* form
(``active``, ``Non-Inventory``, ``true``, ``03/31/2025``).

Every mutation is written through :class:`CompanyData` so that it can be undone:
each function runs inside :meth:`CompanyData.atomic`, and ``transaction="true"``
operations nest the whole operation in one outer atomic block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Record:
    """One stored object."""

    recordno: int
    values: dict[str, str]
    #: Owning entity (LOCATIONID) in a MEGA company; ``None`` = top level.
    entity: str | None = None
    #: Owned line collections, e.g. ``{"ENTRIES": [...]}``.
    lines: dict[str, list[dict[str, str]]] = field(default_factory=dict)


@dataclass
class Table:
    """All records of one object type, in creation order, with an ID index."""

    records: dict[int, Record] = field(default_factory=dict)
    by_id: dict[str, int] = field(default_factory=dict)


@dataclass
class ChangeSet:
    """What changed in one company since a write-ahead journal last looked.

    ``records`` maps ``(object name, recordno)`` to the ID the record was given (a hint,
    checked against the table's index when read; ``None`` = removed or unknown);
    ``controlids`` lists control IDs remembered for ``uniqueid``. Rolled-back changes stay
    listed: the journal writes each record as it *now* is, so a rollback is harmless.
    """

    records: dict[tuple[str, int], str | None] = field(default_factory=dict)
    controlids: list[str] = field(default_factory=list)


@dataclass
class CompanyData:
    """The records of one company plus its uniqueid memory."""

    tables: dict[str, Table] = field(default_factory=dict)
    next_recordno: int = 1
    #: Function control IDs that completed successfully with ``uniqueid=true``.
    executed_controlids: set[str] = field(default_factory=set)
    _journal: list[Callable[[], None]] | None = None
    _hooks: list[Callable[[], None]] | None = None
    #: Tables whose creation order a rollback disturbed (restored deletions); each is
    #: re-sorted once when the rollback ends rather than once per restored record.
    _unsorted: dict[int, Table] = field(default_factory=dict, repr=False, compare=False)
    #: Change tracking for the server's write-ahead journal (``None`` = not tracked).
    tracking: ChangeSet | None = field(default=None, repr=False, compare=False)

    def table(self, object_name: str) -> Table:
        table = self.tables.get(object_name)
        if table is None:
            table = self.tables[object_name] = Table()
        return table

    def allocate_recordno(self) -> int:
        recordno = self.next_recordno
        self.next_recordno += 1
        return recordno

    # --- journaled mutations -------------------------------------------------------------

    def _log(self, undo: Callable[[], None]) -> None:
        if self._journal is not None:
            self._journal.append(undo)

    def insert(self, object_name: str, record: Record, id_value: str | None) -> None:
        table = self.table(object_name)
        if self.tracking is not None:
            self.tracking.records[(object_name, record.recordno)] = id_value or None
        table.records[record.recordno] = record
        if id_value:
            table.by_id[id_value] = record.recordno

        def undo() -> None:
            table.records.pop(record.recordno, None)
            if id_value and table.by_id.get(id_value) == record.recordno:
                del table.by_id[id_value]

        self._log(undo)

    def replace(self, object_name: str, record: Record, id_field: str | None) -> None:
        table = self.table(object_name)
        old = table.records[record.recordno]
        old_id = old.values.get(id_field, "") if id_field else ""
        new_id = record.values.get(id_field, "") if id_field else ""
        table.records[record.recordno] = record
        if self.tracking is not None:
            self.tracking.records[(object_name, record.recordno)] = new_id or old_id or None
        if id_field and old_id != new_id:
            table.by_id.pop(old_id, None)
            if new_id:
                table.by_id[new_id] = record.recordno

        def undo() -> None:
            table.records[old.recordno] = old
            if id_field and old_id != new_id:
                table.by_id.pop(new_id, None)
                if old_id:
                    table.by_id[old_id] = old.recordno

        self._log(undo)

    def remove(self, object_name: str, recordno: int, id_field: str | None) -> None:
        table = self.table(object_name)
        old = table.records.pop(recordno)
        old_id = old.values.get(id_field, "") if id_field else ""
        if self.tracking is not None:
            self.tracking.records[(object_name, recordno)] = old_id or None
        if old_id:
            table.by_id.pop(old_id, None)
        # dict order is creation order; a restore re-inserts at the end, and the table is
        # re-sorted when the rollback ends (see atomic()).

        def undo() -> None:
            records = table.records
            if records and recordno < next(reversed(records)):
                self._unsorted[id(table)] = table
            records[recordno] = old
            if old_id:
                table.by_id[old_id] = recordno

        self._log(undo)

    def log_undo(self, undo: Callable[[], None]) -> None:
        """Record how to undo a change made outside the tables (e.g. a sequence counter);
        ``undo`` runs if the enclosing atomic block fails (nothing happens outside one)."""
        self._log(undo)

    def remember_controlid(self, control_id: str) -> None:
        self.executed_controlids.add(control_id)
        if self.tracking is not None:
            self.tracking.controlids.append(control_id)
        self._log(lambda: self.executed_controlids.discard(control_id))

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the outermost atomic block commits (now, outside one).

        A rolled-back block drops its callbacks: a Smart Event never fires for a change
        that did not happen.
        """
        if self._hooks is None:
            callback()
        else:
            self._hooks.append(callback)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Undo every mutation made inside the block if it raises."""
        outer = self._journal
        outer_hooks = self._hooks
        journal: list[Callable[[], None]] = []
        hooks: list[Callable[[], None]] = []
        self._journal = journal
        self._hooks = hooks
        try:
            yield
        except BaseException:
            self._hooks = outer_hooks
            for undo in reversed(journal):
                undo()
            for table in self._unsorted.values():
                table.records = dict(sorted(table.records.items()))
            self._unsorted.clear()
            raise
        finally:
            self._journal = outer
        self._hooks = outer_hooks
        if outer is not None:
            outer.extend(journal)
        if outer_hooks is not None:
            outer_hooks.extend(hooks)
        else:
            for hook in hooks:
                hook()
