"""Saving and loading the whole state of a sandbox as one JSON file.

The file is what ``intacct-bridge sandbox serve --state FILE`` keeps across restarts and
what the ``intacct-bridge sandbox …`` administration commands edit. It holds:

* ``format`` — the file format version (this module reads and writes ``1``);
* ``senders`` — sender IDs with their password *hashes* and status;
* ``companies`` — name, MEGA flag, modules, session timeout, web services users (password
  hashes only), Web Services authorizations, user-defined dimensions, Platform custom
  object definitions (``custom_objects``: name, label, fields), and ``data``: every
  table's records (``recordno``, ``id``, ``entity``, ``values``, ``lines``), the next record
  number, and the control IDs already executed with ``uniqueid``; and ``platform``: the
  installed customization packages (their source XML, base64) and the Smart Event
  delivery log; and ``books``: the date the books are closed through, inter-entity
  balancing and the per-journal batch number sequences;
* ``policies`` — the asynchronous transport policies (policy ID, sender ID, response URL);
* ``sessions`` — the API sessions that were live when the file was written.

readByQuery cursors (``resultId``) are short-lived and are not saved, nor are the log of
asynchronous requests and the fault plan (limits are server options).

Writing is atomic: a temporary file in the same directory is written, flushed to disk and
renamed over the target, so a crash leaves either the old file or the new one. The file
is created readable by its owner only (it holds session IDs). Loading validates the whole
document before the backend is touched; a file that cannot be used raises
:class:`StateFileError` and leaves the backend exactly as it was.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from intacct_bridge.sandbox.asyncrequests import TransportPolicy
from intacct_bridge.sandbox.backend import SandboxBackend, Session
from intacct_bridge.sandbox.objects import custom, registry
from intacct_bridge.sandbox.packages import Package, PackageError, parse_package
from intacct_bridge.sandbox.periods import Books, ExchangeRate
from intacct_bridge.sandbox.smartevents import Delivery, PlatformState, install_packages
from intacct_bridge.sandbox.store import CompanyData, Record, Table
from intacct_bridge.sandbox.tenancy import (
    KNOWN_MODULES,
    AdminPrivileges,
    Company,
    Sender,
    Status,
    UserType,
    WebServicesUser,
)
from intacct_bridge.sandbox.values import ValueProblem, format_date, parse_date

#: The file format this module writes, and the only one it reads.
FORMAT = 1


class StateFileError(ValueError):
    """A state file that cannot be read or written; the message names the file and why."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"Sandbox state file {self.path}: {problem}")


# --- the document, as pydantic models (validation of hand-edited or damaged files) -----------


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _SenderDoc(_Doc):
    sender_id: str = Field(min_length=1)
    password_hash: str = Field(min_length=1)
    status: Status = "active"


class _UserDoc(_Doc):
    user_id: str = Field(min_length=1)
    password_hash: str = Field(min_length=1)
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    user_type: UserType = "business"
    admin: AdminPrivileges = "full"
    status: Status = "active"
    roles: list[str] = Field(default_factory=lambda: ["Admin"])
    top_level_access: bool = True
    entity_access: list[str] = Field(default_factory=list)


class _RecordDoc(_Doc):
    recordno: int = Field(ge=1)
    #: The record's key in its table's ID index (VENDORID, ACCOUNTNO …), if it has one.
    id: str | None = None
    entity: str | None = None
    values: dict[str, str]
    lines: dict[str, list[dict[str, str]]] = Field(default_factory=dict)


class _DataDoc(_Doc):
    next_recordno: int = Field(default=1, ge=1)
    executed_controlids: list[str] = Field(default_factory=list)
    tables: dict[str, list[_RecordDoc]] = Field(default_factory=dict)


class _PackageDoc(_Doc):
    name: str = Field(min_length=1)
    #: The package file as imported (base64), re-parsed on load.
    source_base64: str


class _DeliveryDoc(_Doc):
    delivery_id: int
    company_id: str
    smart_link_id: str
    topic: str
    object_name: str
    object_key: str
    url: str
    method: str
    payload: list[tuple[str, str]]
    timeout: float
    status: str = "queued"
    attempts: int = 0
    http_status: int | None = None
    last_error: str = ""
    created_at: str = ""
    finished_at: str = ""


