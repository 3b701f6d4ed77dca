"""``intacct-bridge sandbox …``: run and administer the offline Intacct gateway.

The administration commands edit a *state file* (``--state FILE`` or
``INTACCT_BRIDGE_SANDBOX_STATE``) that ``intacct-bridge sandbox serve --state FILE`` later
serves — everything the seed guide does in Intacct's screens, as a script::

    export INTACCT_BRIDGE_SANDBOX_STATE=sandbox.json
    intacct-bridge sandbox init-company ACME --mega --entity US=ACME-US --entity UK=ACME-UK
    intacct-bridge sandbox add-user ACME xt_api --password "$PW"
    intacct-bridge sandbox authorize-sender ACME XT_mfg --sender-password "$SENDER_PW"
    intacct-bridge sandbox seed ACME demo
    intacct-bridge sandbox add-custom-object ACME sage_dmo_audit_trail "Sage DMO audit trail" \
        --field 'tenant:text(80):required'
    intacct-bridge sandbox add-policy BRIDGE_ASYNC XT_mfg https://bridge.example/async
    intacct-bridge sandbox serve --slots 2 --failure-rate 0.05 --fault-seed 7

Each command loads the file, makes its change, and writes the file back atomically; a
refused change prints why, exits 1, and leaves the file as it was. Edit the file while
the server is stopped (a running server keeps the file and its journal, ``FILE.journal``,
and holds a lock on them); while it runs, give the same commands
``--url http://127.0.0.1:PORT`` (or ``INTACCT_BRIDGE_SANDBOX_URL``, plus ``--admin-token`` /
``INTACCT_BRIDGE_SANDBOX_ADMIN_TOKEN`` when the server has one): they then go through the
server's admin HTTP API, with the same output.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from intacct_bridge.sandbox import Limits, QuickstartCredentials, Sandbox
    from intacct_bridge.sandbox.admin import Admin
    from intacct_bridge.sandbox.callbacks import CallbackRules

ENV_STATE = "INTACCT_BRIDGE_SANDBOX_STATE"
ENV_ADMIN_TOKEN = "INTACCT_BRIDGE_SANDBOX_ADMIN_TOKEN"
ENV_URL = "INTACCT_BRIDGE_SANDBOX_URL"

app = typer.Typer(help="The offline Intacct sandbox (XML gateway emulator).", no_args_is_help=True)


class UserTypeChoice(StrEnum):
    business = "business"
    employee = "employee"
    project_manager = "project manager"
    warehouse = "warehouse"
    payment_approver = "payment approver"


class AdminChoice(StrEnum):
    off = "off"
    limited = "limited"
    full = "full"


class StatusChoice(StrEnum):
    active = "active"
    inactive = "inactive"


CompanyId = Annotated[str, typer.Argument(help="Company ID, e.g. DEMO-MFG.")]


# --- plumbing --------------------------------------------------------------------------------


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.secho(f"Error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def _load_into(sandbox: Sandbox, path: Path) -> int:
    """Load ``path`` (and its journal) into ``sandbox``; the last journal entry held."""
    from intacct_bridge.sandbox.persistence import StateFileError, load_state

    try:
        restored = load_state(sandbox.backend, path)
    except StateFileError as exc:
        _fail(str(exc))
    if restored.replayed:
        typer.echo(
            f"Recovered {restored.replayed} journaled change(s) from {path.name}.journal "
            "(the server did not stop cleanly)"
        )
    for warning in restored.warnings:
        typer.secho(f"Warning: {path.name}.journal {warning}", err=True, fg=typer.colors.YELLOW)
    return restored.journal_seq


def _load(path: Path, *, must_exist: bool = False) -> Sandbox:
    from intacct_bridge.sandbox import Sandbox

    sandbox = Sandbox()
    if path.exists():
        _load_into(sandbox, path)
    elif must_exist:
        _fail(
            f"State file {path} does not exist; create it with "
            "`intacct-bridge sandbox init-company`."
        )
    return sandbox


def _save(sandbox: Sandbox, path: Path) -> None:
    from intacct_bridge.sandbox.persistence import StateFileError, save_state

    try:
        save_state(sandbox.backend, path)
    except StateFileError as exc:
        _fail(str(exc))


@contextmanager
def _claimed(path: Path, holder: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (a ``.NAME.lock`` file beside it) for the block.

    A running ``serve`` holds it, so an administration command cannot edit a file the
    server is keeping. A path in a directory that does not exist is refused.
    """
    from intacct_bridge.files import LockHeld, exclusive_lock
    from intacct_bridge.sandbox.persistence import StateFileError, check_writable

    try:
        check_writable(path)
    except StateFileError as exc:
        _fail(str(exc))
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(exclusive_lock(path, holder))
        except LockHeld as exc:
            _fail(
                f"{path} is in use by {exc.owner}. Stop it first, or administer the running "
                "server with --url http://127.0.0.1:PORT (its admin API) instead of --state."
            )
        except OSError as exc:
            _fail(f"Cannot lock {path}: {exc.strerror or exc}.")
        yield


@contextmanager
def _editing(path: Path, *, must_exist: bool = False) -> Iterator[Sandbox]:
    """Load the state, let the block change it, save it — or fail and save nothing."""
    from intacct_bridge.sandbox.admin import AdminError

    with _claimed(path, f"intacct-bridge sandbox (pid {os.getpid()})"):
        sandbox = _load(path, must_exist=must_exist)
        try:
            yield sandbox
        except AdminError as exc:
            _fail(str(exc))
        _save(sandbox, path)


def _pairs(items: list[str], option: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"'{item}' is not KEY=VALUE.", param_hint=option)
        pairs.append((key.strip(), value.strip()))
    return pairs


