"""Administration: what an Intacct administrator does by hand, as a Python API.

Everything the seed guide does in Intacct's screens can be scripted here — and through
the admin HTTP API (:mod:`intacct_bridge.sandbox.admin_api`) and the CLI
(``intacct-bridge sandbox …``), which both call this module:

* create a sender ID (``XT_mfg``) and a company (single-entity or MEGA, with modules);
* add entities, web services users, and Web Services authorizations;
* seed records (chart of accounts, journals, terms, tax details, dimensions …);
* reset, and describe the state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from intacct_bridge.sandbox import errors, objects
from intacct_bridge.sandbox.backend import SandboxBackend
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.functions.generic import insert_record, update_record
from intacct_bridge.sandbox.store import Record
from intacct_bridge.sandbox.tenancy import (
    KNOWN_MODULES,
    Company,
    Sender,
    WebServicesUser,
    hash_secret,
)
from intacct_bridge.sandbox.values import ValueProblem, normalise


class AdminError(ValueError):
    """An administration request that cannot be carried out; the message says why."""


class Admin:
    """Administrative operations on one backend."""

    def __init__(self, backend: SandboxBackend) -> None:
        self.backend = backend

    # --- senders and companies ---------------------------------------------------------------

    def create_sender(self, sender_id: str, password: str, *, status: str = "active") -> Sender:
        if not sender_id or not password:
            raise AdminError("A sender needs an ID and a password.")
        with self.backend.lock:
            sender = Sender(sender_id, hash_secret(password), status)  # type: ignore[arg-type]
            self.backend.senders[sender_id] = sender
            return sender

    def create_company(
        self,
        company_id: str,
        *,
        name: str = "",
        mega: bool = False,
        modules: Iterable[str] | None = None,
        session_timeout: int = 3600,
    ) -> Company:
        if not company_id:
            raise AdminError("A company needs an ID.")
        with self.backend.lock:
            if company_id in self.backend.companies:
                raise AdminError(f"Company '{company_id}' already exists.")
            company = Company(
                company_id, name=name or company_id, mega=mega, session_timeout=session_timeout
            )
            if modules is not None:
                wanted = set(modules)
                unknown = wanted - KNOWN_MODULES
                if unknown:
                    raise AdminError(
                        f"Unknown module(s) {', '.join(sorted(unknown))}; known modules: "
                        f"{', '.join(sorted(KNOWN_MODULES))}."
                    )
                company.modules = wanted
            self.backend.companies[company_id] = company
            return company

    def company(self, company_id: str) -> Company:
        company = self.backend.companies.get(company_id)
        if company is None:
            raise AdminError(f"Company '{company_id}' does not exist.")
        return company

    def set_modules(self, company_id: str, modules: Iterable[str]) -> None:
        wanted = set(modules)
        unknown = wanted - KNOWN_MODULES
        if unknown:
            raise AdminError(f"Unknown module(s) {', '.join(sorted(unknown))}.")
        with self.backend.lock:
            self.company(company_id).modules = wanted

    def add_entity(self, company_id: str, location_id: str, name: str, **values: str) -> Record:
        company = self.company(company_id)
        if not company.mega:
            raise AdminError(
                f"Company '{company_id}' is single-entity; create it with mega=True to add "
                "entities."
            )
        record = self.seed(
            company_id, "LOCATIONENTITY", [{"LOCATIONID": location_id, "NAME": name, **values}]
        )[0]
        self.seed(company_id, "LOCATION", [{"LOCATIONID": location_id, "NAME": name}])
        return record

    def add_user(
        self,
        company_id: str,
        user_id: str,
        password: str,
        **attributes: Any,
    ) -> WebServicesUser:
        company = self.company(company_id)
        if not user_id or not password:
            raise AdminError("A web services user needs a user ID and a password.")
        allowed = set(WebServicesUser.__dataclass_fields__) - {"user_id", "password_hash"}
        unknown = set(attributes) - allowed
        if unknown:
            raise AdminError(f"Unknown user attribute(s): {', '.join(sorted(unknown))}.")
        if "roles" in attributes:
            attributes["roles"] = tuple(attributes["roles"])
        if "entity_access" in attributes:
            attributes["entity_access"] = tuple(attributes["entity_access"])
        with self.backend.lock:
            user = WebServicesUser(user_id, hash_secret(password), **attributes)
            company.users[user_id] = user
            return user

    def update_user(self, company_id: str, user_id: str, **attributes: Any) -> WebServicesUser:
        company = self.company(company_id)
        user = company.users.get(user_id)
        if user is None:
            raise AdminError(f"User '{user_id}' does not exist in company '{company_id}'.")
        with self.backend.lock:
            for key, value in attributes.items():
                if key == "password":
                    user.password_hash = hash_secret(str(value))
                elif key in WebServicesUser.__dataclass_fields__ and key != "user_id":
                    if key in ("roles", "entity_access"):
                        value = tuple(value)
                    setattr(user, key, value)
                else:
                    raise AdminError(f"Unknown user attribute '{key}'.")
            return user

    def authorize_sender(self, company_id: str, sender_id: str, *, status: str = "active") -> None:
        if status not in ("active", "inactive"):
            raise AdminError("An authorization status is 'active' or 'inactive'.")
        with self.backend.lock:
            self.company(company_id).authorizations[sender_id] = status  # type: ignore[assignment]

    def revoke_sender(self, company_id: str, sender_id: str) -> None:
        with self.backend.lock:
            self.company(company_id).authorizations.pop(sender_id, None)

    def add_dimension(self, company_id: str, name: str, label: str) -> None:
        """Define a user-defined dimension (a Platform custom object flagged as GL dimension)."""
        key = name.strip().upper()
        if not key.isidentifier() or objects.get(key) is not None:
            raise AdminError(f"'{name}' cannot be a user-defined dimension name.")
        with self.backend.lock:
            self.company(company_id).udds[key] = label

    # --- records ------------------------------------------------------------------------------

    def _context(self, company: Company, entity: str = "") -> Context:
        admin = WebServicesUser("sandbox-admin", "", admin="full")
        return Context(self.backend, company, admin, entity, "sandbox-admin", "")

    def seed(
        self,
        company_id: str,
        object_name: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        entity: str = "",
    ) -> list[Record]:
        """Create records as the administrator would, with the API's validation.

        Rows are flat mappings of field path to value (``{"ACCOUNTNO": "1000", …}``);
        read-only objects such as TAXDETAIL and LOCATIONENTITY can be seeded too. All
        rows are created, or none.
        """
        company = self.company(company_id)
        otype = objects.resolve(company, object_name)
        if otype is None:
            raise AdminError(
                f"Object '{object_name}' does not exist in company '{company_id}' "
                "(unknown, or its module is off)."
            )
        ctx = self._context(company, entity)
        created: list[Record] = []
        with self.backend.lock:
            try:
                with company.data.atomic():
                    for number, row in enumerate(rows, start=1):
                        values = self._values(otype.name, row, number, ctx)
                        created.append(insert_record(ctx, otype, values, {}))
            except errors.FunctionError as exc:
                raise AdminError(f"{object_name} row {number}: {exc}") from None
        return created

    def _values(
        self, object_name: str, row: Mapping[str, Any], number: int, ctx: Context
    ) -> dict[str, str]:
        otype = objects.resolve(ctx.company, object_name)
        assert otype is not None
        values: dict[str, str] = {}
        for key, raw in row.items():
            path = key.upper()
            spec = otype.field(path)
            if spec is None or (spec.module and spec.module not in ctx.modules):
                raise AdminError(f"{object_name} row {number}: unknown field '{key}'.")
            if raw is None:
                continue
            text = ("true" if raw else "false") if isinstance(raw, bool) else str(raw)
            try:
                values[path] = normalise(spec, text)
            except ValueProblem as problem:
                raise AdminError(f"{object_name} row {number}: {problem}") from None
        return values

    def set_status(self, company_id: str, object_name: str, id_value: str, status: str) -> None:
        company = self.company(company_id)
        otype = objects.resolve(company, object_name)
        if otype is None:
            raise AdminError(f"Unknown object '{object_name}'.")
        table = company.data.table(otype.name)
        number = table.by_id.get(id_value)
        if number is None:
            raise AdminError(f"{object_name} '{id_value}' does not exist.")
        with self.backend.lock:
            update_record(
                self._context(company), otype, table.records[number], {"STATUS": status}, {}
            )

    # --- whole-state operations ---------------------------------------------------------------

    def reset(self) -> None:
        self.backend.reset()

    def describe(self) -> dict[str, Any]:
        """A JSON-able summary of the state (no secrets)."""
        with self.backend.lock:
            return {
                "senders": [
                    {"sender_id": s.sender_id, "status": s.status}
                    for s in self.backend.senders.values()
                ],
                "companies": [
                    {
                        "company_id": c.company_id,
                        "name": c.name,
                        "mega": c.mega,
                        "modules": sorted(c.modules),
                        "authorized_senders": dict(sorted(c.authorizations.items())),
                        "users": [
                            {
                                "user_id": u.user_id,
                                "user_type": u.user_type,
                                "admin": u.admin,
                                "status": u.status,
                                "roles": list(u.roles),
                                "top_level_access": u.top_level_access,
                                "entity_access": list(u.entity_access),
                            }
                            for u in c.users.values()
                        ],
                        "dimensions": dict(sorted(c.udds.items())),
                        "records": {
                            name: len(table.records)
                            for name, table in sorted(c.data.tables.items())
                            if table.records
                        },
                    }
                    for c in self.backend.companies.values()
                ],
                "sessions": len(self.backend.sessions),
            }
