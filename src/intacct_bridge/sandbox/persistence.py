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
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from intacct_bridge.files import atomic_write
from intacct_bridge.sandbox.asyncrequests import TransportPolicy
from intacct_bridge.sandbox.backend import SandboxBackend, Session
from intacct_bridge.sandbox.objects import custom, registry
from intacct_bridge.sandbox.packages import Package, PackageError, parse_package
from intacct_bridge.sandbox.periods import Books, ExchangeRate, IdNumbering
from intacct_bridge.sandbox.smartevents import (
    LOG_LIMIT,
    Delivery,
    PlatformState,
    install_packages,
)
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

    def record(self) -> Record:
        """The stored record this row describes (its own copies of the values and lines)."""
        return Record(
            recordno=self.recordno,
            values=dict(self.values),
            entity=self.entity,
            lines={key: [dict(line) for line in items] for key, items in self.lines.items()},
        )


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


_Numbered = Literal["VENDOR", "CUSTOMER", "EMPLOYEE", "PROJECT"]


class _NumberingDoc(_Doc):
    prefix: str = Field(default="", max_length=10)
    width: int = Field(default=0, ge=0, le=12)


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
    id_numbering: dict[_Numbered, _NumberingDoc] = Field(default_factory=dict)
    undeposited_account: str = ""


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
    #: Journal entries up to this sequence number are already in this file.
    journal_seq: int = Field(default=0, ge=0)
    senders: list[_SenderDoc] = Field(default_factory=list)
    companies: list[_CompanyDoc] = Field(default_factory=list)
    policies: list[_PolicyDoc] = Field(default_factory=list)
    sessions: list[_SessionDoc] = Field(default_factory=list)


# --- backend -> document ---------------------------------------------------------------------


def _dump(model: type[_Doc], obj: object) -> dict[str, Any]:
    """``obj`` (a state dataclass) as the JSON-able document ``model`` describes: every
    field of the model is read from the attribute of the same name (the guard test in
    ``tests/sandbox/test_persistence.py`` checks that the two sets of names agree)."""
    return model.model_validate(obj, from_attributes=True).model_dump(mode="json")


def _record_doc(record: Record, key: str | None) -> dict[str, Any]:
    row: dict[str, Any] = {"recordno": record.recordno}
    if key is not None:
        row["id"] = key
    if record.entity is not None:
        row["entity"] = record.entity
    row["values"] = dict(record.values)
    if record.lines:
        row["lines"] = {
            name: [dict(line) for line in items] for name, items in record.lines.items()
        }
    return row


def _table_doc(table: Table) -> list[dict[str, Any]]:
    ids = {recordno: key for key, recordno in table.by_id.items()}
    return [_record_doc(record, ids.get(record.recordno)) for record in table.records.values()]


