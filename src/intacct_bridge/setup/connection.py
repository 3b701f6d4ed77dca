"""``intacct-bridge connection test``: sign in to Intacct and say precisely what is wrong.

The test walks the path a request takes and stops at the first failure:

1. **endpoint** — something answers at the Endpoint URL, as an Intacct XML gateway;
2. **sender** — Intacct accepts the sender ID and its password;
3. **credentials** — the company ID, user ID and password are right;
4. **authorization** — the sender is authorized for the company (Web Services
   authorizations);
5. **active** — the web services user is active;
6. **level** — it may enter the top level (MEGA) or the configured entity;
7. **read** — it may read (``inspect`` GLACCOUNT);
8. **write** — it may change data: a ``delete`` of a RECORDNO that cannot exist (``-1``)
   on the objects the bridge writes is refused for lack of permission, or fails only
   because there is no such record — nothing is ever deleted;
9. **policy** — with asynchronous mode on, the transport policy is valid (one harmless
   ``inspect`` sent asynchronously).

Each failure becomes a :class:`Diagnosis` — a code, what is wrong, and the fix in the seed
guide's words (Intacct's own menu paths). The sign-in goes through
:class:`~intacct_bridge.intacct.IntacctClient`, so tests pass the sandbox's transport.
"""

from __future__ import annotations

import re
import socket
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import httpx

from intacct_bridge.config.models import ConfigError, IntegrationConfig, TransactionLevel
from intacct_bridge.config.secrets import SecretUnavailableError
from intacct_bridge.errors import BridgeError
from intacct_bridge.intacct import (
    DEFAULT_ENDPOINT,
    ErrorEntry,
    IntacctClient,
    IntacctError,
    IntacctProtocolError,
    IntacctRateLimitError,
    IntacctTransportError,
    RetryPolicy,
)
from intacct_bridge.intacct import functions as fn
from intacct_bridge.setup import words

#: (key, label) of each step, in the order a request meets them.
STEPS: tuple[tuple[str, str], ...] = (
    ("endpoint", "Endpoint URL answers as the Intacct XML gateway"),
    ("sender", "Sender ID and sender password accepted"),
    ("credentials", "Company ID, user ID and password accepted"),
    ("authorization", "Sender authorized for the company (Web Services authorizations)"),
    ("active", "Web services user active"),
    ("level", "Access to the top level or the configured entity"),
    ("read", "User may read (inspect GLACCOUNT)"),
    ("write", "User may change data (admin privileges, role Admin)"),
    ("policy", "Transport policy for asynchronous requests"),
)
STEP_KEYS = tuple(key for key, _ in STEPS)
#: Objects the bridge writes; the write probe asks for each.
WRITE_PROBE_OBJECTS = ("CUSTOMER", "VENDOR", "ITEM")
#: A RECORDNO no record can have: the write probe can never delete anything.
PROBE_KEY = "-1"

Status = Literal["ok", "failed", "skipped", "not tested"]


@dataclass(frozen=True)
class Diagnosis:
    """What is wrong, at which step, and how to fix it (the guide's words)."""

    code: str
    step: str
    message: str
    fix: str
    #: Intacct's own error text, when it gave one
    intacct: str = ""


@dataclass(frozen=True)
class StepOutcome:
    key: str
    label: str
    status: Status
    detail: str = ""


@dataclass(frozen=True)
class Entity:
    location_id: str
    name: str


