"""Keeping a served sandbox's state file current: a write-ahead journal plus snapshots.

``intacct-bridge sandbox serve --state FILE`` keeps two files:

* ``FILE`` — a full snapshot (:mod:`.persistence`), written atomically (temporary file,
  fsync, rename) at start, when the server stops, after every change made through the
  admin API, and whenever the journal grows past a size;
* ``FILE.journal`` — one JSON line per committed gateway request that changed something:
  the records as they are after the change, removed record numbers, new ``uniqueid``
  control IDs, the record counter, the books, new Smart Event deliveries and new API
  sessions. Each line is handed to the operating system *before* the reply is sent, so a
  reply the client received is never lost when the process dies (``kill -9``, an
  out-of-memory kill); the journal is flushed to disk (``fsync``) at most
  ``sync_interval`` seconds later, which bounds what a power cut or OS crash can lose.

At start the snapshot is loaded and the journal entries it does not hold yet are replayed
(a last line cut short by a crash was never acknowledged and is ignored); then a fresh
snapshot is written and the journal emptied. Each snapshot records the last journal entry
it holds, so a crash at any point of a save leaves a pair of files that loads to the same
state.

Not journaled (written with the next snapshot): sliding session expiry, the status of
Smart Event deliveries after they were logged, and changes made by code in the same
process outside the gateway and the admin API.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from intacct_bridge.files import sync_directory
from intacct_bridge.sandbox.backend import SandboxBackend
from intacct_bridge.sandbox.persistence import (
    StateFileError,
    company_changes,
    dump_state,
    journal_path,
    session_doc,
    write_state,
)
from intacct_bridge.sandbox.store import ChangeSet

log = logging.getLogger("intacct_bridge.sandbox.state")

#: Seconds between a journal write and its fsync (the OS-crash window).
DEFAULT_SYNC_INTERVAL = 1.0
#: Journal size that triggers a new snapshot (and an empty journal).
DEFAULT_COMPACT_BYTES = 32 * 1024 * 1024


class StateKeeper:
    """Journals every committed gateway change of ``backend`` to ``path``'s journal and
    writes snapshots; see the module docstring for the guarantee.

    Use: ``keeper.start()`` (after loading the state), ``gateway.on_commit =
    keeper.commit``, then ``keeper.close()`` when the server stops.
    """

    def __init__(
        self,
        backend: SandboxBackend,
        path: Path,
        *,
        journal_seq: int = 0,
        sync_interval: float = DEFAULT_SYNC_INTERVAL,
        compact_bytes: int = DEFAULT_COMPACT_BYTES,
    ) -> None:
        self.backend = backend
        self.path = path
        self.journal = journal_path(path)
        self.sync_interval = sync_interval
        self.compact_bytes = compact_bytes
        self._seq = journal_seq
        self._fd: int | None = None
        self._size = 0
        self._unsynced = False
        #: Guards the journal descriptor, its size and its replacement.
        self._file_lock = threading.Lock()
        #: One snapshot written at a time, never an older one over a newer one.
        self._write_lock = threading.Lock()
        self._generation = 0
        self._written_generation = 0
        self._delivered: dict[str, int] = {}
        self._sessions: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Open the journal, write a first snapshot (so a bad path fails now, not at the
        first write) and start the background fsync.

        Raises:
            StateFileError: the state file or its journal cannot be written.
        """
        try:
            self._fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StateFileError(
                self.journal, f"cannot be opened: {exc.strerror or exc}."
            ) from None
        self._size = os.fstat(self._fd).st_size
        self.snapshot()
        self._thread = threading.Thread(target=self._sync_loop, name="state-journal", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop syncing, write the final snapshot and remove the (then empty) journal.

        Raises:
            StateFileError: the final snapshot could not be written (the journal, which
                holds every change, is kept).
        """
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._fd is None:
            return
        self.snapshot()
        with self._file_lock:
            empty = self._size == 0
            os.close(self._fd)
            self._fd = None
        if empty:
            with contextlib.suppress(FileNotFoundError):
                self.journal.unlink()

    # --- journaling ---------------------------------------------------------------------------

    def commit(self) -> None:
        """Journal what the request that just ran changed. Called by the gateway with the
        backend lock held, before the reply is sent.

        Raises:
            StateFileError: the journal cannot be written (e.g. the disk is full).
        """
        backend = self.backend
        if any(company.data.tracking is None for company in backend.companies.values()):
            # A company the journal has not seen (created outside the admin API, or before
            # its snapshot finished): only a snapshot can hold it.
            self.snapshot()
            return
        companies: dict[str, Any] = {}
        for company_id, company in backend.companies.items():
            changes = company_changes(company, self._delivered.get(company_id, 0))
            if changes is not None:
                companies[company_id] = changes
                self._delivered[company_id] = company.platform.next_id - 1
        sessions: list[dict[str, Any]] = []
        for session_id in reversed(backend.sessions):
            if session_id in self._sessions:
                break
            self._sessions.add(session_id)
            sessions.append(session_doc(backend.sessions[session_id]))
        if not companies and not sessions:
            return
        self._seq += 1
        entry = {"seq": self._seq, "companies": companies, "sessions": sessions[::-1]}
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._append(line.encode("utf-8"))

    def _append(self, data: bytes) -> None:
        with self._file_lock:
            if self._fd is None:
                raise StateFileError(self.journal, "is closed; the server is stopping.")
            start = self._size
            view = memoryview(data)
            try:
                while view:
                    written = os.write(self._fd, view)
                    view = view[written:]
            except OSError as exc:
                with contextlib.suppress(OSError):
                    os.ftruncate(self._fd, start)
                raise StateFileError(
                    self.journal, f"cannot be written: {exc.strerror or exc}."
                ) from None
            self._size = start + len(data)
            self._unsynced = True

    # --- snapshots ----------------------------------------------------------------------------

    def snapshot(self) -> None:
        """Write the whole state to the state file and drop the journal entries it holds.

        Raises:
            StateFileError: the state file cannot be written (the journal is kept).
        """
        backend = self.backend
        with backend.lock:
            for company_id, company in backend.companies.items():
                company.data.tracking = ChangeSet()
                self._delivered[company_id] = company.platform.next_id - 1
            self._sessions = set(backend.sessions)
            document = dump_state(backend, journal_seq=self._seq)
            self._generation += 1
            generation = self._generation
            with self._file_lock:
                held = self._size
        with self._write_lock:
            if generation < self._written_generation:
                return  # a newer snapshot is already on disk
            write_state(self.path, document)
            self._written_generation = generation
            self._drop_journal_head(held)

    def _drop_journal_head(self, held: int) -> None:
        """Remove the first ``held`` bytes of the journal (entries the snapshot holds)."""
        with self._file_lock:
            if self._fd is None or held == 0:
                return
            if self._size == held:
                os.ftruncate(self._fd, 0)
                os.fsync(self._fd)
                self._size = 0
                return
            # Entries were added while the snapshot was written: keep them, atomically.
            with open(self.journal, "rb") as reader:
                reader.seek(held)
                tail = reader.read(self._size - held)
            handle, temporary = tempfile.mkstemp(
                dir=self.journal.parent, prefix=f".{self.journal.name}.", suffix=".tmp"
            )
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(tail)
                    stream.flush()
                    os.fsync(stream.fileno())
                os.chmod(temporary, 0o600)
                os.replace(temporary, self.journal)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
            sync_directory(self.journal.parent)
            fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND)
            os.close(self._fd)
            self._fd = fd
            self._size = len(tail)

    # --- background ----------------------------------------------------------------------------

    def _sync_loop(self) -> None:
        while not self._stop.wait(self.sync_interval):
            try:
                self.sync()
                if self._size > self.compact_bytes:
                    self.snapshot()
            except Exception:  # never let the thread die; the next round retries
                log.exception("Saving the sandbox state to %s failed", self.path)

    def sync(self) -> None:
        """fsync the journal if anything was written since the last sync."""
        with self._file_lock:
            if not self._unsynced or self._fd is None:
                return
            self._unsynced = False
            fd = os.dup(self._fd)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SavingAdminChanges:
    """ASGI wrapper: a changing admin API request (not GET/HEAD/OPTIONS under
    ``prefix``) is answered only once a snapshot holding its change is on disk."""

    def __init__(self, app: ASGIApp, keeper: StateKeeper, prefix: str = "/sandbox/admin") -> None:
        self.app = app
        self.keeper = keeper
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in _SAFE_METHODS
            or not str(scope["path"]).startswith(self.prefix)
        ):
            await self.app(scope, receive, send)
            return
        failed = False

        async def saving_send(message: Message) -> None:
            nonlocal failed
            if failed:
                return
            if message["type"] == "http.response.start":
                try:
                    await run_in_threadpool(self.keeper.snapshot)
                except StateFileError as exc:
                    failed = True
                    log.error("Admin change not saved: %s", exc)
                    body = json.dumps(
                        {"error": f"The change was made but could not be saved: {exc}"}
                    ).encode("utf-8")
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 503,
                            "headers": [
                                (b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode("ascii")),
                            ],
                        }
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
            await send(message)

        await self.app(scope, receive, saving_send)
