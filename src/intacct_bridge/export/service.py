"""Export to Intacct, the I/O half: post the store's documents, exactly once, and record
the outcome per document; reconcile a period against Intacct's general ledger.

* :func:`load_setup` — a :class:`~intacct_bridge.posting.PostingSetup` from the tenant's
  records in the store plus its :class:`PostingConfig`.
* :func:`post_documents` — every posted document of the tenant not yet in Intacct: problems
  found by the engine are stored as actionable errors before anything is sent; the rest are
  sent with deterministic control IDs and end ``success`` with their RECORDNO and deep link —
  also when the reply was lost (the record is found again by the bridge's key).
* :func:`reconcile` — per account, entity (and chosen dimensions) the balances the bridge
  expects for a period against GLDETAIL, and each document's posting status.

The per-document state reuses the sync engine's ``sync_state`` rows with kind ``posting``
and key ``<document type>/<number>``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import httpx
from lxml import etree
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.config.models import IntegrationConfig, TransactionLevel
from intacct_bridge.config.secrets import Keyring
from intacct_bridge.export.convert import (
    ExportError,
    ExportOptions,
    Lookup,
    Outgoing,
    lookup_for,
    to_outgoing,
)
from intacct_bridge.intacct import functions as fn
from intacct_bridge.intacct.client import IntacctClient, RetryPolicy
from intacct_bridge.intacct.envelope import Function, FunctionResult
from intacct_bridge.intacct.errors import (
    IntacctAuthError,
    IntacctError,
    IntacctPolicyError,
    IntacctRequestError,
)
from intacct_bridge.intacct.limits import CompanyLimiter
from intacct_bridge.model.analytics import AttributeType, AttributeTypeKind, DimensionType
from intacct_bridge.model.documents import Document, DocumentStatus
from intacct_bridge.model.finance import Account, PostingClass, TaxDetail
from intacct_bridge.model.items import Item
from intacct_bridge.model.parties import Customer, Supplier
from intacct_bridge.model.sites import Company, Site
from intacct_bridge.posting import (
    Entry,
    EntryLine,
    PostingResult,
    PostingSetup,
    Target,
    post_document,
    setup_from_records,
)
from intacct_bridge.posting.reconcile import BalanceKey, Difference, compare, expected_balances
from intacct_bridge.posting.roles import AccountType
from intacct_bridge.posting.setup import ClosedPeriodPolicy, ExchangeRates, RevenueRecognition
from intacct_bridge.store.base import now
from intacct_bridge.store.mappers import document_from_row
from intacct_bridge.store.repositories import list_documents, list_records, require_tenant
from intacct_bridge.store.session import session_factory
from intacct_bridge.store.tables.documents import (
    DocumentLineAttributeRow,
    DocumentLineDimensionRow,
    DocumentLineRow,
    DocumentRow,
)
from intacct_bridge.store.tables.posting import PostingAsyncRequestRow
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.store.tables.tenancy import TenantRow
from intacct_bridge.sync.state import write_lock

#: the sync_state kind of a document's posting state
KIND = "posting"
_RECORD_KINDS = (
    Account,
    PostingClass,
    Item,
    Site,
    Company,
    Customer,
    Supplier,
    TaxDetail,
    DimensionType,
    AttributeType,
)
_TARGETS = {target.value for target in Target}
_CONTROL_TYPES = (AccountType.PAYABLE, AccountType.RECEIVABLE)
_DEEP_LINK = "https://www.intacct.com/ia/acct/{page}.phtml?.r={recordno}"


@dataclass(frozen=True, slots=True)
class PostingConfig:
    """The tenant's posting configuration; every field has a working default."""

    #: company-wide accounts (goods in transit, rounding, and fallbacks of detailed types)
    default_accounts: Mapping[AccountType, str] = field(default_factory=dict)
    #: journal of the stock journal entries
    stock_journal: str = "INVJ"
    rates: ExchangeRates = field(default_factory=ExchangeRates)
    #: the last closed day per (module GL/AP/AR, entity or None), as known to the bridge
    closed_through: Mapping[tuple[str, str | None], dt.date] = field(default_factory=dict)
    #: an AP/AR document dated in a period closed in its subledger: refused (a problem
    #: naming document, date and fix) or posted on the subledger's first open day
    closed_period_policy: ClosedPeriodPolicy = ClosedPeriodPolicy.REFUSE
    #: revenue on invoice (default) or on shipment (needs a shipped-not-invoiced account
    #: and item prices)
    revenue_recognition: RevenueRecognition = RevenueRecognition.ON_INVOICE
    #: multi-entity company; ``None`` = decide from the companies' Intacct entities
    multi_entity: bool | None = None
    #: documents sent per request (the client's requests hold at most 100 functions)
    batch_size: int = 100
    #: batches in flight at once; more than the company's slots keeps every slot busy
    #: while a batch's outcome is recorded (the client never exceeds the slots)
    lanes: int = 3
    #: the inter-entity accounts (due from, due to) Intacct balances entities with, so that
    #: reconcile expects the lines Intacct adds to an entry over several entities
    interentity_accounts: tuple[str, str] | None = None
    #: asynchronous mode: the transport policy ID (``None`` = synchronous); results arrive
    #: at the bridge's callback endpoint (``POST /intacct/async-results``)
    policy_id: str | None = None
    #: seconds to wait for an asynchronous result before looking the documents up by key
    async_timeout: float = 300.0
    #: MEGA: post at the top level (entity on each line) or in an entity session per entity
    level: TransactionLevel = TransactionLevel.TOP_LEVEL
    #: attribute types whose Intacct dimension is left off the lines (e.g. project and task
    #: when the company has no Projects module); see docs/posting.md
    left_off: frozenset[AttributeTypeKind] = frozenset()


def load_setup(session: Session, tenant: str, config: PostingConfig | None = None) -> PostingSetup:
    """The posting setup of ``tenant``: its records in the store and ``config``."""
    config = config or PostingConfig()
    require_tenant(session, tenant)
    records: list[object] = []
    for kind in _RECORD_KINDS:
        records.extend(list_records(session, tenant, kind))
    multi = config.multi_entity
    if multi is None:
        entities = {
            r.intacct_entity_id
            for r in records
            if isinstance(r, Company | Site) and r.intacct_entity_id
        }
        multi = bool(entities)
    setup = setup_from_records(
        records,
        default_accounts=dict(config.default_accounts),
        stock_journal=config.stock_journal,
        rates=config.rates,
        closed_through=dict(config.closed_through),
        multi_entity=multi,
        closed_period_policy=config.closed_period_policy,
        revenue_recognition=config.revenue_recognition,
    )
    if not config.left_off:
        return setup
    objects = {
        kind: None if kind in config.left_off else obj
        for kind, obj in setup.attribute_objects.items()
    }
    return dataclasses.replace(setup, attribute_objects=objects)


