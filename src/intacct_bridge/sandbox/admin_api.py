"""The admin HTTP API: the sandbox's Intacct administration screens as JSON endpoints.

A FastAPI application mounted at ``/sandbox/admin`` by
:func:`intacct_bridge.sandbox.asgi.create_app`. Its OpenAPI description — every endpoint,
request body and reply — is served at ``/sandbox/admin/openapi.json``; docs/sandbox.md
walks through it. The endpoints call :class:`intacct_bridge.sandbox.admin.Admin`, as the
CLI does.

Bodies are JSON, validated strictly (no type coercion, no unknown fields). Every refusal
is a 4xx JSON ``{"error": "…", "detail": …}`` that names the field and the fix, and
nothing is changed by a refused request: unreadable JSON is a 400, a body of the wrong
shape a 422 whose detail lists ``field``/``problem``/``fix``, an unknown company, user,
sender or object a 404, a clash with what exists a 409, a record Intacct's validation
refuses a 422 with Intacct's errors. Passwords are accepted, hashed, and never returned.
When the backend's settings carry ``admin_token``, every request needs
``Authorization: Bearer <token>`` (compared in constant time).
"""

from __future__ import annotations

import hmac
import json
import types
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from fastapi import FastAPI, Path, Query
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from intacct_bridge.sandbox import objects
from intacct_bridge.sandbox.admin import (
    MAX_CLOCK_STEP,
    Admin,
    AdminConflict,
    AdminError,
    AdminInvalid,
    AdminNotFound,
    describe_user,
)
from intacct_bridge.sandbox.backend import SandboxBackend
from intacct_bridge.sandbox.faults import FaultPlan, Limits
from intacct_bridge.sandbox.objects.custom import FieldType
from intacct_bridge.sandbox.tenancy import KNOWN_MODULES, AdminPrivileges, Status, UserType

# --- request bodies --------------------------------------------------------------------------


def _no_outer_spaces(value: str) -> str:
    if value != value.strip():
        raise ValueError("must not start or end with spaces")
    if any(ord(char) < 32 for char in value):
        raise ValueError("must not contain control characters")
    return value


def _known_modules(value: list[str]) -> list[str]:
    unknown = sorted(set(value) - KNOWN_MODULES)
    if unknown:
        raise ValueError(
            f"unknown module(s) {', '.join(unknown)}; known modules: "
            f"{', '.join(sorted(KNOWN_MODULES))}"
        )
    return value


Identifier = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_no_outer_spaces)]
Password = Annotated[str, Field(min_length=1, max_length=1024)]
Modules = Annotated[list[str], AfterValidator(_known_modules)]
Scalar = str | int | float | bool | None


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class SenderIn(_Body):
    sender_id: Identifier
    password: Password
    status: Status = "active"


class EntityIn(_Body):
    location_id: Annotated[
        str, Field(min_length=1, max_length=20), AfterValidator(_no_outer_spaces)
    ]
    name: Annotated[str, Field(min_length=1, max_length=40)]
    #: Further LOCATIONENTITY fields, e.g. ``{"CURRENCY": "USD", "OPCOUNTRY": "United States"}``.
    fields: dict[str, Scalar] = Field(default_factory=dict)


class CompanyIn(_Body):
    company_id: Identifier
    name: Annotated[str, Field(max_length=100)] = ""
    mega: bool = False
    modules: Modules | None = None
    entities: list[EntityIn] = Field(default_factory=list)
    session_timeout: Annotated[int, Field(ge=60, le=7 * 24 * 3600)] = 3600


class UserIn(_Body):
    user_id: Identifier
    password: Password
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    user_type: UserType = "business"
    admin: AdminPrivileges = "full"
    status: Status = "active"
    roles: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=lambda: ["Admin"])
    top_level_access: bool = True
    entity_access: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)


class UserPatch(_Body):
    password: Password | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    user_type: UserType | None = None
    admin: AdminPrivileges | None = None
    status: Status | None = None
    roles: list[Annotated[str, Field(min_length=1)]] | None = None
    top_level_access: bool | None = None
    entity_access: list[Annotated[str, Field(min_length=1)]] | None = None


class AuthorizationIn(_Body):
    sender_id: Identifier
    status: Status = "active"
    #: Registers the sender as well when it does not exist yet, for one-call setup.
    sender_password: Password | None = None
    #: Change the password of an existing sender to ``sender_password`` (otherwise a
    #: different password is refused with 409).
    rekey: bool = False


class PolicyIn(_Body):
    """An asynchronous transport policy (Intacct: set up by Sage support)."""

    policy_id: str = Field(min_length=1, max_length=40)
    sender_id: str = Field(min_length=1)
    response_url: str = Field(min_length=8, max_length=256)


class DimensionIn(_Body):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    label: Annotated[str, Field(min_length=1, max_length=100)]


class CustomFieldIn(_Body):
    name: Annotated[str, Field(min_length=1, max_length=40)]
    type: FieldType = "text"
    label: Annotated[str, Field(max_length=100)] = ""
    #: Maximum length of a text field (default 100).
    length: Annotated[int, Field(ge=1, le=4000)] | None = None
    required: bool = False
    #: The values of a picklist field.
    values: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default_factory=list)


class CustomObjectIn(_Body):
    #: Integration name, e.g. ``sage_dmo_audit_trail``.
    name: Annotated[str, Field(min_length=1, max_length=60)]
    label: Annotated[str, Field(min_length=1, max_length=100)]
    fields: list[CustomFieldIn] = Field(default_factory=list)


