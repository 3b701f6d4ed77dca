"""Small file helpers shared by the CLI, the configuration and the sandbox.

* :func:`atomic_writer` / :func:`atomic_write` — write a file so that a reader (or a
  crash, or ``kill -9``) sees either the old content or the new one, never a mix: the
  data goes to a temporary file in the same directory, is flushed to disk, and is renamed
  over the target; the directory entry is then synced.
* :func:`exclusive_lock` — an advisory, non-blocking lock held for a block (a
  ``.NAME.lock`` file beside the file it guards, holding who owns it), so that two
  processes never edit the same file at once.

Neither creates missing directories: a path in a directory that does not exist is an
error the caller reports (a mistyped path must not silently create a tree).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


class LockHeld(Exception):
    """The lock is held by another process; ``owner`` says who (as it wrote itself)."""

    def __init__(self, path: Path, owner: str) -> None:
        self.path = path
        self.owner = owner
        super().__init__(f"{path} is in use by {owner}")


def sync_directory(directory: Path) -> None:
    """Make renames in ``directory`` durable where the platform allows it (best effort)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


@contextmanager
def _replacing(path: Path, mode: int | None) -> Iterator[tuple[int, str]]:
    """A temporary file beside ``path`` (descriptor, name), renamed over ``path`` when the
    block ends without an error and removed when it raises."""
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        yield handle, temporary
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    sync_directory(directory)


@contextmanager
def atomic_writer(path: Path, *, mode: int | None = None) -> Iterator[IO[str]]:
    """A text stream (UTF-8, ``\\n`` line ends) whose content replaces ``path`` when the
    block ends without an error.

    ``mode`` (e.g. ``0o600``) is applied before the file becomes visible under its name.
    If the block raises, the temporary file is removed and ``path`` is untouched.

    Raises:
        OSError: the directory does not exist or cannot be written.
    """
    with _replacing(path, mode) as (handle, _name):
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())


def atomic_write(path: Path, data: bytes | str, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`atomic_writer`); ``str`` is
    written as UTF-8."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with _replacing(path, mode) as (handle, _name):
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())


def lock_path_for(path: Path) -> Path:
    """Where :func:`exclusive_lock` keeps the lock of ``path``: ``.NAME.lock`` beside it."""
    return path.with_name(f".{path.name}.lock")


@contextmanager
def exclusive_lock(path: Path, holder: str) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` for the block, as ``holder``.

    Non-blocking: if another process holds it, :class:`LockHeld` is raised at once,
    naming that process. A no-op where ``fcntl`` is missing (Windows).

    Raises:
        LockHeld: another process holds the lock.
        OSError: the lock file cannot be created (e.g. the directory does not exist).
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(lock_path_for(path), "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            raise LockHeld(path, handle.read().strip() or "another process") from None
        handle.seek(0)
        handle.truncate()
        handle.write(holder)
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