# --- serve -----------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(envvar="INTACCT_BRIDGE_SANDBOX_HOST", help="Interface to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(envvar="INTACCT_BRIDGE_SANDBOX_PORT", help="TCP port.")
    ] = 8080,
    state: Annotated[
        Path | None,
        typer.Option(
            envvar=ENV_STATE,
            dir_okay=False,
            help="JSON file holding the sandbox state across restarts (default: in memory). "
            "Every acknowledged write is journaled (FILE.journal) before its reply, so it "
            "survives SIGTERM, SIGINT and kill -9; the directory must exist.",
        ),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(
            envvar="INTACCT_BRIDGE_SANDBOX_PUBLIC_URL",
            metavar="URL",
            help="Base URL clients reach the server at (e.g. https://sandbox.example.com), "
            "returned as the session endpoint by getAPISession. Default: the address the "
            "client connected to (never the Host header).",
        ),
    ] = None,
    quickstart: Annotated[
        bool, typer.Option(help="On an empty state, create the demo sender, company and user.")
    ] = True,
    admin_token: Annotated[
        str | None,
        typer.Option(
            envvar=ENV_ADMIN_TOKEN,
            help="Require 'Authorization: Bearer TOKEN' on the admin API (/sandbox/admin); "
            "needed when --host is not a loopback address (or give --no-admin-api).",
        ),
    ] = None,
    slots: Annotated[
        int,
        typer.Option(
            min=1, help="Concurrent requests per company; one more gets HTTP 429 GW-0010."
        ),
    ] = 2,
    latency_request: Annotated[
        float,
        typer.Option(
            min=0.0,
            metavar="SECONDS",
            help="Latency per request: with the per-function latency, the least time a "
            "request takes (the sandbox's own processing included).",
        ),
    ] = 0.0,
    latency_function: Annotated[
        float, typer.Option(min=0.0, metavar="SECONDS", help="Latency per function in a request.")
    ] = 0.0,
    failure_rate: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, metavar="RATE", help="Share of requests refused with HTTP 503."
        ),
    ] = 0.0,
    timeout_rate: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            metavar="RATE",
            help="Share of requests that hang, then lose the connection (nothing runs).",
        ),
    ] = 0.0,
    drop_rate: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            metavar="RATE",
            help="Share of requests committed, then cut before the reply.",
        ),
    ] = 0.0,
    fault_seed: Annotated[
        int | None,
        typer.Option(help="Seed of the fault source: the same seed gives the same faults."),
    ] = None,
    no_admin_api: Annotated[
        bool,
        typer.Option("--no-admin-api", help="Serve the gateway only, without /sandbox/admin."),
    ] = False,
    allow_callback: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-callback",
            metavar="RULE",
            help="URLs the sandbox may call for Smart Events and asynchronous responses "
            "(repeat): 'loopback', HOST, HOST:PORT, a URL prefix http(s)://HOST/PATH, or "
            "'*' for any. Default: loopback.",
        ),
    ] = None,
    sender_password: Annotated[
        str | None,
        typer.Option(
            envvar="INTACCT_BRIDGE_SANDBOX_SENDER_PASSWORD",
            help="The quickstart sender's password (default: the well-known sandbox one).",
        ),
    ] = None,
) -> None:
    """Serve the Intacct XML gateway at http://HOST:PORT/ia/xml/xmlgw.phtml.

    The limit and fault options set the defaults for every company; change them while
    the server runs with the admin API (GET/PUT /sandbox/admin/limits).
    """
    import signal

    import uvicorn

    from intacct_bridge.sandbox import FaultPlan, Limits, Sandbox, SandboxSettings
    from intacct_bridge.sandbox.journal import SavingAdminChanges, StateKeeper
    from intacct_bridge.sandbox.persistence import StateFileError, journal_path

    try:
        limits = Limits(
            slots=slots,
            latency_per_request=latency_request,
            latency_per_function=latency_function,
            failure_rate=failure_rate,
            timeout_rate=timeout_rate,
            drop_rate=drop_rate,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="the limit and fault options") from None
    door = _door(host, admin_token, no_admin_api, allow_callback)
    sandbox = Sandbox(
        settings=SandboxSettings(admin_token=door.admin_token, callbacks=door.callbacks),
        faults=FaultPlan(limits, seed=fault_seed),
    )
    if public_url is not None:
        public_url = _check_public_url(public_url)

    def terminate(signum: int, frame: object) -> None:
        # uvicorn stops gracefully on SIGTERM, then re-raises it: end through the finally
        # blocks below (final save) instead of dying in the default handler.
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, terminate)
    keeper: StateKeeper | None = None
    try:
        with contextlib.ExitStack() as stack:
            journal_seq = 0
            if state is not None:
                holder = f"intacct-bridge sandbox serve (pid {os.getpid()}, port {port})"
                stack.enter_context(_claimed(state, holder))
                if state.exists():
                    journal_seq = _load_into(sandbox, state)
                    typer.echo(f"Loaded sandbox state from {state}")
                elif journal_path(state).exists():
                    _fail(
                        f"{journal_path(state)} exists but {state} does not: restore the state "
                        "file, or remove the journal to start empty."
                    )
            backend = sandbox.backend
            if quickstart and not backend.companies and not backend.senders:
                creds = _quickstart(sandbox, sender_password)
                shown = "(the password given)" if sender_password else creds.sender_password
                typer.echo(
                    f"Sandbox company {creds.company_id}: sender {creds.sender_id} / "
                    f"{shown}, user {creds.user_id} / {creds.user_password}"
                )
            application: Any = sandbox.asgi_app(admin=not no_admin_api, public_url=public_url)
            if state is not None:
                keeper = StateKeeper(backend, state, journal_seq=journal_seq)
                try:
                    keeper.start()
                except StateFileError as exc:
                    keeper = None
                    _fail(str(exc))
                sandbox.gateway.on_commit = keeper.commit
                application = SavingAdminChanges(application, keeper)
            base = public_url or f"http://{host}:{port}"
            typer.echo(f"Intacct sandbox gateway: {base}/ia/xml/xmlgw.phtml")
            _announce_door(sandbox, door, base)
            if limits != Limits():
                typer.echo(f"Limits and faults: {_describe_limits(limits)}")
            try:
                uvicorn.run(application, host=host, port=port, log_level="warning")
            finally:
                if keeper is not None:
                    sandbox.gateway.on_commit = None
                    try:
                        keeper.close()
                    except StateFileError as exc:
                        _fail(f"{exc} Every change is still in {keeper.journal}.")
                    typer.echo(f"Saved sandbox state to {state}")
    finally:
        signal.signal(signal.SIGTERM, previous)


