"""Financial setup in from Intacct: full pulls, incremental pulls, one-record fetches.

Usage::

    async with IntacctClient(config.intacct_config()) as client:
        inbound = InboundSync(sessions, client, tenant_id)
        report = await inbound.pull(full=True)      # "Create all": every record, paged
        report = await inbound.pull()               # later: only what changed since
        await inbound.fetch("GLACCOUNT", "42")      # a Smart Event said RECORDNO 42 changed

* **Full pull** ("create all") — every row of every object, streamed with readByQuery /
  readMore; records Intacct no longer has are marked deleted (kept, inactive: documents may
  refer to them). It sets the object's high-water mark.
* **Incremental pull** — per object, one light query for ``RECORDNO, WHENMODIFIED`` of the
  rows modified at or after the high-water mark; only rows that are new or whose
  ``WHENMODIFIED`` moved are then read in full (``read`` by RECORDNO, 100 per call). An object
  never pulled is pulled in full. Deletions are not visible to a modification-time query:
  they arrive through the Smart Event ``delete`` or the next full pull.
* **Fetch** — one record by RECORDNO (what a Smart Event triggers); a record Intacct no longer
  has is marked deleted.

Every write goes through :func:`intacct_bridge.store.repositories.save_record`, so an
unchanged record writes nothing (content hash) and every change appends a change event in
the same transaction. The Intacct side of each record (RECORDNO, WHENMODIFIED, active,
inactive or deleted) is kept in ``inbound_link``; each object's rows are committed together
with its new high-water mark, so a pull killed midway leaves the mark where it was and the
next pull reads those rows again (harmlessly).

Inactive records (``STATUS`` inactive) are stored inactive; deleted ones are stored inactive
with their link marked ``deleted``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.intacct import functions as fn
from intacct_bridge.intacct.client import IntacctClient
from intacct_bridge.intacct.errors import IntacctBusinessError
from intacct_bridge.model import analytics as an
from intacct_bridge.model.finance import Entity
from intacct_bridge.model.kinds import KINDS_BY_NAME, record_key
from intacct_bridge.model.sites import Company, Site
from intacct_bridge.store.base import now
from intacct_bridge.store.errors import RecordRejectedError
from intacct_bridge.store.repositories import (
    Outcome,
    get_record,
    list_records,
    require_tenant,
    save_record,
)
from intacct_bridge.store.session import SQLITE_BEGIN
from intacct_bridge.store.tables.inbound import InboundCursorRow, InboundLinkRow
from intacct_bridge.sync import inbound_objects as io
from intacct_bridge.sync.inbound_objects import InboundSpec, Role, Unusable

log = logging.getLogger("intacct_bridge.sync.inbound")

#: Intacct's date-time form in readByQuery results and queries
INTACCT_DATETIME = "%m/%d/%Y %H:%M:%S"
#: rows written per transaction during a full pull
CHUNK = 500
#: RECORDNOs per ``read`` call
READ_KEYS = 100
#: standard dimensions kept as dimension types, in slot order
DIMENSION_ORDER = ("DEPARTMENT", "LOCATION", "CLASS", "WAREHOUSE")
#: the record objects, in an order where references point backwards
RECORD_ORDER = (
    "GLACCOUNT",
    "GLJOURNAL",
    "APTERM",
    "ARTERM",
    "TAXSOLUTION",
    "TAXDETAIL",
    "LOCATIONENTITY",
    "PROJECT",
    "TASK",
    "EMPLOYEE",
    "CHECKINGACCOUNT",
    "SAVINGSACCOUNT",
)
_NOT_FOUND = "not found"
#: tries of a write transaction that collides with a concurrent writer
WRITE_ATTEMPTS = 3

T = TypeVar("T")


def parse_when(value: str) -> dt.datetime | None:
    """Intacct's ``MM/DD/YYYY HH:MM:SS`` (or ISO), or ``None`` when empty or unreadable."""
    text = value.strip()
    if not text:
        return None
    for pattern in (INTACCT_DATETIME, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text[:19], pattern)
        except ValueError:
            continue
    return None


def _later(a: str | None, b: str | None) -> str | None:
    """The later of two Intacct date-times (text kept as Intacct wrote it)."""
    if not a:
        return b
    if not b:
        return a
    pa, pb = parse_when(a), parse_when(b)
    if pa is None:
        return b
    if pb is None:
        return a
    return b if pb > pa else a


