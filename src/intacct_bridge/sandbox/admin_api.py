"""The admin HTTP API: the sandbox's Intacct administration screens as JSON endpoints.

Mounted at ``/sandbox/admin`` by :func:`intacct_bridge.sandbox.asgi.create_app`:

========  =================================================  ================================
GET       ``/state``                                         everything, without secrets
POST      ``/reset``                                         forget everything
POST      ``/senders``                                       register a sender ID
POST      ``/companies``                                     create a company (+ entities)
GET       ``/companies/{id}``                                one company
PUT       ``/companies/{id}/modules``                        switch modules on/off
POST      ``/companies/{id}/entities``                       add an entity (MEGA)
POST      ``/companies/{id}/users``                          add a web services user
PATCH     ``/companies/{id}/users/{user}``                   change a user (status, password …)
POST      ``/companies/{id}/authorizations``                 Web Services authorization
DELETE    ``/companies/{id}/authorizations/{sender}``        revoke it
POST      ``/companies/{id}/dimensions``                     user-defined dimension
GET/POST  ``/companies/{id}/custom-objects``                 list / define Platform custom objects
GET/POST  ``/companies/{id}/records/{object}``               list / create records
POST      ``/companies/{id}/seed-demo``                      the demo setup (:mod:`.seeds`)
GET       ``/companies/{id}/periods``                        closed-through date, inter-entity
POST      ``/companies/{id}/periods/close``                  close the books through a date
POST      ``/companies/{id}/periods/open``                   reopen (from a date, or all)
PUT       ``/companies/{id}/interentity``                    allow inter-entity entries (MEGA)
GET       ``/companies/{id}/gl/balances``                    GL activity per account …
GET/POST  ``/policies``                                      asynchronous transport policies
GET/PUT   ``/limits``                                        fault plan: limits, outcomes
PUT/DEL   ``/companies/{id}/limits``                         one company's limits
POST      ``/limits/reseed``                                 reseed the fault source
========  =================================================  ================================

Bodies are JSON, validated strictly (no type coercion, no unknown fields). Every refusal
is a 4xx JSON ``{"error": "…", "detail": …}`` that names the field and the fix, and
nothing is changed by a refused request. Passwords are accepted, hashed, and never
returned. When the backend's settings carry ``admin_token``, every request needs
``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac
import json
import types
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from intacct_bridge.sandbox import objects
from intacct_bridge.sandbox.admin import (
    Admin,
    AdminConflict,
    AdminError,
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
    #: Registers (or re-keys) the sender as well, for one-call setup.
    sender_password: Password | None = None


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


class PeriodCloseIn(_Body):
    #: Last closed day, ``MM/DD/YYYY``.
    through: Annotated[str, Field(min_length=1, max_length=20)]


class PeriodOpenIn(_Body):
    #: First day to reopen, ``MM/DD/YYYY``; absent = reopen every period.
    from_date: str | None = Field(default=None, min_length=1, max_length=20, alias="from")


class InterEntityIn(_Body):
    allowed: bool


class RecordsIn(_Body):
    rows: list[dict[str, Any]]
    entity: str = ""


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


def _model_at(model: type[BaseModel], location: tuple[int | str, ...]) -> type[BaseModel] | None:
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


def _validation_detail(exc: ValidationError, model: type[BaseModel]) -> list[dict[str, str]]:
    """Field, problem and fix for each validation error (never the input: it may be a
    password)."""
    problems: list[dict[str, str]] = []
    for error in exc.errors(include_input=False, include_url=False):
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


async def _json_body(request: Request, limit: int) -> Any:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Problem(413, f"The request body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, f"The request body is larger than {limit} bytes.")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise Problem(400, "This endpoint needs a JSON body; the request body is empty.")
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise Problem(400, "The request body is not UTF-8 encoded JSON.") from None
    except json.JSONDecodeError as exc:
        raise Problem(
            400,
            f"The request body is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}.",
            {"line": exc.lineno, "column": exc.colno},
        ) from None
    except RecursionError:
        raise Problem(400, "The request body is not valid JSON: nested too deeply.") from None


def _validated(model: type[ModelT], data: Any, what: str) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        detail = _validation_detail(exc, model)
        first = detail[0]
        more = f" (and {len(detail) - 1} more problem(s) in detail)" if len(detail) > 1 else ""
        raise Problem(
            422,
            f"Invalid body for {what}: {first['field']}: {first['problem']}. {first['fix']}{more}",
            detail,
        ) from None


# --- the application -------------------------------------------------------------------------

Handler = Callable[[Request], Awaitable[Response]]


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
        header = ""
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                header = value.decode("latin-1")
                break
        scheme, _, given = header.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
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


def create_admin_app(backend: SandboxBackend, faults: FaultPlan | None = None) -> Starlette:
    """The admin API as an ASGI app for one backend (mount it at ``/sandbox/admin``).

    ``faults`` is the fault plan of the front door serving the gateway (``Sandbox.faults``);
    without one, the ``/limits`` endpoints answer that there is no fault plan.
    """
    admin = Admin(backend)
    limit = backend.settings.max_body_bytes

    def endpoint(handler: Handler) -> Handler:
        async def wrapped(request: Request) -> Response:
            try:
                return await handler(request)
            except Problem as problem:
                return _problem_response(problem.status, problem.error, problem.detail)
            except AdminNotFound as exc:
                return _problem_response(404, str(exc))
            except AdminConflict as exc:
                return _problem_response(409, str(exc))
            except AdminError as exc:
                return _problem_response(422, str(exc))

        return wrapped

    async def body(request: Request, model: type[ModelT]) -> ModelT:
        what = f"{request.method} {request.url.path}"
        return _validated(model, await _json_body(request, limit), what)

    async def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(function, *args, **kwargs)

    def company_of(request: Request) -> str:
        company_id = str(request.path_params["company_id"])
        admin.company(company_id)
        return company_id

    # --- whole state

    @endpoint
    async def state(request: Request) -> Response:
        return JSONResponse(await call(admin.describe))

    @endpoint
    async def reset(request: Request) -> Response:
        await call(admin.reset)
        return JSONResponse({"reset": True, "state": await call(admin.describe)})

    # --- senders and companies

    @endpoint
    async def create_sender(request: Request) -> Response:
        data = await body(request, SenderIn)
        sender = await call(
            admin.create_sender, data.sender_id, data.password, status=data.status, replace=False
        )
        return JSONResponse({"sender_id": sender.sender_id, "status": sender.status}, 201)

    @endpoint
    async def create_company(request: Request) -> Response:
        data = await body(request, CompanyIn)
        entities = [
            {"location_id": e.location_id, "name": e.name, **e.fields} for e in data.entities
        ]
        company = await call(
            admin.create_company,
            data.company_id,
            name=data.name,
            mega=data.mega,
            modules=data.modules,
            session_timeout=data.session_timeout,
            entities=entities,
        )
        return JSONResponse(await call(admin.describe_company, company), 201)

    @endpoint
    async def show_company(request: Request) -> Response:
        company = admin.company(str(request.path_params["company_id"]))
        return JSONResponse(await call(admin.describe_company, company))

    @endpoint
    async def set_modules(request: Request) -> Response:
        company_id = company_of(request)
        data = await body(request, ModulesIn)
        await call(admin.set_modules, company_id, data.modules)
        return JSONResponse({"company_id": company_id, "modules": sorted(data.modules)})

    @endpoint
    async def add_entity(request: Request) -> Response:
        company_id = company_of(request)
        data = await body(request, EntityIn)
        record = await call(
            admin.add_entity_with, company_id, data.location_id, data.name, data.fields
        )
        return JSONResponse(
            {
                "company_id": company_id,
                "location_id": data.location_id,
                "name": data.name,
                "recordno": record.recordno,
            },
            201,
        )

    # --- users

    @endpoint
    async def add_user(request: Request) -> Response:
        company_id = company_of(request)
        data = await body(request, UserIn)
        attributes = data.model_dump(exclude={"user_id", "password"})
        user = await call(
            admin.add_user, company_id, data.user_id, data.password, replace=False, **attributes
        )
        return JSONResponse(describe_user(user), 201)

    @endpoint
    async def update_user(request: Request) -> Response:
        company_id = company_of(request)
        user_id = str(request.path_params["user_id"])
        data = await body(request, UserPatch)
        changes = data.model_dump(exclude_unset=True)
        nulls = sorted(key for key, value in changes.items() if value is None)
        if nulls:
            raise Problem(
                422,
                f"Invalid body for PATCH {request.url.path}: {nulls[0]} cannot be null. "
                "Leave a field out to keep its value.",
                [{"field": key, "problem": "null", "fix": f"Leave '{key}' out."} for key in nulls],
            )
        if not changes:
            raise Problem(
                422,
                "The PATCH body changes nothing; send at least one field.",
                {"accepted_fields": list(UserPatch.model_fields)},
            )
        user = await call(admin.update_user, company_id, user_id, **changes)
        return JSONResponse(describe_user(user))

    # --- Web Services authorizations

    @endpoint
    async def authorize(request: Request) -> Response:
        company_id = company_of(request)
        data = await body(request, AuthorizationIn)

        def run() -> bool:
            with backend.lock:
                if data.sender_password is None and data.sender_id not in backend.senders:
                    raise AdminNotFound(
                        f"Sender '{data.sender_id}' does not exist. Register it first with "
                        "POST /sandbox/admin/senders, or include sender_password."
                    )
                existed = data.sender_id in admin.company(company_id).authorizations
                if data.sender_password is not None:
                    admin.create_sender(data.sender_id, data.sender_password)
                admin.authorize_sender(company_id, data.sender_id, status=data.status)
                return existed

        existed = await call(run)
        return JSONResponse(
            {"company_id": company_id, "sender_id": data.sender_id, "status": data.status},
            200 if existed else 201,
        )

    @endpoint
    async def revoke(request: Request) -> Response:
        company_id = company_of(request)
        sender_id = str(request.path_params["sender_id"])
        if not await call(admin.revoke_sender, company_id, sender_id):
            raise AdminNotFound(
                f"Sender '{sender_id}' is not on the Web Services authorization list of "
                f"company '{company_id}'."
            )
        return JSONResponse({"company_id": company_id, "sender_id": sender_id, "revoked": True})

    # --- dimensions and records

    @endpoint
    async def add_dimension(request: Request) -> Response:
        company_id = company_of(request)
        data = await body(request, DimensionIn)
        await call(admin.add_dimension, company_id, data.name, data.label, replace=False)
        key = data.name.strip().upper()
        return JSONResponse(
            {"company_id": company_id, "name": key, "label": data.label.strip()}, 201
        )

    @endpoint
    async def custom_objects(request: Request) -> Response:
        company_id = company_of(request)
        if request.method == "GET":
            found = await call(admin.custom_objects, company_id)
            return JSONResponse({"company_id": company_id, "custom_objects": found})
        data = await body(request, CustomObjectIn)
        fields = [field.model_dump() for field in data.fields]
        definition = await call(
            admin.define_custom_object, company_id, data.name, data.label, fields
        )
        return JSONResponse({"company_id": company_id, **definition.as_dict()}, 201)

    @endpoint
    async def records(request: Request) -> Response:
        company_id = company_of(request)
        object_name = str(request.path_params["object_name"])
        entity = request.query_params.get("entity", "")
        if request.method == "GET":
            rows = await call(admin.records, company_id, object_name, entity=entity)
            return JSONResponse(
                {"object": object_name.upper(), "count": len(rows), "records": rows}
            )
        payload = await _json_body(request, limit)
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
        made = await call(admin.seed, company_id, object_name, data.rows, entity=data.entity)
        company = admin.company(company_id)
        otype = objects.resolve(company, object_name)
        id_field = otype.id_field if otype is not None else None
        created = [
            {"RECORDNO": r.recordno, **({id_field: r.values.get(id_field, "")} if id_field else {})}
            for r in made
        ]
        return JSONResponse(
            {"object": object_name.upper(), "count": len(made), "created": created}, 201
        )

    @endpoint
    async def seed_demo(request: Request) -> Response:
        from intacct_bridge.sandbox.seeds import seed_demo as run_seed_demo

        company_id = company_of(request)
        counts = await call(run_seed_demo, admin, company_id)
        return JSONResponse({"company_id": company_id, "created": counts}, 201)

    # --- books: periods, inter-entity balancing, GL balances

    @endpoint
    async def periods(request: Request) -> Response:
        company_id = company_of(request)
        return JSONResponse({"company_id": company_id, **await call(admin.books, company_id)})

    @endpoint
    async def close_period(request: Request) -> Response:
        company_id = company_of(request)
        data = await body(request, PeriodCloseIn)
        books = await call(admin.close_period, company_id, through=data.through)
        return JSONResponse({"company_id": company_id, **books})

    @endpoint
    async def open_period(request: Request) -> Response:
        company_id = company_of(request)
        data = await body(request, PeriodOpenIn)
        books = await call(admin.open_period, company_id, from_date=data.from_date)
        return JSONResponse({"company_id": company_id, **books})

    @endpoint
    async def interentity(request: Request) -> Response:
        company_id = company_of(request)
        data = await body(request, InterEntityIn)
        books = await call(admin.set_interentity, company_id, data.allowed)
        return JSONResponse({"company_id": company_id, **books})

    @endpoint
    async def balances(request: Request) -> Response:
        company_id = company_of(request)
        params = request.query_params
        by = [name for name in params.get("by", "ACCOUNTNO").split(",") if name.strip()]
        entity = params.get("entity")
        rows = await call(
            admin.balances, company_id, params.get("period") or None, by=by, entity=entity
        )
        return JSONResponse({"company_id": company_id, "balances": rows})

    # --- platform: customization packages and Smart Events

    @endpoint
    async def packages(request: Request) -> Response:
        company_id = company_of(request)
        if request.method == "GET":
            return JSONResponse({"packages": await call(admin.packages, company_id)})
        data = await request.body()
        if len(data) > limit:
            raise Problem(413, f"The package is larger than {limit} bytes.")
        installed = await call(admin.import_package, company_id, data)
        return JSONResponse({"company_id": company_id, "smart_links": installed}, 201)

    @endpoint
    async def deliveries(request: Request) -> Response:
        company_id = company_of(request)
        wait_text = request.query_params.get("wait", "0")
        try:
            wait = min(max(float(wait_text), 0.0), 30.0)
        except ValueError:
            raise Problem(422, f"wait must be a number of seconds; got '{wait_text}'.") from None
        rows = await call(admin.deliveries, company_id, wait=wait)
        return JSONResponse({"company_id": company_id, "deliveries": rows})

    # --- asynchronous requests

    @endpoint
    async def policies(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse({"policies": await call(admin.policies)})
        data = await body(request, PolicyIn)
        await call(admin.add_policy, data.policy_id, data.sender_id, data.response_url)
        return JSONResponse(
            {
                "policy_id": data.policy_id,
                "sender_id": data.sender_id,
                "response_url": data.response_url,
            },
            201,
        )

    @endpoint
    async def async_log(request: Request) -> Response:
        wait_text = request.query_params.get("wait", "0")
        try:
            wait = min(max(float(wait_text), 0.0), 30.0)
        except ValueError:
            raise Problem(422, f"wait must be a number of seconds; got '{wait_text}'.") from None
        return JSONResponse({"requests": await call(admin.async_deliveries, wait=wait)})

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

    @endpoint
    async def limits(request: Request) -> Response:
        current = plan()
        if request.method == "PUT":
            data = await body(request, LimitsIn)
            apply_limits(None, data)
        return JSONResponse(current.describe())

    @endpoint
    async def company_limits(request: Request) -> Response:
        current = plan()
        company_id = company_of(request)
        if request.method == "DELETE":
            removed = current.clear_limits(company_id)
            return JSONResponse(
                {
                    "company_id": company_id,
                    "removed": removed,
                    "limits": current.limits_for(company_id).as_dict(),
                }
            )
        data = await body(request, LimitsIn)
        updated = apply_limits(company_id, data)
        return JSONResponse({"company_id": company_id, "limits": updated.as_dict()})

    @endpoint
    async def reseed(request: Request) -> Response:
        current = plan()
        data = await body(request, ReseedIn)
        current.reseed(data.seed)
        return JSONResponse(current.describe())

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return _problem_response(
                404, f"No admin endpoint at {request.url.path}.", "See GET /sandbox/admin/state."
            )
        if exc.status_code == 405:
            return _problem_response(
                405,
                f"{request.method} is not allowed on {request.url.path}.",
                {"allow": (exc.headers or {}).get("Allow", "")},
            )
        return _problem_response(exc.status_code, str(exc.detail))

    company = "/companies/{company_id}"
    routes = [
        Route("/state", state, methods=["GET"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/senders", create_sender, methods=["POST"]),
        Route("/companies", create_company, methods=["POST"]),
        Route(company, show_company, methods=["GET"]),
        Route(f"{company}/modules", set_modules, methods=["PUT"]),
        Route(f"{company}/entities", add_entity, methods=["POST"]),
        Route(f"{company}/users", add_user, methods=["POST"]),
        Route(f"{company}/users/{{user_id}}", update_user, methods=["PATCH"]),
        Route(f"{company}/authorizations", authorize, methods=["POST"]),
        Route(f"{company}/authorizations/{{sender_id}}", revoke, methods=["DELETE"]),
        Route(f"{company}/dimensions", add_dimension, methods=["POST"]),
        Route(f"{company}/custom-objects", custom_objects, methods=["GET", "POST"]),
        Route(f"{company}/records/{{object_name}}", records, methods=["GET", "POST"]),
        Route(f"{company}/seed-demo", seed_demo, methods=["POST"]),
        Route(f"{company}/periods", periods, methods=["GET"]),
        Route(f"{company}/periods/close", close_period, methods=["POST"]),
        Route(f"{company}/periods/open", open_period, methods=["POST"]),
        Route(f"{company}/interentity", interentity, methods=["PUT"]),
        Route(f"{company}/gl/balances", balances, methods=["GET"]),
        Route(f"{company}/packages", packages, methods=["GET", "POST"]),
        Route("/policies", policies, methods=["GET", "POST"]),
        Route("/limits", limits, methods=["GET", "PUT"]),
        Route("/limits/reseed", reseed, methods=["POST"]),
        Route(f"{company}/limits", company_limits, methods=["PUT", "DELETE"]),
        Route("/async/requests", async_log, methods=["GET"]),
        Route(f"{company}/smart-events/deliveries", deliveries, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    return _with_token(app, backend)


def _with_token(app: Starlette, backend: SandboxBackend) -> Starlette:
    app.add_middleware(_BearerToken, backend=backend)
    return app


__all__ = ["Problem", "create_admin_app"]