def _check_public_url(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise typer.BadParameter(
            f"'{url}' is not an http(s) URL such as https://sandbox.example.com.",
            param_hint="--public-url",
        )
    if parts.query or parts.fragment:
        raise typer.BadParameter(
            f"'{url}' has a query or fragment; give only scheme, host, port and path.",
            param_hint="--public-url",
        )
    return url.strip().rstrip("/")


#: The shortest admin token a server reachable from other machines accepts.
MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class _Door:
    """How a served sandbox is reached from outside: its admin API and its outbound calls."""

    admin_token: str | None
    admin_api: bool
    callbacks: CallbackRules


def _is_loopback_listener(host: str) -> bool:
    from intacct_bridge.sandbox.callbacks import is_loopback_host

    return is_loopback_host(host)


def _door(
    host: str, admin_token: str | None, no_admin_api: bool, allow_callback: list[str] | None
) -> _Door:
    """Refuse a listener reachable from other machines with an open admin API; parse the
    callback rules."""
    from intacct_bridge.sandbox.callbacks import LOOPBACK, CallbackRuleError, CallbackRules

    token = admin_token or None
    if not no_admin_api and not _is_loopback_listener(host):
        if token is None:
            _fail(
                f"--host {host} can be reached from other machines, and the admin API "
                "(/sandbox/admin) can change everything (users, senders, passwords, reset). "
                "Protect it with a token: --admin-token TOKEN (or "
                f"{ENV_ADMIN_TOKEN}=TOKEN, at least {MIN_TOKEN_LENGTH} characters), or "
                "serve the gateway alone with --no-admin-api."
            )
        if len(token) < MIN_TOKEN_LENGTH:
            _fail(
                f"The admin token is too short for --host {host}: use at least "
                f'{MIN_TOKEN_LENGTH} characters (e.g. `python -c "import secrets; '
                'print(secrets.token_urlsafe(32))"`), or serve the gateway alone with '
                "--no-admin-api."
            )
    try:
        callbacks = CallbackRules(allow_callback or [LOOPBACK])
    except CallbackRuleError as exc:
        raise typer.BadParameter(str(exc), param_hint="--allow-callback") from None
    return _Door(token, not no_admin_api, callbacks)


def _announce_door(sandbox: Sandbox, door: _Door, base: str) -> None:
    """Say how the admin API is reached and what the sandbox may call (never the token)."""
    if not door.admin_api:
        typer.echo("Admin API: off (--no-admin-api)")
    else:
        guarded = " (bearer token required)" if door.admin_token else ""
        typer.echo(f"Admin API: {base}/sandbox/admin/state{guarded}")
    typer.echo(
        f"Outbound calls (Smart Events, async responses) allowed to: {door.callbacks.describe()}"
    )
    outside = _urls_outside(sandbox, door.callbacks)
    for where, url in outside:
        typer.secho(
            f"Warning: {where} calls {url}, which --allow-callback does not allow; "
            "those calls will be refused.",
            err=True,
            fg=typer.colors.YELLOW,
        )


def _urls_outside(sandbox: Sandbox, rules: CallbackRules) -> list[tuple[str, str]]:
    """Loaded policies and smart links whose URLs the rules refuse."""
    from intacct_bridge.sandbox.callbacks import masked

    found: list[tuple[str, str]] = []
    backend = sandbox.backend
    for policy in backend.policies.values():
        if rules.refusal(policy.response_url) is not None:
            found.append((f"transport policy {policy.policy_id}", masked(policy.response_url)))
    for company in backend.companies.values():
        for link in company.platform.smart_links.values():
            if link.action == "http" and rules.template_refusal(link.target) is not None:
                found.append(
                    (f"smart link {link.smart_link_id} of {company.company_id}", link.target)
                )
    return found


def _quickstart(sandbox: Sandbox, sender_password: str | None) -> QuickstartCredentials:
    from intacct_bridge.sandbox import QuickstartCredentials

    creds = QuickstartCredentials()
    if sender_password:
        creds = replace(creds, sender_password=sender_password)
    return sandbox.quickstart(creds)


def _describe_limits(limits: Limits) -> str:
    parts = [f"{limits.slots} slot(s) per company"]
    if limits.latency_per_request or limits.latency_per_function:
        parts.append(
            f"latency {limits.latency_per_request:g}s + {limits.latency_per_function:g}s per "
            "function"
        )
    for name in ("failure_rate", "timeout_rate", "drop_rate"):
        if getattr(limits, name):
            parts.append(f"{name.replace('_', ' ')} {getattr(limits, name):g}")
    return ", ".join(parts)


# --- where the administration commands act: a state file, or a running server ------------------


def _base_url(url: str) -> str:
    """``http://HOST:PORT`` from what a person may paste (the admin or gateway URL too)."""
    text = url.strip().rstrip("/")
    for suffix in ("/sandbox/admin/state", "/sandbox/admin", "/ia/xml/xmlgw.phtml"):
        text = text.removesuffix(suffix)
    if not text.startswith(("http://", "https://")):
        raise typer.BadParameter(
            f"'{url}' is not an http(s) URL; e.g. http://127.0.0.1:8080.", param_hint="--url"
        )
    return text


class _Remote:
    """A running sandbox, administered through its admin HTTP API (``/sandbox/admin``)."""

    def __init__(self, url: str, token: str | None) -> None:
        self.label = _base_url(url)
        self.headers = {"authorization": f"Bearer {token}"} if token else {}

    def request(
        self, method: str, path: str, *, json: Any = None, content: bytes | None = None
    ) -> tuple[int, Any]:
        """The status and JSON reply; fails (exit 1) when the server cannot be used."""
        import httpx

        try:
            with httpx.Client(
                base_url=f"{self.label}/sandbox/admin", headers=self.headers, timeout=120.0
            ) as http:
                reply = http.request(method, path, json=json, content=content)
        except httpx.HTTPError as exc:
            _fail(
                f"Cannot reach the sandbox admin API at {self.label} ({type(exc).__name__}). "
                "Is `intacct-bridge sandbox serve` running there?"
            )
        try:
            data = reply.json()
        except ValueError:
            _fail(
                f"{self.label} did not answer as a sandbox admin API (HTTP {reply.status_code}"
                f" from {method} /sandbox/admin{path})."
            )
        if reply.status_code == 401:
            _fail(
                f"{_error_of(data)} Give the server's admin token with --admin-token or "
                f"{ENV_ADMIN_TOKEN}."
            )
        return reply.status_code, data

    def call(
        self, method: str, path: str, *, json: Any = None, content: bytes | None = None
    ) -> Any:
        """The JSON reply of a request that must succeed; a refusal fails with its error."""
        status, data = self.request(method, path, json=json, content=content)
        if status >= 400:
            _fail(_error_of(data))
        return data


def _error_of(data: Any) -> str:
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return str(data["error"])
    return "The sandbox refused the request."


def _segment(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


@dataclass(frozen=True)
class _Where:
    """A state file (``path``) or a running server (``remote``)."""

    path: Path | None
    remote: _Remote | None

    @property
    def label(self) -> str:
        return self.remote.label if self.remote is not None else str(self.path)

    @property
    def file(self) -> Path:
        assert self.path is not None
        return self.path


def _where(state: Path | None, url: str | None, token: str | None) -> _Where:
    if url and state is not None:
        raise typer.BadParameter(
            f"Give either --state (a file; {ENV_STATE}) or --url (a running server; "
            f"{ENV_URL}), not both.",
            param_hint="--state / --url",
        )
    if url:
        return _Where(None, _Remote(url, token))
    if state is None:
        raise typer.BadParameter(
            f"Give --state FILE (or {ENV_STATE}) to edit a state file, or --url "
            f"http://127.0.0.1:PORT (or {ENV_URL}) to administer a running server.",
            param_hint="--state",
        )
    return _Where(state, None)


def _change(
    company_id: str,
    state: Path | None,
    url: str | None,
    admin_token: str | None,
    request: tuple[str, str, Any],
    local: Callable[[Admin], Any],
) -> Any:
    """Make one change to a company in a state file (``local``) or on a running server
    (``request`` = method, path under the company, JSON body); returns the reply."""
    where = _where(state, url, admin_token)
    if where.remote is not None:
        method, path, body = request
        return where.remote.call(method, f"/companies/{_segment(company_id)}{path}", json=body)
    with _editing(where.file, must_exist=True) as sandbox:
        return local(sandbox.admin)


StateFile = Annotated[
    Path | None,
    typer.Option(
        "--state",
        envvar=ENV_STATE,
        dir_okay=False,
        help="Sandbox state file (JSON) to edit; created if missing.",
    ),
]
ServerUrl = Annotated[
    str | None,
    typer.Option(
        "--url",
        envvar=ENV_URL,
        help="Administer a running server instead of a file, e.g. http://127.0.0.1:8080.",
    ),
]
AdminToken = Annotated[
    str | None,
    typer.Option(
        "--admin-token",
        envvar=ENV_ADMIN_TOKEN,
        help="The running server's admin token (with --url).",
        show_default=False,
    ),
]


# --- administration --------------------------------------------------------------------------


@app.command("init-company")
def init_company(
    company_id: CompanyId,
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
    name: Annotated[str, typer.Option(help="Company name (default: the ID).")] = "",
    mega: Annotated[
        bool, typer.Option("--mega", help="Multi-entity (MEGA) company with entities.")
    ] = False,
    module: Annotated[
        list[str] | None,
        typer.Option(
            "--module",
            "-m",
            help="Subscribed module (repeat; default: gl ap ar cm inventory purchasing "
            "order_entry tax). Known: gl ap ar cm inventory purchasing order_entry projects tax.",
        ),
    ] = None,
    entity: Annotated[
        list[str] | None,
        typer.Option("--entity", "-e", help="Entity ID=NAME of a MEGA company (repeat)."),
    ] = None,
    session_timeout: Annotated[
        int, typer.Option(min=60, help="API session lifetime in seconds (sliding).")
    ] = 3600,
) -> None:
    """Create a company (Company > Admin > Setup): single-entity, or MEGA with entities."""
    entities = [
        {"location_id": key, "name": value} for key, value in _pairs(entity or [], "--entity")
    ]
    where = _where(state, url, admin_token)
    if where.remote is not None:
        body: dict[str, Any] = {
            "company_id": company_id,
            "name": name,
            "mega": mega,
            "session_timeout": session_timeout,
            "entities": entities,
        }
        if module:
            body["modules"] = module
        modules = list(where.remote.call("POST", "/companies", json=body)["modules"])
    else:
        with _editing(where.file) as sandbox:
            company = sandbox.admin.create_company(
                company_id,
                name=name,
                mega=mega,
                modules=module or None,
                session_timeout=session_timeout,
                entities=entities,
            )
        modules = sorted(company.modules)
    kind = f"MEGA, {len(entities)} entities" if mega else "single-entity"
    typer.echo(
        f"Created company {company_id} ({kind}; modules: {' '.join(modules)}) in {where.label}"
    )


@app.command("set-modules")
def set_modules(
    company_id: CompanyId,
    module: Annotated[
        list[str], typer.Option("--module", "-m", help="Module to subscribe (repeat).")
    ],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """Switch a company's modules (the ones not named are switched off)."""
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("PUT", "/modules", {"modules": module}),
        lambda admin: admin.set_modules(company_id, module),
    )
    typer.echo(f"Company {company_id} modules: {' '.join(sorted(set(module)))}")


@app.command("add-entity")
def add_entity(
    company_id: CompanyId,
    entity_id: Annotated[str, typer.Argument(help="Entity ID (LOCATIONID), e.g. US.")],
    name: Annotated[str, typer.Argument(help="Entity name.")],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", "-f", help="Further LOCATIONENTITY field KEY=VALUE (repeat)."),
    ] = None,
) -> None:
    """Add an entity to a MEGA company (its LOCATIONENTITY and LOCATION)."""
    values = dict(_pairs(field or [], "--field"))
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("POST", "/entities", {"location_id": entity_id, "name": name, "fields": values}),
        lambda admin: admin.add_entity_with(company_id, entity_id, name, values),
    )
    typer.echo(f"Added entity {entity_id} ({name}) to company {company_id}")