def document_key(document: Document) -> str:
    """The posting state's key of a document."""
    return f"{document.type.value}/{document.number}"


@dataclass(frozen=True, slots=True)
class DocumentOutcome:
    """Where one document stands after a run."""

    key: str
    state: str
    intacct_object: str = ""
    record_no: int | None = None
    url: str | None = None
    message: str | None = None
    #: sent asynchronously; the result is awaited at the callback endpoint
    awaiting: bool = False


@dataclass
class PostingRunReport:
    """What a :func:`post_documents` run did."""

    #: documents looked at (posted documents of the tenant)
    documents: int = 0
    #: sent and recorded in this run (including ones found already in Intacct)
    posted: int = 0
    #: already in Intacct before this run
    already: int = 0
    #: with nothing to post (e.g. a shipment of services only)
    nothing_to_post: int = 0
    outcomes: list[DocumentOutcome] = field(default_factory=list)
    #: e.g. the transaction integration level changed while documents are not posted yet
    warnings: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.state == "error"]

    @property
    def pending(self) -> list[DocumentOutcome]:
        """Documents whose outcome is unknown (not those awaiting an asynchronous result)."""
        return [o for o in self.outcomes if o.state == "pending" and not o.awaiting]

    @property
    def awaiting(self) -> list[DocumentOutcome]:
        """Documents sent asynchronously whose result has not arrived yet."""
        return [o for o in self.outcomes if o.state == "pending" and o.awaiting]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.pending


Progress = Callable[[int, int], None]


def _lock(session: Session, tenant: str) -> None:
    """Serialise the state transactions of one tenant's posting runs (two processes at
    once): the tenant row on PostgreSQL, the database's write lock on SQLite."""
    write_lock(session)
    session.execute(select(TenantRow.id).where(TenantRow.id == tenant).with_for_update())


def _rows(
    session: Session, tenant: str, keys: Sequence[str] | None = None
) -> dict[str, SyncStateRow]:
    """The posting states of ``tenant`` (only those of ``keys`` when given)."""
    query = select(SyncStateRow).where(SyncStateRow.tenant_id == tenant, SyncStateRow.kind == KIND)
    if keys is None:
        return {row.key: row for row in session.scalars(query)}
    found: dict[str, SyncStateRow] = {}
    for start in range(0, len(keys), 500):
        chunk = query.where(SyncStateRow.key.in_(keys[start : start + 500]))
        found.update((row.key, row) for row in session.scalars(chunk))
    return found


def _row(session: Session, tenant: str, key: str, rows: dict[str, SyncStateRow]) -> SyncStateRow:
    row = rows.get(key)
    if row is None:
        stamp = now()
        row = SyncStateRow(
            tenant_id=tenant,
            kind=KIND,
            key=key,
            intacct_object="",
            state="pending",
            version=1,
            attempts=0,
            created_at=stamp,
            updated_at=stamp,
        )
        session.add(row)
        rows[key] = row
    return row


def _park(row: SyncStateRow, code: str, message: str) -> None:
    row.state = "error"
    row.error_code = code
    row.last_message = message
    # a document in error is sent under a new control ID once its cause is fixed
    row.version = (row.version or 1) + 1
    row.updated_at = now()


def _done(row: SyncStateRow, recordno: str, url: str | None, note: str = "") -> None:
    row.state = "success"
    row.record_no = int(recordno)
    row.intacct_id = recordno
    row.url = url
    row.last_message = note or None
    row.error_code = None
    row.synced_at = row.updated_at = now()


#: error_code of a pending document sent asynchronously (its result is awaited)
ASYNC = "async"


def _outcome(row: SyncStateRow) -> DocumentOutcome:
    return DocumentOutcome(
        row.key,
        row.state,
        row.intacct_object,
        row.record_no,
        row.url,
        row.last_message,
        awaiting=row.state == "pending" and row.error_code == ASYNC,
    )


def _link(object_name: str, recordno: str) -> str:
    return _DEEP_LINK.format(page=object_name.lower(), recordno=recordno)


async def find_record(client: IntacctClient, lookup: Lookup) -> tuple[str, str] | None:
    """The RECORDNO and deep link of the record ``lookup`` names, or ``None``."""
    result = await client.call(
        fn.read_by_query(lookup.object_name, lookup.where(), ("RECORDNO", "RECORD_URL"), 10)
    )
    for record in result.records():
        recordno = str(record.get("RECORDNO", ""))
        if recordno:
            url = str(record.get("RECORD_URL") or "") or _link(lookup.object_name, recordno)
            return recordno, url
    return None


def _message(result: FunctionResult) -> str:
    texts = [e.text() if hasattr(e, "text") else str(e) for e in result.errors]
    return "Intacct refused the document: " + (" ".join(t for t in texts if t) or "no reason given")


