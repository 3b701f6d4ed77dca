"""What a function handler knows about the call it serves."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from intacct_bridge.sandbox.backend import SandboxBackend
    from intacct_bridge.sandbox.schema import ObjectType
    from intacct_bridge.sandbox.tenancy import Company, WebServicesUser


@dataclass
class Context:
    """The authenticated caller of one operation."""

    backend: SandboxBackend
    company: Company
    user: WebServicesUser
    #: Entity the session is in (MEGA); ``""`` = top level.
    location_id: str
    sender_id: str
    #: Gateway URL the request came to; returned as the session endpoint.
    endpoint: str
    #: The base object type of an object name (the object catalogue's registry lookup),
    #: handed in by whoever builds the context: the records and the catalogue's own
    #: modules find referenced types through it without importing the catalogue.
    catalogue: Callable[[str], ObjectType | None]
    #: Session ID used or created by this operation.
    session_id: str = ""
    dtd_version: str = "3.0"

    @property
    def now(self) -> datetime:
        return self.backend.now()

    @property
    def user_recordno(self) -> str:
        # A stable number per user ID (the same in every process and after a restart).
        return str(zlib.crc32(self.user.user_id.encode()) % 100_000 + 1)

    @property
    def modules(self) -> set[str]:
        return self.company.modules
