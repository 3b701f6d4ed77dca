"""``intacct-bridge demo``: the main job, end to end, with no configuration.

Steps, in order (each timed and counted; a failed step stops the run, later steps are
reported as not run):

1. **bridge** — a secret key file and a SQLite store in the working directory;
2. **company** — the Intacct company ``DEMO-MFG`` provisioned in an in-process sandbox *from
   the demo's master data* (entities with their currencies, chart of accounts, journals,
   terms, departments, classes, taxes, rates: :mod:`intacct_bridge.demo.company`);
3. **setup** — the seed guide's setup against that company (sender, web services user,
   authorization, Smart Events package, …), the bridge configured for it;
4. **load** — the demo company and its month imported into the store;
5. **sync** — master data out (items, customers, suppliers, contacts) by the embedded worker;
6. **pull** — financial setup in from Intacct (full pull);
7. **check** — every document through the posting engine against the demo's master data
   (:func:`demo_posting_setup`): each must balance with no problem;
8. **post** and **reconcile** — the transaction export (:class:`Export`); reported as
   skipped while the export package is not installed.

The working directory is started clean on every run: the demo's own files in it (the store,
the key file, the sandbox state) are removed first, nothing else is touched. The sandbox is
saved to ``sandbox.json`` there at the end, so ``sandbox serve --state`` can show it.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from intacct_bridge.config.posting import PostingSettings
    from intacct_bridge.config.secrets import Keyring
    from intacct_bridge.demo.generator import DemoGenerator
    from intacct_bridge.posting import PostingSetup
    from intacct_bridge.sandbox import Sandbox

#: the package of the transaction export (Entry → Intacct, post and reconcile)
EXPORT_PACKAGE = "intacct_bridge.export"
#: the demo's files in its working directory (removed at the start of every run)
DB_FILE = "demo.db"
KEY_FILE = "secret.key"
STATE_FILE = "sandbox.json"
DEMO_FILES = (DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm", KEY_FILE, STATE_FILE)
#: default size of the demo (the month finishes in about a minute on two cores)
DEFAULT_DOCUMENTS = 300
DEMO_SIZES = {"items": 60, "customers": 30, "suppliers": 15}
#: the sandbox's latency model with --realistic (per request, per function; 2 slots)
REALISTIC_LATENCY = (0.1, 0.01)
COMPANY_ID = "DEMO-MFG"
COMPANY_NAME = "Demo Manufacturing"
#: documents per import transaction
IMPORT_BATCH = 500

#: progress of a long step: (done, total)
ProgressFn = Callable[[int, int], None]


@dataclass
class StepReport:
    """What one step did."""

    name: str
    status: str = "not run"  # ok, failed, skipped, interrupted, not run
    detail: str = ""
    records: int = 0
    documents: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "interrupted")


@dataclass
class DemoContext:
    """Everything a step (and the export's hooks) works with."""

    directory: Path
    engine: Engine
    sessions: sessionmaker[Session]
    keyring: Keyring
    sandbox: Sandbox
    generator: DemoGenerator
    tenant_id: str = DEFAULT_TENANT_ID
    #: the month of the demo documents (YYYY-MM)
    period: str = ""


class Export(Protocol):
    """The transaction export's two entry points, as the demo calls them.

    Each returns a :class:`StepReport` (documents counted, errors listed); the demo marks
    the step failed when ``errors`` is not empty.
    """

    def post(self, ctx: DemoContext, progress: ProgressFn) -> StepReport: ...

    def reconcile(self, ctx: DemoContext) -> StepReport: ...


def export_installed() -> bool:
    """Whether the transaction export package can be imported."""
    try:
        return importlib.util.find_spec(EXPORT_PACKAGE) is not None
    except (ImportError, ValueError):
        return False


def installed_export() -> Export | None:
    """The installed export's :class:`Export`: ``intacct_bridge.export.demo_export()`` if
    the package has it, else an adapter of its ``post_documents`` and ``reconcile``; ``None``
    when the package is not installed (or has neither)."""
    if not export_installed():
        return None
    module = importlib.import_module(EXPORT_PACKAGE)
    factory = getattr(module, "demo_export", None)
    if factory is not None:
        export: Export = factory()
        return export
    if all(hasattr(module, name) for name in ("post_documents", "reconcile", "PostingConfig")):
        return _ExportAdapter(module)
    return None


class _ExportAdapter:
    """:class:`Export` over the export package's ``post_documents`` and ``reconcile``
    (async functions of an engine, a tenant and an Intacct client)."""

    def __init__(self, module: Any) -> None:
        self.module = module

    def _config(self, ctx: DemoContext) -> Any:
        """The tenant's stored posting configuration; the demo's is stored first when the
        tenant has none (so ``post``, ``reconcile`` and the console read the same)."""
        from intacct_bridge.config.posting import effective_config, get_settings, save_settings

        with ctx.sessions.begin() as session:
            if get_settings(session, ctx.tenant_id) is None:
                save_settings(session, ctx.tenant_id, demo_posting_settings(ctx.generator))
            config, _effective = effective_config(session, ctx.tenant_id)
        return config

    def _call(self, ctx: DemoContext, call: Callable[[Any], Awaitable[Any]]) -> Any:
        from intacct_bridge.sync.connect import client_for, load_config

        with ctx.sessions() as session:
            config = load_config(session, ctx.tenant_id, ctx.keyring)

        async def run() -> Any:
            async with client_for(config, transport=ctx.sandbox.transport()) as client:
                return await call(client)

        return asyncio.run(run())

    def post(self, ctx: DemoContext, progress: ProgressFn) -> StepReport:
        config = self._config(ctx)
        result = self._call(
            ctx,
            lambda client: self.module.post_documents(
                ctx.engine, ctx.tenant_id, client, config=config, progress=progress
            ),
        )
        report = StepReport("post", documents=int(result.posted) + int(result.already))
        for outcome in [*result.errors, *result.pending]:
            report.errors.append(f"{outcome.key}: {outcome.state} — {outcome.message or ''}")
        report.detail = (
            f"{result.posted} posted, {result.already} already in Intacct, "
            f"{result.nothing_to_post} with nothing to post"
        )
        return report

    def reconcile(self, ctx: DemoContext) -> StepReport:
        config = self._config(ctx)
        result = self._call(
            ctx,
            lambda client: self.module.reconcile(
                ctx.engine, ctx.tenant_id, client, ctx.period, config=config
            ),
        )
        report = StepReport("reconcile", documents=len(result.posted))
        report.errors.extend(f"difference: {d}" for d in result.differences)
        report.errors.extend(
            f"{o.key}: {o.state} — {o.message or ''}" for o in [*result.unposted, *result.problems]
        )
        report.detail = (
            f"period {result.period}: {len(result.posted)} documents in Intacct, "
            f"{len(result.differences)} difference(s)"
        )
        return report


@dataclass
class DemoOptions:
    directory: Path
    documents: int = DEFAULT_DOCUMENTS
    seed: int = 7
    realistic: bool = False
    export: Export | None = None
    #: average lines per document (``None``: the generator's default, about 2.6)
    lines: float | None = None


class DemoRun:
    """The steps of the demo, run one after another (see the module docstring)."""

    def __init__(
        self,
        options: DemoOptions,
        *,
        on_step: Callable[[StepReport], None] | None = None,
        progress: Callable[[str], ProgressFn] | None = None,
    ) -> None:
        self.options = options
        self.reports: list[StepReport] = []
        self.ctx: DemoContext | None = None
        self._on_step = on_step or (lambda _report: None)
        self._progress = progress or (lambda _name: lambda _done, _total: None)
        self.started = time.perf_counter()

    # --- the run ---------------------------------------------------------------------------

    STEPS = ("bridge", "company", "setup", "load", "sync", "pull", "check", "post", "reconcile")

    def run(self) -> list[StepReport]:
        """Run every step; stops after the first failure. ``KeyboardInterrupt`` marks the
        running step interrupted and propagates (the caller prints the partial summary)."""
        self.reports = [StepReport(name) for name in self.STEPS]
        try:
            for report in self.reports:
                step: Callable[[StepReport], None] = getattr(self, f"_{report.name}")
                began = time.perf_counter()
                report.status = "running"
                try:
                    step(report)
                except KeyboardInterrupt:
                    report.status = "interrupted"
                    raise
                except Exception as error:  # every failure becomes a failed step
                    report.status = "failed"
                    report.errors.append(f"{type(error).__name__}: {error}")
                else:
                    if report.status == "running":
                        report.status = "failed" if report.errors else "ok"
                finally:
                    report.seconds = time.perf_counter() - began
                    self._on_step(report)
                if report.failed:
                    break
        finally:
            if self.ctx is not None:
                self._save_sandbox()
                self.ctx.engine.dispose()
        return self.reports

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    @property
    def ok(self) -> bool:
        return bool(self.reports) and all(r.status in ("ok", "skipped") for r in self.reports)

    def _context(self) -> DemoContext:
        assert self.ctx is not None, "the bridge step runs first"
        return self.ctx

    # --- steps -----------------------------------------------------------------------------

    def _bridge(self, report: StepReport) -> None:
        from intacct_bridge.config.secrets import create_key_file, load_keyring
        from intacct_bridge.demo.generator import DemoGenerator
        from intacct_bridge.sandbox import Sandbox
        from intacct_bridge.store.migrate import upgrade_engine
        from intacct_bridge.store.session import create_store_engine, session_factory

        directory = self.options.directory
        directory.mkdir(parents=True, exist_ok=True)
        for name in DEMO_FILES:  # start clean: only the demo's own files
            (directory / name).unlink(missing_ok=True)
        create_key_file(directory / KEY_FILE)
        keyring = load_keyring(directory / KEY_FILE, env={})
        engine = create_store_engine(f"sqlite:///{directory / DB_FILE}")
        upgrade_engine(engine)
        generator = DemoGenerator(
            self.options.seed,
            items=DEMO_SIZES["items"],
            customers=DEMO_SIZES["customers"],
            suppliers=DEMO_SIZES["suppliers"],
            documents=self.options.documents,
            lines=self.options.lines,
        )
        sandbox = Sandbox(seed=self.options.seed)
        self.ctx = DemoContext(
            directory=directory,
            engine=engine,
            sessions=session_factory(engine),
            keyring=keyring,
            sandbox=sandbox,
            generator=generator,
            period=f"{generator.year:04d}-{generator.month:02d}",
        )
        report.detail = f"SQLite store and secret key in {directory}"

    def _setup(self, report: StepReport) -> None:
        from intacct_bridge.model.finance import Entity
        from intacct_bridge.setup.guide import SandboxPlan, all_ok, setup_sandbox

        ctx = self._context()
        entities = tuple(
            (r.id, r.name) for r in ctx.generator.master_data() if isinstance(r, Entity)
        )
        plan = SandboxPlan(company_id=COMPANY_ID, entities=entities)
        with ctx.sessions() as session:
            results = setup_sandbox(ctx.sandbox, session, ctx.tenant_id, ctx.keyring, plan)
            if not all_ok(results):
                session.rollback()
                for result in results:
                    if not result.ok:
                        report.errors.append(f"{result.detail} Fix: {result.fix}")
                return
            session.commit()
        if self.options.realistic:
            per_request, per_function = REALISTIC_LATENCY
            ctx.sandbox.faults.set_limits(
                COMPANY_ID, latency_per_request=per_request, latency_per_function=per_function
            )
        report.records = len(results)
        report.detail = f"{len(results)} guide steps; company {COMPANY_ID}, entities " + ", ".join(
            e for e, _ in entities
        )

    def _company(self, report: StepReport) -> None:
        from intacct_bridge.demo.company import provision_company

        ctx = self._context()
        done = provision_company(
            ctx.sandbox.admin, COMPANY_ID, ctx.generator.master_data(), name=COMPANY_NAME
        )
        # AP closes before the GL: last month is closed in AP (every entity), open in GL
        closed = ctx.generator.ap_closed_through
        ctx.sandbox.admin.close_period(COMPANY_ID, through=closed, module="ap")
        report.records = sum(done.values())
        report.detail = ", ".join(f"{count} {name}" for name, count in done.items())
        report.detail += f"; AP closed through {closed}, GL open"

    def _load(self, report: StepReport) -> None:
        from intacct_bridge.intake.service import import_records

        ctx = self._context()
        generator = ctx.generator
        stream: Iterator[object] = iter(generator.records())
        total = generator.total_records
        tick = self._progress("load")
        done = 0
        with ctx.sessions() as session:
            while True:
                size = IMPORT_BATCH
                if done < generator.master_count:
                    size = min(size, generator.master_count - done)
                batch = list(islice(stream, size))
                if not batch:
                    break
                result = import_records(session, batch, tenant_id=ctx.tenant_id)  # type: ignore[arg-type]
                session.commit()
                done += len(batch)
                report.records = min(done, generator.master_count)
                report.documents = done - report.records
                rejected = result.count("rejected")
                if rejected:
                    report.errors.extend(str(error) for error in result.errors[:20])
                tick(done, total)
        late = list(generator.late_documents())  # dated in the period closed in AP
        if late:
            result = import_records(session, late, tenant_id=ctx.tenant_id)
            session.commit()
            report.errors.extend(str(error) for error in result.errors[:20])
            done += len(late)
        report.records = generator.master_count
        report.documents = done - generator.master_count
        report.detail = f"{report.records} master records, {report.documents} documents"

    def _sync(self, report: StepReport) -> None:
        from intacct_bridge.sync.worker import EmbeddedWorker

        ctx = self._context()
        worker = EmbeddedWorker(ctx.engine, ctx.keyring, transport=ctx.sandbox.transport())
        ticks: dict[str, ProgressFn] = {}

        def progress(name: str, done: int, total: int) -> None:
            if name not in ticks:
                ticks[name] = self._progress(f"sync {name}")
            ticks[name](done, total)

        result = worker.run_until_idle(ctx.tenant_id, progress=progress)
        report.records = result.success + result.unchanged
        for (code, message), keys in result.problems.items():
            report.errors.append(f"{code} {message} ({', '.join(keys[:5])})")
        for finding in result.findings:
            report.errors.append(f"{finding.message} Fix: {finding.fix}")
        if result.waiting:
            report.errors.append(f"{result.waiting} record(s) still wait for another attempt")
        report.detail = (
            f"{result.success} sent in {result.requests} request(s), {result.errors} in error"
        )

    def _pull(self, report: StepReport) -> None:
        from intacct_bridge.sync.connect import client_for, load_config
        from intacct_bridge.sync.inbound import InboundSync

        ctx = self._context()
        with ctx.sessions() as session:
            config = load_config(session, ctx.tenant_id, ctx.keyring)

        async def pull() -> object:
            async with client_for(config, transport=ctx.sandbox.transport()) as client:
                return await InboundSync(ctx.sessions, client, ctx.tenant_id).pull(full=True)

        from intacct_bridge.sync.inbound import PullReport

        result = asyncio.run(pull())
        assert isinstance(result, PullReport)
        report.records = sum(o.fetched for o in result.objects)
        for item in result.objects:
            report.errors.extend(f"{item.intacct_object}: {r}" for r in item.rejected)
        report.errors.extend(result.warnings)
        report.detail = f"{report.records} read in {result.requests} request(s)"

    def _check(self, report: StepReport) -> None:
        from intacct_bridge.posting import post_document

        ctx = self._context()
        setup = demo_posting_setup(ctx.generator)
        total = ctx.generator.document_total
        tick = self._progress("check")
        for number, document in enumerate(ctx.generator.documents(), start=1):
            result = post_document(document, setup)
            if not result.ok:
                for problem in result.problems[:1]:
                    report.errors.append(f"{document.number}: {problem}")
            if number % 50 == 0 or number == total:
                tick(number, total)
            report.documents = number
        report.detail = f"{report.documents} documents balanced, {len(report.errors)} with problems"
        del report.errors[20:]

    def _post(self, report: StepReport) -> None:
        export = self.options.export
        if export is None:
            report.status = "skipped"
            report.detail = "transaction export not installed"
            return
        result = export.post(self._context(), self._progress("post"))
        _merge(report, result)

    def _reconcile(self, report: StepReport) -> None:
        export = self.options.export
        if export is None:
            report.status = "skipped"
            report.detail = "transaction export not installed"
            return
        _merge(report, export.reconcile(self._context()))

    def _save_sandbox(self) -> None:
        from intacct_bridge.sandbox.persistence import save_state

        ctx = self._context()
        try:
            save_state(ctx.sandbox.backend, ctx.directory / STATE_FILE)
        except Exception:  # the summary is what matters; the state file is a bonus
            pass


def _merge(report: StepReport, result: StepReport) -> None:
    report.records = result.records
    report.documents = result.documents
    report.errors.extend(result.errors)
    report.detail = result.detail
    if result.status in ("skipped", "failed"):
        report.status = result.status


def demo_posting_settings(generator: DemoGenerator) -> PostingSettings:
    """The demo tenant's posting settings: the demo chart's company-wide accounts, stock
    journal and rates, and AP closed before the GL (see ``_company``) with late bills
    posted on AP's first open day. ``demo`` stores them for the tenant."""
    from intacct_bridge.config.posting import ClosedSetting, PostingSettings, RateSetting
    from intacct_bridge.demo.company import (
        DEFAULT_ACCOUNTS,
        INTERENTITY_ACCOUNTS,
        RATES,
        RATES_FROM,
        STOCK_JOURNAL,
    )
    from intacct_bridge.posting import ClosedPeriodPolicy

    return PostingSettings(
        default_accounts=dict(DEFAULT_ACCOUNTS),
        stock_journal=STOCK_JOURNAL,
        rates=tuple(
            RateSetting(source=source, target=target, rate=Decimal(rate), effective=RATES_FROM)
            for source, target, rate in RATES
        ),
        multi_entity=True,
        interentity_accounts=INTERENTITY_ACCOUNTS,
        closed=(ClosedSetting(module="AP", through=generator.ap_closed_through),),
        closed_period_policy=ClosedPeriodPolicy.FIRST_OPEN_DATE,
    )


def demo_posting_config(generator: DemoGenerator) -> Any:
    """:func:`demo_posting_settings` as the export's ``PostingConfig``."""
    from intacct_bridge.config.posting import to_posting_config

    return to_posting_config(demo_posting_settings(generator))


def demo_posting_setup(generator: DemoGenerator) -> PostingSetup:
    """The demo company's posting setup (:func:`intacct_bridge.demo.company.posting_setup`)."""
    from intacct_bridge.demo.company import posting_setup

    return posting_setup(generator.master_data())


__all__ = [
    "DEFAULT_DOCUMENTS",
    "EXPORT_PACKAGE",
    "DemoContext",
    "DemoOptions",
    "DemoRun",
    "Export",
    "StepReport",
    "demo_posting_config",
    "demo_posting_settings",
    "demo_posting_setup",
    "export_installed",
    "installed_export",
]