async def post_documents(
    engine: Engine,
    tenant: str,
    client: IntacctClient,
    *,
    config: PostingConfig | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> PostingRunReport:
    """Post every posted document of ``tenant`` that is not yet in Intacct.

    Each document ends ``success`` (with RECORDNO and deep link), ``error`` (the message
    names document, line, field and fix; resent once fixed) or ``pending`` (the outcome of
    a send is unknown; the next run finds the record or sends it again under the same
    control ID, so nothing is posted twice). With ``dry_run`` nothing is sent or stored:
    the report lists the problems the engine finds.

    With ``config.policy_id`` the documents go as asynchronous requests: they stay
    ``pending`` (``awaiting``) until Intacct's callback is applied
    (:func:`intacct_bridge.export.callbacks.apply_async_response`); a document whose callback
    has not come within ``config.async_timeout`` is looked up by its key on the next run and
    resent under the same control ID only if Intacct does not have it. At entity level
    (``config.level``), a document whose lines are all in one entity is posted in that
    entity's session (``client.for_entity``); one over several entities at the top level.
    """
    config = config or PostingConfig()
    report = PostingRunReport()
    sessions = session_factory(engine)
    with sessions() as session:
        require_tenant(session, tenant)
        setup = load_setup(session, tenant, config)
        heads = _heads(session, tenant)
        done_keys, done_levels = _settled(session, tenant)
    report.documents = len(heads)
    unposted = sum(1 for head in heads if head.key not in done_keys)
    report.warnings.extend(_level_warnings(config, done_levels, unposted))
    # the lines name their entity at both levels (Intacct requires a location on each line
    # of a multi-entity company, and in an entity session it is the entity)
    options = ExportOptions(tax_details=setup.tax_details)

    def prepare(chunk: Sequence[_Head]) -> list[_Work]:
        """Run the engine over one chunk of documents, store its problems and mark the rest
        ``pending`` in one committed transaction — before any of them is sent. Runs in a
        worker thread so that the lanes send earlier chunks meanwhile.

        The costly part — loading the documents, the engine, the conversion — runs first,
        outside the tenant's lock (so that the lanes record their outcomes meanwhile); the
        locked transaction then reads the states again and decides, reusing a conversion
        only when it was made for the version the state still has."""
        keys = [head.key for head in chunk]
        with sessions() as session:
            before = _rows(session, tenant, keys)
            documents = _load_documents(session, [head.id for head in chunk])
        computed: dict[str, _Computed] = {}
        for document in documents:
            key = document_key(document)
            existing = before.get(key)
            if existing is not None and existing.state == "success":
                continue
            version = existing.version if existing is not None else 1
            computed[key] = _compute(document, setup, tenant, version, options)
        work: list[_Work] = []
        with sessions.begin() as session:
            if not dry_run:
                _lock(session, tenant)
            rows = _rows(session, tenant, [head.key for head in chunk])
            # documents in an asynchronous request whose callback is still awaited are not
            # sent again; read under the lock, so a request another run records is seen
            awaited = (
                _awaited(session, tenant)
                if any(row.state == "pending" and row.attempts for row in rows.values())
                else set()
            )
            for document in documents:
                _prepare_one(document, setup, rows, awaited, session, work, computed)
        return work

    def _prepare_one(
        document: Document,
        setup: PostingSetup,
        rows: dict[str, SyncStateRow],
        awaited: set[str],
        session: Session,
        work: list[_Work],
        computed: Mapping[str, _Computed],
    ) -> None:
        key = document_key(document)
        existing = rows.get(key)
        if existing is not None and existing.state == "success":
            report.already += 1
            report.outcomes.append(_outcome(existing))
            return
        if existing is not None and existing.state == "pending" and key in awaited:
            report.outcomes.append(dataclasses.replace(_outcome(existing), awaiting=True))
            return
        row_version = existing.version if existing is not None else 1
        done = computed.get(key)
        if done is None or done.version != row_version:
            done = _compute(document, setup, tenant, row_version, options)
        result = done.result
        sent_before = (
            existing is not None
            and existing.state == "pending"
            and (existing.attempts or 0) > 0
            and existing.intacct_object in _TARGETS
        )
        if not result.ok and sent_before and not dry_run:
            # it may be in Intacct already (the reply was lost): look before parking it
            assert existing is not None
            message = " | ".join(str(p) for p in result.problems)
            target = Target(existing.intacct_object)
            lookup = lookup_for(
                target,
                f"{key}/{target.value}",
                document.number,
                document.supplier_id or document.customer_id,
            )
            work.append(_Work(key, lookup, None, True, message, entity=_sent_entity(existing)))
            return
        if not result.ok:
            message = " | ".join(str(p) for p in result.problems)
            if dry_run:
                report.outcomes.append(DocumentOutcome(key, "error", message=message))
                return
            row = _row(session, tenant, key, rows)
            if row.state != "error" or row.last_message != message:
                _park(row, "data", message)
            report.outcomes.append(_outcome(row))
            return
        if not result.entries:
            report.nothing_to_post += 1
            return
        entry = result.entries[0]
        # a document sent before keeps the level it was sent at (a change of level applies
        # to future posts only)
        if sent_before:
            assert existing is not None
            entity = _sent_entity(existing)
        else:
            entity = _entity_session(entry, config, setup.multi_entity)
        if isinstance(done.converted, ExportError):
            error = done.converted
            if not dry_run:
                _park(_row(session, tenant, key, rows), "data", str(error))
            report.outcomes.append(DocumentOutcome(key, "error", message=str(error)))
            return
        assert done.converted is not None  # made for every result with entries
        outgoing, companions = done.converted
        if dry_run:
            return
        row = _row(session, tenant, key, rows)
        # a row that was sent before without a recorded outcome is looked up first
        work.append(_Work(key, outgoing.lookup, outgoing, sent_before, None, companions, entity))
        row.state = "pending"
        row.intacct_object = entry.target.value
        row.attempts = (row.attempts or 0) + 1
        row.sent_values = {
            "level": (
                TransactionLevel.ENTITY_LEVEL if entity else TransactionLevel.TOP_LEVEL
            ).value,
            "entity": entity,
        }
        row.updated_at = now()

    todo: list[_Head] = []
    for head in heads:
        if head.key in done_keys:
            report.already += 1
            report.outcomes.append(done_keys[head.key])
        else:
            todo.append(head)
    total = len(todo)
    size = max(1, config.batch_size)
    lanes_count = max(1, config.lanes)
    # prepared batches (each of one session: the top level or one entity) wait here for a
    # lane; bounded, so memory stays flat on any month
    batches: asyncio.Queue[tuple[str | None, list[_Work]] | None] = asyncio.Queue(
        maxsize=2 * lanes_count
    )
    done = [0]

    def tick(count: int) -> None:
        done[0] += count
        if progress is not None and count:
            progress(done[0], total)

    async def produce() -> None:
        """Prepare the documents chunk by chunk, in posting order, and hand full batches to
        the lanes as soon as they are committed ``pending`` — one batch per session, since
        a request is signed in to the top level or to one entity."""
        carry: dict[str | None, list[_Work]] = {}
        try:
            start = 0
            while start < total:
                # two first small chunks get a request out on each slot quickly
                step = size if start < 2 * size else _PREPARE_CHUNK
                chunk = todo[start : start + step]
                start += step
                work = await asyncio.to_thread(prepare, chunk)
                tick(len(chunk) - len(work))  # settled without sending (problems, nothing)
                if dry_run:
                    continue
                for item in work:
                    group = carry.setdefault(item.entity, [])
                    group.append(item)
                    if len(group) >= size:
                        await batches.put((item.entity, list(group)))
                        group.clear()
            if not dry_run:
                for entity, group in sorted(carry.items(), key=lambda pair: pair[0] or ""):
                    if group:
                        await batches.put((entity, group))
        finally:
            for _ in range(lanes_count):
                await batches.put(None)

    # (key, object, RECORDNO, entity session) sent this run
    submitted: list[tuple[str, str, str, str | None]] = []
    entity_clients: dict[str, IntacctClient] = {}

    def client_of(entity: str | None) -> IntacctClient:
        """The client of a session: the top level, or one entity (opened once per run)."""
        if entity is None:
            return client
        if entity not in entity_clients:
            entity_clients[entity] = client.for_entity(entity)
        return entity_clients[entity]

    def record(batch: Sequence[_Work], outcomes: Sequence[_Settled]) -> list[DocumentOutcome]:
        """Store a batch's outcomes in one transaction (runs in a worker thread, so the
        lanes' requests stay in flight meanwhile)."""
        recorded: list[DocumentOutcome] = []
        with sessions.begin() as session:
            _lock(session, tenant)
            rows = _rows(session, tenant, [item.key for item in batch])
            for item, (state, recordno, url, message) in zip(batch, outcomes, strict=True):
                row = _row(session, tenant, item.key, rows)
                if row.state == "success" and state != "success":
                    pass  # another run (or the callback) recorded it: never downgrade
                elif state == "success":
                    _done(row, recordno, url, message)
                elif state == "error":
                    _park(row, "intacct", message)
                elif state == "awaiting":
                    if row.state == "pending":  # not settled by an early callback
                        row.last_message = message
                        row.error_code = ASYNC
                        row.updated_at = now()
                else:
                    row.last_message = message
                    row.error_code = "transient"
                    row.updated_at = now()
                recorded.append(_outcome(row))
        return recorded

    # Submitted notes found by the follow-up reads; how many of ``submitted`` are read
    notes: dict[str, str] = {}
    followed = [0]

    async def follow_up() -> None:
        """The reads after posting, for the documents recorded since the last follow-up:
        which journal entries and bills wait for approval (Submitted), and the open items
        of the AP/AR documents — each packed into as few requests as the client makes."""
        start, end = followed[0], len(submitted)
        followed[0] = end
        batch = submitted[start:end]
        if not batch:
            return
        from intacct_bridge.export.openitems import record_posted

        async def states() -> dict[str, str]:
            found: dict[str, str] = {}
            for entity in sorted({s[3] for s in batch}, key=lambda e: e or ""):
                sent = [(key, name, no) for key, name, no, where in batch if where == entity]
                found.update(await _submitted(client_of(entity), sent))
            return found

        posted = [(key, entity) for key, _name, _no, entity in batch]
        # side by side: each on a slot of its own
        new, _ = await asyncio.gather(states(), record_posted(engine, tenant, client, posted))
        if not new:
            return
        notes.update(new)

        def write() -> None:
            with sessions.begin() as session:
                _lock(session, tenant)
                rows = _rows(session, tenant, list(new))
                for key, note in new.items():
                    row = rows.get(key)
                    if row is not None and row.state == "success":
                        row.last_message = note

        await asyncio.to_thread(write)

    early: list[asyncio.Task[None]] = []

    async def lane() -> None:
        """Take the next batch, send it in its session, record it — until none is left.
        Several lanes run at once (``config.lanes``) so that every slot of the company stays
        busy while a lane records its batch. The first lane to find none left starts the
        follow-up reads of what is recorded so far, on the slot the last batches leave
        idle."""
        while (job := await batches.get()) is not None:
            entity, batch = job
            target = client_of(entity)
            if config.policy_id:
                outcomes = await _send_async(
                    sessions, tenant, target, batch, config.policy_id, config
                )
            else:
                outcomes = await _send(target, batch)
            recorded = await asyncio.to_thread(record, batch, outcomes)
            for item, outcome, (state, recordno, _url, _message) in zip(
                batch, recorded, outcomes, strict=True
            ):
                if state == "success" and outcome.state == "success":
                    report.posted += 1
                    submitted.append((item.key, item.lookup.object_name, recordno, entity))
                report.outcomes.append(outcome)
            tick(len(batch))
        if not early:
            early.append(asyncio.create_task(follow_up()))

    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(produce())
            for _ in range(lanes_count):
                group.create_task(lane())
        # the documents of the last batches, side by side with the early follow-up
        await asyncio.gather(follow_up(), *early)
        if progress is not None and not total:
            progress(0, 0)
        if notes:
            report.outcomes = [
                dataclasses.replace(o, message=notes[o.key])
                if o.key in notes and o.state == "success"
                else o
                for o in report.outcomes
            ]
    finally:
        for task in early:  # a run that failed leaves no follow-up behind
            task.cancel()
            task.add_done_callback(lambda done: done.cancelled() or done.exception())
        for entity_client in entity_clients.values():
            await entity_client.aclose()
    return report


#: documents prepared (engine, conversion, ``pending`` committed) per transaction
_PREPARE_CHUNK = 250


@dataclass(frozen=True, slots=True)
class _Computed:
    """A document's entries and their create functions for one version of its state (the
    control IDs carry the version): computed before the tenant's lock is taken."""

    version: int
    result: PostingResult
    #: the first entry's function and the further ones', or why they cannot be made
    converted: tuple[Outgoing, tuple[Outgoing, ...]] | ExportError | None


def _compute(
    document: Document, setup: PostingSetup, tenant: str, version: int, options: ExportOptions
) -> _Computed:
    result = post_document(document, setup)
    converted: tuple[Outgoing, tuple[Outgoing, ...]] | ExportError | None = None
    if result.ok and result.entries:
        try:
            outgoing = to_outgoing(
                result.entries[0], tenant=tenant, version=version, options=options
            )
            companions = tuple(
                to_outgoing(extra, tenant=tenant, version=version, options=options)
                for extra in result.entries[1:]
            )
        except ExportError as error:
            converted = error
        else:
            converted = (outgoing, companions)
    return _Computed(version, result, converted)


@dataclass(frozen=True, slots=True)
class _Head:
    """What ordering a document needs, read without loading its lines."""

    id: int
    key: str
    sort: tuple[dt.date, bool, str, str]


def _heads(session: Session, tenant: str) -> list[_Head]:
    """The tenant's posted documents in posting order: by date, invoices before the credit
    memos that reverse them."""
    query = select(
        DocumentRow.id,
        DocumentRow.type,
        DocumentRow.number,
        DocumentRow.date,
        DocumentRow.reverses,
    ).where(DocumentRow.tenant_id == tenant, DocumentRow.status == DocumentStatus.POSTED.value)
    heads = [
        _Head(row_id, f"{kind}/{number}", (day, reverses is not None, kind, number))
        for row_id, kind, number, day, reverses in session.execute(query)
    ]
    heads.sort(key=lambda head: head.sort)
    return heads


def _settled(session: Session, tenant: str) -> tuple[dict[str, DocumentOutcome], set[str]]:
    """The documents already in Intacct (``success``: never loaded or sent again), and the
    transaction integration levels they were sent at."""
    query = select(SyncStateRow).where(
        SyncStateRow.tenant_id == tenant, SyncStateRow.kind == KIND, SyncStateRow.state == "success"
    )
    outcomes: dict[str, DocumentOutcome] = {}
    levels: set[str] = set()
    for row in session.scalars(query):
        outcomes[row.key] = _outcome(row)
        if isinstance(row.sent_values, dict):
            levels.add(str(row.sent_values.get("level")))
    return outcomes, levels


def _load_documents(session: Session, ids: Sequence[int]) -> list[Document]:
    """The documents of ``ids``, in that order: four plain queries (documents, lines,
    attributes, dimensions) whose rows are handed to the store's mapper as plain objects —
    several times cheaper than loading ORM instances, which this read-only path never
    changes."""
    documents = DocumentRow.__table__
    lines = DocumentLineRow.__table__
    attributes = DocumentLineAttributeRow.__table__
    dimensions = DocumentLineDimensionRow.__table__
    docs = {
        row.id: SimpleNamespace(**row._mapping, lines=[])
        for row in session.execute(select(documents).where(documents.c.id.in_(ids)))
    }
    by_line: dict[tuple[int, int], SimpleNamespace] = {}
    query = select(lines).where(lines.c.document_id.in_(ids)).order_by(lines.c.line_number)
    for row in session.execute(query):
        line = SimpleNamespace(**row._mapping, attributes=[], dimensions=[])
        by_line[(row.document_id, row.line_number)] = line
        docs[row.document_id].lines.append(line)
    query = (
        select(attributes)
        .where(attributes.c.document_id.in_(ids))
        .order_by(attributes.c.attribute_type)
    )
    for row in session.execute(query):
        by_line[(row.document_id, row.line_number)].attributes.append(row)
    query = (
        select(dimensions)
        .where(dimensions.c.document_id.in_(ids))
        .order_by(dimensions.c.dimension_type_id)
    )
    for row in session.execute(query):
        by_line[(row.document_id, row.line_number)].dimensions.append(row)
    return [document_from_row(docs[i]) for i in ids if i in docs]  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class _Work:
    """One document to settle: send it (``outgoing``), or only find it (``outgoing`` is
    ``None``: sent before, now with ``problem``s; parked in error if Intacct lacks it).
    ``entity``: the entity session it is posted in (``None``: top level)."""

    key: str
    lookup: Lookup
    outgoing: Outgoing | None
    look_first: bool
    problem: str | None
    #: further entries of the document, sent with ``outgoing`` in one transaction
    companions: tuple[Outgoing, ...] = ()
    entity: str | None = None


def _sent_entity(row: SyncStateRow) -> str | None:
    """The entity session a document was sent in (``None``: the top level)."""
    values = row.sent_values if isinstance(row.sent_values, dict) else {}
    entity = values.get("entity")
    return str(entity) if entity else None


def _entity_session(entry: Entry, config: PostingConfig, multi_entity: bool) -> str | None:
    """Where an entry is posted: at entity level, the one entity of its lines; at top level
    (or over several entities, which only the top level can post) ``None``."""
    if config.level is not TransactionLevel.ENTITY_LEVEL or not multi_entity:
        return None
    entities = {line.entity_id for line in entry.lines if line.entity_id}
    return entities.pop() if len(entities) == 1 else None


def _level_warnings(config: PostingConfig, levels: set[str], unposted: int) -> list[str]:
    """A warning when documents were posted (``levels``) at another level than the
    configured one and ``unposted`` documents are not posted yet (a change of level applies
    to future posts only)."""
    other = sorted(level for level in levels if level != config.level.value)
    if not other or not unposted:
        return []
    labels = ", ".join(TransactionLevel(level).label for level in other if level in _LEVELS)
    return [
        f"The transaction integration level is now {config.level.label}, but documents were "
        f"posted at {labels or 'another level'}: the change applies to future posts only, "
        f"so {unposted} document(s) not posted yet will be posted at {config.level.label} "
        "(those already sent keep the level they were sent at). Post the remaining "
        "documents before changing the level, or check them in Intacct after posting."
    ]


_LEVELS = {level.value for level in TransactionLevel}


def level_warnings(session: Session, tenant: str, level: TransactionLevel) -> list[str]:
    """The warning :func:`post_documents` gives when ``level`` differs from the level
    documents were posted at while some are not posted yet (for ``status`` and summaries)."""
    done, levels = _settled(session, tenant)
    unposted = sum(1 for head in _heads(session, tenant) if head.key not in done)
    return _level_warnings(PostingConfig(level=level), levels, unposted)


def _awaited(session: Session, tenant: str) -> set[str]:
    """Keys of documents in asynchronous requests whose callback is still awaited."""
    query = select(PostingAsyncRequestRow).where(
        PostingAsyncRequestRow.tenant_id == tenant,
        PostingAsyncRequestRow.answered_at.is_(None),
        PostingAsyncRequestRow.deadline_at > now(),
    )
    keys: set[str] = set()
    for request in session.scalars(query):
        for item in request.documents or ():
            keys.add(str(item.get("key")))
    return keys


#: one document's outcome of a send: (state, RECORDNO, deep link, message)
_Settled = tuple[str, str, str, str]


async def _look(
    client: IntacctClient, batch: Sequence[_Work]
) -> tuple[list[_Settled | None], list[int]]:
    """Settle the items that must be looked up first; the indexes still to send."""
    out: list[_Settled | None] = [None] * len(batch)
    to_send: list[int] = []
    for index, item in enumerate(batch):
        if item.look_first:
            try:
                found = await find_record(client, item.lookup)
            except IntacctAuthError:
                raise
            except IntacctError as error:
                out[index] = ("pending", "", "", f"Could not check Intacct: {error}")
                continue
            if found is not None:
                out[index] = ("success", found[0], found[1], "")
                continue
        if item.outgoing is None:
            out[index] = ("error", "", "", item.problem or "")
            continue
        if item.companions:
            out[index] = await _send_together(client, item.outgoing, item.companions)
            continue
        to_send.append(index)
    return out, to_send


async def _send_async(
    sessions: sessionmaker[Session],
    tenant: str,
    client: IntacctClient,
    batch: Sequence[_Work],
    policy_id: str,
    config: PostingConfig,
) -> list[_Settled]:
    """Submit a batch as one asynchronous request; the request is recorded (control ID,
    documents, deadline) before it is sent, so its callback is matched whenever it comes."""
    out, to_send = await _look(client, batch)
    if not to_send:
        return [o if o is not None else ("pending", "", "", "") for o in out]
    control_id = f"async-{uuid.uuid4().hex}"
    functions: list[Function] = []
    for index in to_send:
        outgoing = batch[index].outgoing
        assert outgoing is not None
        functions.append(outgoing.function)

    def register() -> None:
        """Record the request (control ID, documents and their versions, deadline) in one
        committed transaction before it is submitted."""
        stamp = now()
        documents: list[dict[str, object]] = []
        with sessions.begin() as session:
            _lock(session, tenant)
            rows = _rows(session, tenant, [batch[index].key for index in to_send])
            for index in to_send:
                outgoing = batch[index].outgoing
                assert outgoing is not None
                row = rows.get(batch[index].key)
                documents.append(
                    {
                        "key": batch[index].key,
                        "controlid": outgoing.function.controlid,
                        "version": row.version if row is not None else 1,
                        "object": outgoing.lookup.object_name,
                    }
                )
            session.add(
                PostingAsyncRequestRow(
                    tenant_id=tenant,
                    control_id=control_id,
                    policy_id=policy_id,
                    documents=documents,
                    submitted_at=stamp,
                    deadline_at=stamp + dt.timedelta(seconds=config.async_timeout),
                    answered_at=None,
                )
            )

    await asyncio.to_thread(register)
    try:
        await client.submit_async(functions, policy_id=policy_id, control_id=control_id)
    except (IntacctAuthError, IntacctPolicyError):
        await asyncio.to_thread(_close_request, sessions, tenant, control_id)
        raise
    except IntacctRequestError as error:
        # refused as a whole at once: nothing runs and no callback comes
        await asyncio.to_thread(_close_request, sessions, tenant, control_id)
        for index in to_send:
            out[index] = ("error", "", "", f"Intacct refused the asynchronous request: {error}")
        return [o if o is not None else ("pending", "", "", "") for o in out]
    except IntacctError as error:
        # acknowledged or not, we cannot tell: wait for the callback until the deadline,
        # then look the documents up by their keys
        for index in to_send:
            out[index] = (
                "awaiting",
                "",
                "",
                f"Submitting the asynchronous request {control_id} failed ({error}); if "
                "Intacct received it, its result arrives at the callback; otherwise the "
                "document is looked up and resent after the asynchronous timeout.",
            )
        return [o if o is not None else ("pending", "", "", "") for o in out]
    for index in to_send:
        out[index] = (
            "awaiting",
            "",
            "",
            f"Sent asynchronously (request {control_id}); Intacct posts the result to the "
            "bridge's callback.",
        )
    return [o if o is not None else ("pending", "", "", "") for o in out]


def _close_request(sessions: sessionmaker[Session], tenant: str, control_id: str) -> None:
    with sessions.begin() as session:
        _lock(session, tenant)
        request = session.get(PostingAsyncRequestRow, (tenant, control_id))
        if request is not None:
            request.answered_at = now()


async def _send(client: IntacctClient, batch: Sequence[_Work]) -> list[_Settled]:
    """Send a batch; per entry (state, RECORDNO, deep link, message)."""
    out, to_send = await _look(client, batch)
    functions: list[Function] = []
    for i in to_send:
        outgoing = batch[i].outgoing
        assert outgoing is not None
        functions.append(outgoing.function)
    try:
        results = await client.execute(functions) if functions else []
    except IntacctRequestError as error:
        # the request as a whole was refused (nothing in it ran): find the culprit alone
        if len(batch) > 1:
            singles = [await _send(client, [batch[i]]) for i in range(len(batch))]
            return [single[0] for single in singles]
        out[0] = ("error", "", "", f"Intacct refused the request: {error}")
        return [o if o is not None else ("pending", "", "", "") for o in out]
    except IntacctAuthError:
        raise
    except IntacctError as error:
        for index in to_send:
            out[index] = (
                "pending",
                "",
                "",
                f"Sending failed ({error}); the next run checks Intacct and resends.",
            )
        return [o if o is not None else ("pending", "", "", "") for o in out]
    for index, result in zip(to_send, results, strict=True):
        outgoing = batch[index].outgoing
        assert outgoing is not None
        if result.ok and result.recordno.isdigit():
            recordno = result.recordno
            out[index] = ("success", recordno, _link(outgoing.lookup.object_name, recordno), "")
            continue
        if result.ok or result.status == "unknown" or _already(result):
            try:
                found = await find_record(client, outgoing.lookup)
            except IntacctError as error:
                found = None
                note = f"Could not check Intacct: {error}"
            else:
                note = "The outcome of the send is unknown; the next run checks and resends."
            out[index] = ("success", *found, "") if found else ("pending", "", "", note)
            continue
        out[index] = ("error", "", "", _message(result))
    return [o if o is not None else ("pending", "", "", "") for o in out]


#: the note on a journal entry or bill that waits for approval in Intacct
SUBMITTED_NOTE = "Submitted: waits for approval in Intacct and posts nothing until approved."
#: RECORDNOs per Submitted query (Intacct's readByQuery returns at most 1,000 records)
_STATE_QUERY_SIZE = 1000


async def _submitted(client: IntacctClient, sent: Sequence[tuple[str, str, str]]) -> dict[str, str]:
    """The journal entries and bills of ``sent`` that wait for approval in Intacct
    (Submitted: they post nothing until approved), as ``{key: note}``. Read after their
    batches are recorded, with queries of up to 1,000 RECORDNOs in as few requests as the
    client packs them; a failed read notes nothing."""
    by_object: dict[str, dict[str, str]] = {}
    for key, object_name, recordno in sent:
        if object_name in ("GLBATCH", "APBILL") and recordno.isdigit():
            by_object.setdefault(object_name, {})[recordno] = key
    functions: list[Function] = []
    keys: list[dict[str, str]] = []
    for object_name, numbers in by_object.items():
        ordered = sorted(numbers, key=int)
        for start in range(0, len(ordered), _STATE_QUERY_SIZE):
            chunk = ordered[start : start + _STATE_QUERY_SIZE]
            query = f"RECORDNO IN ({','.join(chunk)})"
            functions.append(
                fn.read_by_query(object_name, query, ("RECORDNO", "STATE"), len(chunk))
            )
            keys.append(numbers)
    if not functions:
        return {}
    try:
        results = await client.execute(functions)
    except IntacctAuthError:
        raise
    except IntacctError:
        return {}
    notes: dict[str, str] = {}
    for numbers, result in zip(keys, results, strict=True):
        if not result.ok:
            continue
        for found in result.records():
            owner = numbers.get(str(found.get("RECORDNO", "")))
            if owner is not None and str(found.get("STATE", "")) == "Submitted":
                notes[owner] = SUBMITTED_NOTE
    return notes


async def _send_together(
    client: IntacctClient, outgoing: Outgoing, companions: Sequence[Outgoing]
) -> _Settled:
    """Send a document of several entries (an adjustment and the journal entry that
    reclassifies its other-sign lines) in one all-or-nothing request: either every record
    is in Intacct or none, so the document's state follows its first record."""
    functions = [outgoing.function, *(c.function for c in companions)]
    try:
        results = await client.execute(functions, transaction=True)
    except IntacctAuthError:
        raise
    except IntacctRequestError as error:
        return ("error", "", "", f"Intacct refused the request: {error}")
    except IntacctError as error:
        return ("pending", "", "", f"Sending failed ({error}); the next run checks and resends.")
    main = results[0]
    if all(r.ok and r.recordno.isdigit() for r in results):
        others = ", ".join(
            f"{c.lookup.object_name} {r.recordno}"
            for c, r in zip(companions, results[1:], strict=True)
        )
        note = f"With {others} (the other-sign lines reclassified)."
        return ("success", main.recordno, _link(outgoing.lookup.object_name, main.recordno), note)
    failed = [r for r in results if not r.ok and r.status != "unknown" and not _already(r)]
    if failed:
        return ("error", "", "", " ".join(_message(r) for r in failed))
    try:
        found = await find_record(client, outgoing.lookup)
    except IntacctAuthError:
        raise
    except IntacctError as error:
        return ("pending", "", "", f"Could not check Intacct: {error}")
    if found is None:
        return ("pending", "", "", "The outcome of the send is unknown; the next run checks.")
    return ("success", found[0], found[1], "")


def _already(result: FunctionResult) -> bool:
    return any("already" in (e.description2 or "").lower() for e in result.errors)


# --- per tenant, from its stored configuration -------------------------------------------


def posting_config_for(
    integration: IntegrationConfig, base: PostingConfig | None = None
) -> PostingConfig:
    """``base`` with what the tenant's integration configuration decides: asynchronous mode
    (its policy ID when *Asynchronous* is on), the asynchronous timeout and the transaction
    integration level."""
    base = base or PostingConfig()
    policy = integration.policy_id if integration.asynchronous else None
    return dataclasses.replace(
        base,
        policy_id=policy,
        async_timeout=float(integration.async_timeout),
        level=integration.transaction_level,
    )


async def post_tenant(
    engine: Engine,
    tenant: str,
    *,
    keyring: Keyring | None,
    config: PostingConfig | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    limiter: CompanyLimiter | None = None,
    retry: RetryPolicy | None = None,
    progress: Progress | None = None,
) -> PostingRunReport:
    """Post ``tenant``'s documents with its stored configuration (sign-in, asynchronous
    policy, transaction level) — the per-tenant function a scheduler calls. Raises
    :class:`~intacct_bridge.sync.connect.NotConfiguredError` when the tenant cannot post."""
    from intacct_bridge.sync.connect import client_for, load_config

    with session_factory(engine)() as session:
        integration = load_config(session, tenant, keyring)
    posting = posting_config_for(integration, config)
    client = client_for(integration, transport=transport, limiter=limiter, retry=retry)
    async with client:
        return await post_documents(engine, tenant, client, config=posting, progress=progress)


# --- reconcile ---------------------------------------------------------------------------


@dataclass
class ReconcileReport:
    """Expected against actual per balance key, and each document's posting status."""

    period: str
    expected: dict[BalanceKey, Decimal]
    actual: dict[BalanceKey, Decimal]
    differences: list[Difference]
    #: documents of the period not in ``success`` (key, state, message)
    unposted: list[DocumentOutcome]
    #: documents of the period in ``success``
    posted: list[DocumentOutcome]
    #: documents the posting engine cannot post with today's setup (their problems), so the
    #: bridge expects nothing of them
    problems: list[DocumentOutcome] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.differences and not self.unposted and not self.problems


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``YYYY-MM`` (raises ``ValueError`` naming the format)."""
    try:
        first = dt.datetime.strptime(period, "%Y-%m").date()
    except ValueError:
        raise ValueError(f"Period {period!r} is not YYYY-MM (e.g. 2026-11).") from None
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def _gl_query(first: dt.date, last: dt.date, by: Sequence[str], offset: int) -> Function:
    body = etree.Element("query")
    etree.SubElement(body, "object").text = "GLDETAIL"
    select_el = etree.SubElement(body, "select")
    for name in ("ACCOUNTNO", "ENTITY", *by):
        etree.SubElement(select_el, "field").text = name
    for name in ("DEBITAMOUNT", "CREDITAMOUNT"):
        etree.SubElement(select_el, "sum").text = name
    span = fn.all_of(
        fn.condition("greaterthanorequalto", "BATCH_DATE", first.strftime("%m/%d/%Y")),
        fn.condition("lessthanorequalto", "BATCH_DATE", last.strftime("%m/%d/%Y")),
    )
    etree.SubElement(body, "filter").append(span)
    # entity-level posts are private to their entity: the top level lists them on request
    etree.SubElement(etree.SubElement(body, "options"), "showprivate").text = "true"
    etree.SubElement(body, "pagesize").text = "2000"
    etree.SubElement(body, "offset").text = str(offset)
    return Function(fn.read_controlid(), body)


async def gl_balances(
    client: IntacctClient, first: dt.date, last: dt.date, by: Sequence[str] = ()
) -> dict[BalanceKey, Decimal]:
    """Intacct's signed base balances (debit positive) per account, entity and ``by``."""
    totals: dict[BalanceKey, Decimal] = {}
    offset = 0
    while True:
        result = await client.call(_gl_query(first, last, by, offset))
        rows = list(result.records())
        for row in rows:
            entity = str(row.get("ENTITY") or "") or None
            dims = tuple(sorted((name, str(row.get(name))) for name in by if row.get(name)))
            key = BalanceKey(str(row.get("ACCOUNTNO", "")), entity, dims)
            net = Decimal(str(row.get("SUM.DEBITAMOUNT") or 0)) - Decimal(
                str(row.get("SUM.CREDITAMOUNT") or 0)
            )
            totals[key] = totals.get(key, Decimal(0)) + net
        if result.remaining <= 0 or not rows:
            break
        offset += len(rows)
    return {k: v for k, v in totals.items() if v != 0}


def _with_location(line: EntryLine) -> EntryLine:
    """The line as sent at top level: its entity as LOCATION unless it names one."""
    if line.entity_id is None or line.dimension("LOCATION") is not None:
        return line
    dimensions = tuple(sorted((*line.dimensions, ("LOCATION", line.entity_id))))
    return dataclasses.replace(line, dimensions=dimensions)


def as_intacct_posts(entry: Entry) -> Entry:
    """``entry`` as Intacct's ledger holds it: on AP/AR documents the control account is
    posted once per line, against that line, with the line's entity and dimensions (the
    engine keeps one control line)."""
    entry = dataclasses.replace(entry, lines=tuple(_with_location(line) for line in entry.lines))
    if entry.target is Target.JOURNAL_ENTRY:
        return entry
    control = [line for line in entry.lines if line.account_type in _CONTROL_TYPES]
    if len(control) != 1:
        return entry
    account = control[0].account_id
    others = [line for line in entry.lines if line.account_type not in _CONTROL_TYPES]
    offsets = [
        dataclasses.replace(
            line,
            account_id=account,
            account_type=control[0].account_type,
            side=line.side.opposite,
            tax_detail_id=None,
        )
        for line in others
    ]
    return dataclasses.replace(entry, lines=(*others, *offsets))


def base_entity(entry: Entry) -> str | None:
    """The base entity of a journal entry over several entities (``None`` for one)."""
    entities = sorted({line.entity_id for line in entry.lines if line.entity_id})
    if len(entities) < 2:
        return None
    return entry.entity_id if entry.entity_id in entities else entities[0]


def interentity_balances(
    entries: Sequence[Entry], due_from: str, due_to: str, by: Sequence[str] = ()
) -> list[tuple[BalanceKey, Decimal]]:
    """The lines Intacct adds to balance each journal entry by entity: an entity with more
    debits than credits gets Cr *due to* and the base Dr *due from*, and the other way round
    (no dimensions)."""
    out: list[tuple[BalanceKey, Decimal]] = []
    for entry in entries:
        if entry.target is not Target.JOURNAL_ENTRY:
            continue
        base = base_entity(entry)
        if base is None:
            continue
        nets: dict[str, Decimal] = {}
        for line in entry.lines:
            if line.entity_id and line.entity_id != base:
                nets[line.entity_id] = nets.get(line.entity_id, Decimal(0)) + line.signed_amount
        for entity, net in sorted(nets.items()):
            if net == 0:
                continue
            there = (("LOCATIONID", entity),) if "LOCATIONID" in by else ()
            here = (("LOCATIONID", base),) if "LOCATIONID" in by else ()
            out.append((BalanceKey(due_to if net > 0 else due_from, entity, there), -net))
            out.append((BalanceKey(due_from if net > 0 else due_to, base, here), net))
    return out


async def reconcile(
    engine: Engine,
    tenant: str,
    client: IntacctClient,
    period: str,
    *,
    config: PostingConfig | None = None,
    by: Sequence[str] = (),
) -> ReconcileReport:
    """Balances the bridge expects for ``period`` (``YYYY-MM``) against Intacct's GL."""
    first, last = period_bounds(period)
    entries: list[Entry] = []
    unposted: list[DocumentOutcome] = []
    posted: list[DocumentOutcome] = []
    problems: list[DocumentOutcome] = []
    with session_factory(engine).begin() as session:
        setup = load_setup(session, tenant, config)
        rows = _rows(session, tenant)
        for document in list_documents(session, tenant):
            # a document dated before the period may be in it: posted on the first open
            # day of a subledger closed on its date
            if document.status is not DocumentStatus.POSTED or document.date > last:
                continue
            result = post_document(document, setup)
            day = result.entries[0].gl_date if result.entries else document.date
            if not first <= day <= last:
                continue
            row = rows.get(document_key(document))
            if result.ok and not result.entries:
                continue
            if not result.ok:
                message = " | ".join(str(p) for p in result.problems)
                problems.append(DocumentOutcome(document_key(document), "error", message=message))
            if row is None or row.state != "success":
                unposted.append(
                    _outcome(row)
                    if row is not None
                    else DocumentOutcome(document_key(document), "not", message="Never posted.")
                )
            else:
                posted.append(_outcome(row))
            entries.extend(result.entries)
    config = config or PostingConfig()
    totals = expected_balances(
        (as_intacct_posts(e) for e in entries if first <= e.gl_date <= last), by
    )
    if config.interentity_accounts is not None:
        for key, amount in interentity_balances(entries, *config.interentity_accounts, by):
            totals[key] = totals.get(key, Decimal(0)) + amount
    expected = {k: v for k, v in totals.items() if v != 0}
    actual = await gl_balances(client, first, last, by)
    differences = compare(expected, actual)
    return ReconcileReport(period, expected, actual, differences, unposted, posted, problems)


__all__ = [
    "KIND",
    "DocumentOutcome",
    "PostingConfig",
    "PostingRunReport",
    "ReconcileReport",
    "document_key",
    "find_record",
    "gl_balances",
    "level_warnings",
    "load_setup",
    "period_bounds",
    "post_documents",
    "post_tenant",
    "posting_config_for",
    "reconcile",
]