@app.command("add-sender")
def add_sender(
    sender_id: Annotated[str, typer.Argument(help="Web Services sender ID, e.g. XT_mfg.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            envvar="INTACCT_BRIDGE_SANDBOX_SENDER_PASSWORD",
            help="Sender password (prompted for when absent; stored only as a hash).",
        ),
    ],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
    status: Annotated[StatusChoice, typer.Option(help="Sender status.")] = StatusChoice.active,
    rekey: Annotated[
        bool,
        typer.Option(
            "--rekey",
            help="Change the password of an existing sender (clients using the old one are "
            "refused from then on).",
        ),
    ] = False,
) -> None:
    """Register a Web Services sender ID, or re-key an existing one with --rekey."""
    where = _where(state, url, admin_token)
    if where.remote is not None:
        path = f"/senders/{_segment(sender_id)}"
        body = {"password": password, "status": status.value}
        if rekey:
            code, reply = where.remote.request("PATCH", path, json=body)
            if code == 404:
                where.remote.call("POST", "/senders", json={"sender_id": sender_id, **body})
                existed = False
            elif code >= 400:
                _fail(_error_of(reply))
            else:
                existed = True
        else:
            where.remote.call("POST", "/senders", json={"sender_id": sender_id, **body})
            existed = False
    else:
        with _editing(where.file) as sandbox:
            existed = sender_id in sandbox.backend.senders
            sandbox.admin.create_sender(sender_id, password, status=status.value, replace=rekey)
    verb = "re-keyed" if existed else "registered"
    typer.echo(f"Sender {sender_id} {verb} ({status.value})")