@dataclass
class ObjectReport:
    """What a pull or a fetch did for one Intacct object."""

    intacct_object: str
    mode: str
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: records Intacct marks inactive that were active in the bridge
    deactivated: int = 0
    #: records Intacct no longer has
    deleted: int = 0
    #: rows that could not be stored: ``OBJECT ID: reason``
    rejected: list[str] = field(default_factory=list)
    #: remarks on stored rows (a requirement the bridge cannot hold …)
    notes: list[str] = field(default_factory=list)
    #: why the object was not pulled at all (not in this company …)
    skipped: str | None = None

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deactivated + self.deleted

    def absorb(self, part: ObjectReport) -> None:
        """Add what a committed transaction did."""
        self.fetched += part.fetched
        self.created += part.created
        self.updated += part.updated
        self.unchanged += part.unchanged
        self.deactivated += part.deactivated
        self.deleted += part.deleted
        self.rejected.extend(part.rejected)
        self.notes.extend(part.notes)
        self.skipped = part.skipped or self.skipped


@dataclass
class PullReport:
    """The outcome of :meth:`InboundSync.pull`."""

    tenant_id: str
    objects: list[ObjectReport] = field(default_factory=list)
    #: entity mismatches and other findings an operator should act on
    warnings: list[str] = field(default_factory=list)
    #: requests sent to Intacct
    requests: int = 0

    def of(self, intacct_object: str) -> ObjectReport:
        return next(o for o in self.objects if o.intacct_object == intacct_object)

    @property
    def changed(self) -> int:
        return sum(o.changed for o in self.objects)

    @property
    def fetched(self) -> int:
        return sum(o.fetched for o in self.objects)


@dataclass(frozen=True)
class FetchResult:
    """What :meth:`InboundSync.fetch` did with one record."""

    intacct_object: str
    recordno: str
    #: ``created``, ``updated``, ``unchanged``, ``deleted``, ``rejected`` or ``ignored``
    outcome: str
    detail: str = ""


