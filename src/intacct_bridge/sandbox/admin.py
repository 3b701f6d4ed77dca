"""Administration: what an Intacct administrator does by hand, as a Python API.

Everything the seed guide does in Intacct's screens can be scripted here — and through
the admin HTTP API (:mod:`intacct_bridge.sandbox.admin_api`) and the CLI
(``intacct-bridge sandbox …``), which both call this module:

* create a sender ID (``XT_mfg``) and a company (single-entity or MEGA, with modules);
* add entities, web services users, and Web Services authorizations;
* seed records (chart of accounts, journals, terms, tax details, dimensions …);
* reset, and describe the state.

Every operation is all-or-nothing: it checks everything it can before it changes
anything, and record writes run inside the company's undo journal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, get_args

from intacct_bridge.sandbox import errors, objects
from intacct_bridge.sandbox.backend import Clock, SandboxBackend
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.functions.common import visible
from intacct_bridge.sandbox.functions.generic import insert_record, update_record
from intacct_bridge.sandbox.objects import custom
from intacct_bridge.sandbox.objects.custom import CustomField, CustomObject
from intacct_bridge.sandbox.records import system_values
from intacct_bridge.sandbox.store import Record, Table
from intacct_bridge.sandbox.tenancy import (
    KNOWN_MODULES,
    AdminPrivileges,
    Company,
    Sender,
    Status,
    UserType,
    WebServicesUser,
    hash_secret,
)
from intacct_bridge.sandbox.values import ValueProblem, normalise, parse_date

if TYPE_CHECKING:
    from intacct_bridge.sandbox.asyncrequests import TransportPolicy

USER_TYPES: tuple[str, ...] = get_args(UserType)
ADMIN_PRIVILEGES: tuple[str, ...] = get_args(AdminPrivileges)
STATUSES: tuple[str, ...] = get_args(Status)
#: User attributes an administrator may set (besides the password).
USER_ATTRIBUTES = tuple(
    name
    for name in WebServicesUser.__dataclass_fields__
    if name not in ("user_id", "password_hash")
)


#: The largest single step of :meth:`Admin.advance_clock`, in seconds (ten years).
MAX_CLOCK_STEP = 10 * 366 * 24 * 3600
#: How far ahead of the real time the clock may get in all (a hundred years).
MAX_CLOCK_OFFSET = timedelta(days=100 * 366)


class ShiftedClock:
    """The backend's clock moved forward by ``offset`` (:meth:`Admin.advance_clock`)."""

    def __init__(self, base: Clock, offset: timedelta) -> None:
        self.base = base
        self.offset = offset

    def __call__(self) -> datetime:
        return self.base() + self.offset


