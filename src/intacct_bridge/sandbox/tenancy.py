"""Who may talk to a sandbox company: senders, companies, entities, web services users.

These mirror what an administrator sets up by hand in Intacct (seed guide):

* a **sender** (Web Services partner ID, e.g. ``XT_mfg``) with its password;
* a **company** — single-entity, or multi-entity (MEGA) with entities — with modules
  switched on or off, and its *Web Services authorization* list of senders
  (Company > Admin > Setup > Security);
* **web services users** with user type, admin privileges, status, roles, top-level
  access and entity access (Company > Admin > Users, roles & groups > Web Services users).

Passwords are kept only as salted PBKDF2 hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from intacct_bridge.sandbox import errors
from intacct_bridge.sandbox.periods import Books
from intacct_bridge.sandbox.smartevents import PlatformState
from intacct_bridge.sandbox.store import CompanyData

if TYPE_CHECKING:
    from intacct_bridge.sandbox.objects.custom import CustomObject

UserType = Literal["business", "employee", "project manager", "warehouse", "payment approver"]
AdminPrivileges = Literal["off", "limited", "full"]
Status = Literal["active", "inactive"]

#: Modules a company can subscribe to. ``projects`` gates PROJECT and the REQUIREPROJECT flags.
KNOWN_MODULES = frozenset(
    {"gl", "ap", "ar", "cm", "inventory", "purchasing", "order_entry", "projects", "tax"}
)
DEFAULT_MODULES = frozenset(
    {"gl", "ap", "ar", "cm", "inventory", "purchasing", "order_entry", "tax"}
)

_ITERATIONS = 5_000


def hash_secret(secret: str, salt: str | None = None) -> str:
    """Return ``salt$hex`` for ``secret`` (PBKDF2-SHA256)."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt.encode(), _ITERATIONS)
    return f"{salt}${digest.hex()}"


def check_secret(secret: str, hashed: str) -> bool:
    salt, _, _ = hashed.partition("$")
    return hmac.compare_digest(hash_secret(secret, salt), hashed)


@dataclass
class Sender:
    """A Web Services sender (partner) ID."""

    sender_id: str
    password_hash: str
    status: Status = "active"


@dataclass
class WebServicesUser:
    """A Web Services user of one company."""

    user_id: str
    password_hash: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    user_type: UserType = "business"
    admin: AdminPrivileges = "full"
    status: Status = "active"
    roles: tuple[str, ...] = ("Admin",)
    top_level_access: bool = True
    #: Entity IDs the user may sign in to; empty means every entity.
    entity_access: tuple[str, ...] = ()

    def may_write(self) -> bool:
        return self.admin != "off" or bool(self.roles)

    def may_enter(self, location_id: str) -> bool:
        return not self.entity_access or location_id in self.entity_access


@dataclass
class Company:
    """One Intacct company (tenant of the sandbox)."""

    company_id: str
    name: str = ""
    mega: bool = False
    modules: set[str] = field(default_factory=lambda: set(DEFAULT_MODULES))
    users: dict[str, WebServicesUser] = field(default_factory=dict)
    #: Web Services authorization list: sender ID -> status.
    authorizations: dict[str, Status] = field(default_factory=dict)
    #: Session duration in seconds (sliding).
    session_timeout: int = 3600
    data: CompanyData = field(default_factory=CompanyData)
    #: User-defined dimensions: object integration name -> label.
    udds: dict[str, str] = field(default_factory=dict)
    #: Platform custom objects: upper-case integration name -> definition
    #: (``objects/custom.py``).
    custom_objects: dict[str, CustomObject] = field(default_factory=dict)
    #: Installed customization packages, Smart Events and their delivery log.
    platform: PlatformState = field(default_factory=PlatformState)
    #: Closed periods, inter-entity balancing and document sequences (``periods.py``).
    books: Books = field(default_factory=Books)

    def has_module(self, module: str) -> bool:
        return module in self.modules

    def sender_authorized(self, sender_id: str) -> bool:
        return self.authorizations.get(sender_id) == "active"


def check_entity_access(company: Company, user: WebServicesUser, location_id: str) -> None:
    """Refuse an entity that does not exist, or that the user may not enter."""
    entities = company.data.table("LOCATIONENTITY")
    if not company.mega or location_id not in entities.by_id or not user.may_enter(location_id):
        raise errors.unknown_entity(location_id, user.user_id)
