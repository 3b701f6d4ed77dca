"""Tenants: one deployment serves many; each is one operations company bound to one Intacct company.

Every stored record, change event, secret, API key and webhook belongs to exactly one tenant,
and nothing of one tenant is visible to or changeable by another. The embedded default
deployment has a single tenant, :data:`DEFAULT_TENANT_ID`, which the entry points use when
no tenant is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from intacct_bridge.model import checks
from intacct_bridge.model.errors import ModelError

#: the tenant of the embedded (single-tenant) deployment
DEFAULT_TENANT_ID = "default"

_TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def check_tenant_id(value: object, field: str = "tenant_id") -> str:
    """A tenant ID: 1-40 lower-case letters, digits, ``-`` or ``_``, starting alphanumeric."""
    if not isinstance(value, str) or not _TENANT_ID.match(value):
        raise ModelError(
            field,
            f"{value!r} is not a tenant ID",
            "use 1-40 lower-case letters, digits, '-' or '_', starting with a letter or digit",
        )
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Tenant:
    """One operations company and the one Intacct company it is bound to."""

    KIND: ClassVar[str] = "tenant"

    #: stable ID used to scope every record (``acme-eu``)
    id: str
    #: display name of the operations company
    name: str
    #: Intacct company ID this tenant posts to; ``None`` until the binding is set up.
    #: Two tenants can never share one Intacct company.
    intacct_company_id: str | None = None

    def __post_init__(self) -> None:
        check_tenant_id(self.id, "id")
        checks.text("name", self.name, max_length=100)
        checks.optional_identifier("intacct_company_id", self.intacct_company_id, max_length=40)