def writer(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Sessions for transactions that write: on SQLite they take the write lock at BEGIN
    (``BEGIN IMMEDIATE``), so concurrent writers wait for each other instead of failing."""
    bind = sessions.kw.get("bind")
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
        return sessionmaker(
            bind=bind.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}), expire_on_commit=False
        )
    return sessions


def _note(
    rows: list[dict[str, object]], report: ObjectReport, seen: set[str], newest: str | None
) -> str | None:
    """Count ``rows`` as read; remember their RECORDNOs; return the newest WHENMODIFIED."""
    report.fetched += len(rows)
    for row in rows:
        seen.add(str(row.get("RECORDNO", "")))
        newest = _later(newest, str(row.get("WHENMODIFIED", "") or ""))
    return newest


def _key_text(key: Sequence[str]) -> str:
    return json.dumps(list(key), ensure_ascii=False)


def _key_parts(text: str) -> tuple[str, ...]:
    value = json.loads(text)
    return tuple(str(part) for part in value)


class InboundSync:
    """Pulls one tenant's financial setup from Intacct into the operations store."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        client: IntacctClient,
        tenant_id: str,
    ) -> None:
        self.sessions = sessions
        self._writes = writer(sessions)
        self.client = client
        self.tenant_id = tenant_id
        #: user-defined dimensions of the company (object → label), from getDimensions
        self._udds: dict[str, str] | None = None
        self._dimension_objects: list[str] | None = None

    # --- public ------------------------------------------------------------------------------

    async def pull(
        self,
        *,
        full: bool = False,
        objects: Iterable[str] | None = None,
        progress: Callable[[ObjectReport], None] | None = None,
    ) -> PullReport:
        """Pull every inbound object (or ``objects``): in full with ``full`` or when the object
        was never pulled, else incrementally. Returns what changed, per object; ``progress``
        is called as each object is done."""
        with self.sessions() as session:
            require_tenant(session, self.tenant_id)
        start = self.client.requests_sent
        report = PullReport(self.tenant_id)
        await self._discover_dimensions(report)
        wanted = {o.upper() for o in objects} if objects is not None else None
        for spec in self._specs():
            if wanted is not None and spec.name not in wanted:
                continue
            done = await self._pull_object(spec, full=full)
            report.objects.append(done)
            if progress is not None:
                progress(done)
        report.warnings.extend(self.entity_warnings())
        report.requests = self.client.requests_sent - start
        for warning in report.warnings:
            log.warning("tenant %s: %s", self.tenant_id, warning)
        return report

    async def fetch(self, object_name: str, recordno: str) -> FetchResult:
        """Read one record by RECORDNO and store it (a Smart Event's targeted fetch)."""
        name = object_name.strip().upper()
        if not recordno.isdigit():
            raise ValueError(f"RECORDNO {recordno!r} is not a number")
        spec = io.spec_for(name) or io.spec_for(name, await self._user_dimensions())
        if spec is None:
            return FetchResult(name, recordno, "ignored", f"{name} is not an inbound object")
        result = await self.client.call(fn.read(spec.name, [recordno], ("*",)))
        rows = [row for row in result.records() if str(row.get("RECORDNO", "")) == recordno]
        report = ObjectReport(name, "event", fetched=len(rows))

        def work(session: Session, part: ObjectReport) -> None:
            if spec.role is Role.DIMENSION:
                self._ensure_dimension_type(session, spec, part)
            if rows:
                self._store_rows(session, spec, rows, self._context(session), part)
            else:
                self._mark_deleted(session, spec, [recordno], part)

        self._write(report, work)
        if report.rejected:
            return FetchResult(name, recordno, "rejected", "; ".join(report.rejected))
        if not rows:
            outcome = "deleted" if report.deleted else "unchanged"
            return FetchResult(name, recordno, outcome, "Intacct no longer has the record")
        outcome = (
            "created"
            if report.created
            else "updated"
            if report.updated or report.deactivated
            else "unchanged"
        )
        return FetchResult(name, recordno, outcome, "; ".join(report.notes))

    def entity_warnings(self) -> list[str]:
        """Each mismatch between Intacct's entities and the bridge's companies and financial
        sites, as a sentence with its fix."""
        with self.sessions() as session:
            return entity_warnings(session, self.tenant_id)

    # --- objects -----------------------------------------------------------------------------

    async def _user_dimensions(self) -> dict[str, str]:
        if self._udds is None:
            await self._discover_dimensions(None)
        assert self._udds is not None
        return self._udds

    async def _discover_dimensions(self, report: PullReport | None) -> None:
        """Which dimensions the company has (getDimensions): standard and user-defined."""
        udds: dict[str, str] = {}
        present: list[str] = []
        try:
            result = await self.client.call(fn.get_dimensions())
        except IntacctBusinessError as error:
            if report is not None:
                report.warnings.append(
                    f"getDimensions failed ({error}); pulling the standard dimensions only"
                )
            self._udds, self._dimension_objects = {}, list(DIMENSION_ORDER)
            return
        for holder in result.records():
            rows = holder.get("dimension", [])
            for row in rows if isinstance(rows, list) else [rows]:
                if not isinstance(row, dict):
                    continue
                name = str(row.get("objectName", "")).upper()
                if str(row.get("userDefinedDimension", "")).lower() == "true":
                    udds[name] = str(row.get("objectLabel") or name)
                present.append(name)
        standard = [name for name in DIMENSION_ORDER if name in present]
        self._udds = udds
        self._dimension_objects = standard + sorted(udds)

    def _specs(self) -> list[InboundSpec]:
        assert self._udds is not None and self._dimension_objects is not None
        dims = [io.dimension_spec(name, self._udds.get(name)) for name in self._dimension_objects]
        records = [s for name in RECORD_ORDER if (s := io.spec_for(name)) is not None]
        return dims + records

    async def _pull_object(self, spec: InboundSpec, *, full: bool) -> ObjectReport:
        with self.sessions() as session:
            cursor = session.get(InboundCursorRow, (self.tenant_id, spec.name))
            mark = None if cursor is None else cursor.high_water
            never = cursor is None
        mode = "full" if full or never else "incremental"
        report = ObjectReport(spec.name, mode)
        if spec.role is Role.DIMENSION and not self._write(
            report, lambda session, part: self._ensure_dimension_type(session, spec, part)
        ):
            return report
        try:
            if mode == "full":
                await self._full(spec, report, mark, never)
            else:
                await self._incremental(spec, report, mark)
        except IntacctBusinessError as error:
            if _NOT_FOUND not in str(error).lower():
                raise
            report.skipped = (
                f"{spec.name} is not available in this Intacct company (its module is off or "
                "the object does not exist); nothing pulled"
            )
        return report

    async def _full(
        self, spec: InboundSpec, report: ObjectReport, mark: str | None, never: bool
    ) -> None:
        seen: set[str] = set()
        newest = mark
        batch: list[dict[str, object]] = []
        rows = self.client.iter_read_by_query(spec.name, "", ("*",))
        async for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                newest = _note(batch, report, seen, newest)
                self._write(report, self._storing(spec, batch))
                batch = []
        newest = _note(batch, report, seen, newest)
        last = self._storing(spec, batch)

        def finish(session: Session, part: ObjectReport) -> None:
            # the last rows, the deletions and the new mark commit together
            last(session, part)
            gone = session.scalars(
                select(InboundLinkRow.recordno).where(
                    InboundLinkRow.tenant_id == self.tenant_id,
                    InboundLinkRow.intacct_object == spec.name,
                    InboundLinkRow.status != "deleted",
                )
            ).all()
            missing = [recordno for recordno in gone if recordno not in seen]
            if missing:
                self._mark_deleted(session, spec, missing, part)
            self._advance(session, spec, newest, full=True, force=never)

        self._write(report, finish)

    def _storing(
        self, spec: InboundSpec, rows: list[dict[str, object]]
    ) -> Callable[[Session, ObjectReport], None]:
        def work(session: Session, part: ObjectReport) -> None:
            if rows:
                self._store_rows(session, spec, rows, self._context(session), part)

        return work

    def _write(self, report: ObjectReport, work: Callable[[Session, ObjectReport], T]) -> T:
        """Run ``work`` in one write transaction. When it collides with a concurrent writer
        (another pull, a Smart Event storing the same record) it runs again on the state that
        writer left; its counts reach ``report`` only once committed."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            part = ObjectReport(report.intacct_object, report.mode)
            try:
                with self._writes.begin() as session:
                    value = work(session, part)
            except IntegrityError:
                if attempt == WRITE_ATTEMPTS:
                    raise
                log.info("%s: concurrent write, retrying (%d)", report.intacct_object, attempt)
                continue
            report.absorb(part)
            return value
        raise AssertionError("unreachable")  # pragma: no cover

    async def _incremental(self, spec: InboundSpec, report: ObjectReport, mark: str | None) -> None:
        # the mark is Intacct's own text, but it goes back into a query: re-render it
        when = parse_when(mark) if mark else None
        query = f"WHENMODIFIED >= '{when.strftime(INTACCT_DATETIME)}'" if when else ""
        light = [
            row
            async for row in self.client.iter_read_by_query(
                spec.name, query, ("RECORDNO", "WHENMODIFIED")
            )
        ]
        numbers = [str(r.get("RECORDNO", "")) for r in light]
        known: dict[str, str | None] = {}
        with self.sessions() as session:
            for start in range(0, len(numbers), CHUNK):
                pairs = session.execute(
                    select(InboundLinkRow.recordno, InboundLinkRow.when_modified).where(
                        InboundLinkRow.tenant_id == self.tenant_id,
                        InboundLinkRow.intacct_object == spec.name,
                        InboundLinkRow.recordno.in_(numbers[start : start + CHUNK]),
                    )
                )
                known.update((recordno, when) for recordno, when in pairs)
        changed = [
            str(row.get("RECORDNO", ""))
            for row in light
            if str(row.get("RECORDNO", "")) not in known
            or known[str(row.get("RECORDNO", ""))] != str(row.get("WHENMODIFIED", "") or "")
        ]
        newest = mark
        for row in light:
            newest = _later(newest, str(row.get("WHENMODIFIED", "") or ""))
        async for rows in self._read_many(spec, changed):
            report.fetched += len(rows)
            self._write(report, self._storing(spec, rows))
        if newest != mark:
            self._write(
                report, lambda session, part: self._advance(session, spec, newest, full=False)
            )

    async def _read_many(
        self, spec: InboundSpec, recordnos: Sequence[str]
    ) -> AsyncIterator[list[dict[str, object]]]:
        for start in range(0, len(recordnos), READ_KEYS):
            keys = recordnos[start : start + READ_KEYS]
            result = await self.client.call(fn.read(spec.name, keys, ("*",)))
            yield list(result.records())

    # --- the store ---------------------------------------------------------------------------

    def _context(self, session: Session) -> io.Context:
        dimension_types = frozenset(
            t.id for t in list_records(session, self.tenant_id, an.DimensionType)
        )
        companies = list_records(session, self.tenant_id, Company)
        sites = list_records(session, self.tenant_id, Site)
        financial = {
            s.intacct_entity_id: s.id for s in sites if s.is_financial and s.intacct_entity_id
        }
        currencies = {c.currency for c in companies}
        return io.Context(
            dimension_types=dimension_types,
            default_currency=currencies.pop() if len(currencies) == 1 else None,
            financial_sites=financial,
        )

    def _ensure_dimension_type(
        self, session: Session, spec: InboundSpec, report: ObjectReport
    ) -> bool:
        """Create the dimension type of ``spec`` in a free slot; ``False`` if none is free."""
        existing = get_record(session, self.tenant_id, an.DimensionType, spec.name)
        if existing is not None:
            if not existing.is_active:
                save_record(session, self.tenant_id, dataclasses.replace(existing, is_active=True))
            return True
        taken = {t.slot for t in list_records(session, self.tenant_id, an.DimensionType)}
        free = [slot for slot in range(1, an.MAX_DIMENSION_TYPES + 1) if slot not in taken]
        if not free:
            report.skipped = (
                f"all {an.MAX_DIMENSION_TYPES} dimension slots are taken, so dimension "
                f"{spec.name} was not pulled; deactivate or remove a dimension type you do not "
                "use to free a slot"
            )
            return False
        save_record(
            session,
            self.tenant_id,
            an.DimensionType(
                id=spec.name, name=spec.label[:100], slot=free[0], intacct_object=spec.name
            ),
        )
        return True

    def _store_rows(
        self,
        session: Session,
        spec: InboundSpec,
        rows: Iterable[dict[str, object]],
        ctx: io.Context,
        report: ObjectReport,
    ) -> None:
        for row in rows:
            recordno = str(row.get("RECORDNO", "") or "")
            shown = io.text(row, spec.id_field) or f"RECORDNO {recordno}"
            try:
                converted = io.convert(spec, row, ctx)
            except Unusable as problem:
                report.rejected.append(f"{spec.name} {shown}: {problem}")
                continue
            record = converted.record
            for note in converted.notes:
                report.notes.append(f"{spec.name} {shown}: {note}")
            link = session.get(InboundLinkRow, (self.tenant_id, spec.name, recordno))
            try:
                # refused before anything is written, so the transaction stays usable
                outcome = save_record(session, self.tenant_id, record)
            except RecordRejectedError as error:
                report.rejected.append(f"{spec.name} {shown}: {error}")
                continue
            if outcome is Outcome.CREATED:
                report.created += 1
            elif outcome is Outcome.UNCHANGED:
                report.unchanged += 1
            elif link is not None and link.status == "active" and not record.is_active:
                report.deactivated += 1
            else:
                report.updated += 1
            key = _key_text(record_key(record))
            if link is not None and link.record_key != key:
                # the ID changed in Intacct: the record under the old ID is gone
                self._deactivate(session, link.kind, link.record_key)
            status = "active" if record.is_active else "inactive"
            self._link(session, spec, recordno, row, record, key, status, link)

    def _link(
        self,
        session: Session,
        spec: InboundSpec,
        recordno: str,
        row: dict[str, object],
        record: io.InboundRecord,
        key: str,
        status: str,
        link: InboundLinkRow | None,
    ) -> None:
        values: dict[str, Any] = {
            "intacct_id": io.text(row, spec.id_field)[:100],
            "kind": record.KIND,
            "record_key": key,
            "when_modified": (io.text(row, "WHENMODIFIED") or None),
            "status": status,
        }
        if link is None:
            session.add(
                InboundLinkRow(
                    tenant_id=self.tenant_id,
                    intacct_object=spec.name,
                    recordno=recordno,
                    updated_at=now(),
                    **values,
                )
            )
        elif any(getattr(link, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(link, name, value)
            link.updated_at = now()
        session.flush()

    def _mark_deleted(
        self, session: Session, spec: InboundSpec, recordnos: Sequence[str], report: ObjectReport
    ) -> None:
        for recordno in recordnos:
            link = session.get(InboundLinkRow, (self.tenant_id, spec.name, recordno))
            if link is None or link.status == "deleted":
                continue
            self._deactivate(session, link.kind, link.record_key)
            link.status = "deleted"
            link.updated_at = now()
            report.deleted += 1
        session.flush()

    def _deactivate(self, session: Session, kind: str, key_text: str) -> None:
        cls = KINDS_BY_NAME.get(kind)
        if cls is None:
            return
        stored: Any = get_record(session, self.tenant_id, cls, *_key_parts(key_text))
        if stored is not None and getattr(stored, "is_active", False):
            save_record(session, self.tenant_id, dataclasses.replace(stored, is_active=False))

    def _advance(
        self,
        session: Session,
        spec: InboundSpec,
        newest: str | None,
        *,
        full: bool,
        force: bool = False,
    ) -> None:
        """Move the object's high-water mark (written only when it moves, or on a first pull)."""
        cursor = session.get(InboundCursorRow, (self.tenant_id, spec.name))
        stamp = now()
        if cursor is None:
            session.add(
                InboundCursorRow(
                    tenant_id=self.tenant_id,
                    intacct_object=spec.name,
                    high_water=newest,
                    full_pull_at=stamp,
                    updated_at=stamp,
                )
            )
        elif force or cursor.high_water != newest:
            cursor.high_water = newest
            cursor.updated_at = stamp
            if full:
                cursor.full_pull_at = stamp
        session.flush()


