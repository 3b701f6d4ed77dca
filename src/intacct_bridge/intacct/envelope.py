"""Sans-I/O protocol layer: request envelopes out, parsed responses in.

Nothing here touches the network. :func:`build_request` writes a 3.0 request in the
element order of Intacct's ``api.xsd``; :func:`parse_response` reads every response
shape — control failure, authentication failure, per-function results (``data`` with
``listtype``/``count``/``totalcount``/``numremaining``/``resultId``, legacy ``key`` and
``listtype``), asynchronous acknowledgements — through the hardened parser.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from lxml import etree

from intacct_bridge.intacct.errors import ErrorEntry, IntacctProtocolError, clean
from intacct_bridge.secret import Secret
from intacct_bridge.xmlsafe import (
    MalformedXMLError,
    OversizedXMLError,
    UnsafeXMLError,
    parse_document,
)


@dataclass(frozen=True, slots=True)
class SenderCredentials:
    sender_id: str
    password: Secret


@dataclass(frozen=True, slots=True)
class Login:
    """User credentials; ``location_id`` selects an entity of a MEGA company."""

    user_id: str
    company_id: str
    password: Secret
    location_id: str = ""


@dataclass(frozen=True, slots=True)
class SessionAuth:
    session_id: Secret


Authentication = Login | SessionAuth


@dataclass(frozen=True)
class Function:
    """One ``<function controlid=…>`` with its body element."""

    controlid: str
    body: etree._Element
    #: True for functions that change data (sent with uniqueid=true).
    writes: bool = False
    #: For creates: (object, ID field, ID value) to resolve an already-recorded write.
    business_key: tuple[str, str, str] | None = None
    #: The body has no element with an empty text (``.text == ""``), so a deep copy of it
    #: serialises exactly as a serialise-and-parse copy does (``<A></A>`` comes back as
    #: ``<A/>``): set by the builders that guarantee it (:func:`~.functions.fill`).
    exact_copy: bool = False

    @property
    def name(self) -> str:
        return str(self.body.tag)


def build_request(
    sender: SenderCredentials,
    authentication: Authentication,
    functions: Sequence[Function],
    *,
    control_id: str,
    unique_id: bool,
    transaction: bool = False,
    policy_id: str = "",
    dtd_version: str = "3.0",
) -> bytes:
    """Serialise one request (one operation) to bytes."""
    request = etree.Element("request")
    control = etree.SubElement(request, "control")
    etree.SubElement(control, "senderid").text = sender.sender_id
    etree.SubElement(control, "password").text = sender.password.reveal()
    etree.SubElement(control, "controlid").text = control_id
    etree.SubElement(control, "uniqueid").text = "true" if unique_id else "false"
    etree.SubElement(control, "dtdversion").text = dtd_version
    if policy_id:
        etree.SubElement(control, "policyid").text = policy_id
    etree.SubElement(control, "includewhitespace").text = "false"
    operation = etree.SubElement(
        request, "operation", transaction="true" if transaction else "false"
    )
    auth = etree.SubElement(operation, "authentication")
    if isinstance(authentication, Login):
        login = etree.SubElement(auth, "login")
        etree.SubElement(login, "userid").text = authentication.user_id
        etree.SubElement(login, "companyid").text = authentication.company_id
        etree.SubElement(login, "password").text = authentication.password.reveal()
        if authentication.location_id:
            etree.SubElement(login, "locationid").text = authentication.location_id
    else:
        etree.SubElement(auth, "sessionid").text = authentication.session_id.reveal()
    content = etree.SubElement(operation, "content")
    for function in functions:
        wrapper = etree.SubElement(content, "function", controlid=function.controlid)
        # (lxml's copy.copy of an element copies its whole subtree, in C)
        wrapper.append(copy.copy(function.body) if function.exact_copy else _copy(function.body))
    return b'<?xml version="1.0" encoding="UTF-8"?>' + etree.tostring(request, encoding="UTF-8")


def _copy(element: etree._Element) -> etree._Element:
    # lxml moves elements on append; copy so a Function can be sent again on retry. The
    # round trip also turns empty texts into none (a body with none is copied in C instead:
    # the same bytes for a fraction of the CPU).
    return etree.fromstring(etree.tostring(element))


# --- responses -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Authenticated:
    status: str
    user_id: str
    company_id: str
    location_id: str
    session_timeout: str
    errors: tuple[ErrorEntry, ...] = ()
    session_timestamp: str = ""


@dataclass(frozen=True)
class FunctionResult:
    """The outcome of one function, matched to its request by ``controlid``."""

    controlid: str
    function: str
    status: str
    errors: tuple[ErrorEntry, ...] = ()
    data: etree._Element | None = None
    key: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "success"

    def attr(self, name: str, default: str = "") -> str:
        if self.data is None:
            return default
        return self.data.get(name, default)

    @property
    def count(self) -> int:
        return int(self.attr("count", "0") or 0)

    @property
    def total(self) -> int:
        return int(self.attr("totalcount", "0") or 0)

    @property
    def remaining(self) -> int:
        return int(self.attr("numremaining", "0") or 0)

    @property
    def result_id(self) -> str:
        return self.attr("resultId")

    def records(self) -> Iterator[dict[str, object]]:
        """Each record of ``data`` as a dict (nested dicts for groups)."""
        if self.data is None:
            return
        for element in self.data:
            if isinstance(element.tag, str):
                yield to_dict(element)

    @property
    def recordno(self) -> str:
        """RECORDNO of the first object in a create/update reply (or the legacy key)."""
        if self.data is not None:
            for element in self.data:
                # the first RECORDNO child, as findtext("RECORDNO") reads it (cheaper)
                found = next(element.iterchildren("RECORDNO"), None)
                if found is not None and found.text:
                    return str(found.text)
        return self.key


@dataclass(frozen=True)
class Response:
    http_status: int
    control_status: str
    control_id: str
    errors: tuple[ErrorEntry, ...] = ()
    authentication: Authenticated | None = None
    results: tuple[FunctionResult, ...] = ()
    acknowledged: bool = False

    def by_controlid(self) -> dict[str, FunctionResult]:
        return {result.controlid: result for result in self.results}


def to_dict(element: etree._Element) -> dict[str, object]:
    """An object element as a dict: leaves are text, groups are nested dicts."""
    out: dict[str, object] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if len(child):
            value: object = to_dict(child)
        else:
            value = child.text or ""
        tag = str(child.tag)
        if tag in out:
            existing = out[tag]
            out[tag] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            out[tag] = value
    return out


def _errors(block: etree._Element | None) -> tuple[ErrorEntry, ...]:
    if block is None:
        return ()
    return tuple(
        ErrorEntry(
            errorno=clean(error.findtext("errorno") or ""),
            description=clean(error.findtext("description") or ""),
            description2=clean(error.findtext("description2") or ""),
            correction=clean(error.findtext("correction") or ""),
        )
        for error in block.findall("error")
    )


_RESULT_TEXTS = frozenset({"controlid", "function", "status", "key"})


def _result(element: etree._Element) -> FunctionResult:
    """One ``<result>``, its children read in one pass (a reply holds up to 100, and a
    ``find`` per child costs more than the pass): the first of each tag counts, as with
    ``findtext`` / ``find``."""
    texts: dict[str, str] = {}
    block: etree._Element | None = None
    data: etree._Element | None = None
    for child in element:
        tag = child.tag
        if tag in _RESULT_TEXTS:
            if tag not in texts:
                texts[str(tag)] = child.text or ""
        elif tag == "errormessage":
            if block is None:
                block = child
        elif tag == "data" and data is None:
            data = child
    return FunctionResult(
        controlid=texts.get("controlid", ""),
        function=texts.get("function", ""),
        status=texts.get("status", ""),
        errors=_errors(block),
        data=data,
        key=texts.get("key", ""),
    )


def parse_response(body: bytes, *, http_status: int = 200, max_bytes: int = 64 << 20) -> Response:
    """Parse a gateway reply; raises :class:`IntacctProtocolError` if it is not one."""
    try:
        root = parse_document(body, max_bytes=max_bytes)
    except (MalformedXMLError, UnsafeXMLError, OversizedXMLError) as exc:
        snippet = body[:200].decode("utf-8", "replace")
        raise IntacctProtocolError(
            f"Intacct replied with HTTP {http_status} and a body that is not a valid XML "
            f"response ({exc}): {snippet!r}"
        ) from None
    if root.tag != "response":
        raise IntacctProtocolError(f"Expected a <response> document, got <{root.tag}>.")
    acknowledgement = root.find("acknowledgement")
    control_status = root.findtext("control/status") or ""
    control_id = root.findtext("control/controlid") or ""
    if acknowledgement is not None:
        return Response(
            http_status,
            control_status or "success",
            control_id,
            acknowledged=acknowledgement.findtext("status") == "success",
        )
    if not control_status:
        raise IntacctProtocolError("The response has no control/status element.")
    if control_status != "success":
        return Response(
            http_status, control_status, control_id, errors=_errors(root.find("errormessage"))
        )
    operation = root.find("operation")
    if operation is None:
        raise IntacctProtocolError("The response has no operation element.")
    auth_el = operation.find("authentication")
    if auth_el is None:
        raise IntacctProtocolError("The response has no operation/authentication element.")
    authentication = Authenticated(
        status=auth_el.findtext("status") or "",
        user_id=auth_el.findtext("userid") or "",
        company_id=auth_el.findtext("companyid") or "",
        location_id=auth_el.findtext("locationid") or "",
        session_timeout=auth_el.findtext("sessiontimeout") or "",
        session_timestamp=auth_el.findtext("sessiontimestamp") or "",
        errors=_errors(operation.find("errormessage")),
    )
    results = tuple(_result(result) for result in operation.iterchildren("result"))
    return Response(
        http_status, control_status, control_id, authentication=authentication, results=results
    )


@dataclass
class Page:
    """Bookkeeping of a paged read (internal to the pager)."""

    seen: int = 0
    total: int | None = None
    last_recordno: int = 0
    recordnos: set[int] = field(default_factory=set)