class _PlatformDoc(_Doc):
    packages: list[_PackageDoc] = Field(default_factory=list)
    deliveries: list[_DeliveryDoc] = Field(default_factory=list)
    next_id: int = Field(default=1, ge=1)


class _RateDoc(_Doc):
    rate_type: str = Field(min_length=1)
    from_currency: str = Field(pattern=r"^[A-Z]{3}$")
    to_currency: str = Field(pattern=r"^[A-Z]{3}$")
    #: ``MM/DD/YYYY``.
    effective: str
    rate: str = Field(pattern=r"^[0-9]+(\.[0-9]+)?$")


class _BooksDoc(_Doc):
    #: ``MM/DD/YYYY`` or ``None`` (every period open).
    closed_through: str | None = None
    interentity: bool = False
    sequences: dict[str, int] = Field(default_factory=dict)
    #: Module (``ap``) or module and entity (``ap:E1``) -> ``MM/DD/YYYY``.
    closes: dict[str, str] = Field(default_factory=dict)
    base_currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    rates: list[_RateDoc] = Field(default_factory=list)
    fx_accounts: dict[str, str] = Field(default_factory=dict)
    duplicate_bills: Literal["allow", "warn", "refuse"] = "allow"
    ie_accounts: dict[str, list[str]] = Field(default_factory=dict)
    approvals: list[Literal["GLBATCH", "APBILL"]] = Field(default_factory=list)


class _CustomFieldDoc(_Doc):
    name: str = Field(min_length=1)
    type: custom.FieldType = "text"
    label: str = ""
    length: int | None = None
    required: bool = False
    values: list[str] = Field(default_factory=list)


class _CustomObjectDoc(_Doc):
    name: str = Field(min_length=1)
    label: str = Field(min_length=1)
    fields: list[_CustomFieldDoc] = Field(default_factory=list)


class _CompanyDoc(_Doc):
    company_id: str = Field(min_length=1)
    name: str = ""
    mega: bool = False
    modules: list[str]
    session_timeout: int = Field(default=3600, ge=1)
    users: list[_UserDoc] = Field(default_factory=list)
    authorizations: dict[str, Status] = Field(default_factory=dict)
    udds: dict[str, str] = Field(default_factory=dict)
    custom_objects: list[_CustomObjectDoc] = Field(default_factory=list)
    data: _DataDoc = Field(default_factory=_DataDoc)
    platform: _PlatformDoc = Field(default_factory=_PlatformDoc)
    books: _BooksDoc = Field(default_factory=_BooksDoc)


class _SessionDoc(_Doc):
    session_id: str = Field(min_length=1)
    company_id: str
    user_id: str
    location_id: str = ""
    expires_at: datetime


class _PolicyDoc(_Doc):
    policy_id: str = Field(min_length=1, max_length=40)
    sender_id: str = Field(min_length=1)
    response_url: str = Field(min_length=8, max_length=256)


class _StateDoc(_Doc):
    format: Literal[1]
    saved_at: datetime | None = None
    senders: list[_SenderDoc] = Field(default_factory=list)
    companies: list[_CompanyDoc] = Field(default_factory=list)
    policies: list[_PolicyDoc] = Field(default_factory=list)
    sessions: list[_SessionDoc] = Field(default_factory=list)


# --- backend -> document ---------------------------------------------------------------------


def _table_doc(table: Table) -> list[dict[str, Any]]:
    ids = {recordno: key for key, recordno in table.by_id.items()}
    rows: list[dict[str, Any]] = []
    for record in table.records.values():
        row: dict[str, Any] = {"recordno": record.recordno}
        key = ids.get(record.recordno)
        if key is not None:
            row["id"] = key
        if record.entity is not None:
            row["entity"] = record.entity
        row["values"] = dict(record.values)
        if record.lines:
            row["lines"] = {
                name: [dict(line) for line in items] for name, items in record.lines.items()
            }
        rows.append(row)
    return rows


def _delivery_doc(delivery: Delivery) -> dict[str, Any]:
    return {
        "delivery_id": delivery.delivery_id,
        "company_id": delivery.company_id,
        "smart_link_id": delivery.smart_link_id,
        "topic": delivery.topic,
        "object_name": delivery.object_name,
        "object_key": delivery.object_key,
        "url": delivery.url,
        "method": delivery.method,
        "payload": [list(pair) for pair in delivery.payload],
        "timeout": delivery.timeout,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "http_status": delivery.http_status,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "finished_at": delivery.finished_at,
    }