def entity_warnings(session: Session, tenant_id: str) -> list[str]:
    """Mismatches between Intacct's entities (as last pulled) and the bridge's companies and
    financial sites, one sentence each with its fix."""
    entities = {e.id: e for e in list_records(session, tenant_id, Entity)}
    active = {eid: e for eid, e in entities.items() if e.is_active}
    companies = list_records(session, tenant_id, Company)
    sites = [s for s in list_records(session, tenant_id, Site) if s.is_financial]
    warnings: list[str] = []
    by_entity = {c.intacct_entity_id: c for c in companies if c.intacct_entity_id}
    site_entities = {s.intacct_entity_id: s for s in sites if s.intacct_entity_id}
    for eid, entity in sorted(active.items()):
        if eid not in by_entity:
            warnings.append(
                f"Intacct entity {eid} ({entity.name}) has no company in the bridge: create a "
                f"company and its financial site with Entity ID {eid} (seed guide, Business "
                "entities)"
            )
        elif eid not in site_entities:
            warnings.append(
                f"Intacct entity {eid} ({entity.name}) has company {by_entity[eid].id} in the "
                f"bridge but no financial site with Entity ID {eid}: create one"
            )
    for company in companies:
        company_entity = company.intacct_entity_id
        if company_entity is None:
            if entities:
                warnings.append(
                    f"company {company.id} has no Entity ID, but the Intacct company is "
                    f"multi-entity ({', '.join(sorted(entities))}): give it the Entity ID of "
                    "its Intacct entity"
                )
            continue
        if company_entity not in entities:
            warnings.append(
                f"company {company.id} carries Entity ID {company_entity}, which is not an "
                "entity of the Intacct company: fix the Entity ID (it must match Intacct exactly)"
            )
        elif company_entity not in active:
            warnings.append(
                f"company {company.id} carries Entity ID {company_entity}, whose Intacct entity is "
                "inactive or deleted: reactivate it in Intacct or deactivate the company"
            )
    for site in sites:
        site_entity = site.intacct_entity_id
        if site_entity is not None and site_entity not in entities:
            warnings.append(
                f"financial site {site.id} carries Entity ID {site_entity}, which is not an "
                "entity of the Intacct company: fix the Entity ID"
            )
    return warnings


__all__ = [
    "FetchResult",
    "InboundSync",
    "ObjectReport",
    "PullReport",
    "entity_warnings",
    "parse_when",
    "writer",
]
