"""The XML gateway: one request document in, one response document out.

``Gateway.handle(body)`` is pure with respect to I/O — the ASGI app and the httpx
transport are thin adapters around it. The flow mirrors the real gateway:

1. size limit, hardened parse, envelope shape   → control failure ``XL03000003``
2. sender ID and password                       → control failure ``XL03000006``
3. per operation: authentication (login or session; sender authorised for the
   company; user active; entity access)          → authentication failure
4. per function: run it atomically; ``uniqueid`` refuses a control ID that already
   succeeded; ``transaction="true"`` rolls back everything on the first failure and
   reports ``failure`` + ``aborted`` with ``XL03000009``.

Whatever the body, :meth:`Gateway.handle` answers with a well-formed ``<response>``: a
defect inside a function handler is logged and reported as that function's failure
(its changes rolled back), and a defect anywhere else as a control failure — never as an
exception, an HTTP 500 or a traceback.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from intacct_bridge.sandbox import errors, legacyschema, objects
from intacct_bridge.sandbox.backend import SandboxBackend, Session
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.functions import FunctionSpec, Outcome, load_all
from intacct_bridge.sandbox.tenancy import (
    Company,
    WebServicesUser,
    check_entity_access,
    check_secret,
)
from intacct_bridge.xmlsafe import (
    MalformedXMLError,
    OversizedXMLError,
    UnsafeXMLError,
    parse_document,
    text_of,
)

log = logging.getLogger(__name__)

#: The reply's media type. The official SDKs' mocks carry ``text/xml; encoding="UTF-8"``,
#: but ``encoding`` is not a parameter HTTP clients know: without ``charset`` a text/* body
#: is read as ISO-8859-1 by ``requests`` (sageintacctsdk, pyintacct). The body is UTF-8
#: (its XML declaration says so), and every SDK only checks the ``text/xml`` prefix, so
#: the sandbox says ``charset=UTF-8`` (docs/sandbox.md, "Reply Content-Type").
CONTENT_TYPE = "text/xml; charset=UTF-8"
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_CONTROL_ORDER = (
    "appid",
    "senderid",
    "password",
    "controlid",
    "uniqueid",
    "dtdversion",
    "policyid",
    "debug",
    "includewhitespace",
    "showadditionalerrorinfo",
)
_CONTROL_REQUIRED = ("senderid", "controlid")
#: Verified (password hash, secret digest) pairs kept to skip repeated PBKDF2 work.
_VERIFIED_CACHE_SIZE = 1024
#: errorno of the failure reported for a defect in the sandbox itself (*inferred*: the
#: generic "There was an error processing the request." number).
INTERNAL_ERRORNO = "DL02000001"


@dataclass
class GatewayReply:
    """An HTTP-level answer."""

    status: int
    body: bytes
    content_type: str = CONTENT_TYPE
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Control:
    senderid: str = ""
    password: str = ""
    controlid: str = ""
    uniqueid: bool = False
    uniqueid_text: str = "false"
    dtdversion: str = "3.0"
    policyid: str = ""
    includewhitespace: bool = True


@dataclass
class FunctionCall:
    controlid: str
    name: str
    element: etree._Element
    spec: FunctionSpec


@dataclass
class Operation:
    transaction: bool
    authentication: etree._Element
    calls: list[FunctionCall]


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element) -> list[etree._Element]:
    return [item for item in element if isinstance(item.tag, str)]


def _iso(moment: datetime) -> str:
    """ISO-8601 with a literal ``+00:00`` (pyintacct parses exactly that)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _boolean(text: str, name: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0", ""):
        return False
    raise errors.schema_error(f"Element '{name}': '{text}' is not a valid value of xs:boolean.")


class Gateway:
    """Serves XML API requests against one :class:`SandboxBackend`."""

    def __init__(self, backend: SandboxBackend) -> None:
        self.backend = backend
        self.functions = load_all()
        #: Re-raise defects of the sandbox itself instead of answering with an internal
        #: error (for debugging a handler; the HTTP adapters would then answer 500).
        self.reraise_internal_errors = False
        self._verified: set[tuple[str, bytes]] = set()
        self._pepper = secrets.token_bytes(16)
        #: Called with the backend lock held after each request has run, before its reply
        #: is sent (the server's write-ahead journal, :mod:`.journal`).
        self.on_commit: Callable[[], None] | None = None

    # --- entry point -----------------------------------------------------------------------

    def handle(
        self,
        body: bytes,
        *,
        endpoint: str,
        offline: bool = False,
        parsed: etree._Element | errors.ControlError | None = None,
    ) -> GatewayReply:
        """Answer one request; never raises, whatever ``body`` holds.

        A request with a ``policyid`` is acknowledged and handed to the asynchronous
        runner, which calls back with ``offline=True`` to run it. ``parsed`` is what
        :meth:`parse` returned for ``body`` when the caller parsed it already (the fault
        layer does, to find the company), so the body is parsed once.
        """
        control = Control()
        try:
            try:
                if isinstance(parsed, errors.ControlError):
                    raise parsed
                root = self._parse(body) if parsed is None else parsed
                control = self._control(root)
                operations = self._operations(root)
                self._check_sender(control)
                if control.policyid and not offline:
                    return self._acknowledge(body, root, control, endpoint)
                with self.backend.lock:
                    try:
                        budget = _Budget(self.backend.settings.max_reply_bytes)
                        response = self._run(control, operations, endpoint, budget)
                    finally:
                        if self.on_commit is not None:
                            self.on_commit()
            except errors.ControlError as exc:
                response = self._control_failure(control, exc)
                return GatewayReply(exc.http_status, self._serialise(response, control))
            return GatewayReply(200, self._serialise(response, control))
        except Exception as exc:
            if self.reraise_internal_errors:
                raise
            log.exception("Sandbox defect while answering a request")
            return self.reply_for(_internal_control_error(exc))

    def reply_for(self, error: errors.ControlError) -> GatewayReply:
        """The reply for a control failure found outside :meth:`handle` (e.g. body size)."""
        control = Control()
        return GatewayReply(
            error.http_status, self._serialise(self._control_failure(control, error), control)
        )

    # --- parsing ---------------------------------------------------------------------------

    def parse(self, body: bytes) -> etree._Element | errors.ControlError:
        """The request document of ``body`` (size limit, hardened parse, root element), or
        the control failure that refuses it; pass the result to :meth:`handle`."""
        try:
            return self._parse(body)
        except errors.ControlError as exc:
            return exc
        except Exception as exc:  # a defect: answered as in handle(), never raised
            if self.reraise_internal_errors:
                raise
            log.exception("Sandbox defect while parsing a request")
            return _internal_control_error(exc)

    def _parse(self, body: bytes) -> etree._Element:
        limit = self.backend.settings.max_body_bytes
        try:
            root = parse_document(body, max_bytes=limit)
        except OversizedXMLError:
            raise errors.oversized(len(body), limit) from None
        except UnsafeXMLError as exc:
            raise errors.unsafe_xml(str(exc)) from None
        except MalformedXMLError as exc:
            raise errors.parse_error(str(exc), exc.line, exc.column) from None
        if _local(root) != "request":
            raise errors.schema_error(f"Element '{_local(root) or root.tag}': expected 'request'.")
        return root

    def _control(self, root: etree._Element) -> Control:
        parts = _children(root)
        if not parts or _local(parts[0]) != "control":
            raise errors.schema_error("Element 'request': the first child must be 'control'.")
        control = Control()
        seen: list[str] = []
        for item in _children(parts[0]):
            name = _local(item)
            if name not in _CONTROL_ORDER:
                raise errors.schema_error(f"Element '{name}': this element is not expected.")
            if seen and _CONTROL_ORDER.index(name) <= _CONTROL_ORDER.index(seen[-1]):
                raise errors.schema_error(f"Element '{name}': this element is not expected here.")
            seen.append(name)
            value = text_of(item)
            if name == "senderid":
                control.senderid = value
            elif name == "password":
                control.password = item.text or ""
            elif name == "controlid":
                control.controlid = value
            elif name == "uniqueid":
                control.uniqueid = _boolean(value, name)
                control.uniqueid_text = value or "false"
            elif name == "dtdversion":
                if value not in ("3.0", "2.1"):
                    raise errors.schema_error(
                        f"Element 'dtdversion': '{value}' is not one of '3.0', '2.1'."
                    )
                control.dtdversion = value
            elif name == "policyid":
                control.policyid = value
            elif name == "includewhitespace":
                control.includewhitespace = _boolean(value, name)
        for name in _CONTROL_REQUIRED:
            if name not in seen:
                raise errors.schema_error(f"Element 'control': missing child element '{name}'.")
        if not 1 <= len(control.controlid) <= 256:
            raise errors.schema_error("Element 'controlid': length must be 1 to 256 characters.")
        return control

    def _operations(self, root: etree._Element) -> list[Operation]:
        parts = _children(root)[1:]
        if not parts:
            raise errors.schema_error("Element 'request': missing child element 'operation'.")
        operations: list[Operation] = []
        for part in parts:
            if _local(part) != "operation":
                raise errors.schema_error(
                    f"Element '{_local(part)}': this element is not expected."
                )
            transaction = _boolean(part.get("transaction", "false"), "transaction")
            children = _children(part)
            if not children or _local(children[0]) != "authentication":
                raise errors.schema_error(
                    "Element 'operation': the first child must be 'authentication'."
                )
            calls: list[FunctionCall] = []
            for content in children[1:]:
                name = _local(content)
                if name == "preferences":
                    continue
                if name != "content":
                    raise errors.schema_error(f"Element '{name}': this element is not expected.")
                calls.extend(self._calls(content))
            operations.append(Operation(transaction, children[0], calls))
        count = sum(len(operation.calls) for operation in operations)
        if count > self.backend.settings.max_functions:
            raise errors.too_many_functions(count, self.backend.settings.max_functions)
        return operations

    def _calls(self, content: etree._Element) -> list[FunctionCall]:
        calls: list[FunctionCall] = []
        for function in _children(content):
            if _local(function) != "function":
                raise errors.schema_error(
                    f"Element '{_local(function)}': this element is not expected; "
                    "expected 'function'."
                )
            controlid = function.get("controlid")
            if controlid is None:
                raise errors.schema_error(
                    "Element 'function': the attribute 'controlid' is required but missing."
                )
            if len(controlid) > 256:
                raise errors.schema_error(
                    "Element 'function', attribute 'controlid': longer than 256 characters."
                )
            bodies = _children(function)
            if len(bodies) != 1:
                raise errors.schema_error(
                    f"Element 'function' (controlid '{controlid}'): expected exactly one "
                    f"function element, found {len(bodies)}."
                )
            name = _local(bodies[0])
            spec = self.functions.get(name)
            if spec is None:
                raise errors.schema_error(
                    f"Element '{name}': this element is not expected. It is not a function "
                    "the gateway knows."
                )
            legacyschema.check(bodies[0])  # a legacy function must follow its DTD
            calls.append(FunctionCall(controlid, name, bodies[0], spec))
        return calls

    # --- security --------------------------------------------------------------------------

    def _secret_ok(self, secret: str, hashed: str) -> bool:
        """``check_secret`` with a small memory of successes (PBKDF2 costs milliseconds per
        call, twice per request). Entries are keyed by the stored hash, so a changed
        password never matches an old entry; the secret itself is kept only as a peppered
        digest."""
        key = (hashed, hashlib.sha256(self._pepper + secret.encode("utf-8", "replace")).digest())
        if key in self._verified:
            return True
        if not check_secret(secret, hashed):
            return False
        if len(self._verified) >= _VERIFIED_CACHE_SIZE:
            self._verified.clear()
        self._verified.add(key)
        return True

    def _check_sender(self, control: Control) -> None:
        sender = self.backend.senders.get(control.senderid)
        if (
            sender is None
            or sender.status != "active"
            or not self._secret_ok(control.password, sender.password_hash)
        ):
            raise errors.bad_sender()
        if control.policyid:
            policy = self.backend.policies.get(control.policyid)
            if policy is None or policy.sender_id != control.senderid:
                raise errors.bad_policy(control.policyid)

    def _acknowledge(
        self, body: bytes, root: etree._Element, control: Control, endpoint: str
    ) -> GatewayReply:
        """Validate an asynchronous request, queue it and acknowledge it at once."""
        from intacct_bridge.sandbox.asyncrequests import MAX_ASYNC_CHARACTERS, AsyncRunner

        size = len(etree.tostring(root, encoding="unicode"))  # characters, any encoding
        if size > MAX_ASYNC_CHARACTERS:
            raise errors.schema_error(
                f"The asynchronous request is {size} characters long; the limit is "
                f"{MAX_ASYNC_CHARACTERS}."
            )
        policy = self.backend.policies[control.policyid]
        runner = self.backend.async_runner(lambda: AsyncRunner(self, self.backend.async_transport))
        runner.submit(body, endpoint, policy, control.controlid)
        response = etree.Element("response")
        ack = etree.SubElement(response, "acknowledgement")
        etree.SubElement(ack, "status").text = "success"
        self._control_block(response, control, "success")
        return GatewayReply(200, self._serialise(response, control))

    def _company(self, company_id: str) -> Company | None:
        company = self.backend.companies.get(company_id)
        if company is not None:
            return company
        lowered = company_id.lower()
        for key, value in self.backend.companies.items():
            if key.lower() == lowered:
                return value
        return None

    @staticmethod
    def _user(company: Company, user_id: str) -> WebServicesUser | None:
        user = company.users.get(user_id)
        if user is not None:
            return user
        lowered = user_id.lower()
        for key, value in company.users.items():
            if key.lower() == lowered:
                return value
        return None

    def _bad_login(self) -> errors.SandboxError:
        if self.backend.settings.login_failure_style == "legacy":
            return errors.bad_login_legacy()
        return errors.bad_login_modern()

    def _authenticate(
        self, control: Control, authentication: etree._Element, endpoint: str
    ) -> tuple[Context, Session]:
        methods = _children(authentication)
        if len(methods) != 1 or _local(methods[0]) not in ("login", "sessionid"):
            raise errors.schema_error(
                "Element 'authentication': expected exactly one of 'login', 'sessionid'."
            )
        method = methods[0]
        if _local(method) == "sessionid":
            return self._session_login(control, text_of(method), endpoint)
        fields = {_local(item): item for item in _children(method)}
        for name in ("userid", "companyid", "password"):
            if name not in fields:
                raise errors.schema_error(f"Element 'login': missing child element '{name}'.")
        user_id = text_of(fields["userid"])
        company_id = text_of(fields["companyid"])
        password = fields["password"].text or ""
        location_id = text_of(fields.get("locationid"))
        company = self._company(company_id)
        user = self._user(company, user_id) if company is not None else None
        if company is None or user is None or not self._secret_ok(password, user.password_hash):
            raise self._bad_login()
        if not company.sender_authorized(control.senderid):
            raise errors.sender_not_authorized(control.senderid, company.company_id)
        if user.status != "active":
            raise errors.user_inactive(user.user_id)
        if location_id:
            check_entity_access(company, user, location_id)
        elif company.mega and not user.top_level_access:
            raise errors.no_top_level_access(user.user_id)
        session = Session(
            session_id="",
            company_id=company.company_id,
            user_id=user.user_id,
            location_id=location_id,
            expires_at=self.backend.now(),
        )
        self.backend.touch_session(session, company)
        context = Context(
            self.backend,
            company,
            user,
            location_id,
            control.senderid,
            endpoint,
            objects.registry.get,
        )
        return context, session

    def _session_login(
        self, control: Control, session_id: str, endpoint: str
    ) -> tuple[Context, Session]:
        session = self.backend.live_session(session_id)
        company = self._company(session.company_id) if session else None
        user = self._user(company, session.user_id) if (session and company) else None
        if session is None or company is None or user is None:
            raise errors.invalid_session()
        if not company.sender_authorized(control.senderid):
            raise errors.sender_not_authorized(control.senderid, company.company_id)
        if user.status != "active":
            raise errors.user_inactive(user.user_id)
        self.backend.touch_session(session, company)
        context = Context(
            self.backend,
            company,
            user,
            session.location_id,
            control.senderid,
            endpoint,
            objects.registry.get,
            session_id=session.session_id,
        )
        return context, session

    # --- running ---------------------------------------------------------------------------

    def _run(
        self, control: Control, operations: list[Operation], endpoint: str, budget: _Budget
    ) -> etree._Element:
        response = etree.Element("response")
        self._control_block(response, control, "success")
        for operation in operations:
            self._run_operation(response, control, operation, endpoint, budget)
        return response

    def _run_operation(
        self,
        response: etree._Element,
        control: Control,
        operation: Operation,
        endpoint: str,
        budget: _Budget,
    ) -> None:
        op_el = etree.SubElement(response, "operation")
        try:
            ctx, session = self._authenticate(control, operation.authentication, endpoint)
        except errors.AuthenticationError as exc:
            auth = etree.SubElement(op_el, "authentication")
            etree.SubElement(auth, "status").text = "failure"
            login = operation.authentication.find("login")
            etree.SubElement(auth, "userid").text = text_of(
                login.find("userid") if login is not None else None
            )
            etree.SubElement(auth, "companyid").text = text_of(
                login.find("companyid") if login is not None else None
            )
            self._errors(op_el, exc.details)
            return
        auth = etree.SubElement(op_el, "authentication")
        etree.SubElement(auth, "status").text = "success"
        etree.SubElement(auth, "userid").text = ctx.user.user_id
        etree.SubElement(auth, "companyid").text = ctx.company.company_id
        etree.SubElement(auth, "locationid").text = ctx.location_id
        etree.SubElement(auth, "sessiontimestamp").text = _iso(self.backend.now())
        timeout_el = etree.SubElement(auth, "sessiontimeout")
        timeout_el.text = _iso(session.expires_at)
        if operation.transaction:
            self._run_transaction(op_el, control, ctx, operation.calls, budget)
        else:
            for call in operation.calls:
                outcome, failure = self._run_call(control, ctx, call, budget)
                self._result(op_el, call, outcome, failure)
        if ctx.session_id:
            current = self.backend.live_session(ctx.session_id)
            if current is not None:
                timeout_el.text = _iso(current.expires_at)

    def _run_call(
        self, control: Control, ctx: Context, call: FunctionCall, budget: _Budget
    ) -> tuple[Outcome | None, errors.SandboxError | None]:
        data = ctx.company.data
        try:
            with data.atomic():
                budget.check(call.name)
                if call.spec.writes:
                    if not ctx.user.may_write():
                        raise errors.permission_denied(call.name.upper(), _object_name(call))
                    if control.uniqueid and call.controlid in data.executed_controlids:
                        raise errors.already_executed(call.controlid)
                outcome = call.spec.handler(ctx, call.element)
                budget.take(call.name, _outcome_size(outcome))
                if call.spec.writes and control.uniqueid:
                    data.remember_controlid(call.controlid)
        except errors.FunctionError as exc:
            return None, exc
        except errors.AuthenticationError as exc:
            # e.g. an entity check inside a handler: it still fails only this function.
            return None, errors.FunctionError(*exc.details)
        except errors.ControlError:
            raise
        except Exception as exc:
            # A defect in a handler: its changes are rolled back (atomic) and only this
            # function fails, as a real gateway reports an internal error.
            if self.reraise_internal_errors:
                raise
            log.exception("Sandbox defect in function %s (controlid %r)", call.name, call.controlid)
            return None, _internal_function_error(call.name, exc)
        return outcome, None

    def _run_transaction(
        self,
        op_el: etree._Element,
        control: Control,
        ctx: Context,
        calls: list[FunctionCall],
        budget: _Budget,
    ) -> None:
        outcomes: list[tuple[Outcome | None, errors.SandboxError | None]] = []

        class _Abort(Exception):
            pass

        try:
            with ctx.company.data.atomic():
                for call in calls:
                    outcome, failure = self._run_call(control, ctx, call, budget)
                    outcomes.append((outcome, failure))
                    if failure is not None:
                        raise _Abort
        except _Abort:
            rolled = errors.rolled_back()
            for index, call in enumerate(calls):
                if index < len(outcomes) and outcomes[index][1] is not None:
                    failure = outcomes[index][1]
                    assert failure is not None
                    self._result(op_el, call, None, errors.FunctionError(*failure.details, rolled))
                else:
                    self._result(op_el, call, None, errors.FunctionError(rolled), aborted=True)
            return
        for call, (outcome, failure) in zip(calls, outcomes, strict=True):
            self._result(op_el, call, outcome, failure)

    # --- response building ------------------------------------------------------------------

    @staticmethod
    def _control_block(parent: etree._Element, control: Control, status: str) -> None:
        block = etree.SubElement(parent, "control")
        etree.SubElement(block, "status").text = status
        etree.SubElement(block, "senderid").text = control.senderid
        etree.SubElement(block, "controlid").text = control.controlid
        etree.SubElement(block, "uniqueid").text = control.uniqueid_text
        etree.SubElement(block, "dtdversion").text = control.dtdversion

    @staticmethod
    def _errors(parent: etree._Element, details: tuple[errors.ErrorDetail, ...]) -> None:
        block = etree.SubElement(parent, "errormessage")
        for detail in details:
            error = etree.SubElement(block, "error")
            etree.SubElement(error, "errorno").text = detail.errorno
            etree.SubElement(error, "description").text = detail.description
            etree.SubElement(error, "description2").text = detail.description2
            etree.SubElement(error, "correction").text = detail.correction

    def _result(
        self,
        op_el: etree._Element,
        call: FunctionCall,
        outcome: Outcome | None,
        failure: errors.SandboxError | None,
        *,
        aborted: bool = False,
    ) -> None:
        result = etree.SubElement(op_el, "result")
        status = "aborted" if aborted else ("failure" if failure is not None else "success")
        etree.SubElement(result, "status").text = status
        etree.SubElement(result, "function").text = call.name
        etree.SubElement(result, "controlid").text = call.controlid
        if failure is not None:
            if call.spec.empty_data_on_failure:
                etree.SubElement(result, "data", listtype="objects", count="0")
            self._errors(result, failure.details)
            return
        assert outcome is not None
        if outcome.listtype is not None:
            result.append(outcome.listtype)
        if outcome.key is not None:
            etree.SubElement(result, "key").text = outcome.key
        if outcome.data is not None:
            result.append(outcome.data)

    def _control_failure(self, control: Control, exc: errors.SandboxError) -> etree._Element:
        response = etree.Element("response")
        if control.senderid or control.controlid:
            self._control_block(response, control, "failure")
        else:
            block = etree.SubElement(response, "control")
            etree.SubElement(block, "status").text = "failure"
        self._errors(response, exc.details)
        return response

    @staticmethod
    def _serialise(response: etree._Element, control: Control) -> bytes:
        return _DECLARATION + etree.tostring(
            response, encoding="UTF-8", pretty_print=control.includewhitespace
        )


@dataclass
class _Budget:
    """The bytes of function output one reply may still carry."""

    limit: int
    used: int = 0
    #: A function's output did not fit: the functions after it are not run.
    full: bool = False

    def check(self, function: str) -> None:
        """Refuse to run a function once the reply is full (bounds the work, too).

        Raises:
            FunctionError: an earlier function's output did not fit.
        """
        if self.full:
            raise errors.reply_full(function, self.limit)

    def take(self, function: str, size: int) -> None:
        """Charge ``size`` bytes, or fail the function (rolling it back) if they do not fit.

        Raises:
            FunctionError: the output does not fit.
        """
        remaining = self.limit - self.used
        if size > remaining:
            self.full = True
            raise errors.reply_too_large(function, size, max(remaining, 0), self.limit)
        self.used += size


def _outcome_size(outcome: Outcome) -> int:
    size = len(outcome.key) if outcome.key is not None else 0
    for element in (outcome.data, outcome.listtype):
        if element is not None:
            size += len(etree.tostring(element))
    return size


def _defect(exc: BaseException) -> str:
    # Only the exception's class name: its message may echo input or internals.
    return type(exc).__name__


def _internal_function_error(function: str, exc: BaseException) -> errors.FunctionError:
    return errors.FunctionError(
        errors.ErrorDetail(
            INTERNAL_ERRORNO,
            "Internal error",
            f"There was an error processing the request. The sandbox failed while running "
            f"{function} ({_defect(exc)}); nothing this function did was kept.",
            "This is a defect of the sandbox, not necessarily of the request: report it "
            "with the request that caused it.",
        )
    )


def _internal_control_error(exc: BaseException) -> errors.ControlError:
    return errors.ControlError(
        errors.ErrorDetail(
            INTERNAL_ERRORNO,
            "Internal error",
            f"There was an error processing the request. The sandbox failed before running "
            f"any function ({_defect(exc)}).",
            "This is a defect of the sandbox, not necessarily of the request: report it "
            "with the request that caused it.",
        )
    )


def _object_name(call: FunctionCall) -> str:
    for item in call.element:
        if isinstance(item.tag, str):
            name = etree.QName(item).localname
            if name.lower() == "object":
                return (item.text or "").strip().upper()
            return name.upper()
    return call.name.upper()