def _platform_doc(platform: PlatformState) -> dict[str, Any]:
    return {
        "packages": [
            {"name": package.name, "source_base64": base64.b64encode(package.raw).decode("ascii")}
            for package in platform.packages.values()
        ],
        "deliveries": [_delivery_doc(delivery) for delivery in list(platform.deliveries)],
        "next_id": platform.next_id,
    }


def _company_doc(company: Company) -> dict[str, Any]:
    data = company.data
    return {
        "company_id": company.company_id,
        "name": company.name,
        "mega": company.mega,
        "modules": sorted(company.modules),
        "session_timeout": company.session_timeout,
        "users": [
            {
                "user_id": user.user_id,
                "password_hash": user.password_hash,
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
            for user in company.users.values()
        ],
        "authorizations": dict(company.authorizations),
        "udds": dict(company.udds),
        "custom_objects": [
            {
                "name": definition.name,
                "label": definition.label,
                "fields": [
                    {
                        "name": field.name,
                        "type": field.type,
                        "label": field.label,
                        "length": field.length,
                        "required": field.required,
                        "values": list(field.values),
                    }
                    for field in definition.fields
                ],
            }
            for definition in company.custom_objects.values()
        ],
        "data": {
            "next_recordno": data.next_recordno,
            "executed_controlids": sorted(data.executed_controlids),
            "tables": {
                name: _table_doc(table) for name, table in data.tables.items() if table.records
            },
        },
        "platform": _platform_doc(company.platform),
        "books": {
            "closed_through": (
                format_date(company.books.closed_through) if company.books.closed_through else None
            ),
            "interentity": company.books.interentity,
            "sequences": dict(company.books.sequences),
            "closes": {key: format_date(day) for key, day in company.books.closes.items()},
            "base_currency": company.books.base_currency,
            "rates": [
                {
                    "rate_type": rate.rate_type,
                    "from_currency": rate.from_currency,
                    "to_currency": rate.to_currency,
                    "effective": format_date(rate.effective),
                    "rate": rate.rate,
                }
                for rate in company.books.rates
            ],
            "fx_accounts": dict(company.books.fx_accounts),
            "duplicate_bills": company.books.duplicate_bills,
            "ie_accounts": {key: list(value) for key, value in company.books.ie_accounts.items()},
            "approvals": list(company.books.approvals),
        },
    }


def dump_state(backend: SandboxBackend) -> dict[str, Any]:
    """The backend's state as a JSON-able document (format 1). Expired sessions are left out."""
    with backend.lock:
        now = backend.now()
        return {
            "format": FORMAT,
            "saved_at": now.isoformat(),
            "senders": [
                {
                    "sender_id": sender.sender_id,
                    "password_hash": sender.password_hash,
                    "status": sender.status,
                }
                for sender in backend.senders.values()
            ],
            "companies": [_company_doc(company) for company in backend.companies.values()],
            "policies": [
                {
                    "policy_id": policy.policy_id,
                    "sender_id": policy.sender_id,
                    "response_url": policy.response_url,
                }
                for policy in backend.policies.values()
            ],
            "sessions": [
                {
                    "session_id": session.session_id,
                    "company_id": session.company_id,
                    "user_id": session.user_id,
                    "location_id": session.location_id,
                    "expires_at": session.expires_at.isoformat(),
                }
                for session in backend.sessions.values()
                if session.expires_at > now
            ],
        }


# --- document -> backend ---------------------------------------------------------------------


def _where(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _validation_problem(exc: ValidationError) -> str:
    problems = [f"{_where(error['loc'])}: {error['msg']}" for error in exc.errors()[:5]]
    more = exc.error_count() - len(problems)
    if more > 0:
        problems.append(f"… and {more} more problem(s)")
    return "invalid content — " + "; ".join(problems)


class _Inconsistent(Exception):
    """A document that validates field by field but does not hang together."""


def _build_data(doc: _DataDoc, where: str) -> CompanyData:
    data = CompanyData(
        next_recordno=doc.next_recordno, executed_controlids=set(doc.executed_controlids)
    )
    seen: set[int] = set()
    for name, rows in doc.tables.items():
        if not name or name != name.upper():
            raise _Inconsistent(f"{where}.data.tables: table name '{name}' must be upper case.")
        table = data.table(name)
        for index, row in enumerate(rows):
            here = f"{where}.data.tables.{name}[{index}]"
            if row.recordno in seen:
                raise _Inconsistent(f"{here}: record number {row.recordno} is used twice.")
            if row.recordno >= doc.next_recordno:
                raise _Inconsistent(
                    f"{here}: record number {row.recordno} is not below next_recordno "
                    f"({doc.next_recordno})."
                )
            seen.add(row.recordno)
            if row.id:
                if row.id in table.by_id:
                    raise _Inconsistent(f"{here}: ID '{row.id}' is used twice in {name}.")
                table.by_id[row.id] = row.recordno
            table.records[row.recordno] = Record(
                recordno=row.recordno,
                values=dict(row.values),
                entity=row.entity,
                lines={key: [dict(line) for line in items] for key, items in row.lines.items()},
            )
    return data


def _build_platform(doc: _PlatformDoc, company: Company, where: str) -> None:
    packages: list[Package] = []
    for index, package_doc in enumerate(doc.packages):
        here = f"{where}.platform.packages[{index}]"
        try:
            source = base64.b64decode(package_doc.source_base64, validate=True)
        except (binascii.Error, ValueError):
            raise _Inconsistent(f"{here}.source_base64: not valid base64.") from None
        if not source:
            raise _Inconsistent(
                f"{here}: package '{package_doc.name}' has no source XML to re-install."
            )
        try:
            parsed = parse_package(source)
        except PackageError as exc:
            raise _Inconsistent(f"{here}: the package does not parse: {exc}") from None
        matching = [p for p in parsed if p.name == package_doc.name]
        if not matching:
            raise _Inconsistent(f"{here}: the source holds no package named '{package_doc.name}'.")
        packages.append(matching[0])
    try:
        install_packages(company, packages)
    except PackageError as exc:
        raise _Inconsistent(f"{where}.platform.packages: {exc}") from None
    company.platform.deliveries = [
        Delivery(
            delivery_id=d.delivery_id,
            company_id=d.company_id,
            smart_link_id=d.smart_link_id,
            topic=d.topic,
            object_name=d.object_name,
            object_key=d.object_key,
            url=d.url,
            method=d.method,
            payload=tuple(d.payload),
            timeout=d.timeout,
            status=d.status,
            attempts=d.attempts,
            http_status=d.http_status,
            last_error=d.last_error,
            created_at=d.created_at,
            finished_at=d.finished_at,
        )
        for d in doc.deliveries
    ]
    company.platform.next_id = doc.next_id


def _build_company(doc: _CompanyDoc, where: str) -> Company:
    unknown = set(doc.modules) - KNOWN_MODULES
    if unknown:
        raise _Inconsistent(
            f"{where}.modules: unknown module(s) {', '.join(sorted(unknown))} (known: "
            f"{', '.join(sorted(KNOWN_MODULES))})."
        )
    users: dict[str, WebServicesUser] = {}
    for index, user in enumerate(doc.users):
        if user.user_id in users:
            raise _Inconsistent(f"{where}.users[{index}]: user '{user.user_id}' appears twice.")
        users[user.user_id] = WebServicesUser(
            user_id=user.user_id,
            password_hash=user.password_hash,
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            user_type=user.user_type,
            admin=user.admin,
            status=user.status,
            roles=tuple(user.roles),
            top_level_access=user.top_level_access,
            entity_access=tuple(user.entity_access),
        )
    for name in doc.udds:
        if not name.isidentifier() or name != name.upper():
            raise _Inconsistent(
                f"{where}.udds: '{name}' is not a valid dimension name (upper case identifier)."
            )
    company = Company(
        company_id=doc.company_id,
        name=doc.name,
        mega=doc.mega,
        modules=set(doc.modules),
        users=users,
        authorizations=dict(doc.authorizations),
        session_timeout=doc.session_timeout,
        data=_build_data(doc.data, where),
        udds=dict(doc.udds),
        custom_objects=_build_custom_objects(doc, where),
    )
    _build_platform(doc.platform, company, where)
    company.books = _build_books(doc.books, where)
    return company


def _build_custom_objects(doc: _CompanyDoc, where: str) -> dict[str, custom.CustomObject]:
    """The custom object definitions, checked as ``define_custom_object`` checks them."""
    built: dict[str, custom.CustomObject] = {}
    for index, object_doc in enumerate(doc.custom_objects):
        here = f"{where}.custom_objects[{index}]"
        try:
            definition = custom.build(
                object_doc.name,
                object_doc.label,
                [field.model_dump() for field in object_doc.fields],
            )
        except custom.CustomObjectError as exc:
            raise _Inconsistent(f"{here}: {exc}") from None
        if definition.name != object_doc.name:
            raise _Inconsistent(
                f"{here}: '{object_doc.name}' must be written in upper case ('{definition.name}')."
            )
        if definition.name in built:
            raise _Inconsistent(f"{here}: custom object '{definition.name}' appears twice.")
        if definition.name in registry or definition.name in doc.udds:
            what = "a standard object" if definition.name in registry else "a dimension"
            raise _Inconsistent(f"{here}: '{definition.name}' is already {what}.")
        built[definition.name] = definition
    return built


def _build_books(doc: _BooksDoc, where: str) -> Books:
    closed: date | None = None
    if doc.closed_through:
        try:
            closed = parse_date(doc.closed_through)
        except ValueProblem:
            raise _Inconsistent(
                f"{where}.books.closed_through: '{doc.closed_through}' is not a date (MM/DD/YYYY)."
            ) from None
    if any(number < 0 for number in doc.sequences.values()):
        raise _Inconsistent(f"{where}.books.sequences: numbers cannot be negative.")

    def day(text: str, here: str) -> date:
        try:
            return parse_date(text)
        except ValueProblem:
            raise _Inconsistent(f"{where}.books.{here}: '{text}' is not a date.") from None

    rates = [
        ExchangeRate(
            rate.rate_type,
            rate.from_currency,
            rate.to_currency,
            day(rate.effective, f"rates[{index}].effective"),
            rate.rate,
        )
        for index, rate in enumerate(doc.rates)
    ]
    if any(len(pair) != 2 for pair in doc.ie_accounts.values()):
        raise _Inconsistent(f"{where}.books.ie_accounts: each entry is [due_from, due_to].")
    return Books(
        closed_through=closed,
        interentity=doc.interentity,
        sequences=dict(doc.sequences),
        closes={key: day(text, f"closes.{key}") for key, text in doc.closes.items()},
        base_currency=doc.base_currency,
        rates=rates,
        fx_accounts=dict(doc.fx_accounts),
        duplicate_bills=doc.duplicate_bills,
        ie_accounts={key: list(value) for key, value in doc.ie_accounts.items()},
        approvals=list(dict.fromkeys(doc.approvals)),
    )


def _build_policies(doc: _StateDoc, senders: dict[str, Sender]) -> dict[str, TransportPolicy]:
    policies: dict[str, TransportPolicy] = {}
    for index, policy in enumerate(doc.policies):
        here = f"policies[{index}]"
        if policy.policy_id in policies:
            raise _Inconsistent(f"{here}: policy '{policy.policy_id}' appears twice.")
        if policy.sender_id not in senders:
            raise _Inconsistent(f"{here}: sender '{policy.sender_id}' does not exist.")
        if not policy.response_url.startswith(("http://", "https://")):
            raise _Inconsistent(f"{here}.response_url: must be an http(s) URL.")
        policies[policy.policy_id] = TransportPolicy(
            policy.policy_id, policy.sender_id, policy.response_url
        )
    return policies


class _Built(NamedTuple):
    senders: dict[str, Sender]
    companies: dict[str, Company]
    sessions: dict[str, Session]
    policies: dict[str, TransportPolicy]


def _build(doc: _StateDoc, now: datetime) -> _Built:
    senders: dict[str, Sender] = {}
    for index, sender in enumerate(doc.senders):
        if sender.sender_id in senders:
            raise _Inconsistent(f"senders[{index}]: sender '{sender.sender_id}' appears twice.")
        senders[sender.sender_id] = Sender(sender.sender_id, sender.password_hash, sender.status)
    companies: dict[str, Company] = {}
    for index, company_doc in enumerate(doc.companies):
        if company_doc.company_id in companies:
            raise _Inconsistent(
                f"companies[{index}]: company '{company_doc.company_id}' appears twice."
            )
        companies[company_doc.company_id] = _build_company(company_doc, f"companies[{index}]")
    sessions: dict[str, Session] = {}
    for index, session_doc in enumerate(doc.sessions):
        here = f"sessions[{index}]"
        if session_doc.expires_at.tzinfo is None:
            raise _Inconsistent(f"{here}.expires_at: needs a time zone (e.g. +00:00).")
        company = companies.get(session_doc.company_id)
        if company is None:
            raise _Inconsistent(f"{here}: company '{session_doc.company_id}' does not exist.")
        if session_doc.user_id not in company.users:
            raise _Inconsistent(
                f"{here}: user '{session_doc.user_id}' does not exist in company "
                f"'{session_doc.company_id}'."
            )
        if session_doc.session_id in sessions:
            raise _Inconsistent(f"{here}: session ID appears twice.")
        if session_doc.expires_at <= now:
            continue
        sessions[session_doc.session_id] = Session(
            session_id=session_doc.session_id,
            company_id=session_doc.company_id,
            user_id=session_doc.user_id,
            location_id=session_doc.location_id,
            expires_at=session_doc.expires_at,
        )
    return _Built(senders, companies, sessions, _build_policies(doc, senders))


def restore_state(
    backend: SandboxBackend, document: Any, *, source: Path | str = "<memory>"
) -> None:
    """Replace the backend's state with ``document`` (as :func:`dump_state` returns it).

    Everything is checked before anything is replaced; on error the backend is unchanged.

    Raises:
        StateFileError: the document is not a usable format-1 state.
    """
    if not isinstance(document, dict):
        raise StateFileError(
            source, f"expected a JSON object at the top level, found {type(document).__name__}."
        )
    if "format" not in document:
        raise StateFileError(
            source, "no 'format' key — this is not an intacct-bridge sandbox state file."
        )
    version = document["format"]
    if type(version) is not int or version != FORMAT:
        raise StateFileError(
            source,
            f"unsupported format {version!r}; this version of intacct-bridge reads format "
            f"{FORMAT}. Upgrade intacct-bridge, or start from a fresh state file.",
        )
    try:
        doc = _StateDoc.model_validate(document)
    except ValidationError as exc:
        raise StateFileError(source, _validation_problem(exc)) from None
    with backend.lock:
        try:
            built = _build(doc, backend.now())
        except _Inconsistent as exc:
            raise StateFileError(source, f"inconsistent content — {exc}") from None
        backend.senders.clear()
        backend.senders.update(built.senders)
        backend.companies.clear()
        backend.companies.update(built.companies)
        backend.sessions.clear()
        backend.sessions.update(built.sessions)
        backend.policies.clear()
        backend.policies.update(built.policies)
        backend.cursors.clear()


# --- files -----------------------------------------------------------------------------------


def save_state(backend: SandboxBackend, path: Path | str) -> None:
    """Write the backend's state to ``path`` atomically (temp file + rename).

    Raises:
        StateFileError: the file cannot be written (the previous file, if any, is intact).
    """
    target = Path(path)
    payload = json.dumps(dump_state(backend), indent=1, ensure_ascii=False) + "\n"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            raise StateFileError(target, "is a directory; give a file name.")
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise StateFileError(target, f"cannot be written: {exc.strerror or exc}.") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise StateFileError(target, f"cannot be written: {exc.strerror or exc}.") from None
        raise
    _sync_directory(target.parent)


def _sync_directory(directory: Path) -> None:
    """Make the rename durable where the platform allows it (best effort)."""
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


def load_state(backend: SandboxBackend, path: Path | str) -> None:
    """Replace the backend's state with the one saved in ``path``.

    Raises:
        StateFileError: missing, unreadable, not JSON, unknown format or invalid content;
            the backend is left unchanged.
    """
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StateFileError(source, "does not exist.") from None
    except IsADirectoryError:
        raise StateFileError(source, "is a directory, not a state file.") from None
    except UnicodeDecodeError as exc:
        raise StateFileError(
            source, f"is not UTF-8 text ({exc.reason} at byte {exc.start})."
        ) from None
    except OSError as exc:
        raise StateFileError(source, f"cannot be read: {exc.strerror or exc}.") from None
    if not text.strip():
        raise StateFileError(source, "is empty; it is not a sandbox state file.")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateFileError(
            source, f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})."
        ) from None
    except RecursionError:
        raise StateFileError(source, "is not valid JSON (nested too deeply).") from None
    restore_state(backend, document, source=source)