Rate = Annotated[float, Field(ge=0.0, le=1.0)]
Seconds = Annotated[float, Field(ge=0.0, le=600.0)]


class LimitsIn(_Body):
    """Changes to a fault plan's limits; fields left out keep their values."""

    slots: Annotated[int, Field(ge=1, le=1000)] | None = None
    latency_per_request: Seconds | None = None
    latency_per_function: Seconds | None = None
    failure_rate: Rate | None = None
    timeout_rate: Rate | None = None
    drop_rate: Rate | None = None
    timeout_seconds: Seconds | None = None


class ReseedIn(_Body):
    #: The new seed; ``null`` seeds from the system's randomness.
    seed: int | None


class ModulesIn(_Body):
    modules: Modules


Module = Annotated[str, Field(min_length=1, max_length=20)]
Account = Annotated[str, Field(min_length=1, max_length=24), AfterValidator(_no_outer_spaces)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
DateText = Annotated[str, Field(min_length=1, max_length=20)]
Decimalish = Annotated[str, Field(min_length=1, max_length=30, pattern=r"^[0-9]+(\.[0-9]+)?$")]


class PeriodCloseIn(_Body):
    #: Last closed day, ``MM/DD/YYYY``.
    through: DateText
    #: Close one module (``gl``, ``ap``, ``ar`` …) instead of the whole company.
    module: Module | None = None
    #: MEGA: close the module for this entity only.
    entity: Identifier | None = None


class PeriodOpenIn(_Body):
    #: First day to reopen, ``MM/DD/YYYY``; absent = reopen every period.
    from_date: str | None = Field(default=None, min_length=1, max_length=20, alias="from")
    module: Module | None = None
    entity: Identifier | None = None


class BaseCurrencyIn(_Body):
    currency: Currency


class ExchangeRateIn(_Body):
    """1 ``from_currency`` = ``rate`` ``to_currency`` from ``effective`` on."""

    from_currency: Currency
    to_currency: Currency
    rate: Decimalish
    effective: DateText
    rate_type: Annotated[str, Field(min_length=1, max_length=40)] = "Intacct Daily Rate"


class CurrencyAccountsIn(_Body):
    """The realised exchange gain/loss account of AP and/or AR; ``""`` unsets one."""

    ap: Annotated[str, Field(max_length=24)] | None = None
    ar: Annotated[str, Field(max_length=24)] | None = None


class DuplicateBillsIn(_Body):
    policy: Literal["allow", "warn", "refuse"]


class InterEntityAccountsIn(_Body):
    due_from: Account
    due_to: Account
    #: Both or neither (neither: the accounts of every pair of entities).
    entity: Identifier | None = None
    other: Identifier | None = None


class TaxSolutionIn(_Body):
    solution_id: Identifier
    purchase_account: Account
    sale_account: Account
    method: Annotated[str, Field(min_length=1, max_length=40)] = "VAT"
    description: Annotated[str, Field(max_length=200)] = ""


class TaxDetailIn(_Body):
    detail_id: Identifier
    tax_type: Literal["S", "P"]
    percent: Decimalish
    account: Account
    solution: Identifier | None = None
    reverse_charge: bool = False
    description: Annotated[str, Field(max_length=200)] = ""


class ApprovalsIn(_Body):
    journal_entries: bool | None = None
    bills: bool | None = None


class NumberingIn(_Body):
    enabled: bool = True
    prefix: Annotated[str, Field(max_length=10, pattern=r"^[A-Za-z0-9_/.-]*$")] = ""
    width: Annotated[int, Field(ge=0, le=12)] = 0
    next_number: Annotated[int, Field(ge=1, le=10**12)] | None = None


class UndepositedAccountIn(_Body):
    #: ``null`` (or ``""``): no default undeposited funds account.
    account: Annotated[str, Field(max_length=24)] | None


class InterEntityIn(_Body):
    allowed: bool


class RecordsIn(_Body):
    rows: list[dict[str, Any]]
    entity: str = ""


class SenderPatch(_Body):
    """An explicit change of an existing sender: a re-key (new password) and/or status."""

    password: Password | None = None
    status: Status | None = None


class ClockAdvanceIn(_Body):
    #: How far to move the sandbox's clock forward, in seconds.
    seconds: Annotated[float, Field(gt=0, le=MAX_CLOCK_STEP)]


class SessionsExpireIn(_Body):
    """Which API sessions to end: one by ID, or every session of a company (or user)."""

    session_id: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    company_id: Identifier | None = None
    user_id: Identifier | None = None


# --- replies (for the OpenAPI description; extra keys are passed through) -----------------


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class ProblemOut(_Out):
    """Every refusal: one sentence that names the problem and the fix, and details."""

    error: str
    detail: Any = None


class SenderOut(_Out):
    sender_id: str
    status: str


class SenderChangedOut(SenderOut):
    rekeyed: bool


class UserOut(_Out):
    user_id: str
    first_name: str
    last_name: str
    email: str
    user_type: str
    admin: str
    status: str
    roles: list[str]
    top_level_access: bool
    entity_access: list[str]


class EntityOut(_Out):
    location_id: str
    name: str


class CompanyOut(_Out):
    company_id: str
    name: str
    mega: bool
    modules: list[str]
    session_timeout: int
    entities: list[EntityOut]
    authorized_senders: dict[str, str]
    users: list[UserOut]
    dimensions: dict[str, str]
    custom_objects: dict[str, str]
    books: dict[str, Any]
    records: dict[str, int]


class PolicyOut(_Out):
    policy_id: str
    sender_id: str
    response_url: str


class StateOut(_Out):
    senders: list[SenderOut]
    companies: list[CompanyOut]
    policies: list[PolicyOut]
    sessions: int


class ResetOut(_Out):
    reset: bool
    state: StateOut


class AuthorizationOut(_Out):
    company_id: str
    sender_id: str
    status: str
    #: ``created`` or ``updated``.
    authorization: str
    #: ``created``, ``unchanged``, ``rekeyed`` or ``existing`` (no password given).
    sender: str


class ClockOut(_Out):
    #: The sandbox's time (ISO 8601, UTC).
    now: str
    #: How far the sandbox's clock is ahead of the real time.
    offset_seconds: float


class SessionsExpiredOut(_Out):
    expired: int


ModelT = TypeVar("ModelT", bound=BaseModel)


# --- problems --------------------------------------------------------------------------------


class Problem(Exception):
    """A refused request: HTTP status, one-line error, structured detail."""

    def __init__(self, status: int, error: str, detail: Any = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.detail = detail


def _problem_response(status: int, error: str, detail: Any = None) -> JSONResponse:
    headers = {"www-authenticate": 'Bearer realm="sandbox-admin"'} if status == 401 else None
    return JSONResponse({"error": error, "detail": detail}, status_code=status, headers=headers)


_EXPECTED = {
    "string_type": "a JSON string",
    "bool_type": "true or false",
    "int_type": "a whole number",
    "float_type": "a number",
    "list_type": "a JSON array",
    "dict_type": "a JSON object",
    "model_type": "a JSON object",
    "model_attributes_type": "a JSON object",
}


def _path(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _model_at(
    model: type[BaseModel] | None, location: tuple[int | str, ...]
) -> type[BaseModel] | None:
    """The model class that holds the field at ``location`` (to list its accepted fields)."""
    current: Any = model
    for part in location:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = info.annotation
        while get_origin(current) in (list, Union, types.UnionType, Annotated):
            args = [a for a in get_args(current) if a is not type(None)]
            current = args[0] if args else None
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _validation_detail(errors: Any, model: type[BaseModel] | None) -> list[dict[str, str]]:
    """Field, problem and fix for each validation error (never the input: it may be a
    password)."""
    problems: list[dict[str, str]] = []
    for error in errors:
        location = tuple(error["loc"])
        field = _path(location) or "(body)"
        kind = error["type"]
        message = str(error["msg"]).removeprefix("Value error, ")
        if kind == "missing":
            fix = f"Add '{field}'."
        elif kind == "extra_forbidden":
            holder = _model_at(model, location[:-1])
            accepted = ", ".join(holder.model_fields) if holder else ""
            message = "unknown field"
            fix = f"Remove '{field}'." + (f" Accepted fields: {accepted}." if accepted else "")
        elif kind in _EXPECTED:
            fix = f"Send '{field}' as {_EXPECTED[kind]}."
        elif kind == "literal_error":
            fix = f"Use one of the values listed for '{field}'."
        elif kind in ("string_too_short", "too_short"):
            fix = f"Give '{field}' a value; it cannot be empty."
        else:
            fix = f"Correct '{field}'."
        problems.append({"field": field, "problem": message, "fix": fix})
    return problems


def _validated(model: type[ModelT], data: Any, what: str) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc.errors(include_input=False, include_url=False), model, what) from None


def _invalid(errors: Any, model: type[BaseModel] | None, what: str) -> Problem:
    detail = _validation_detail(errors, model)
    first = detail[0]
    more = f" (and {len(detail) - 1} more problem(s) in detail)" if len(detail) > 1 else ""
    return Problem(
        422,
        f"Invalid body for {what}: {first['field']}: {first['problem']}. {first['fix']}{more}",
        detail,
    )


# --- the ASGI layers in front of the routes ----------------------------------------------------


def _route_takes_raw_body(path: str) -> bool:
    """Package import takes the XML file as it is; every other body is JSON."""
    return path.rstrip("/").endswith("/packages")


class _JsonBody:
    """Pure ASGI middleware: read the body (refusing it past ``limit`` bytes, 413), check
    that it is JSON (400 with line and column), and hand it on as ``application/json``."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length", b"")
        raw_path = str(scope.get("path", ""))
        raw = _route_takes_raw_body(raw_path)
        what = "The package" if raw else "The request body"
        too_big = _problem_response(413, f"{what} is larger than {self.limit} bytes.")
        if declared.isdigit() and int(declared) > self.limit:
            await too_big(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await too_big(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if not raw and body.strip():
            problem = _json_problem(body)
            if problem is not None:
                await _problem_response(problem.status, problem.error, problem.detail)(
                    scope, receive, send
                )
                return
            kept = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
            scope = {**scope, "headers": [*kept, (b"content-type", b"application/json")]}
        elif not raw:
            body = b""
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _json_problem(raw: bytes) -> Problem | None:
    try:
        json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Problem(400, "The request body is not UTF-8 encoded JSON.")
    except json.JSONDecodeError as exc:
        return Problem(
            400,
            f"The request body is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}.",
            {"line": exc.lineno, "column": exc.colno},
        )
    except (RecursionError, ValueError):
        return Problem(400, "The request body is not valid JSON: nested too deeply or too big.")
    return None


class _BearerToken:
    """Pure ASGI middleware: refuse requests without ``Authorization: Bearer <token>``."""

    def __init__(self, app: ASGIApp, backend: SandboxBackend) -> None:
        self.app = app
        self.backend = backend

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = self.backend.settings.admin_token
        if scope["type"] != "http" or not token:
            await self.app(scope, receive, send)
            return
        header = b""
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                header = value
                break
        scheme, _, given = header.partition(b" ")
        if scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(), token.encode()):
            await self.app(scope, receive, send)
            return
        error = (
            "The admin API needs 'Authorization: Bearer <token>'."
            if not header
            else "The admin token is wrong."
        )
        await _problem_response(401, error, "Send the sandbox's admin token as a bearer token.")(
            scope, receive, send
        )


# --- the application -------------------------------------------------------------------------

Company = Annotated[str, Path(description="Company ID, e.g. DEMO-MFG.")]
ObjectName = Annotated[str, Path(max_length=100, description="Object, e.g. APBILL.")]
Wait = Annotated[
    float, Query(description="Seconds (up to 30) to wait for queued work to finish first.")
]
_REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": ProblemOut, "description": text}
    for status, text in (
        (400, "The body is not JSON."),
        (401, "The admin token is missing or wrong."),
        (404, "An unknown company, user, sender, entity or object."),
        (409, "It exists already, or a re-key was not asked for."),
        (413, "The body is too large."),
        (422, "The body has the wrong shape, or Intacct's validation refused it."),
    )
}


def _body_model(request: Request) -> type[BaseModel] | None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not route.dependant.body_params:
        return None
    annotation = route.dependant.body_params[0].field_info.annotation
    return (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )


def create_admin_app(backend: SandboxBackend, faults: FaultPlan | None = None) -> FastAPI:
    """The admin API as an ASGI app for one backend (mount it at ``/sandbox/admin``).

    ``faults`` is the fault plan of the front door serving the gateway (``Sandbox.faults``);
    without one, the ``/limits`` endpoints answer that there is no fault plan.
    """
    admin = Admin(backend)
    app = FastAPI(
        title="Intacct sandbox admin API",
        description=(
            "What an Intacct administrator does in Intacct's screens, for the offline "
            "sandbox: senders, companies, users, authorizations, records, periods, "
            "transport policies, limits and faults, the clock and API sessions. When the "
            "server has an admin token, send it as 'Authorization: Bearer TOKEN'."
        ),
        version="1",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        responses=_REFUSALS,
    )

    def company_of(company_id: str) -> str:
        admin.company(company_id)
        return company_id

    # --- errors

    def problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return _problem_response(exc.status, exc.error, exc.detail)

    def admin_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, AdminNotFound):
            return _problem_response(404, str(exc))
        if isinstance(exc, AdminConflict):
            return _problem_response(409, str(exc))
        if isinstance(exc, AdminInvalid):
            return _problem_response(422, str(exc), {"intacct_errors": exc.errors})
        return _problem_response(422, str(exc))

    def invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        what = f"{request.method} {request.url.path}"
        errors = list(exc.errors())
        if any(tuple(e.get("loc", ())) == ("body",) and e["type"] == "missing" for e in errors):
            return _problem_response(
                400, "This endpoint needs a JSON body; the request body is empty."
            )
        located = [{**e, "loc": tuple(e.get("loc", ()))[1:]} for e in errors if e.get("loc")]
        if all(tuple(e.get("loc", ()))[:1] == ("body",) for e in errors):
            found = _invalid(located, _body_model(request), what)
        else:
            detail = _validation_detail(
                [{**e, "loc": tuple(e.get("loc", ()))[1:]} for e in errors], None
            )
            first = detail[0]
            found = Problem(
                422,
                f"Invalid request {what}: {first['field']}: {first['problem']}. {first['fix']}",
                detail,
            )
        return _problem_response(found.status, found.error, found.detail)

    def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return _problem_response(
                404,
                f"No admin endpoint at {request.url.path}.",
                "See GET /sandbox/admin/openapi.json.",
            )
        if exc.status_code == 405:
            return _problem_response(
                405,
                f"{request.method} is not allowed on {request.url.path}.",
                {"allow": (exc.headers or {}).get("Allow", "")},
            )
        return _problem_response(exc.status_code, str(exc.detail))

    app.add_exception_handler(Problem, problem)
    app.add_exception_handler(AdminError, admin_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(HTTPException, http_error)

    # --- whole state

    @app.get("/state", response_model=StateOut, tags=["state"])
    def state() -> dict[str, Any]:
        """Everything, without secrets: senders, companies, policies, live sessions."""
        return admin.describe()

    @app.post("/reset", response_model=ResetOut, tags=["state"])
    def reset() -> dict[str, Any]:
        """Forget everything (and put the clock back to the real time)."""
        admin.reset()
        return {"reset": True, "state": admin.describe()}

    # --- senders and companies

    @app.post("/senders", status_code=201, response_model=SenderOut, tags=["senders"])
    def create_sender(data: SenderIn) -> dict[str, Any]:
        """Register a Web Services sender ID; an existing one is a 409 (re-key it with
        PATCH /senders/{sender_id})."""
        sender = admin.create_sender(
            data.sender_id, data.password, status=data.status, replace=False
        )
        return {"sender_id": sender.sender_id, "status": sender.status}

    @app.patch("/senders/{sender_id}", response_model=SenderChangedOut, tags=["senders"])
    def update_sender(
        sender_id: Annotated[str, Path(description="Sender ID.")], data: SenderPatch
    ) -> dict[str, Any]:
        """Re-key a sender (a new password: clients using the old one are refused from
        now on) and/or change its status."""
        changes = data.model_dump(exclude_unset=True)
        _no_nulls(changes, f"PATCH /sandbox/admin/senders/{sender_id}")
        if not changes:
            raise Problem(
                422,
                "The PATCH body changes nothing; send a password or a status.",
                {"accepted_fields": list(SenderPatch.model_fields)},
            )
        sender = admin.update_sender(sender_id, **changes)
        return {
            "sender_id": sender.sender_id,
            "status": sender.status,
            "rekeyed": "password" in changes,
        }

    @app.post("/companies", status_code=201, response_model=CompanyOut, tags=["companies"])
    def create_company(data: CompanyIn) -> dict[str, Any]:
        """Create a company, single-entity or MEGA with its entities (all or nothing)."""
        entities = [
            {"location_id": e.location_id, "name": e.name, **e.fields} for e in data.entities
        ]
        company = admin.create_company(
            data.company_id,
            name=data.name,
            mega=data.mega,
            modules=data.modules,
            session_timeout=data.session_timeout,
            entities=entities,
        )
        return admin.describe_company(company)

    @app.get("/companies/{company_id}", response_model=CompanyOut, tags=["companies"])
    def show_company(company_id: Company) -> dict[str, Any]:
        """One company, without secrets."""
        return admin.describe_company(admin.company(company_id))

    @app.put("/companies/{company_id}/modules", tags=["companies"])
    def set_modules(company_id: Company, data: ModulesIn) -> dict[str, Any]:
        """Switch modules on; the ones not named are switched off."""
        admin.set_modules(company_of(company_id), data.modules)
        return {"company_id": company_id, "modules": sorted(data.modules)}

    @app.post("/companies/{company_id}/entities", status_code=201, tags=["companies"])
    def add_entity(company_id: Company, data: EntityIn) -> dict[str, Any]:
        """Add an entity to a MEGA company (its LOCATIONENTITY and LOCATION)."""
        record = admin.add_entity_with(
            company_of(company_id), data.location_id, data.name, data.fields
        )
        return {
            "company_id": company_id,
            "location_id": data.location_id,
            "name": data.name,
            "recordno": record.recordno,
        }

    # --- users

    @app.post(
        "/companies/{company_id}/users", status_code=201, response_model=UserOut, tags=["users"]
    )
    def add_user(company_id: Company, data: UserIn) -> dict[str, Any]:
        """Add a web services user (seed guide defaults: business, full admin, Admin role)."""
        attributes = data.model_dump(exclude={"user_id", "password"})
        user = admin.add_user(
            company_of(company_id), data.user_id, data.password, replace=False, **attributes
        )
        return describe_user(user)

    @app.patch("/companies/{company_id}/users/{user_id}", response_model=UserOut, tags=["users"])
    def update_user(
        company_id: Company,
        user_id: Annotated[str, Path(description="Web services user ID.")],
        data: UserPatch,
    ) -> dict[str, Any]:
        """Change a user: status, password, privileges, roles, entity access."""
        changes = data.model_dump(exclude_unset=True)
        _no_nulls(changes, f"PATCH /sandbox/admin/companies/{company_id}/users/{user_id}")
        if not changes:
            raise Problem(
                422,
                "The PATCH body changes nothing; send at least one field.",
                {"accepted_fields": list(UserPatch.model_fields)},
            )
        user = admin.update_user(company_of(company_id), user_id, **changes)
        return describe_user(user)

    # --- Web Services authorizations

    @app.post(
        "/companies/{company_id}/authorizations",
        status_code=201,
        response_model=AuthorizationOut,
        responses={200: {"model": AuthorizationOut, "description": "Updated"}},
        tags=["senders"],
    )
    def authorize(company_id: Company, data: AuthorizationIn) -> Response:
        """Authorize a sender for the company (201 new, 200 updated). With
        ``sender_password`` a new sender is registered too; a different password for an
        existing sender is a 409 unless ``rekey`` is true (the reply says ``rekeyed``)."""
        outcome = admin.authorize(
            company_of(company_id),
            data.sender_id,
            status=data.status,
            sender_password=data.sender_password,
            rekey=data.rekey,
        )
        return JSONResponse(outcome, 201 if outcome["authorization"] == "created" else 200)

    @app.delete("/companies/{company_id}/authorizations/{sender_id}", tags=["senders"])
    def revoke(
        company_id: Company, sender_id: Annotated[str, Path(description="Sender ID.")]
    ) -> dict[str, Any]:
        """Remove a sender from the company's authorization list."""
        if not admin.revoke_sender(company_of(company_id), sender_id):
            raise AdminNotFound(
                f"Sender '{sender_id}' is not on the Web Services authorization list of "
                f"company '{company_id}'."
            )
        return {"company_id": company_id, "sender_id": sender_id, "revoked": True}

    # --- dimensions, custom objects and records

    @app.post("/companies/{company_id}/dimensions", status_code=201, tags=["records"])
    def add_dimension(company_id: Company, data: DimensionIn) -> dict[str, Any]:
        """Define a user-defined dimension; seed its values through /records/{NAME}."""
        admin.add_dimension(company_of(company_id), data.name, data.label, replace=False)
        return {
            "company_id": company_id,
            "name": data.name.strip().upper(),
            "label": data.label.strip(),
        }

    @app.get("/companies/{company_id}/custom-objects", tags=["records"])
    def custom_objects(company_id: Company) -> dict[str, Any]:
        """The company's Platform custom objects, with record counts."""
        return {"company_id": company_id, "custom_objects": admin.custom_objects(company_id)}

    @app.post("/companies/{company_id}/custom-objects", status_code=201, tags=["records"])
    def define_custom_object(company_id: Company, data: CustomObjectIn) -> dict[str, Any]:
        """Define a Platform custom object (Platform Services > Objects > New)."""
        fields = [field.model_dump() for field in data.fields]
        definition = admin.define_custom_object(
            company_of(company_id), data.name, data.label, fields
        )
        return {"company_id": company_id, **definition.as_dict()}

    @app.get("/companies/{company_id}/records/{object_name}", tags=["records"])
    def records(
        company_id: Company,
        object_name: Annotated[str, Path(description="Object, e.g. GLACCOUNT.")],
        entity: Annotated[str, Query(description="Entity (MEGA); default: top level.")] = "",
    ) -> dict[str, Any]:
        """The stored records of one object, as an entity session would see them."""
        rows = admin.records(company_of(company_id), object_name, entity=entity)
        return {"object": object_name.upper(), "count": len(rows), "records": rows}

    @app.post(
        "/companies/{company_id}/records/{object_name}",
        status_code=201,
        tags=["records"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "anyOf": [
                                {"type": "array", "items": {"type": "object"}},
                                RecordsIn.model_json_schema(),
                            ]
                        }
                    }
                },
            }
        },
    )
    async def create_records(
        request: Request,
        company_id: Company,
        object_name: Annotated[str, Path(description="Object, e.g. GLACCOUNT.")],
        entity: Annotated[str, Query(description="Entity (MEGA); default: top level.")] = "",
    ) -> Response:
        """Create records as the administrator would, with the API's validation: a JSON
        array of row objects, or ``{"rows": [...], "entity": "US"}``. All or none."""
        raw = await request.body()
        if not raw.strip():
            raise Problem(400, "This endpoint needs a JSON body; the request body is empty.")
        payload = json.loads(raw)
        what = f"POST {request.url.path}"
        if isinstance(payload, list):
            data = _validated(RecordsIn, {"rows": payload, "entity": entity}, what)
        else:
            data = _validated(RecordsIn, payload, what)
            if entity and data.entity and entity != data.entity:
                raise Problem(
                    422,
                    f"The entity is given twice, differently ('{entity}' in the URL, "
                    f"'{data.entity}' in the body). Give it once.",
                )
            data.entity = data.entity or entity
        if not data.rows:
            raise Problem(422, "No rows to create; send a JSON array of row objects.")

        def run() -> dict[str, Any]:
            made = admin.seed(company_of(company_id), object_name, data.rows, entity=data.entity)
            otype = objects.resolve(admin.company(company_id), object_name)
            id_field = otype.id_field if otype is not None else None
            created = [
                {
                    "RECORDNO": r.recordno,
                    **({id_field: r.values.get(id_field, "")} if id_field else {}),
                }
                for r in made
            ]
            return {"object": object_name.upper(), "count": len(made), "created": created}

        return JSONResponse(await run_in_threadpool(run), 201)

    @app.post("/companies/{company_id}/seed-demo", status_code=201, tags=["records"])
    def seed_demo(company_id: Company) -> dict[str, Any]:
        """The demo manufacturing setup: chart of accounts, journals, terms, tax …"""
        from intacct_bridge.sandbox.seeds import seed_demo as run_seed_demo

        counts = run_seed_demo(admin, company_of(company_id))
        return {"company_id": company_id, "created": counts}

    # --- books: periods, inter-entity balancing, GL balances

    @app.get("/companies/{company_id}/periods", tags=["books"])
    def periods(company_id: Company) -> dict[str, Any]:
        """Closed-through date and inter-entity setting."""
        return {"company_id": company_id, **admin.books(company_id)}

    @app.post("/companies/{company_id}/periods/close", tags=["books"])
    def close_period(company_id: Company, data: PeriodCloseIn) -> dict[str, Any]:
        """Close the books through a date (never reopens): the whole company, or one module
        (and, in a MEGA company, one entity)."""
        books = admin.close_period(
            company_id, through=data.through, module=data.module, entity=data.entity
        )
        return {"company_id": company_id, **books}

    @app.post("/companies/{company_id}/periods/open", tags=["books"])
    def open_period(company_id: Company, data: PeriodOpenIn) -> dict[str, Any]:
        """Reopen the periods from a date on (or every period), of the company or of one
        module (and entity)."""
        books = admin.open_period(
            company_id, from_date=data.from_date, module=data.module, entity=data.entity
        )
        return {"company_id": company_id, **books}

    @app.get("/companies/{company_id}/accounting", tags=["books"])
    def accounting(company_id: Company) -> dict[str, Any]:
        """Every book-keeping setting: closes, currencies, AP policy, inter-entity accounts,
        approvals, automatic numbering, undeposited funds."""
        return {"company_id": company_id, **admin.accounting(company_id)}

    @app.put("/companies/{company_id}/base-currency", tags=["books"])
    def base_currency(company_id: Company, data: BaseCurrencyIn) -> dict[str, Any]:
        """The company's base currency (not once anything has posted in another)."""
        return {"company_id": company_id, **admin.set_base_currency(company_id, data.currency)}

    @app.post("/companies/{company_id}/exchange-rates", tags=["books"])
    def exchange_rate(company_id: Company, data: ExchangeRateIn) -> dict[str, Any]:
        """Add a daily exchange rate (replaces one of the same type, pair and day)."""
        books = admin.add_exchange_rate(company_id, **data.model_dump())
        return {"company_id": company_id, **books}

    @app.put("/companies/{company_id}/currency-accounts", tags=["books"])
    def currency_accounts(company_id: Company, data: CurrencyAccountsIn) -> dict[str, Any]:
        """The realised exchange gain/loss accounts of AP and AR."""
        books = admin.set_currency_accounts(company_id, ap=data.ap, ar=data.ar)
        return {"company_id": company_id, **books}

    @app.put("/companies/{company_id}/duplicate-bills", tags=["books"])
    def duplicate_bills(company_id: Company, data: DuplicateBillsIn) -> dict[str, Any]:
        """What AP does with a bill number the vendor already used."""
        return {"company_id": company_id, **admin.set_duplicate_bills(company_id, data.policy)}

    @app.put("/companies/{company_id}/interentity-accounts", tags=["books"])
    def interentity_accounts(company_id: Company, data: InterEntityAccountsIn) -> dict[str, Any]:
        """MEGA: the due-from / due-to accounts of one pair of entities (or of every pair)."""
        books = admin.set_interentity_accounts(company_id, **data.model_dump())
        return {"company_id": company_id, **books}

    @app.post("/companies/{company_id}/tax-solutions", status_code=201, tags=["books"])
    def tax_solution(company_id: Company, data: TaxSolutionIn) -> dict[str, Any]:
        """A VAT/GST tax solution with its purchase and sales tax accounts."""
        record = admin.add_tax_solution(
            company_id,
            data.solution_id,
            purchase_account=data.purchase_account,
            sale_account=data.sale_account,
            method=data.method,
            description=data.description,
        )
        return {"company_id": company_id, "RECORDNO": record.recordno, **record.values}

    @app.post("/companies/{company_id}/tax-details", status_code=201, tags=["books"])
    def tax_detail(company_id: Company, data: TaxDetailIn) -> dict[str, Any]:
        """A tax detail: type S (sales) or P (purchase), rate in percent, GL account."""
        record = admin.add_tax_detail(
            company_id,
            data.detail_id,
            tax_type=data.tax_type,
            percent=data.percent,
            account=data.account,
            solution=data.solution,
            reverse_charge=data.reverse_charge,
            description=data.description,
        )
        return {"company_id": company_id, "RECORDNO": record.recordno, **record.values}

    @app.put("/companies/{company_id}/approvals", tags=["books"])
    def approvals(company_id: Company, data: ApprovalsIn) -> dict[str, Any]:
        """Require (or stop requiring) approval of journal entries and/or bills."""
        books = admin.set_approvals(
            company_id, journal_entries=data.journal_entries, bills=data.bills
        )
        return {"company_id": company_id, **books}

    @app.post("/companies/{company_id}/approvals/{object_name}/{recordno}/approve", tags=["books"])
    def approve(
        company_id: Company, object_name: ObjectName, recordno: Annotated[int, Path(ge=1)]
    ) -> dict[str, Any]:
        """Approve a Submitted journal entry (GLBATCH) or bill (APBILL): it posts."""
        return {"company_id": company_id, **admin.approve(company_id, object_name, recordno)}

    @app.post("/companies/{company_id}/approvals/{object_name}/{recordno}/decline", tags=["books"])
    def decline(
        company_id: Company, object_name: ObjectName, recordno: Annotated[int, Path(ge=1)]
    ) -> dict[str, Any]:
        """Decline a Submitted journal entry or bill: Declined, nothing posted."""
        return {"company_id": company_id, **admin.decline(company_id, object_name, recordno)}

    @app.put("/companies/{company_id}/numbering/{object_name}", tags=["books"])
    def numbering(
        company_id: Company, object_name: ObjectName, data: NumberingIn
    ) -> dict[str, Any]:
        """Automatic numbering of VENDOR, CUSTOMER, EMPLOYEE or PROJECT IDs."""
        books = admin.set_id_numbering(company_id, object_name, **data.model_dump())
        return {"company_id": company_id, **books}

    @app.put("/companies/{company_id}/undeposited-account", tags=["books"])
    def undeposited_account(company_id: Company, data: UndepositedAccountIn) -> dict[str, Any]:
        """The default undeposited funds account of AR receipts (null: none)."""
        books = admin.set_undeposited_account(company_id, data.account)
        return {"company_id": company_id, **books}

    @app.put("/companies/{company_id}/interentity", tags=["books"])
    def interentity(company_id: Company, data: InterEntityIn) -> dict[str, Any]:
        """MEGA: allow journal entries unbalanced by entity (inter-entity relationships)."""
        return {"company_id": company_id, **admin.set_interentity(company_id, data.allowed)}

    @app.get("/companies/{company_id}/gl/balances", tags=["books"])
    def balances(
        company_id: Company,
        period: Annotated[str | None, Query(description="MM/YYYY; default: all time.")] = None,
        by: Annotated[str, Query(description="Grouping fields, comma-separated.")] = "ACCOUNTNO",
        entity: Annotated[str | None, Query(description="One entity's lines.")] = None,
    ) -> dict[str, Any]:
        """Posted GL activity per group: debits, credits, net."""
        fields = [name for name in by.split(",") if name.strip()]
        rows = admin.balances(company_of(company_id), period or None, by=fields, entity=entity)
        return {"company_id": company_id, "balances": rows}

    # --- platform: customization packages and Smart Events

    @app.get("/companies/{company_id}/packages", tags=["platform"])
    def packages(company_id: Company) -> dict[str, Any]:
        """The installed customization packages and their smart links."""
        return {"packages": admin.packages(company_id)}

    @app.post(
        "/companies/{company_id}/packages",
        status_code=201,
        tags=["platform"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/xml": {"schema": {"type": "string"}}},
            }
        },
    )
    async def import_package(request: Request, company_id: Company) -> Response:
        """Import a ``customErpPackage`` (the XML file as the body). Smart Event URLs
        outside the server's allowed callbacks are refused."""
        data = await request.body()
        installed = await run_in_threadpool(admin.import_package, company_id, data)
        return JSONResponse({"company_id": company_id, "smart_links": installed}, 201)

    @app.get("/companies/{company_id}/smart-events/deliveries", tags=["platform"])
    def deliveries(company_id: Company, wait: Wait = 0.0) -> dict[str, Any]:
        """The Smart Event delivery log, oldest first (``wait``: for queued ones first)."""
        return {
            "company_id": company_id,
            "deliveries": admin.deliveries(company_id, wait=min(max(wait, 0.0), 30.0)),
        }

    # --- asynchronous requests

    @app.get("/policies", tags=["async"])
    def policies() -> dict[str, Any]:
        """The asynchronous transport policies."""
        return {"policies": admin.policies()}

    @app.post("/policies", status_code=201, response_model=PolicyOut, tags=["async"])
    def add_policy(data: PolicyIn) -> dict[str, Any]:
        """Set up a transport policy: responses of the sender's requests that name it are
        POSTed to ``response_url`` (which the server's allowed callbacks must allow)."""
        admin.add_policy(data.policy_id, data.sender_id, data.response_url)
        return data.model_dump()

    @app.get("/async/requests", tags=["async"])
    def async_log(wait: Wait = 0.0) -> dict[str, Any]:
        """The log of asynchronous requests and the posting of their responses."""
        return {"requests": admin.async_deliveries(wait=min(max(wait, 0.0), 30.0))}

    # --- the clock and API sessions

    @app.get("/clock", response_model=ClockOut, tags=["time and sessions"])
    def clock() -> dict[str, Any]:
        """The sandbox's time and its offset from the real time."""
        return admin.clock()

    @app.post("/clock/advance", response_model=ClockOut, tags=["time and sessions"])
    def advance_clock(data: ClockAdvanceIn) -> dict[str, Any]:
        """Move the clock forward: sessions and read cursors expire as time passes."""
        return admin.advance_clock(data.seconds)

    @app.post("/clock/reset", response_model=ClockOut, tags=["time and sessions"])
    def reset_clock() -> dict[str, Any]:
        """Back to the real time."""
        return admin.reset_clock()

    @app.post("/sessions/expire", response_model=SessionsExpiredOut, tags=["time and sessions"])
    def expire_sessions(data: SessionsExpireIn) -> dict[str, Any]:
        """End API sessions as a timeout would: one by ``session_id``, or every session
        of ``company_id`` (or of one ``user_id`` in it)."""
        count = admin.expire_sessions(
            session_id=data.session_id, company_id=data.company_id, user_id=data.user_id
        )
        return {"expired": count}

    # --- limits and faults (the front door's fault plan)

    def plan() -> FaultPlan:
        if faults is None:
            raise Problem(
                404,
                "This admin API has no fault plan: it is not served in front of a gateway.",
                "Create the app with create_admin_app(backend, faults=...).",
            )
        return faults

    def apply_limits(company_id: str | None, data: LimitsIn) -> Limits:
        changes = data.model_dump(exclude_unset=True)
        nulls = sorted(key for key, value in changes.items() if value is None)
        if nulls:
            raise Problem(
                422,
                f"Invalid limits: {nulls[0]} cannot be null. Leave a field out to keep its value.",
                [{"field": key, "problem": "null", "fix": f"Leave '{key}' out."} for key in nulls],
            )
        if not changes:
            raise Problem(
                422,
                "The body changes no limit; send at least one field.",
                {"accepted_fields": list(LimitsIn.model_fields)},
            )
        try:
            return plan().set_limits(company_id, **changes)
        except ValueError as exc:
            raise Problem(422, f"Invalid limits: {exc}.") from None

    @app.get("/limits", tags=["limits"])
    def limits() -> dict[str, Any]:
        """The fault plan: seed, default and per-company limits, outcomes, in flight."""
        return plan().describe()

    @app.put("/limits", tags=["limits"])
    def set_limits(data: LimitsIn) -> dict[str, Any]:
        """Change the default limits (fields left out keep their values)."""
        current = plan()
        apply_limits(None, data)
        return current.describe()

    @app.put("/companies/{company_id}/limits", tags=["limits"])
    def company_limits(company_id: Company, data: LimitsIn) -> dict[str, Any]:
        """Change one company's limits."""
        plan()
        updated = apply_limits(company_of(company_id), data)
        return {"company_id": company_id, "limits": updated.as_dict()}

    @app.delete("/companies/{company_id}/limits", tags=["limits"])
    def clear_company_limits(company_id: Company) -> dict[str, Any]:
        """Back to the default limits for one company."""
        current = plan()
        company_of(company_id)
        removed = current.clear_limits(company_id)
        return {
            "company_id": company_id,
            "removed": removed,
            "limits": current.limits_for(company_id).as_dict(),
        }

    @app.post("/limits/reseed", tags=["limits"])
    def reseed(data: ReseedIn) -> dict[str, Any]:
        """Reseed the fault source (``null``: from the system's randomness)."""
        current = plan()
        current.reseed(data.seed)
        return current.describe()

    app.add_middleware(_JsonBody, limit=backend.settings.max_body_bytes)
    app.add_middleware(_BearerToken, backend=backend)
    return app


def _no_nulls(changes: dict[str, Any], what: str) -> None:
    nulls = sorted(key for key, value in changes.items() if value is None)
    if nulls:
        raise Problem(
            422,
            f"Invalid body for {what}: {nulls[0]} cannot be null. "
            "Leave a field out to keep its value.",
            [{"field": key, "problem": "null", "fix": f"Leave '{key}' out."} for key in nulls],
        )


__all__ = ["Problem", "create_admin_app"]