def _day(value: Any, what: str) -> date:
    """A date given as a ``date`` or as ``MM/DD/YYYY`` / ``YYYY-MM-DD`` text."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return parse_date(value.strip())
        except ValueProblem:
            pass
    raise AdminError(f"{what} must be a date (MM/DD/YYYY); got {value!r}.")


def _currency(value: Any, what: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value.strip()):
        raise AdminError(f"{what} must be a three-letter currency code (USD); got {value!r}.")
    return value.strip()


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise AdminError(f"Field names must be text; got {value!r}.")
    return value


class AdminError(ValueError):
    """An administration request that cannot be carried out; the message says why."""


class AdminNotFound(AdminError):
    """The request names a company, user, sender, entity or object that does not exist."""


class AdminConflict(AdminError):
    """The request would create something that already exists, or change a secret that an
    explicit re-key must change."""


class AdminInvalid(AdminError):
    """Intacct's own validation refused a record (a required field, a bad reference …).

    ``errors`` holds Intacct's error entries (``errorno``, ``description2``,
    ``correction``), as the gateway would report them.
    """

    def __init__(self, message: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


def _choice(value: Any, allowed: tuple[str, ...], what: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise AdminError(f"{what} must be one of {', '.join(allowed)}; got {value!r}.")
    return value


def _texts(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise AdminError(f"{what} must be a list of strings; got {value!r}.")
    items = tuple(value)
    if not all(isinstance(item, str) and item for item in items):
        raise AdminError(f"{what} must be a list of non-empty strings; got {list(items)!r}.")
    return items


def _check_custom_fields(packages: Iterable[Any]) -> None:
    """Refuse a package custom field that would hide a standard field of its object."""
    for package in packages:
        for field in package.custom_fields:
            otype = objects.get(field.owner_object)
            name = field.custom_field_id.upper()
            taken = otype is not None and (
                otype.field(name) is not None
                or otype.collection(name) is not None
                or any(spec.path.startswith(f"{name}.") for spec in otype.fields)
            )
            if otype is not None and taken:
                raise AdminError(
                    f"The package was not imported: custom field {field.custom_field_id} of "
                    f"{otype.name} has the name of a standard {otype.name} field.",
                )


def _detail_text(exc: errors.SandboxError) -> str:
    """An Intacct error as one sentence plus its correction."""
    parts: list[str] = []
    for detail in exc.details:
        text = detail.description2 or detail.description
        if text and text not in parts:
            parts.append(text)
        if detail.correction and detail.correction not in parts:
            parts.append(detail.correction)
    return " ".join(part if part.endswith((".", "!", "?")) else part + "." for part in parts)


def _count(company: Company, object_name: str) -> int:
    table = company.data.tables.get(object_name)
    return len(table.records) if table is not None else 0


def _entity_table(company: Company) -> Table:
    """The LOCATIONENTITY table without creating it as a side effect of reading."""
    return company.data.tables.get("LOCATIONENTITY") or Table()


def describe_user(user: WebServicesUser) -> dict[str, Any]:
    """A JSON-able view of a web services user (never the password or its hash)."""
    return {
        "user_id": user.user_id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "user_type": user.user_type,
        "admin": user.admin,
        "status": user.status,
        "roles": list(user.roles),
        "top_level_access": user.top_level_access,
        "entity_access": list(user.entity_access),
    }


class Admin:
    """Administrative operations on one backend."""

    def __init__(self, backend: SandboxBackend) -> None:
        self.backend = backend

    # --- senders and companies ---------------------------------------------------------------

    def create_sender(
        self, sender_id: str, password: str, *, status: str = "active", replace: bool = True
    ) -> Sender:
        """Register a Web Services sender ID (issued by Sage in real life).

        With ``replace=False`` an existing sender is an :class:`AdminConflict`.
        """
        if not sender_id or not password:
            raise AdminError("A sender needs an ID and a password.")
        _choice(status, STATUSES, "A sender's status")
        with self.backend.lock:
            if not replace and sender_id in self.backend.senders:
                raise AdminConflict(
                    f"Sender '{sender_id}' already exists. To change its password, re-key it "
                    f"(PATCH /sandbox/admin/senders/{sender_id}; CLI: add-sender --rekey): "
                    "clients using the old password are refused from then on."
                )
            sender = Sender(sender_id, hash_secret(password), status)  # type: ignore[arg-type]
            self.backend.senders[sender_id] = sender
            return sender

    def update_sender(
        self, sender_id: str, *, password: str | None = None, status: str | None = None
    ) -> Sender:
        """Change an existing sender: an explicit re-key (``password``) and/or its status."""
        if password is not None and (not isinstance(password, str) or not password):
            raise AdminError("A sender password must be a non-empty string.")
        if status is not None:
            _choice(status, STATUSES, "A sender's status")
        if password is None and status is None:
            raise AdminError("Nothing to change: give a new password or a status.")
        with self.backend.lock:
            sender = self.backend.senders.get(sender_id)
            if sender is None:
                raise AdminNotFound(f"Sender '{sender_id}' does not exist.")
            if password is not None:
                sender.password_hash = hash_secret(password)
            if status is not None:
                sender.status = status  # type: ignore[assignment]
            return sender

    def authorize(
        self,
        company_id: str,
        sender_id: str,
        *,
        status: str = "active",
        sender_password: str | None = None,
        rekey: bool = False,
    ) -> dict[str, str]:
        """Authorize a sender for a company, registering it first when ``sender_password``
        is given and it does not exist yet.

        A different password for an existing sender is refused (:class:`AdminConflict`)
        unless ``rekey`` asks for the change. Returns what happened: ``authorization``
        (``created`` / ``updated``) and ``sender`` (``created`` / ``unchanged`` /
        ``rekeyed`` / ``existing``).
        """
        from intacct_bridge.sandbox.tenancy import check_secret

        if status not in ("active", "inactive"):
            raise AdminError("An authorization status is 'active' or 'inactive'.")
        with self.backend.lock:
            company = self.company(company_id)
            sender = self.backend.senders.get(sender_id)
            if sender is None and sender_password is None:
                raise AdminNotFound(
                    f"Sender '{sender_id}' does not exist. Register it first with "
                    "POST /sandbox/admin/senders (CLI: add-sender), or include sender_password."
                )
            if sender is None:
                assert sender_password is not None
                self.create_sender(sender_id, sender_password, replace=False)
                sender_outcome = "created"
            elif sender_password is None:
                sender_outcome = "existing"
            elif check_secret(sender_password, sender.password_hash):
                sender_outcome = "unchanged"
            elif not rekey:
                raise AdminConflict(
                    f"Sender '{sender_id}' already exists with a different password. To change "
                    "it (every client using the old password will be refused), ask for a "
                    "re-key: rekey=true (CLI: --rekey), or PATCH /sandbox/admin/senders/"
                    f"{sender_id}; to keep it, leave sender_password out."
                )
            else:
                sender.password_hash = hash_secret(sender_password)
                sender_outcome = "rekeyed"
            existed = sender_id in company.authorizations
            company.authorizations[sender_id] = status  # type: ignore[assignment]
        return {
            "company_id": company_id,
            "sender_id": sender_id,
            "status": status,
            "authorization": "updated" if existed else "created",
            "sender": sender_outcome,
        }

    def create_company(
        self,
        company_id: str,
        *,
        name: str = "",
        mega: bool = False,
        modules: Iterable[str] | None = None,
        session_timeout: int = 3600,
        entities: Iterable[Mapping[str, Any]] = (),
    ) -> Company:
        """Create a company; ``entities`` (MEGA only) are mappings with ``location_id``,
        ``name`` and optional LOCATIONENTITY fields. All of it is created, or none."""
        if not company_id:
            raise AdminError("A company needs an ID.")
        if isinstance(session_timeout, bool) or not isinstance(session_timeout, int):
            raise AdminError("session_timeout must be a whole number of seconds.")
        if session_timeout < 60:
            raise AdminError("session_timeout must be at least 60 seconds.")
        wanted = self._modules(modules) if modules is not None else None
        entity_list = list(entities)
        if entity_list and not mega:
            raise AdminError(
                f"Company '{company_id}' is single-entity; create it with mega=True to add "
                "entities."
            )
        with self.backend.lock:
            if company_id in self.backend.companies:
                raise AdminConflict(f"Company '{company_id}' already exists.")
            company = Company(
                company_id, name=name or company_id, mega=mega, session_timeout=session_timeout
            )
            if wanted is not None:
                company.modules = wanted
            self.backend.companies[company_id] = company
            try:
                for number, entity in enumerate(entity_list, start=1):
                    extra = dict(entity)
                    location_id = extra.pop("location_id", None)
                    entity_name = extra.pop("name", None)
                    if not isinstance(location_id, str) or not isinstance(entity_name, str):
                        raise AdminError(
                            f"Entity {number} needs a location_id and a name (strings)."
                        )
                    self.add_entity_with(company_id, location_id, entity_name, extra)
            except BaseException:
                del self.backend.companies[company_id]
                raise
            return company

    def company(self, company_id: str) -> Company:
        company = self.backend.companies.get(company_id)
        if company is None:
            raise AdminNotFound(f"Company '{company_id}' does not exist.")
        return company

    @staticmethod
    def _modules(modules: Iterable[str]) -> set[str]:
        if isinstance(modules, str):
            raise AdminError("modules must be a list of module names, not one string.")
        wanted = set(modules)
        unknown = wanted - KNOWN_MODULES
        if unknown:
            raise AdminError(
                f"Unknown module(s) {', '.join(sorted(map(str, unknown)))}; known modules: "
                f"{', '.join(sorted(KNOWN_MODULES))}."
            )
        return wanted

    def set_modules(self, company_id: str, modules: Iterable[str]) -> None:
        wanted = self._modules(modules)
        with self.backend.lock:
            self.company(company_id).modules = wanted

    def entities(self, company_id: str) -> list[Record]:
        """The entities (LOCATIONENTITY records) of a company, in creation order."""
        return list(_entity_table(self.company(company_id)).records.values())

    def add_entity(self, company_id: str, location_id: str, name: str, **values: Any) -> Record:
        """Add an entity to a MEGA company: a LOCATIONENTITY and its LOCATION, or neither."""
        return self.add_entity_with(company_id, location_id, name, values)

    def add_entity_with(
        self, company_id: str, location_id: str, name: str, fields: Mapping[str, Any]
    ) -> Record:
        """:meth:`add_entity` with the further LOCATIONENTITY fields as one mapping."""
        company = self.company(company_id)
        if not company.mega:
            raise AdminError(
                f"Company '{company_id}' is single-entity; create it with mega=True to add "
                "entities."
            )
        if not location_id or not name:
            raise AdminError("An entity needs an ID (location_id) and a name.")
        clash = sorted(
            key
            for key in fields
            if str(key).strip().upper() in ("LOCATIONID", "LOCATION_ID", "NAME")
        )
        if clash:
            raise AdminError(
                f"Entity field(s) {', '.join(clash)}: give the entity's ID and name as "
                "location_id and name, not as further fields."
            )
        done = self.seed_many(
            company_id,
            [
                ("LOCATIONENTITY", [{**fields, "LOCATIONID": location_id, "NAME": name}]),
                ("LOCATION", [{"LOCATIONID": location_id, "NAME": name}]),
            ],
        )
        return done["LOCATIONENTITY"][0]

    # --- web services users -------------------------------------------------------------------

    def _user_attributes(self, company: Company, attributes: Mapping[str, Any]) -> dict[str, Any]:
        """Check and normalise user attributes; raises before anything is changed."""
        unknown = set(attributes) - set(USER_ATTRIBUTES)
        if unknown:
            raise AdminError(
                f"Unknown user attribute(s): {', '.join(sorted(unknown))}; known: "
                f"{', '.join(USER_ATTRIBUTES)}, password."
            )
        clean: dict[str, Any] = {}
        for key, value in attributes.items():
            if key == "user_type":
                clean[key] = _choice(value, USER_TYPES, "user_type")
            elif key == "admin":
                clean[key] = _choice(value, ADMIN_PRIVILEGES, "admin")
            elif key == "status":
                clean[key] = _choice(value, STATUSES, "status")
            elif key in ("roles", "entity_access"):
                clean[key] = _texts(value, key)
            elif key == "top_level_access":
                if not isinstance(value, bool):
                    raise AdminError(f"top_level_access must be true or false; got {value!r}.")
                clean[key] = value
            else:
                if not isinstance(value, str):
                    raise AdminError(f"{key} must be a string; got {value!r}.")
                clean[key] = value
        access = clean.get("entity_access", ())
        if access:
            if not company.mega:
                raise AdminError(
                    f"entity_access needs a multi-entity (MEGA) company; '{company.company_id}' "
                    "is single-entity."
                )
            known = _entity_table(company).by_id
            missing = [entity for entity in access if entity not in known]
            if missing:
                raise AdminNotFound(
                    f"Entity {', '.join(missing)} does not exist in company "
                    f"'{company.company_id}'; add it first."
                )
        return clean

    def add_user(
        self,
        company_id: str,
        user_id: str,
        password: str,
        *,
        replace: bool = True,
        **attributes: Any,
    ) -> WebServicesUser:
        """Add a Web Services user (seed guide defaults: Business, Full, Active, Admin role,
        top-level access). With ``replace=False`` an existing user is an AdminConflict."""
        company = self.company(company_id)
        if not user_id or not password:
            raise AdminError("A web services user needs a user ID and a password.")
        clean = self._user_attributes(company, attributes)
        with self.backend.lock:
            if not replace and user_id in company.users:
                raise AdminConflict(f"User '{user_id}' already exists in company '{company_id}'.")
            user = WebServicesUser(user_id, hash_secret(password), **clean)
            company.users[user_id] = user
            return user

    def update_user(self, company_id: str, user_id: str, **attributes: Any) -> WebServicesUser:
        company = self.company(company_id)
        user = company.users.get(user_id)
        if user is None:
            raise AdminNotFound(f"User '{user_id}' does not exist in company '{company_id}'.")
        changes = dict(attributes)
        password = changes.pop("password", None)
        if password is not None and (not isinstance(password, str) or not password):
            raise AdminError("A password must be a non-empty string.")
        clean = self._user_attributes(company, changes)
        with self.backend.lock:
            if password is not None:
                user.password_hash = hash_secret(password)
            for key, value in clean.items():
                setattr(user, key, value)
            return user

    # --- Web Services authorizations ------------------------------------------------------------

    def authorize_sender(self, company_id: str, sender_id: str, *, status: str = "active") -> None:
        if not sender_id:
            raise AdminError("An authorization needs a sender ID.")
        if status not in ("active", "inactive"):
            raise AdminError("An authorization status is 'active' or 'inactive'.")
        with self.backend.lock:
            self.company(company_id).authorizations[sender_id] = status  # type: ignore[assignment]

    def revoke_sender(self, company_id: str, sender_id: str) -> bool:
        """Remove a sender from the authorization list; ``False`` if it was not on it."""
        with self.backend.lock:
            return self.company(company_id).authorizations.pop(sender_id, None) is not None

    # --- asynchronous transport policies ------------------------------------------------------

    def add_policy(self, policy_id: str, sender_id: str, response_url: str) -> TransportPolicy:
        """Set up an asynchronous transport policy (done by Sage support in Intacct): the
        responses of ``sender_id``'s requests that name ``policy_id`` are POSTed to
        ``response_url``. An existing policy of that ID is replaced. Saved in the state file.
        """
        from intacct_bridge.sandbox.asyncrequests import TransportPolicy

        if not isinstance(policy_id, str) or not policy_id.strip() or len(policy_id) > 40:
            raise AdminError("A policy ID is 1 to 40 characters.")
        if policy_id != policy_id.strip():
            raise AdminError("A policy ID must not start or end with spaces.")
        if not response_url.startswith(("http://", "https://")) or len(response_url) > 256:
            raise AdminError("The response URL must be an http(s) URL of at most 256 characters.")
        rules = self.backend.settings.callbacks
        refusal = rules.refusal(response_url) if rules is not None else None
        if refusal is not None:
            raise AdminError(f"The response URL is not allowed. {refusal}")
        with self.backend.lock:
            if sender_id not in self.backend.senders:
                raise AdminNotFound(f"Sender '{sender_id}' does not exist.")
            policy = TransportPolicy(policy_id, sender_id, response_url)
            self.backend.policies[policy_id] = policy
            return policy

    def policies(self) -> list[dict[str, str]]:
        """The transport policies, by policy ID (passwords in response URLs masked)."""
        from intacct_bridge.sandbox.callbacks import masked

        with self.backend.lock:
            return [
                {
                    "policy_id": policy.policy_id,
                    "sender_id": policy.sender_id,
                    "response_url": masked(policy.response_url),
                }
                for _, policy in sorted(self.backend.policies.items())
            ]

    def async_deliveries(self, *, wait: float = 0.0) -> list[dict[str, Any]]:
        """The log of asynchronous requests and the posting of their responses."""
        runner = self.backend.existing_async_runner()
        if runner is None:
            return []
        if wait > 0:
            runner.wait_idle(wait)
        return [delivery.as_dict() for delivery in runner.log]

    def import_package(self, company_id: str, data: bytes) -> list[str]:
        """Platform services > Custom packages > Import: install a ``customErpPackage``.

        Returns the smart link IDs installed. An invalid package is refused with the
        reason and changes nothing.
        """
        from intacct_bridge.sandbox.packages import PackageError, parse_package
        from intacct_bridge.sandbox.smartevents import install_packages

        company = self.company(company_id)
        try:
            packages = parse_package(data)
            _check_custom_fields(packages)
            rules = self.backend.settings.callbacks
            links = [link for package in packages for link in package.smart_links]
            for link in links:
                refusal = rules.template_refusal(link.target) if rules is not None else None
                if link.action == "http" and refusal is not None:
                    raise AdminError(
                        f"The package was not imported: smart link {link.smart_link_id} "
                        f"calls a URL the sandbox may not call. {refusal}"
                    )
            with self.backend.lock:
                return install_packages(company, packages)
        except PackageError as exc:
            raise AdminError(f"The package was not imported: {exc}") from None

    def packages(self, company_id: str) -> list[dict[str, Any]]:
        company = self.company(company_id)
        return [
            {
                "name": package.name,
                "description": package.description,
                "author": package.author,
                "smart_links": [
                    {
                        "id": link.smart_link_id,
                        "type": link.type,
                        "owner_object": link.owner_object,
                        "events": list(link.events),
                        "target": link.target,
                        "active": link.active,
                    }
                    for link in package.smart_links
                ],
            }
            for package in company.platform.packages.values()
        ]

    def deliveries(self, company_id: str, *, wait: float = 0.0) -> list[dict[str, Any]]:
        """The Smart Event delivery log of a company, oldest first.

        With ``wait`` > 0, first waits up to that many seconds for queued deliveries.
        """
        company = self.company(company_id)
        if wait > 0:
            self.backend.dispatcher().wait_idle(wait)
        with self.backend.lock:
            return [delivery.as_dict() for delivery in company.platform.deliveries]

    # --- user-defined dimensions --------------------------------------------------------------

    def add_dimension(
        self, company_id: str, name: str, label: str, *, replace: bool = True
    ) -> None:
        """Define a user-defined dimension (a Platform custom object flagged as GL dimension)."""
        key = name.strip().upper()
        if not key.isidentifier() or not key.isascii() or objects.get(key) is not None:
            raise AdminError(
                f"'{name}' cannot be a user-defined dimension name; use letters, digits and "
                "underscores, not the name of a standard object."
            )
        if not label.strip():
            raise AdminError("A user-defined dimension needs a label.")
        with self.backend.lock:
            company = self.company(company_id)
            if not replace and key in company.udds:
                raise AdminConflict(f"Dimension '{key}' already exists in company '{company_id}'.")
            if key in company.custom_objects:
                raise AdminConflict(
                    f"'{key}' is already a custom object of company '{company_id}'; choose "
                    "another dimension name."
                )
            company.udds[key] = label.strip()

    # --- Platform custom objects --------------------------------------------------------------

    def define_custom_object(
        self,
        company_id: str,
        name: str,
        label: str,
        fields: Iterable[CustomField | Mapping[str, Any]] = (),
    ) -> CustomObject:
        """Platform Services > Objects > New: define a custom object.

        ``fields`` are mappings with ``name``, ``type`` (text, number, decimal, date, boolean,
        picklist), optional ``label``, ``length`` (text), ``required`` and ``values``
        (picklist). Every object also has ``id`` (the record number) and ``name`` (required,
        the readByName key). Records are then created through the API (generic create) or
        :meth:`seed`. The name must be free: not a standard object, a user-defined dimension
        or another custom object of the company.
        """
        try:
            definition = custom.build(name, label, fields)
        except custom.CustomObjectError as exc:
            raise AdminError(str(exc)) from None
        with self.backend.lock:
            company = self.company(company_id)
            taken = objects.name_in_use(company, definition.name)
            if taken is not None:
                error = AdminError if definition.name in objects.registry else AdminConflict
                raise error(
                    f"'{definition.name.lower()}' is already {taken} in company "
                    f"'{company_id}'; choose another integration name."
                )
            company.custom_objects[definition.name] = definition
            return definition

    def custom_objects(self, company_id: str) -> list[dict[str, Any]]:
        """The custom objects of a company (definitions and record counts), by name."""
        with self.backend.lock:
            company = self.company(company_id)
            return [
                {**definition.as_dict(), "records": _count(company, name)}
                for name, definition in sorted(company.custom_objects.items())
            ]

    # --- records ------------------------------------------------------------------------------

    def _context(self, company: Company, entity: str = "") -> Context:
        admin = WebServicesUser("sandbox-admin", "", admin="full")
        return Context(
            self.backend, company, admin, entity, "sandbox-admin", "", objects.registry.get
        )

    def _check_entity(self, company: Company, entity: str) -> None:
        if not entity:
            return
        if not company.mega:
            raise AdminError(
                f"Company '{company.company_id}' is single-entity; records cannot be created "
                f"in entity '{entity}'."
            )
        if entity not in _entity_table(company).by_id:
            raise AdminNotFound(
                f"Entity '{entity}' does not exist in company '{company.company_id}'."
            )

    def seed(
        self,
        company_id: str,
        object_name: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        entity: str = "",
    ) -> list[Record]:
        """Create records as the administrator would, with the API's validation.

        Rows are flat mappings of field path to value (``{"ACCOUNTNO": "1000", …}``), or
        nested mappings for groups (``{"DISPLAYCONTACT": {"EMAIL1": …}}``); read-only
        objects such as TAXDETAIL and LOCATIONENTITY can be seeded too. All rows are
        created, or none.
        """
        company = self.company(company_id)
        otype = objects.resolve(company, object_name)
        if otype is None:
            raise AdminNotFound(
                f"Object '{object_name}' does not exist in company '{company_id}' "
                "(unknown, or its module is off)."
            )
        self._check_entity(company, entity)
        ctx = self._context(company, entity)
        created: list[Record] = []
        number = 0
        with self.backend.lock:
            duplicate = False
            try:
                with company.data.atomic():
                    for number, row in enumerate(rows, start=1):
                        if not isinstance(row, Mapping):
                            raise AdminError(
                                f"{otype.name} row {number}: a row must be an object of "
                                "field names and values."
                            )
                        values = self._values(otype.name, row, number, ctx)
                        try:
                            created.append(insert_record(ctx, otype, values, {}))
                        except errors.FunctionError:
                            # The write path refuses an ID that is taken before any other
                            # check; tell that conflict from a validation failure by the
                            # table itself, not by the (generic) error number.
                            id_value = values.get(otype.id_field, "") if otype.id_field else ""
                            table = company.data.tables.get(otype.name)
                            duplicate = (
                                bool(id_value) and table is not None and (id_value in table.by_id)
                            )
                            raise
            except errors.FunctionError as exc:
                message = f"{otype.name} row {number}: {_detail_text(exc)}"
                if duplicate:
                    raise AdminConflict(message) from None
                raise AdminInvalid(
                    message,
                    [
                        {
                            "errorno": detail.errorno,
                            "description2": detail.description2 or detail.description,
                            "correction": detail.correction,
                        }
                        for detail in exc.details
                    ],
                ) from None
        return created

    def seed_many(
        self,
        company_id: str,
        batches: Iterable[tuple[str, Iterable[Mapping[str, Any]]]],
        *,
        entity: str = "",
    ) -> dict[str, list[Record]]:
        """Seed several objects in order, all or nothing."""
        company = self.company(company_id)
        done: dict[str, list[Record]] = {}
        with self.backend.lock, company.data.atomic():
            for object_name, rows in batches:
                made = self.seed(company_id, object_name, rows, entity=entity)
                done.setdefault(object_name.upper(), []).extend(made)
        return done

    def _values(
        self, object_name: str, row: Mapping[str, Any], number: int, ctx: Context
    ) -> dict[str, str]:
        otype = objects.resolve(ctx.company, object_name)
        assert otype is not None
        values: dict[str, str] = {}

        def take(prefix: str, mapping: Mapping[str, Any]) -> None:
            if prefix.count(".") > 5:
                raise AdminError(f"{object_name} row {number}: '{prefix}…' is nested too deeply.")
            for key, raw in mapping.items():
                if not isinstance(key, str) or not key.strip():
                    raise AdminError(f"{object_name} row {number}: field names must be text.")
                path = prefix + key.strip().upper()
                if isinstance(raw, Mapping):
                    take(path + ".", raw)
                    continue
                spec = otype.field(path)
                if spec is None or (spec.module and spec.module not in ctx.modules):
                    raise AdminError(f"{object_name} row {number}: unknown field '{path}'.")
                if raw is None or spec.readonly:
                    continue
                if isinstance(raw, bool):
                    text = "true" if raw else "false"
                elif isinstance(raw, str | int | float):
                    text = str(raw)
                else:
                    raise AdminError(
                        f"{object_name} row {number}: the value of {path} must be text, a "
                        f"number or true/false; got {type(raw).__name__}."
                    )
                try:
                    values[path] = normalise(spec, text)
                except ValueProblem as problem:
                    raise AdminError(f"{object_name} row {number}: {problem}") from None

        take("", row)
        return values

    def set_status(self, company_id: str, object_name: str, id_value: str, status: str) -> None:
        company = self.company(company_id)
        otype = objects.resolve(company, object_name)
        if otype is None:
            raise AdminNotFound(f"Unknown object '{object_name}'.")
        table = company.data.table(otype.name)
        number = table.by_id.get(id_value)
        if number is None:
            raise AdminNotFound(f"{object_name} '{id_value}' does not exist.")
        with self.backend.lock:
            try:
                with company.data.atomic():
                    update_record(
                        self._context(company), otype, table.records[number], {"STATUS": status}, {}
                    )
            except errors.FunctionError as exc:
                raise AdminError(f"{otype.name} '{id_value}': {_detail_text(exc)}") from None

    def records(
        self, company_id: str, object_name: str, *, entity: str = ""
    ) -> list[dict[str, Any]]:
        """The stored records of one object (as an entity session would see them)."""
        company = self.company(company_id)
        otype = objects.resolve(company, object_name)
        if otype is None:
            raise AdminNotFound(
                f"Object '{object_name}' does not exist in company '{company_id}' "
                "(unknown, or its module is off)."
            )
        self._check_entity(company, entity)
        ctx = self._context(company, entity)
        with self.backend.lock:
            table = company.data.tables.get(otype.name) or Table()
            rows: list[dict[str, Any]] = []
            for record in table.records.values():
                if not visible(ctx, record):
                    continue
                row: dict[str, Any] = {**record.values, **system_values(ctx, otype, record)}
                if record.lines:
                    row["lines"] = {name: list(items) for name, items in record.lines.items()}
                rows.append(row)
            return rows

    # --- books: closed periods, inter-entity balancing, GL balances ----------------------------

    def close_period(
        self,
        company_id: str,
        *,
        through: date | str,
        module: str | None = None,
        entity: str | None = None,
    ) -> dict[str, Any]:
        """Close the books through ``through`` (a date or ``MM/DD/YYYY``): transactions dated
        on or before it can no longer be added, changed or deleted. Never reopens.

        Without ``module`` every module closes (the whole company). With ``module`` (``gl``,
        ``ap``, ``ar``, ``cm`` …) only that one — closing ``gl`` closes its subledgers too —
        and with ``entity`` (MEGA) only for that entity."""
        company = self.company(company_id)
        day = _day(through, "through")
        key_module, key_entity = self._close_target(company, module, entity)
        with self.backend.lock:
            if key_module is None:
                company.books.close_through(day)
            else:
                company.books.close_module(key_module, key_entity, day)
            return company.books.describe_settings() if key_module else company.books.describe()

    def open_period(
        self,
        company_id: str,
        *,
        from_date: date | str | None = None,
        module: str | None = None,
        entity: str | None = None,
    ) -> dict[str, Any]:
        """Reopen the periods from ``from_date`` on (``None``: reopen every period) — of the
        whole company, or of one ``module`` (and ``entity``) closed with
        :meth:`close_period`."""
        company = self.company(company_id)
        day = _day(from_date, "from") if from_date is not None else None
        key_module, key_entity = self._close_target(company, module, entity)
        with self.backend.lock:
            if key_module is None:
                company.books.reopen_from(day)
            else:
                company.books.reopen_module(key_module, key_entity, day)
            return company.books.describe_settings() if key_module else company.books.describe()

    @staticmethod
    def _close_target(
        company: Company, module: str | None, entity: str | None
    ) -> tuple[str | None, str]:
        from intacct_bridge.sandbox.periods import CLOSABLE_MODULES

        if module is None:
            if entity is not None:
                raise AdminError("Name the module to close for an entity (e.g. module='gl').")
            return None, ""
        name = _text(module).strip().lower()
        if name not in CLOSABLE_MODULES:
            raise AdminError(
                f"Cannot close module {module!r}; use one of {', '.join(CLOSABLE_MODULES)}."
            )
        if entity is None:
            return name, ""
        entity_id = _text(entity).strip()
        if entity_id not in _entity_table(company).by_id:
            raise AdminNotFound(
                f"Company '{company.company_id}' has no entity '{entity_id}'; add it first."
            )
        return name, entity_id

    # --- currencies -------------------------------------------------------------------------

    def set_base_currency(self, company_id: str, currency: str) -> dict[str, Any]:
        """The company's base currency (every entity without its own ``CURRENCY``). Refused
        once the company has posted to its ledger (Intacct fixes it at setup)."""
        company = self.company(company_id)
        code = _currency(currency, "currency")
        with self.backend.lock:
            posted = company.data.tables.get("GLDETAIL")
            if posted is not None and posted.records and code != company.books.base_currency:
                raise AdminConflict(
                    f"Company '{company_id}' has posted transactions in "
                    f"{company.books.base_currency}; its base currency cannot change."
                )
            company.books.base_currency = code
            return company.books.describe_settings()

    def add_exchange_rate(
        self,
        company_id: str,
        *,
        from_currency: str,
        to_currency: str,
        rate: str | int | Decimal,
        effective: date | str,
        rate_type: str = "Intacct Daily Rate",
    ) -> dict[str, Any]:
        """1 ``from_currency`` = ``rate`` ``to_currency`` from ``effective`` on, for
        ``rate_type``. A rate of the same type, pair and day replaces the earlier one."""
        from intacct_bridge.sandbox.periods import ExchangeRate

        company = self.company(company_id)
        source = _currency(from_currency, "from_currency")
        target = _currency(to_currency, "to_currency")
        if source == target:
            raise AdminError("An exchange rate needs two different currencies.")
        if isinstance(rate, bool) or not isinstance(rate, (str, int, Decimal)):
            raise AdminError(f"rate must be a decimal number (as text); got {rate!r}.")
        try:
            value = Decimal(str(rate).strip())
        except InvalidOperation:
            raise AdminError(f"rate must be a decimal number; got {rate!r}.") from None
        if not value.is_finite() or value <= 0 or value.adjusted() > 12 or value.adjusted() < -10:
            raise AdminError(f"rate must be more than zero and sensible; got {rate!r}.")
        kind = _text(rate_type).strip()
        if not kind or len(kind) > 40:
            raise AdminError("rate_type must be 1 to 40 characters.")
        day = _day(effective, "effective")
        with self.backend.lock:
            rates = company.books.rates
            rates[:] = [
                r
                for r in rates
                if (r.rate_type, r.from_currency, r.to_currency, r.effective)
                != (kind, source, target, day)
            ]
            rates.append(ExchangeRate(kind, source, target, day, f"{value.normalize():f}"))
            return company.books.describe_settings()

    def set_currency_accounts(
        self, company_id: str, *, ap: str | None = None, ar: str | None = None
    ) -> dict[str, Any]:
        """The realised exchange gain/loss account of AP and/or AR (Intacct's
        *Multi-currency gain and losses* account); ``""`` unsets it."""
        company = self.company(company_id)
        wanted = {module: value for module, value in (("ap", ap), ("ar", ar)) if value is not None}
        accounts = company.data.tables.get("GLACCOUNT")
        for module, value in wanted.items():
            account = _text(value).strip()
            if account and (accounts is None or account not in accounts.by_id):
                raise AdminNotFound(
                    f"Company '{company_id}' has no GL account '{account}' for the {module} "
                    "exchange gain/loss; seed it first."
                )
            wanted[module] = account
        with self.backend.lock:
            for module, account in wanted.items():
                if account:
                    company.books.fx_accounts[module] = account
                else:
                    company.books.fx_accounts.pop(module, None)
            return company.books.describe_settings()

    # --- automatic numbering, AR defaults -----------------------------------------------------

    def set_id_numbering(
        self,
        company_id: str,
        object_name: str,
        *,
        enabled: bool = True,
        prefix: str = "",
        width: int = 0,
        next_number: int | None = None,
    ) -> dict[str, Any]:
        """Number the IDs of ``object_name`` (VENDOR, CUSTOMER, EMPLOYEE or PROJECT)
        automatically: a create without the ID gets ``prefix`` + the next number, padded to
        ``width`` digits; ``next_number`` restarts the sequence. ``enabled=False`` stops it
        (IDs must be given again)."""
        from intacct_bridge.sandbox.periods import NUMBERED_OBJECTS, IdNumbering

        company = self.company(company_id)
        upper = object_name.strip().upper() if isinstance(object_name, str) else object_name
        name = _choice(upper, NUMBERED_OBJECTS, "object")
        if not isinstance(enabled, bool):
            raise AdminError(f"enabled must be true or false; got {enabled!r}.")
        text = prefix if isinstance(prefix, str) else "\0"
        if len(text) > 10 or any(not (c.isalnum() or c in "-_/.") for c in text):
            raise AdminError(
                f"prefix must be at most 10 letters, digits or - _ / . ; got {prefix!r}."
            )
        for value, what, top in ((width, "width", 12), (next_number, "next_number", 10**12)):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
                raise AdminError(f"{what} must be a whole number from 0 to {top}; got {value!r}.")
        if next_number == 0:
            raise AdminError("next_number must be at least 1.")
        key = f"ID:{name}"
        with self.backend.lock:
            books = company.books
            if not enabled:
                books.id_numbering.pop(name, None)
            else:
                books.id_numbering[name] = IdNumbering(text, width)
            if next_number is not None:
                books.sequences[key] = next_number - 1
            return books.describe_settings()

    def set_undeposited_account(self, company_id: str, account: str | None) -> dict[str, Any]:
        """The default undeposited funds account of AR receipts and advances that name
        neither FINANCIALENTITY nor UNDEPOSITEDACCOUNTNO (``None`` or ``""``: no default)."""
        company = self.company(company_id)
        chosen = _text(account).strip() if account is not None else ""
        if chosen:
            accounts = company.data.tables.get("GLACCOUNT")
            if accounts is None or chosen not in accounts.by_id:
                raise AdminNotFound(
                    f"Company '{company_id}' has no GL account '{chosen}'; seed it first."
                )
        with self.backend.lock:
            company.books.undeposited_account = chosen
            return company.books.describe_settings()

    # --- AP settings, inter-entity ------------------------------------------------------------

    def set_duplicate_bills(self, company_id: str, policy: str) -> dict[str, Any]:
        """What AP does with a bill number the vendor already used: ``allow`` (Intacct's
        default), ``warn`` (accepted — the XML API carries no warnings) or ``refuse``."""
        from intacct_bridge.sandbox.periods import DUPLICATE_POLICIES

        company = self.company(company_id)
        chosen = _choice(policy, DUPLICATE_POLICIES, "policy")
        with self.backend.lock:
            company.books.duplicate_bills = chosen
            return company.books.describe_settings()

    def set_interentity_accounts(
        self,
        company_id: str,
        *,
        due_from: str,
        due_to: str,
        entity: str | None = None,
        other: str | None = None,
    ) -> dict[str, Any]:
        """MEGA: the inter-entity relationship accounts. ``entity``'s *due from* ``other``
        (an asset) and *due to* ``other`` (a liability) accounts; without ``entity`` and
        ``other`` the accounts of every pair. Also allows inter-entity entries
        (:meth:`set_interentity`)."""
        company = self.company(company_id)
        if not company.mega:
            raise AdminError(
                f"Company '{company_id}' is single-entity; inter-entity accounts need a "
                "multi-entity (MEGA) company."
            )
        if (entity is None) != (other is None):
            raise AdminError("Give both entity and other, or neither (every pair).")
        entities = _entity_table(company).by_id
        key = "*"
        if entity is not None and other is not None:
            first, second = _text(entity).strip(), _text(other).strip()
            for name in (first, second):
                if name not in entities:
                    raise AdminNotFound(f"Company '{company_id}' has no entity '{name}'.")
            if first == second:
                raise AdminError("An inter-entity relationship needs two different entities.")
            key = f"{first}>{second}"
        accounts = company.data.tables.get("GLACCOUNT")
        chosen = [_text(due_from).strip(), _text(due_to).strip()]
        for account in chosen:
            if accounts is None or account not in accounts.by_id:
                raise AdminNotFound(
                    f"Company '{company_id}' has no GL account '{account}'; seed it first."
                )
        with self.backend.lock:
            company.books.ie_accounts[key] = chosen
            company.books.interentity = True
            return company.books.describe_settings()

    # --- tax -------------------------------------------------------------------------------------

    def add_tax_solution(
        self,
        company_id: str,
        solution_id: str,
        *,
        purchase_account: str,
        sale_account: str,
        method: str = "VAT",
        description: str = "",
    ) -> Record:
        """A VAT/GST tax solution with its default purchase (input) and sales (output) tax
        accounts; its details are added with :meth:`add_tax_detail`."""
        row = {
            "TAXSOLUTIONID": solution_id,
            "DESCRIPTION": description or solution_id,
            "TAXMETHOD": method,
            "GLACCOUNTPURCHASE": purchase_account,
            "GLACCOUNTSALE": sale_account,
            "STATUS": "active",
        }
        return self.seed(company_id, "TAXSOLUTION", [row])[0]

    def add_tax_detail(
        self,
        company_id: str,
        detail_id: str,
        *,
        tax_type: str,
        percent: str | int | Decimal,
        account: str,
        solution: str | None = None,
        reverse_charge: bool = False,
        description: str = "",
    ) -> Record:
        """A tax detail: ``tax_type`` ``S`` (sales) or ``P`` (purchase), its rate in percent
        and GL account; ``solution`` for a VAT/GST company (none for US sales tax);
        ``reverse_charge`` for purchases only."""
        kinds = {"S": "Sale", "P": "Purchase", "Sale": "Sale", "Purchase": "Purchase"}
        if tax_type not in kinds:
            raise AdminError(f"tax_type must be S (sales) or P (purchase); got {tax_type!r}.")
        if reverse_charge and kinds[tax_type] != "Purchase":
            raise AdminError("Reverse charge applies to purchase (P) tax details only.")
        if isinstance(percent, bool) or not isinstance(percent, (str, int, Decimal)):
            raise AdminError(f"percent must be a number; got {percent!r}.")
        row: dict[str, Any] = {
            "DETAILID": detail_id,
            "DESCRIPTION": description or detail_id,
            "TAXTYPE": kinds[tax_type],
            "VALUE": str(percent),
            "GLACCOUNT": account,
            "REVERSECHARGE": reverse_charge,
            "STATUS": "active",
        }
        if solution:
            row["TAXSOLUTIONID"] = solution
        return self.seed(company_id, "TAXDETAIL", [row])[0]

    # --- approvals -----------------------------------------------------------------------------

    def set_approvals(
        self,
        company_id: str,
        *,
        journal_entries: bool | None = None,
        bills: bool | None = None,
    ) -> dict[str, Any]:
        """Require approval of new journal entries and/or bills (they wait as Submitted);
        ``False`` stops requiring it (entries already submitted still wait)."""
        company = self.company(company_id)
        wanted = {"GLBATCH": journal_entries, "APBILL": bills}
        for name, flag in wanted.items():
            if flag is not None and not isinstance(flag, bool):
                raise AdminError(f"The approval flag for {name} must be true or false.")
        with self.backend.lock:
            current = company.books.approvals
            for name, flag in wanted.items():
                if flag and name not in current:
                    current.append(name)
                elif flag is False and name in current:
                    current.remove(name)
            return company.books.describe_settings()

    def approve(self, company_id: str, object_name: str, recordno: int) -> dict[str, Any]:
        """Approve a Submitted journal entry (``GLBATCH``) or bill (``APBILL``): it is posted
        to the GL on its own date. Returns the record's values."""
        return self._decide(company_id, object_name, recordno, approve=True)

    def decline(self, company_id: str, object_name: str, recordno: int) -> dict[str, Any]:
        """Decline a Submitted journal entry or bill: Declined, nothing posted."""
        return self._decide(company_id, object_name, recordno, approve=False)

    def _decide(
        self, company_id: str, object_name: str, recordno: int, *, approve: bool
    ) -> dict[str, Any]:
        from intacct_bridge.sandbox.objects import approvals

        company = self.company(company_id)
        name = _text(object_name).strip().upper()
        if name not in approvals.APPROVABLE:
            raise AdminError(
                f"Only {', '.join(approvals.APPROVABLE)} entries go through approval; "
                f"got {object_name!r}."
            )
        if isinstance(recordno, bool) or not isinstance(recordno, int):
            raise AdminError(f"recordno must be a whole number; got {recordno!r}.")
        ctx = self._context(company)
        with self.backend.lock:
            try:
                with company.data.atomic():
                    record = approvals.decide(ctx, name, recordno, approve=approve)
            except errors.FunctionError as exc:
                raise AdminError(_detail_text(exc)) from None
            visible_values = {k: v for k, v in record.values.items() if not k.startswith("_")}
            return {"RECORDNO": record.recordno, **visible_values}

    def accounting(self, company_id: str) -> dict[str, Any]:
        """Every accounting setting of a company (closes, currencies, AP, inter-entity)."""
        company = self.company(company_id)
        with self.backend.lock:
            return company.books.describe_settings()

    def set_interentity(self, company_id: str, allowed: bool) -> dict[str, Any]:
        """MEGA: with inter-entity relationships, a journal entry may be unbalanced by entity
        when it names its BASELOCATION_NO."""
        company = self.company(company_id)
        if not isinstance(allowed, bool):
            raise AdminError(f"allowed must be true or false; got {allowed!r}.")
        if allowed and not company.mega:
            raise AdminError(
                f"Company '{company_id}' is single-entity; inter-entity balancing needs a "
                "multi-entity (MEGA) company."
            )
        with self.backend.lock:
            company.books.interentity = allowed
            return company.books.describe()

    def books(self, company_id: str) -> dict[str, Any]:
        company = self.company(company_id)
        with self.backend.lock:
            return company.books.describe()

    def balances(
        self,
        company_id: str,
        period: str | tuple[date, date] | None = None,
        *,
        by: Iterable[str] = ("ACCOUNTNO",),
        entity: str | None = None,
    ) -> list[dict[str, Any]]:
        """Posted GL activity for reconciliation: debits, credits and net per group.

        ``period`` is ``MM/YYYY`` (a month), a ``(start, end)`` pair of dates, or ``None``
        (all time); ``by`` names the grouping fields (``ACCOUNTNO``, ``ENTITY``,
        ``LOCATIONID``, ``DEPARTMENTID``, ``CUSTOMERID``, ``VENDORID`` … ``JOURNAL``,
        ``RECORDTYPE``); ``entity`` keeps one entity's lines.
        """
        from intacct_bridge.sandbox import ledger

        company = self.company(company_id)
        fields = [_text(name).strip().upper() for name in by]
        unknown = sorted(set(fields) - ledger.GROUPABLE)
        if not fields or unknown:
            raise AdminError(
                f"Cannot group balances by {', '.join(unknown) or 'nothing'}; use one or more "
                f"of {', '.join(sorted(ledger.GROUPABLE))}."
            )
        try:
            start, end = ledger.period_bounds(period)
        except ValueError as exc:
            raise AdminError(str(exc)) from None
        with self.backend.lock:
            found = ledger.balances(company, start, end, fields, entity=entity)
            return [balance.as_dict() for balance in found]

    # --- the clock and API sessions (for tests of clients) -------------------------------------

    def clock(self) -> dict[str, Any]:
        """The sandbox's time and how far it is ahead of the real clock."""
        with self.backend.lock:
            clock = self.backend.clock
            offset = clock.offset if isinstance(clock, ShiftedClock) else timedelta(0)
            return {
                "now": self.backend.now().isoformat(),
                "offset_seconds": offset.total_seconds(),
            }

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move the sandbox's clock forward by ``seconds``: sessions and read cursors expire,
        and ``WHENCREATED``/``WHENMODIFIED`` stamps move with it. Kept until reset (not
        saved in the state file)."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise AdminError(f"seconds must be a number; got {seconds!r}.")
        if not 0 < seconds <= MAX_CLOCK_STEP:
            raise AdminError(
                f"seconds must be more than 0 and at most {MAX_CLOCK_STEP} (10 years); "
                f"got {seconds!r}. The clock only moves forward; reset it to go back."
            )
        step = timedelta(seconds=seconds)
        with self.backend.lock:
            clock = self.backend.clock
            offset = (clock.offset if isinstance(clock, ShiftedClock) else timedelta(0)) + step
            if offset > MAX_CLOCK_OFFSET:
                raise AdminError(
                    f"The clock would be more than {MAX_CLOCK_OFFSET.days} days ahead of the "
                    "real time; reset it first (POST /sandbox/admin/clock/reset)."
                )
            if isinstance(clock, ShiftedClock):
                clock.offset = offset
            else:
                self.backend.clock = ShiftedClock(clock, offset)
            return self.clock()

    def reset_clock(self) -> dict[str, Any]:
        """Back to the real time (sessions opened in the future keep their expiry)."""
        with self.backend.lock:
            clock = self.backend.clock
            if isinstance(clock, ShiftedClock):
                self.backend.clock = clock.base
            return self.clock()

    def expire_sessions(
        self,
        *,
        session_id: str | None = None,
        company_id: str | None = None,
        user_id: str | None = None,
    ) -> int:
        """End API sessions as a timeout would: one by its ID, or every session of a company
        (or of one user of it). Returns how many ended; the next call with such a session
        gets Intacct's invalid-session error."""
        if session_id is None and company_id is None:
            raise AdminError("Name a session_id, or a company_id (and optionally a user_id).")
        if user_id is not None and company_id is None:
            raise AdminError("user_id needs company_id: user IDs are per company.")
        with self.backend.lock:
            if company_id is not None:
                company = self.company(company_id)
                if user_id is not None and user_id not in company.users:
                    raise AdminNotFound(
                        f"User '{user_id}' does not exist in company '{company_id}'."
                    )
            sessions = self.backend.sessions
            if session_id is not None:
                session = sessions.get(session_id)
                if session is None or (company_id is not None and session.company_id != company_id):
                    raise AdminNotFound("No live session has that session ID.")
                if user_id is not None and session.user_id != user_id:
                    raise AdminNotFound("No live session has that session ID.")
                del sessions[session_id]
                return 1
            doomed = [
                key
                for key, session in sessions.items()
                if session.company_id == company_id
                and (user_id is None or session.user_id == user_id)
            ]
            for key in doomed:
                del sessions[key]
            return len(doomed)

    # --- whole-state operations ---------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything, and put the clock back to the real time."""
        with self.backend.lock:
            self.backend.reset()
            self.reset_clock()

    def describe_company(self, company: Company) -> dict[str, Any]:
        """A JSON-able view of one company (no secrets)."""
        with self.backend.lock:
            return self._describe_company(company)

    def _describe_company(self, company: Company) -> dict[str, Any]:
        return {
            "company_id": company.company_id,
            "name": company.name,
            "mega": company.mega,
            "modules": sorted(company.modules),
            "session_timeout": company.session_timeout,
            "entities": [
                {
                    "location_id": record.values.get("LOCATIONID", ""),
                    "name": record.values.get("NAME", ""),
                }
                for record in _entity_table(company).records.values()
            ],
            "authorized_senders": dict(sorted(company.authorizations.items())),
            "users": [describe_user(u) for u in company.users.values()],
            "dimensions": dict(sorted(company.udds.items())),
            "custom_objects": {
                name.lower(): definition.label
                for name, definition in sorted(company.custom_objects.items())
            },
            "books": company.books.describe(),
            "records": {
                name: len(table.records)
                for name, table in sorted(company.data.tables.items())
                if table.records
            },
        }

    def describe(self) -> dict[str, Any]:
        """A JSON-able summary of the state (no secrets)."""
        with self.backend.lock:
            return {
                "senders": [
                    {"sender_id": s.sender_id, "status": s.status}
                    for s in self.backend.senders.values()
                ],
                "companies": [self.describe_company(c) for c in self.backend.companies.values()],
                "policies": self.policies(),
                "sessions": len(self.backend.sessions),
            }
