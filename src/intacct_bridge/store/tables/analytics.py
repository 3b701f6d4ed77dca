"""``attribute_type``, ``attribute``, ``dimension_type`` and ``dimension``."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from intacct_bridge.model.analytics import (
    FREE_ATTRIBUTE_TYPES,
    MAX_DIMENSION_TYPES,
    AttributeTypeKind,
)
from intacct_bridge.store.base import Base, key, one_of, tenant_key
from intacct_bridge.store.tables.common import Tracked


class AttributeTypeRow(Tracked, Base):
    __tablename__ = "attribute_type"
    __table_args__ = (one_of("id", AttributeTypeKind),)

    tenant_id: Mapped[str] = tenant_key()
    id: Mapped[str] = key(20)
    name: Mapped[str] = mapped_column(String(100))
    intacct_object: Mapped[str | None] = mapped_column(String(40))
    is_active: Mapped[bool]


_FREE = ", ".join(f"'{kind.value}'" for kind in sorted(FREE_ATTRIBUTE_TYPES))


class AttributeRow(Tracked, Base):
    __tablename__ = "attribute"
    __table_args__ = (
        CheckConstraint(f"type IN ({_FREE})", name="type"),
        CheckConstraint("restricted_to_type = 'project'", name="restricted_to_type"),
        ForeignKeyConstraint(
            ["tenant_id", "restricted_to_type", "restricted_to"],
            ["attribute.tenant_id", "attribute.type", "attribute.id"],
        ),
        ForeignKeyConstraint(["tenant_id", "site_id"], ["site.tenant_id", "site.id"]),
        ForeignKeyConstraint(["tenant_id", "item_id"], ["item.tenant_id", "item.id"]),
    )

    tenant_id: Mapped[str] = tenant_key()
    type: Mapped[str] = key(20)
    id: Mapped[str] = key(40)
    name: Mapped[str] = mapped_column(String(100))
    #: always ``project``: a task's ``restricted_to`` names a project attribute
    restricted_to_type: Mapped[str] = mapped_column(String(20), default="project")
    restricted_to: Mapped[str | None] = mapped_column(String(40))
    site_id: Mapped[str | None] = mapped_column(String(20))
    item_id: Mapped[str | None] = mapped_column(String(30))
    is_active: Mapped[bool]


class DimensionTypeRow(Tracked, Base):
    __tablename__ = "dimension_type"
    __table_args__ = (
        UniqueConstraint("tenant_id", "slot"),
        CheckConstraint(f"slot BETWEEN 1 AND {MAX_DIMENSION_TYPES}", name="slot"),
    )

    tenant_id: Mapped[str] = tenant_key()
    id: Mapped[str] = key(40)
    name: Mapped[str] = mapped_column(String(100))
    slot: Mapped[int]
    intacct_object: Mapped[str | None] = mapped_column(String(40))
    is_active: Mapped[bool]


class DimensionRow(Tracked, Base):
    __tablename__ = "dimension"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "type_id"], ["dimension_type.tenant_id", "dimension_type.id"]
        ),
    )

    tenant_id: Mapped[str] = tenant_key()
    type_id: Mapped[str] = key(40)
    id: Mapped[str] = key(40)
    name: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool]