@app.command("add-user")
def add_user(
    company_id: CompanyId,
    user_id: Annotated[str, typer.Argument(help="Web services user ID, e.g. xt_api.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            envvar="INTACCT_BRIDGE_SANDBOX_USER_PASSWORD",
            help="User password (prompted for when absent; stored only as a hash).",
        ),
    ],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
    first_name: Annotated[str, typer.Option(help="First name.")] = "",
    last_name: Annotated[str, typer.Option(help="Last name.")] = "",
    email: Annotated[str, typer.Option(help="Email address.")] = "",
    user_type: Annotated[
        UserTypeChoice, typer.Option(help="User type (seed guide: business).")
    ] = UserTypeChoice.business,
    admin: Annotated[
        AdminChoice, typer.Option(help="Admin privileges (seed guide: full).")
    ] = AdminChoice.full,
    status: Annotated[StatusChoice, typer.Option(help="User status.")] = StatusChoice.active,
    role: Annotated[
        list[str] | None, typer.Option("--role", help="Role (repeat; default: Admin).")
    ] = None,
    top_level: Annotated[
        bool, typer.Option("--top-level/--no-top-level", help="Access to the top level.")
    ] = True,
    entity: Annotated[
        list[str] | None,
        typer.Option("--entity", "-e", help="Entity the user may enter (repeat; default: all)."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace an existing user of that ID.")
    ] = False,
) -> None:
    """Add a web services user (Company > Admin > Users, roles & groups > Web Services users)."""
    attributes: dict[str, Any] = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "user_type": user_type.value,
        "admin": admin.value,
        "status": status.value,
        "roles": role or ["Admin"],
        "top_level_access": top_level,
        "entity_access": entity or [],
    }
    where = _where(state, url, admin_token)
    if where.remote is not None:
        users = f"/companies/{_segment(company_id)}/users"
        body = {"user_id": user_id, "password": password, **attributes}
        code, reply = where.remote.request("POST", users, json=body)
        if code == 409 and replace:
            where.remote.call(
                "PATCH", f"{users}/{_segment(user_id)}", json={"password": password, **attributes}
            )
        elif code >= 400:
            _fail(_error_of(reply))
    else:
        with _editing(where.file, must_exist=True) as sandbox:
            sandbox.admin.add_user(company_id, user_id, password, replace=replace, **attributes)
    typer.echo(f"Added web services user {user_id} to company {company_id}")


@app.command("update-user")
def update_user(
    company_id: CompanyId,
    user_id: Annotated[str, typer.Argument(help="Web services user ID.")],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
    password: Annotated[
        str | None,
        typer.Option(envvar="INTACCT_BRIDGE_SANDBOX_USER_PASSWORD", help="New password."),
    ] = None,
    status: Annotated[StatusChoice | None, typer.Option(help="New status.")] = None,
    admin: Annotated[AdminChoice | None, typer.Option(help="New admin privileges.")] = None,
    role: Annotated[
        list[str] | None, typer.Option("--role", help="Roles (repeat; replaces the list).")
    ] = None,
    top_level: Annotated[
        bool | None, typer.Option("--top-level/--no-top-level", help="Access to the top level.")
    ] = None,
    entity: Annotated[
        list[str] | None,
        typer.Option("--entity", "-e", help="Entities the user may enter (replaces the list)."),
    ] = None,
) -> None:
    """Change a web services user (status, password, privileges, roles, entity access)."""
    changes: dict[str, Any] = {}
    if password is not None:
        changes["password"] = password
    if status is not None:
        changes["status"] = status.value
    if admin is not None:
        changes["admin"] = admin.value
    if role:
        changes["roles"] = role
    if top_level is not None:
        changes["top_level_access"] = top_level
    if entity:
        changes["entity_access"] = entity
    if not changes:
        raise typer.BadParameter("Nothing to change; give at least one option.")
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("PATCH", f"/users/{_segment(user_id)}", changes),
        lambda admin: admin.update_user(company_id, user_id, **changes),
    )
    typer.echo(f"Updated user {user_id} of company {company_id}: {', '.join(sorted(changes))}")