def _delivery_doc(delivery: Delivery) -> dict[str, Any]:
    return _dump(_DeliveryDoc, delivery)


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
        "users": [_dump(_UserDoc, user) for user in company.users.values()],
        "authorizations": dict(company.authorizations),
        "udds": dict(company.udds),
        "custom_objects": [
            {
                "name": definition.name,
                "label": definition.label,
                "fields": [_dump(_CustomFieldDoc, field) for field in definition.fields],
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
        "books": _books_doc(company.books),
    }


def _books_doc(books: Books) -> dict[str, Any]:
    return {
        "closed_through": format_date(books.closed_through) if books.closed_through else None,
        "interentity": books.interentity,
        "sequences": dict(books.sequences),
        "closes": {key: format_date(day) for key, day in books.closes.items()},
        "base_currency": books.base_currency,
        "rates": [
            {
                "rate_type": rate.rate_type,
                "from_currency": rate.from_currency,
                "to_currency": rate.to_currency,
                "effective": format_date(rate.effective),
                "rate": rate.rate,
            }
            for rate in books.rates
        ],
        "fx_accounts": dict(books.fx_accounts),
        "duplicate_bills": books.duplicate_bills,
        "ie_accounts": {key: list(value) for key, value in books.ie_accounts.items()},
        "approvals": list(books.approvals),
        "id_numbering": {
            name: {"prefix": rule.prefix, "width": rule.width}
            for name, rule in books.id_numbering.items()
        },
        "undeposited_account": books.undeposited_account,
    }


def _session_doc(session: Session) -> dict[str, Any]:
    return _dump(_SessionDoc, session)


def dump_state(backend: SandboxBackend, *, journal_seq: int = 0) -> dict[str, Any]:
    """The backend's state as a JSON-able document (format 1). Expired sessions are left out.

    ``journal_seq``: the last journal entry the state includes (see :mod:`.journal`).
    """
    with backend.lock:
        now = backend.now()
        return {
            "format": FORMAT,
            "saved_at": now.isoformat(),
            "journal_seq": journal_seq,
            "senders": [_dump(_SenderDoc, sender) for sender in backend.senders.values()],
            "companies": [_company_doc(company) for company in backend.companies.values()],
            "policies": [_dump(_PolicyDoc, policy) for policy in backend.policies.values()],
            "sessions": [
                _session_doc(session)
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
            table.records[row.recordno] = row.record()
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
    company.platform.deliveries = [_delivery(d) for d in doc.deliveries]
    company.platform.next_id = doc.next_id


def _delivery(d: _DeliveryDoc) -> Delivery:
    return Delivery(**{**d.model_dump(), "payload": tuple(d.payload)})


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
            **{
                **user.model_dump(),
                "roles": tuple(user.roles),
                "entity_access": tuple(user.entity_access),
            }
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
        id_numbering={
            name: IdNumbering(rule.prefix, rule.width) for name, rule in doc.id_numbering.items()
        },
        undeposited_account=doc.undeposited_account,
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
        policies[policy.policy_id] = TransportPolicy(**policy.model_dump())
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
        senders[sender.sender_id] = Sender(**sender.model_dump())
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
        sessions[session_doc.session_id] = Session(**session_doc.model_dump())
    return _Built(senders, companies, sessions, _build_policies(doc, senders))


def restore_state(
    backend: SandboxBackend,
    document: Any,
    *,
    source: Path | str = "<memory>",
    journal: JournalEntries | None = None,
    journal_source: Path | str = "<memory>",
) -> Restored:
    """Replace the backend's state with ``document`` (as :func:`dump_state` returns it),
    then with the ``journal`` entries it does not already hold replayed on top.

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
    warnings: list[str] = []
    last_seq = doc.journal_seq
    replayed = 0
    with backend.lock:
        now = backend.now()
        try:
            built = _build(doc, now)
        except _Inconsistent as exc:
            raise StateFileError(source, f"inconsistent content — {exc}") from None
        for line, entry in journal.entries if journal is not None else []:
            if entry.seq <= doc.journal_seq:
                continue
            try:
                warnings += _apply_entry(built, entry, f"line {line}", now)
            except _Inconsistent as exc:
                raise StateFileError(journal_source, f"inconsistent entry — {exc}") from None
            last_seq = entry.seq
            replayed += 1
        backend.senders.clear()
        backend.senders.update(built.senders)
        backend.companies.clear()
        backend.companies.update(built.companies)
        backend.sessions.clear()
        backend.sessions.update(built.sessions)
        backend.policies.clear()
        backend.policies.update(built.policies)
        backend.cursors.clear()
    return Restored(last_seq, replayed, warnings)


class Restored(NamedTuple):
    """What :func:`load_state` restored."""

    #: The last journal entry the restored state includes.
    journal_seq: int
    #: How many journal entries were replayed on top of the state file.
    replayed: int
    #: Parts of journal entries that could not be applied (and were skipped).
    warnings: list[str]


# --- the write-ahead journal (``FILE.journal``) -----------------------------------------------


class _CompanyChangeDoc(_Doc):
    next_recordno: int = Field(ge=1)
    controlids: list[str] = Field(default_factory=list)
    #: Records as they are after the change, by table.
    put: dict[str, list[_RecordDoc]] = Field(default_factory=dict)
    #: Record numbers removed, by table.
    removed: dict[str, list[int]] = Field(default_factory=dict)
    books: _BooksDoc = Field(default_factory=_BooksDoc)
    #: Smart Event deliveries logged by the change (as they were when it committed).
    deliveries: list[_DeliveryDoc] = Field(default_factory=list)
    next_delivery_id: int = Field(default=1, ge=1)


class _EntryDoc(_Doc):
    seq: int = Field(ge=1)
    companies: dict[str, _CompanyChangeDoc] = Field(default_factory=dict)
    sessions: list[_SessionDoc] = Field(default_factory=list)


def journal_path(path: Path | str) -> Path:
    """The journal that goes with the state file ``path``: ``NAME.journal`` beside it."""
    target = Path(path)
    return target.with_name(f"{target.name}.journal")


def _id_of(table: Table, recordno: int, hint: str | None) -> str | None:
    if hint is not None and table.by_id.get(hint) == recordno:
        return hint
    for key, number in table.by_id.items():
        if number == recordno:
            return key
    return None


def company_changes(company: Company, delivered_up_to: int) -> dict[str, Any] | None:
    """The journal document of what changed in ``company`` since its tracking was last
    emptied (and empty it); ``None`` if nothing did. Call with the backend lock held.

    ``delivered_up_to``: the highest Smart Event delivery ID already journaled.
    """
    data = company.data
    tracking = data.tracking
    platform = company.platform
    if tracking is None or (
        not tracking.records and not tracking.controlids and platform.next_id - 1 <= delivered_up_to
    ):
        return None
    put: dict[str, list[dict[str, Any]]] = {}
    removed: dict[str, list[int]] = {}
    for (name, recordno), hint in tracking.records.items():
        table = data.table(name)
        record = table.records.get(recordno)
        if record is None:
            removed.setdefault(name, []).append(recordno)
        else:
            put.setdefault(name, []).append(_record_doc(record, _id_of(table, recordno, hint)))
    controlids = [cid for cid in tracking.controlids if cid in data.executed_controlids]
    tracking.records.clear()
    tracking.controlids.clear()
    return {
        "next_recordno": data.next_recordno,
        "controlids": controlids,
        "put": put,
        "removed": removed,
        "books": _books_doc(company.books),
        "deliveries": [
            _delivery_doc(d) for d in platform.deliveries if d.delivery_id > delivered_up_to
        ],
        "next_delivery_id": platform.next_id,
    }


def session_doc(session: Session) -> dict[str, Any]:
    """A session as the state file and the journal hold it."""
    return _session_doc(session)


def _apply_company_change(company: Company, doc: _CompanyChangeDoc, where: str) -> None:
    data = company.data
    data.next_recordno = max(data.next_recordno, doc.next_recordno)
    data.executed_controlids.update(doc.controlids)
    for name, recordnos in doc.removed.items():
        table = data.table(name)
        for recordno in recordnos:
            old = table.records.pop(recordno, None)
            if old is not None:
                key = _id_of(table, recordno, None)
                if key is not None:
                    del table.by_id[key]
    for name, rows in doc.put.items():
        if not name or name != name.upper():
            raise _Inconsistent(f"{where}.put: table name '{name}' must be upper case.")
        table = data.table(name)
        for row in rows:
            if row.recordno >= data.next_recordno:
                raise _Inconsistent(
                    f"{where}.put.{name}: record number {row.recordno} is not below "
                    f"next_recordno ({data.next_recordno})."
                )
            if row.recordno in table.records:
                key = _id_of(table, row.recordno, row.id)
                if key is not None and key != row.id:
                    del table.by_id[key]
            if row.id:
                other = table.by_id.get(row.id)
                if other is not None and other != row.recordno:
                    raise _Inconsistent(f"{where}.put.{name}: ID '{row.id}' is used twice.")
                table.by_id[row.id] = row.recordno
            table.records[row.recordno] = row.record()
    company.books = _build_books(doc.books, where)
    platform = company.platform
    known = {delivery.delivery_id for delivery in platform.deliveries}
    platform.deliveries.extend(_delivery(d) for d in doc.deliveries if d.delivery_id not in known)
    del platform.deliveries[:-LOG_LIMIT]
    platform.next_id = max(platform.next_id, doc.next_delivery_id)


def _apply_entry(built: _Built, entry: _EntryDoc, where: str, now: datetime) -> list[str]:
    """Apply one journal entry to the built state; returns warnings (skipped parts)."""
    warnings: list[str] = []
    for company_id, change in entry.companies.items():
        company = built.companies.get(company_id)
        if company is None:
            warnings.append(
                f"{where}: company '{company_id}' is not in the state file; its changes "
                "were skipped."
            )
            continue
        _apply_company_change(company, change, f"{where}.companies.{company_id}")
    for session in entry.sessions:
        company = built.companies.get(session.company_id)
        if (
            company is None
            or session.user_id not in company.users
            or session.expires_at.tzinfo is None
            or session.expires_at <= now
        ):
            continue
        built.sessions[session.session_id] = Session(**session.model_dump())
    return warnings


class JournalEntries(NamedTuple):
    entries: list[tuple[int, _EntryDoc]]
    last_seq: int


def read_journal(path: Path | str) -> JournalEntries:
    """The entries of the journal ``path`` (none if it does not exist).

    A last line cut short (the process died while writing it, before the reply was sent)
    is ignored; any other unreadable line is an error.

    Raises:
        StateFileError: the journal cannot be read or holds a damaged entry.
    """
    source = Path(path)
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        return JournalEntries([], 0)
    except OSError as exc:
        raise StateFileError(source, f"cannot be read: {exc.strerror or exc}.") from None
    lines = raw.split(b"\n")
    entries: list[tuple[int, _EntryDoc]] = []
    last_seq = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = _EntryDoc.model_validate_json(line)
        except ValidationError as exc:
            if number == len(lines):
                break  # torn final write: never acknowledged
            raise StateFileError(
                source, f"line {number}: damaged journal entry ({_validation_problem(exc)})."
            ) from None
        if entry.seq <= last_seq:
            raise StateFileError(
                source, f"line {number}: entry {entry.seq} is out of order (after {last_seq})."
            )
        last_seq = entry.seq
        entries.append((number, entry))
    return JournalEntries(entries, last_seq)


# --- files -----------------------------------------------------------------------------------


def save_state(
    backend: SandboxBackend, path: Path | str, *, journal_seq: int | None = None
) -> None:
    """Write the backend's state to ``path`` atomically (temp file + rename), and remove
    the journal beside it (whose entries the state now holds).

    ``journal_seq``: the last journal entry the state holds (default: the last one in the
    journal beside ``path``, which :func:`load_state` replayed).

    Raises:
        StateFileError: the file cannot be written (the previous file, if any, is intact).
    """
    target = Path(path)
    journal = journal_path(target)
    if journal_seq is None:
        journal_seq = read_journal(journal).last_seq
    write_state(target, dump_state(backend, journal_seq=journal_seq))
    with contextlib.suppress(FileNotFoundError):
        journal.unlink()


def write_state(target: Path, document: dict[str, Any]) -> None:
    """Write a document from :func:`dump_state` to ``target`` atomically, owner-only.

    Raises:
        StateFileError: the directory is missing, or the file cannot be written.
    """
    check_writable(target)
    payload = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    try:
        atomic_write(target, payload, mode=0o600)
    except OSError as exc:
        raise StateFileError(target, f"cannot be written: {exc.strerror or exc}.") from None


def check_writable(target: Path) -> None:
    """Refuse a state file path whose directory does not exist, or that is a directory.

    Raises:
        StateFileError: naming the missing directory.
    """
    directory = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise StateFileError(target, "is a directory; give a file name.")
    if not directory.is_dir():
        raise StateFileError(
            target,
            f"the directory {directory} does not exist. Create it first (mkdir -p {directory}) "
            "or choose a path in an existing directory.",
        )


def load_state(backend: SandboxBackend, path: Path | str) -> Restored:
    """Replace the backend's state with the one saved in ``path``, plus the entries of the
    journal beside it (``NAME.journal``, left by a server that did not stop cleanly).

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
    journal = journal_path(source)
    return restore_state(
        backend, document, source=source, journal=read_journal(journal), journal_source=journal
    )