@dataclass(frozen=True)
class ConnectionReport:
    """The outcome of a connection test."""

    steps: tuple[StepOutcome, ...]
    diagnosis: Diagnosis | None
    #: the session's endpoint (Intacct may answer with another host to use)
    session_endpoint: str = ""
    #: entities of a multi-entity (MEGA) company; empty for a single-entity company
    entities: tuple[Entity, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.diagnosis is None

    @property
    def mega(self) -> bool:
        return bool(self.entities)


def _first_text(errors: Sequence[ErrorEntry]) -> str:
    return "; ".join(e.text() for e in errors)


def _blob(errors: Sequence[ErrorEntry]) -> str:
    return " ".join(f"{e.description} {e.description2} {e.correction}" for e in errors).lower()


def _chain(error: BaseException | None) -> list[BaseException]:
    """``error`` and the exceptions it was raised from (cause or context), in order."""
    seen: list[BaseException] = []
    while error is not None and error not in seen and len(seen) < 20:
        seen.append(error)
        error = error.__cause__ or error.__context__
    return seen


def _reason(cause: BaseException | None) -> str:
    """Why a connection failed, in plain words (connection refused, unknown host …)."""
    chain = _chain(cause)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused"
    if any(isinstance(e, socket.gaierror) for e in chain):
        return "the host name does not resolve"
    if any(isinstance(e, ssl.SSLError) for e in chain):
        return "the TLS handshake failed (certificate or protocol)"
    text = " ".join(str(e) for e in chain).lower()
    if "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "nodename nor servname" in text:
        return "the host name does not resolve"
    return str(cause) if cause else "no connection"


_ENDPOINT_FIX = (
    "Check the Endpoint URL (General tab): intacct-bridge config set --endpoint-url URL. "
    f"Sage Intacct's gateway is {DEFAULT_ENDPOINT}; a sandbox on this machine is "
    "http://127.0.0.1:PORT/ia/xml/xmlgw.phtml, started with intacct-bridge sandbox serve "
    "--state FILE --port PORT (FILE: the state file given to intacct-bridge setup sandbox)."
)
#: Diagnoses that mean "the endpoint is not (yet) the gateway we want".
_ENDPOINT_CODES = frozenset(
    {"endpoint_unreachable", "endpoint_timeout", "endpoint_not_gateway", "not_intacct"}
)
#: Refusals a *different* sandbox gives (it does not know our sender, company or user).
_OTHER_SANDBOX_CODES = frozenset({"sender_rejected", "user_rejected"})
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def local_sandbox_port(url: str) -> int | None:
    """The port of ``url`` when it is a sandbox on this machine (plain http on a loopback
    address), else ``None``."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return None
    if parsed.scheme != "http" or parsed.host not in _LOOPBACK:
        return None
    return parsed.port or 80


def serve_command(state: str, port: int) -> str:
    """The exact command that serves sandbox state file ``state`` on ``port``."""
    return f"intacct-bridge sandbox serve --state {state} --port {port}"


def local_sandbox_fix(
    diagnosis: Diagnosis, config: IntegrationConfig, sandbox_state: str | None
) -> Diagnosis:
    """A diagnosis whose fix names the exact command, when the Endpoint URL is a sandbox on
    this machine set up from state file ``sandbox_state`` (``setup sandbox``)."""
    port = local_sandbox_port(config.endpoint_url)
    if port is None or sandbox_state is None:
        return diagnosis
    command = serve_command(sandbox_state, port)
    if diagnosis.code in _ENDPOINT_CODES:
        fix = (
            f"Start the sandbox this configuration was set up in (in another terminal, or "
            f"with & at the end to run it in the background): {command}"
        )
        if diagnosis.code != "endpoint_unreachable":
            fix = f"Something else listens on port {port}; stop it, then: {command}"
        return replace(diagnosis, fix=fix)
    if diagnosis.code in _OTHER_SANDBOX_CODES:
        return replace(
            diagnosis,
            message=f"{diagnosis.message} The sandbox answering on port {port} is most likely "
            f"not serving {sandbox_state}, the state file setup sandbox set up with these "
            "credentials (e.g. the in-memory demo sandbox of make run).",
            fix=f"Stop the sandbox listening on port {port} (Ctrl-C in its terminal), then "
            f"run: {command}. If it does serve {sandbox_state}, the credentials were changed "
            f"since: run intacct-bridge setup sandbox --state {sandbox_state} again (with the "
            "server stopped).",
        )
    return diagnosis


def _write_fix(user: str) -> str:
    return (
        f"In Sage Intacct, open {words.WS_USERS}, edit user {user}: on the User information "
        f"tab, {words.ADMIN_FULL}; on the Roles information tab, {words.ROLE_ADMIN}; then save "
        "and exit."
    )


def diagnose(error: BaseException, config: IntegrationConfig) -> Diagnosis:
    """Turn a failure of the sign-in or a probe into a :class:`Diagnosis`."""
    url = config.endpoint_url
    company = config.company_id or "?"
    if isinstance(error, SecretUnavailableError):
        return Diagnosis(
            "secret_unreadable",
            "configuration",
            str(error),
            "Restore the secret key, or set the passwords again: intacct-bridge config set "
            "--sender-password ? --user-password ?",
        )
    if isinstance(error, ConfigError):
        return Diagnosis(
            "incomplete_config",
            "configuration",
            str(error),
            "Fill in the General tab: intacct-bridge config set --company-id ID --user-id USER "
            f"--user-password ? --sender-password ? ({words.COMPANY_INFO}).",
        )
    if isinstance(error, IntacctRateLimitError):
        return Diagnosis(
            "rate_limited",
            "endpoint",
            f"Intacct is limiting the requests of company {company} (HTTP 429 / GW-0010).",
            "Wait a minute and run the test again; other integrations may be using the "
            "company's concurrent-request slots.",
        )
    if isinstance(error, IntacctTransportError):
        return _transport(error, url)
    if isinstance(error, IntacctProtocolError):
        return Diagnosis(
            "not_intacct",
            "endpoint",
            f"{url} answered, but not with an Intacct XML response: {error}",
            _ENDPOINT_FIX,
        )
    if isinstance(error, IntacctError):
        return _refusal(error.errors, config) or Diagnosis(
            "intacct_refused",
            "credentials",
            f"Intacct refused the sign-in: {error}",
            "Follow Intacct's correction above; if it is unclear, contact the company "
            "administrator.",
            _first_text(error.errors),
        )
    if isinstance(error, BridgeError):
        return Diagnosis("bridge_error", "endpoint", str(error), "See the message.")
    return Diagnosis(
        "unexpected",
        "endpoint",
        f"The connection test failed unexpectedly: {type(error).__name__}: {error}",
        "Run the test again; if it fails the same way, report it with this message.",
    )


def _transport(error: IntacctTransportError, url: str) -> Diagnosis:
    cause = error.__context__
    text = str(error)
    if isinstance(cause, httpx.TimeoutException) or "did not answer in time" in text:
        return Diagnosis(
            "endpoint_timeout",
            "endpoint",
            f"{url} did not answer in time.",
            _ENDPOINT_FIX + " Check proxies and firewalls on the way.",
        )
    status = re.search(r"answered HTTP (\d{3})", text)
    if status is not None:
        code = int(status.group(1))
        if code >= 500:
            return Diagnosis(
                "intacct_unavailable",
                "endpoint",
                f"{url} answered HTTP {code}: the service is failing or under maintenance.",
                "Try again later; if it persists, contact Sage support.",
            )
        return Diagnosis(
            "endpoint_not_gateway",
            "endpoint",
            f"{url} answered HTTP {code}: it is not the Intacct XML gateway.",
            _ENDPOINT_FIX,
        )
    if isinstance(cause, httpx.TransportError) or "Could not reach" in text:
        return Diagnosis(
            "endpoint_unreachable",
            "endpoint",
            f"Nothing answers at {url}: {_reason(cause)}.",
            _ENDPOINT_FIX + " Check proxies and firewalls on the way.",
        )
    if error.errors:
        return Diagnosis(
            "gateway_error",
            "endpoint",
            f"The Intacct gateway refused the request: {_first_text(error.errors)}",
            "Try again later; if it persists, contact Sage support.",
            _first_text(error.errors),
        )
    return Diagnosis("endpoint_unreachable", "endpoint", f"{url}: {text}", _ENDPOINT_FIX)


def _refusal(errors: Sequence[ErrorEntry], config: IntegrationConfig) -> Diagnosis | None:
    """The diagnosis of an Intacct refusal, from its error entries (most specific first)."""
    blob = _blob(errors)
    numbers = {e.errorno for e in errors}
    said = _first_text(errors)
    quoted = next(
        (e.description2 or e.description for e in errors if e.description2 or e.description), said
    )
    sender = config.sender_id
    company = config.company_id or "?"
    user = config.user_id or "?"
    if "not a valid transport policy" in blob:
        # the policy Intacct named ("P1 is not a valid transport policy."), else the configured one
        named = re.search(
            r"(\S+) is not a valid transport policy",
            " ".join(f"{e.description} {e.description2}" for e in errors),
        )
        policy = named.group(1) if named else config.policy_id
        return Diagnosis(
            "policy_invalid",
            "policy",
            f"Policy ID '{policy}' is not a valid transport policy for sender ID '{sender}'.",
            "Asynchronous requests need a transport policy that Sage support sets up for the "
            "sender ID (policy ID, response URL). Set the Policy ID they give you "
            "(intacct-bridge config set --policy-id ID), or switch asynchronous mode off "
            "(intacct-bridge config set --synchronous).",
            said,
        )
    if "partner id or password" in blob:
        return Diagnosis(
            "sender_rejected",
            "sender",
            f"Intacct does not accept sender ID '{sender}' with the configured sender password.",
            "Check the Sender ID and sender password on the General tab (intacct-bridge config "
            f"set --sender-id {sender} --sender-password ?). Sender IDs are case-sensitive; the "
            "ID and its password come from Sage with the Web Services licence — they are not "
            "a user's sign-in.",
            said,
        )
    if "invalid web services authorization" in blob or "not authorized to make web services" in (
        blob
    ):
        return Diagnosis(
            "sender_not_authorized",
            "authorization",
            f"Sender ID '{sender}' is not authorized to make Web Services requests to company "
            f"'{company}'.",
            words.authorize_sender(sender) + " If it is listed already, set its status to Active.",
            said,
        )
    if "is inactive" in blob:
        return Diagnosis(
            "user_inactive",
            "active",
            f"Web services user '{user}' of company '{company}' is inactive.",
            words.user_tab(user, "User information", words.ACTIVE),
            said,
        )
    if "access to the top level" in blob or "top-level access" in blob:
        return Diagnosis(
            "no_top_level_access",
            "level",
            f"User '{user}' has no access to the top level of company '{company}'.",
            words.user_tab(user, "User entities", words.TOP_LEVEL)
            + " Or sign in to one entity instead: intacct-bridge config set --entity-id ID.",
            said,
        )
    if "invalid entity" in blob or ("entity" in blob and "does not exist" in blob):
        entity = config.entity_id or "?"
        return Diagnosis(
            "entity_not_found",
            "level",
            f"Entity '{entity}' does not exist in company '{company}', or user '{user}' may not "
            "enter it.",
            "Check the entity ID (intacct-bridge config set --entity-id ID, or --entity-id '' "
            "for the top level); the company's entities are in Sage Intacct under Company > "
            "Setup > Entities. If it exists: "
            + words.user_tab(user, "User entities", f"give the user access to entity {entity}"),
            said,
        )
    if "PL04000055" in numbers or "has expired" in blob:
        return Diagnosis(
            "company_expired",
            "credentials",
            f"Company '{company}' is a demo or trial company that has expired.",
            "Use a live or sandbox company (contact Sage), and set its ID: intacct-bridge "
            "config set --company-id ID.",
            said,
        )
    if numbers & {"XMLGW_JPP0002", "UJPP0002"} or "sign-in information is incorrect" in blob:
        return Diagnosis(
            "user_rejected",
            "credentials",
            f"Intacct does not accept user ID '{user}' with the configured password for "
            f"company ID '{company}'.",
            f"Check the Company ID ({words.COMPANY_INFO}), the User ID and the password of the "
            "web services user (intacct-bridge config set --company-id ID --user-id USER "
            f"--user-password ?). The user must exist under {words.WS_USERS} with Status "
            "Active.",
            said,
        )
    if "permission" in blob:
        return Diagnosis(
            "not_admin",
            "write",
            f"User '{user}' signs in but may not change data: Intacct answered \"{quoted}\".",
            _write_fix(user),
            said,
        )
    return None


def _outcomes(failed_step: str | None, detail: str, skipped: set[str]) -> tuple[StepOutcome, ...]:
    """Each step's outcome: ok before the failed step, then not tested.

    A failure outside the steps (``configuration``: nothing could be sent) leaves every
    step not tested.
    """
    if failed_step is None:
        failed_index = len(STEP_KEYS)
    elif failed_step in STEP_KEYS:
        failed_index = STEP_KEYS.index(failed_step)
    else:
        failed_index = -1
    out: list[StepOutcome] = []
    for index, (key, label) in enumerate(STEPS):
        if failed_index < 0:
            out.append(StepOutcome(key, label, "not tested"))
        elif key in skipped and index <= failed_index:
            out.append(StepOutcome(key, label, "skipped"))
        elif index < failed_index:
            out.append(StepOutcome(key, label, "ok"))
        elif index == failed_index:
            out.append(StepOutcome(key, label, "failed", detail))
        else:
            out.append(StepOutcome(key, label, "not tested"))
    return tuple(out)


def probe_client(
    config: IntegrationConfig,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 30.0,
) -> IntacctClient:
    """A client for one-off checks: no retries, so a failure is seen at once."""
    intacct = config.intacct_config(timeout=timeout, retry=RetryPolicy(attempts=1))
    return IntacctClient(intacct, transport=transport)


async def run_connection_test(
    config: IntegrationConfig,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 30.0,
    sandbox_state: str | None = None,
) -> ConnectionReport:
    """Sign in with ``config`` and probe; see the module docstring for the steps.

    ``transport`` replaces the network (``sandbox.transport()`` in tests).
    ``sandbox_state`` is the state file ``setup sandbox`` set this configuration up in,
    when the Endpoint URL is a sandbox on this machine: fixes then name the exact command
    that serves it.
    """
    report = await _run(config, transport, timeout)
    if report.diagnosis is None:
        return report
    return replace(report, diagnosis=local_sandbox_fix(report.diagnosis, config, sandbox_state))


async def _run(
    config: IntegrationConfig, transport: httpx.AsyncBaseTransport | None, timeout: float
) -> ConnectionReport:
    skipped = set() if config.asynchronous else {"policy"}
    try:
        client = probe_client(config, transport=transport, timeout=timeout)
    except (ConfigError, SecretUnavailableError) as error:
        diagnosis = diagnose(error, config)
        return ConnectionReport(_outcomes(diagnosis.step, diagnosis.message, skipped), diagnosis)
    notes: list[str] = []
    session_endpoint = ""
    entities: tuple[Entity, ...] = ()
    async with client:
        try:
            result = await client.call(fn.get_api_session())
            api = result.data.find("api") if result.data is not None else None
            session_endpoint = (api.findtext("endpoint") if api is not None else "") or ""
            await client.call(fn.inspect("GLACCOUNT"))
        except IntacctError as error:
            diagnosis = diagnose(error, config)
            if diagnosis.code == "not_admin":  # a read refused for lack of permission
                diagnosis = Diagnosis(
                    "read_denied",
                    "read",
                    diagnosis.message.replace("may not change data", "may not read"),
                    _write_fix(config.user_id or "?"),
                    diagnosis.intacct,
                )
            return ConnectionReport(
                _outcomes(diagnosis.step, diagnosis.message, skipped), diagnosis
            )
        except Exception as error:  # every failure becomes a diagnosis
            diagnosis = diagnose(error, config)
            return ConnectionReport(
                _outcomes(diagnosis.step, diagnosis.message, skipped), diagnosis
            )
        try:
            entities = await _entities(client)
        except IntacctError:
            entities = ()  # not fatal: the read probe passed, the entity list is extra
        failure = await _probe_writes(client, config)
        if failure is None and config.asynchronous and config.policy_id:
            failure = await _probe_policy(client, config)
        if failure is not None:
            return ConnectionReport(
                _outcomes(failure.step, failure.message, skipped),
                failure,
                session_endpoint,
                entities,
            )
    if config.transaction_level is TransactionLevel.ENTITY_LEVEL and not entities:
        notes.append(
            "Transaction integration level is Entity level, but the company has no entities "
            "(single-entity): transactions will be posted at the top level."
        )
    if config.entity_id and not entities:
        notes.append(
            f"Entity '{config.entity_id}' is configured, but the company lists no entities."
        )
    return ConnectionReport(
        _outcomes(None, "", skipped), None, session_endpoint, entities, tuple(notes)
    )


async def _probe_writes(client: IntacctClient, config: IntegrationConfig) -> Diagnosis | None:
    probes = [
        fn.delete(name, [PROBE_KEY], controlid=f"probe-{name.lower()}-{uuid.uuid4().hex}")
        for name in WRITE_PROBE_OBJECTS
    ]
    try:
        results = await client.execute(probes)
    except Exception as error:  # every failure becomes a diagnosis
        return _at(diagnose(error, config), "write")
    denied = [r for r in results if not r.ok and "permission" in _blob(r.errors)]
    if denied:
        return _at(diagnose(IntacctError(errors=denied[0].errors), config), "write")
    return None


async def _probe_policy(client: IntacctClient, config: IntegrationConfig) -> Diagnosis | None:
    assert config.policy_id
    try:
        await client.submit_async([fn.inspect("GLACCOUNT")], policy_id=config.policy_id)
    except Exception as error:
        return _at(diagnose(error, config), "policy")
    return None


def _at(diagnosis: Diagnosis, step: str) -> Diagnosis:
    """``diagnosis`` reported at ``step`` (a probe's failure belongs to the probe's step)."""
    if diagnosis.step == step:
        return diagnosis
    return Diagnosis(diagnosis.code, step, diagnosis.message, diagnosis.fix, diagnosis.intacct)


async def _entities(client: IntacctClient) -> tuple[Entity, ...]:
    found: list[Entity] = []
    async for row in client.iter_read_by_query("LOCATIONENTITY", fields=["LOCATIONID", "NAME"]):
        found.append(Entity(str(row.get("LOCATIONID", "")), str(row.get("NAME", ""))))
    return tuple(found)


__all__ = [
    "STEPS",
    "ConnectionReport",
    "Diagnosis",
    "Entity",
    "StepOutcome",
    "diagnose",
    "local_sandbox_port",
    "probe_client",
    "run_connection_test",
    "serve_command",
]