@app.command("authorize-sender")
def authorize_sender(
    company_id: CompanyId,
    sender_id: Annotated[str, typer.Argument(help="Sender ID, e.g. XT_mfg.")],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
    sender_password: Annotated[
        str | None,
        typer.Option(
            envvar="INTACCT_BRIDGE_SANDBOX_SENDER_PASSWORD",
            help="Also register the sender with this password when it does not exist yet.",
        ),
    ] = None,
    rekey: Annotated[
        bool,
        typer.Option("--rekey", help="Change an existing sender's password to --sender-password."),
    ] = False,
    status: Annotated[
        StatusChoice, typer.Option(help="Authorization status.")
    ] = StatusChoice.active,
    revoke: Annotated[
        bool, typer.Option("--revoke", help="Remove the sender from the list instead.")
    ] = False,
) -> None:
    """Authorize a sender ID for a company (Company > Admin > Setup > Security).

    A different --sender-password for an existing sender is refused unless --rekey asks
    for the change."""
    from intacct_bridge.sandbox.admin import AdminNotFound

    if rekey and sender_password is None:
        raise typer.BadParameter("--rekey needs --sender-password.", param_hint="--rekey")
    where = _where(state, url, admin_token)
    path = f"/companies/{_segment(company_id)}/authorizations"
    if revoke:
        if where.remote is not None:
            where.remote.call("DELETE", f"{path}/{_segment(sender_id)}")
        else:
            with _editing(where.file, must_exist=True) as sandbox:
                if not sandbox.admin.revoke_sender(company_id, sender_id):
                    raise AdminNotFound(
                        f"Sender '{sender_id}' is not on the authorization list of company "
                        f"'{company_id}'."
                    )
        typer.echo(f"Revoked sender {sender_id} for company {company_id}")
        return
    if where.remote is not None:
        body: dict[str, Any] = {"sender_id": sender_id, "status": status.value, "rekey": rekey}
        if sender_password is not None:
            body["sender_password"] = sender_password
        outcome = where.remote.call("POST", path, json=body)
    else:
        with _editing(where.file, must_exist=True) as sandbox:
            outcome = sandbox.admin.authorize(
                company_id,
                sender_id,
                status=status.value,
                sender_password=sender_password,
                rekey=rekey,
            )
    note = {"created": " (sender registered)", "rekeyed": " (sender re-keyed)"}.get(
        str(outcome.get("sender")), ""
    )
    typer.echo(f"Authorized sender {sender_id} for company {company_id} ({status.value}){note}")


@app.command("add-dimension")
def add_dimension(
    company_id: CompanyId,
    name: Annotated[str, typer.Argument(help="Integration name, e.g. REGION.")],
    label: Annotated[str, typer.Argument(help="Label, e.g. Region.")],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """Define a user-defined dimension (UDD); seed its values with `seed --object NAME`."""
    _change(
        company_id,
        state,
        url,
        admin_token,
        ("POST", "/dimensions", {"name": name, "label": label}),
        lambda admin: admin.add_dimension(company_id, name, label, replace=False),
    )
    typer.echo(f"Added dimension {name.strip().upper()} ({label}) to company {company_id}")


_FIELD = re.compile(
    r"^(?P<name>[^:\s]+):(?P<type>[A-Za-z]+)(?:\((?P<arg>[^)]*)\))?(?::(?P<flag>[A-Za-z]+))?$"
)


def _custom_field(spec: str) -> dict[str, Any]:
    """``NAME:TYPE[:required]``; TYPE is ``text``, ``text(LENGTH)``, ``number``, ``decimal``,
    ``date``, ``boolean`` or ``picklist(VALUE,VALUE,…)``."""
    match = _FIELD.match(spec.strip())
    if match is None:
        raise typer.BadParameter(
            f"'{spec}' is not NAME:TYPE[:required] (e.g. tenant:text(80):required, "
            "state:picklist(ok,mismatch)).",
            param_hint="--field",
        )
    field: dict[str, Any] = {"name": match["name"], "type": match["type"].lower()}
    argument = match["arg"]
    if argument is not None:
        if field["type"] == "text":
            if not argument.strip().isdigit():
                raise typer.BadParameter(
                    f"'{spec}': the length of a text field is a whole number, e.g. text(80).",
                    param_hint="--field",
                )
            field["length"] = int(argument)
        elif field["type"] == "picklist":
            field["values"] = [value.strip() for value in argument.split(",")]
        else:
            raise typer.BadParameter(
                f"'{spec}': only text(LENGTH) and picklist(VALUES) take an argument.",
                param_hint="--field",
            )
    flag = (match["flag"] or "").lower()
    if flag not in ("", "required", "optional"):
        raise typer.BadParameter(
            f"'{spec}': the third part is 'required' or 'optional', not '{match['flag']}'.",
            param_hint="--field",
        )
    field["required"] = flag == "required"
    return field


@app.command("add-custom-object")
def add_custom_object(
    company_id: CompanyId,
    name: Annotated[str, typer.Argument(help="Integration name, e.g. sage_dmo_audit_trail.")],
    label: Annotated[str, typer.Argument(help="Label, e.g. 'Sage DMO audit trail'.")],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            "-f",
            help="Field NAME:TYPE[:required] (repeat). TYPE: text, text(LENGTH), number, "
            "decimal, date, boolean, picklist(A,B,…). Every object also has id and name.",
        ),
    ] = None,
) -> None:
    """Define a Platform custom object (Platform Services > Objects); create its records
    through the API or with `seed --object NAME`."""
    fields = [_custom_field(spec) for spec in field or []]
    definition = _change(
        company_id,
        state,
        url,
        admin_token,
        ("POST", "/custom-objects", {"name": name, "label": label, "fields": fields}),
        lambda admin: admin.define_custom_object(company_id, name, label, fields).as_dict(),
    )
    names = ", ".join(
        f"{f['name']} ({f['type']}{', required' if f['required'] else ''})"
        for f in definition["fields"]
    )
    typer.echo(
        f"Added custom object {definition['name']} ({definition['label']}) to company "
        f"{company_id}: id, name{', ' + names if names else ''}"
    )


