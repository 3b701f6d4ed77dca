"""Filtering rows by many keys at once.

An expanding ``IN (…)`` with hundreds of values makes a new SQL text for every length: psycopg
converts the query again each time and can never prepare it. On PostgreSQL the keys go as
one array parameter (``column = ANY(:keys)``), so the text stays the same whatever their
number; SQLite keeps ``IN``, in slices under its limit on parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

#: keys per statement on SQLite
CHUNK = 500


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def key_in(session: Session, column: Any, keys: Sequence[str]) -> Any:
    """``column IN (keys)``; on PostgreSQL ``column = ANY(:keys)`` (one array parameter)."""
    if _postgres(session):
        return column == any_(bindparam(None, list(keys), type_=ARRAY(String)))
    return column.in_(list(keys))


def key_chunks(session: Session, keys: Sequence[str]) -> list[Sequence[str]]:
    """``keys`` in slices of :data:`CHUNK` for :func:`key_in`; one slice on PostgreSQL."""
    if _postgres(session):
        return [keys] if keys else []
    return [keys[start : start + CHUNK] for start in range(0, len(keys), CHUNK)]
