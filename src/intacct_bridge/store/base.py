"""Declarative base, naming convention and the column types every table shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    MetaData,
    Numeric,
    String,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.schema import Constraint, Table
from sqlalchemy.types import TypeEngine

from intacct_bridge.model.money import INTEGER_DIGITS, SCALE, canonical, to_text


def _fk_columns(constraint: Constraint, table: Table) -> str:
    """The FK's own columns except ``tenant_id`` (every FK carries it, so it names nothing)."""
    columns: Iterable[Column[Any]] = getattr(constraint, "columns", ())
    names = [column.name for column in columns if column.name != "tenant_id"]
    return "_".join(names) or "tenant_id"


NAMING_CONVENTION: dict[str, Any] = {
    "fk_cols": _fk_columns,
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(fk_cols)s",
    "pk": "pk_%(table_name)s",
}

TENANT_ID_LENGTH = 40


class DecimalType(TypeDecorator[Decimal]):
    """Exact decimals on every backend.

    PostgreSQL keeps ``NUMERIC(24, 6)``. SQLite has no exact decimal type (a NUMERIC column
    there turns ``0.1`` into a float), so the canonical fixed-point text is stored instead.
    Values read back are canonical (``1.5``, not ``1.500000``).
    """

    impl = Numeric(INTEGER_DIGITS + SCALE, SCALE, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(INTEGER_DIGITS + SCALE + 3))
        return dialect.type_descriptor(Numeric(INTEGER_DIGITS + SCALE, SCALE, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"DecimalType takes Decimal, not {type(value).__name__}")
        return to_text(value) if dialect.name == "sqlite" else canonical(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return canonical(Decimal(value))


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Base of every table; constraint names follow :data:`NAMING_CONVENTION`."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {Decimal: DecimalType(), dt.datetime: UtcDateTime()}


def now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def tenant_key() -> Mapped[str]:
    """``tenant_id`` as the first primary-key column, referencing ``tenant``."""
    return mapped_column(
        String(TENANT_ID_LENGTH), ForeignKey("tenant.id", ondelete="CASCADE"), primary_key=True
    )


def parent_tenant_key() -> Mapped[str]:
    """``tenant_id`` as the first primary-key column of a child row whose parent pins it.

    No foreign key to ``tenant`` of its own: the child's composite key to its parent
    (``tenant_id`` first, every column ``NOT NULL``, ``ON DELETE CASCADE``) already requires a
    parent of the same tenant, whose own keys require the tenant, and deleting the tenant
    deletes the parent and so the child. Only for a child that references nothing else: on
    PostgreSQL a row deleted through its parent's cascade is gone only after the ``NO ACTION``
    checks of the tenant's other rows it references (an item, a dimension …) have run.
    """
    return mapped_column(String(TENANT_ID_LENGTH), primary_key=True)


def one_of(column: str, enum: type[StrEnum], name: str | None = None) -> CheckConstraint:
    """CHECK that ``column`` holds one of ``enum``'s values (NULL passes)."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=name or column)


def key(length: int) -> Mapped[str]:
    """A natural-key column that is part of the primary key."""
    return mapped_column(String(length), primary_key=True)