@app.command("add-policy")
def add_policy(
    policy_id: Annotated[str, typer.Argument(help="Transport policy ID, e.g. BRIDGE_ASYNC.")],
    sender_id: Annotated[str, typer.Argument(help="The sender ID whose requests use it.")],
    url_to: Annotated[
        str, typer.Argument(metavar="URL", help="Response URL the results are POSTed to.")
    ],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """Set up an asynchronous transport policy (in Intacct, done by Sage support): the
    responses of requests that name it are POSTed to URL (a running server checks it
    against its --allow-callback rules)."""
    where = _where(state, url, admin_token)
    if where.remote is not None:
        existing = where.remote.call("GET", "/policies")["policies"]
        replaced = any(policy.get("policy_id") == policy_id for policy in existing)
        where.remote.call(
            "POST",
            "/policies",
            json={"policy_id": policy_id, "sender_id": sender_id, "response_url": url_to},
        )
    else:
        with _editing(where.file, must_exist=True) as sandbox:
            replaced = policy_id in sandbox.backend.policies
            sandbox.admin.add_policy(policy_id, sender_id, url_to)
    verb = "Replaced" if replaced else "Added"
    typer.echo(f"{verb} transport policy {policy_id} for sender {sender_id}: responses to {url_to}")


@app.command("import-package")
def import_package(
    company_id: CompanyId,
    package: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="customErpPackage XML file.")
    ],
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """Platform services > Custom packages > Import: install a package's Smart Events."""
    data = package.read_bytes()
    where = _where(state, url, admin_token)
    if where.remote is not None:
        reply = where.remote.call(
            "POST",
            f"/companies/{_segment(company_id)}/packages",
            content=data,
        )
        installed = [str(link) for link in reply["smart_links"]]
    else:
        with _editing(where.file, must_exist=True) as sandbox:
            installed = sandbox.admin.import_package(company_id, data)
    typer.echo(
        f"Imported {package.name} into company {company_id}: "
        f"{len(installed)} smart link(s) {', '.join(installed)}"
    )


def _rows_from(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON (array of objects, or {"rows": [...]}) or CSV (header row) file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise typer.BadParameter(
            f"cannot read {path}: {exc.strerror or exc}", param_hint="SOURCE"
        ) from None
    except UnicodeDecodeError:
        raise typer.BadParameter(f"{path} is not UTF-8 text.", param_hint="SOURCE") from None
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(text.splitlines())
        if not reader.fieldnames:
            _fail(f"{path} has no header row of field names.")
        rows: list[dict[str, Any]] = []
        for number, row in enumerate(reader, start=2):
            if None in row:
                _fail(f"{path} line {number}: more values than header fields.")
            rows.append(
                {key.strip(): (value if value != "" else None) for key, value in row.items()}
            )
        return rows
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).")
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        data = data["rows"]
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        _fail(f'{path} must hold a JSON array of row objects (or {{"rows": [...]}}).')
    return data


@app.command()
def seed(
    company_id: CompanyId,
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
    source: Annotated[
        str,
        typer.Argument(
            help="'demo' (chart of accounts, journals, terms, tax, dimensions, bank account) "
            "or a .json / .csv file of rows for --object."
        ),
    ] = "demo",
    object_name: Annotated[
        str | None,
        typer.Option("--object", "-o", help="Object the file's rows are, e.g. GLACCOUNT."),
    ] = None,
    entity: Annotated[
        str, typer.Option(help="Create the rows in this entity (MEGA); default: top level.")
    ] = "",
) -> None:
    """Seed records: the demo manufacturing setup, or rows of one object from a file."""
    company = f"/companies/{_segment(company_id)}"
    if source == "demo":
        if object_name is not None or entity:
            raise typer.BadParameter("--object and --entity go with a file, not 'demo'.")
        where = _where(state, url, admin_token)
        if where.remote is not None:
            counts = dict(where.remote.call("POST", f"{company}/seed-demo")["created"])
        else:
            from intacct_bridge.sandbox.seeds import seed_demo

            with _editing(where.file, must_exist=True) as sandbox:
                counts = seed_demo(sandbox.admin, company_id)
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        typer.echo(f"Seeded the demo setup into {company_id}: {summary}")
        return
    path = Path(source)
    if not path.is_file():
        raise typer.BadParameter(
            f"'{source}' is neither 'demo' nor an existing file.", param_hint="SOURCE"
        )
    if not object_name:
        raise typer.BadParameter("Name the object of the file's rows.", param_hint="--object")
    rows = _rows_from(path)
    if not rows:
        _fail(f"{path} holds no rows.")
    where = _where(state, url, admin_token)
    if where.remote is not None:
        reply = where.remote.call(
            "POST",
            f"{company}/records/{_segment(object_name)}",
            json={"rows": rows, "entity": entity},
        )
        count = int(reply["count"])
    else:
        with _editing(where.file, must_exist=True) as sandbox:
            count = len(sandbox.admin.seed(company_id, object_name, rows, entity=entity))
    typer.echo(f"Seeded {count} {object_name.upper()} record(s) into {company_id}")


