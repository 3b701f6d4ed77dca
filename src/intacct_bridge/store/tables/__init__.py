"""The tables, one module per aggregate. Importing this package registers them all on
:data:`intacct_bridge.store.base.Base.metadata`.

Every table is keyed by ``tenant_id`` first, and every reference between tables is a
composite foreign key that includes ``tenant_id``: a row can only point at rows of its own
tenant, which the database enforces on its own.
"""

from intacct_bridge.store.tables.tenancy import ChangeEventRow, TenantRow

from . import (
    analytics,
    auth,
    config,
    documents,
    finance,
    inbound,
    items,
    parties,
    posting,
    sites,
    sync,
)

__all__ = [
    "ChangeEventRow",
    "TenantRow",
    "analytics",
    "auth",
    "config",
    "documents",
    "finance",
    "inbound",
    "items",
    "parties",
    "posting",
    "sites",
    "sync",
]