@app.command()
def reset(
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Forget everything (senders, companies, users, records, sessions, policies)."""
    where = _where(state, url, admin_token)
    if not yes:
        typer.confirm(f"Erase everything in {where.label}?", abort=True)
    if where.remote is not None:
        where.remote.call("POST", "/reset")
    else:
        with _editing(where.file) as sandbox:
            sandbox.admin.reset()
    typer.echo(f"Reset {where.label}: the sandbox is empty")


@app.command("advance-clock")
def advance_clock(
    seconds: Annotated[
        float,
        typer.Argument(min=0.0, help="How far to move the sandbox's clock forward, in seconds."),
    ],
    url: ServerUrl = None,
    admin_token: AdminToken = None,
) -> None:
    """Move a running sandbox's clock forward (sessions and read cursors expire as time
    passes); the clock lives in the server, so this needs --url."""
    if not url:
        raise typer.BadParameter(
            f"The sandbox's clock lives in the running server (it is not saved in a state "
            f"file): give --url http://127.0.0.1:PORT (or {ENV_URL}).",
            param_hint="--url",
        )
    remote = _Remote(url, admin_token)
    clock = remote.call("POST", "/clock/advance", json={"seconds": seconds})
    typer.echo(
        f"The sandbox's clock is now {clock['now']} ({clock['offset_seconds']:g} s ahead of "
        "the real time)"
    )


@app.command("expire-sessions")
def expire_sessions(
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
    session_id: Annotated[
        str | None, typer.Option("--session-id", help="End this one API session.")
    ] = None,
    company_id: Annotated[
        str | None, typer.Option("--company", help="End every session of this company.")
    ] = None,
    user_id: Annotated[
        str | None, typer.Option("--user", help="Only this user's sessions (with --company).")
    ] = None,
) -> None:
    """End API sessions as a timeout would: the next call with one gets Intacct's
    invalid-session error."""
    if session_id is None and company_id is None:
        raise typer.BadParameter("Give --session-id, or --company (and optionally --user).")
    if user_id is not None and company_id is None:
        raise typer.BadParameter("--user needs --company (user IDs are per company).")
    where = _where(state, url, admin_token)
    selector = {"session_id": session_id, "company_id": company_id, "user_id": user_id}
    if where.remote is not None:
        given = {key: value for key, value in selector.items() if value is not None}
        count = int(where.remote.call("POST", "/sessions/expire", json=given)["expired"])
    else:
        with _editing(where.file, must_exist=True) as sandbox:
            count = sandbox.admin.expire_sessions(**selector)
    typer.echo(f"Expired {count} session(s)")


@app.command()
def show(
    state: StateFile = None,
    url: ServerUrl = None,
    admin_token: AdminToken = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Show the sandbox state: senders, companies, users, authorizations, record counts,
    custom objects and transport policies."""
    from rich.console import Console
    from rich.table import Table

    where = _where(state, url, admin_token)
    if where.remote is not None:
        described = where.remote.call("GET", "/state")
    else:
        described = _load(where.file, must_exist=True).admin.describe()
    if as_json:
        typer.echo(json.dumps(described, indent=2))
        return
    console = Console(width=None if sys.stdout.isatty() else 200)
    senders = Table(title="Senders")
    senders.add_column("Sender ID", no_wrap=True)
    senders.add_column("Status")
    for sender in described["senders"]:
        senders.add_row(sender["sender_id"], sender["status"])
    companies = Table(title="Companies")
    for column in (
        "Company ID",
        "Name",
        "Type",
        "Modules",
        "Authorized senders",
        "Dimensions",
        "Custom objects",
    ):
        companies.add_column(column, no_wrap=column == "Company ID")
    users = Table(title="Web services users")
    columns = ("Company ID", "User ID", "Type", "Admin", "Status", "Roles", "Top level", "Entities")
    for column in columns:
        users.add_column(column, no_wrap=column in ("Company ID", "User ID"))
    records = Table(title="Records")
    for column in ("Company ID", "Object", "Count"):
        records.add_column(column, no_wrap=True, justify="right" if column == "Count" else "left")
    for company in described["companies"]:
        cid = company["company_id"]
        entities = company["entities"]
        kind = (
            f"MEGA ({', '.join(e['location_id'] for e in entities) or 'no entities'})"
            if company["mega"]
            else "single"
        )
        companies.add_row(
            cid,
            company["name"],
            kind,
            " ".join(company["modules"]),
            " ".join(f"{s} ({st})" for s, st in company["authorized_senders"].items()) or "-",
            " ".join(company["dimensions"]) or "-",
            " ".join(company["custom_objects"]) or "-",
        )
        for user in company["users"]:
            users.add_row(
                cid,
                user["user_id"],
                user["user_type"],
                user["admin"],
                user["status"],
                ", ".join(user["roles"]),
                "yes" if user["top_level_access"] else "no",
                ", ".join(user["entity_access"]) or "all",
            )
        for name, count in company["records"].items():
            records.add_row(cid, name, str(count))
    policies = Table(title="Transport policies")
    for column in ("Policy ID", "Sender ID", "Response URL"):
        policies.add_column(column, no_wrap=column != "Response URL")
    for policy in described["policies"]:
        policies.add_row(policy["policy_id"], policy["sender_id"], policy["response_url"])
    if not senders.row_count and not companies.row_count:
        console.print(f"The sandbox in {where.label} is empty.")
    for table in (senders, companies, users, records, policies):
        if table.row_count:
            console.print(table)
    console.print(f"Live sessions: {described['sessions']}")


# The book-keeping commands (close-period, add-exchange-rate, set-numbering …) register
# themselves on ``app``; imported last because they use the helpers above.
from intacct_bridge.cli import sandbox_books as _sandbox_books  # noqa: E402, F401
