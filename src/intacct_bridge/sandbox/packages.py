"""Customization packages (``customErpPackage``): parsing and validation.

What "Platform services > Custom packages > Import" does with a package file: check it
against the shape of Intacct's ``CustomERPPackage.xsd`` and extract the smart links
(Smart Events are smart links of type ``workflow``) and custom fields. An invalid package
is refused with a message naming the element and the problem; nothing is installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from intacct_bridge.sandbox.conditions import ConditionError, evaluate
from intacct_bridge.xmlsafe import (
    MalformedXMLError,
    OversizedXMLError,
    UnsafeXMLError,
    parse_document,
    text_of,
)

MAX_PACKAGE_BYTES = 5 * 1024 * 1024
_LINK_TYPES = ("click", "fetch", "workflow", "validate", "calculate")
_EVENTS = ("add", "set", "delete")
_PACKAGE_CHILDREN = (
    "packageDescription",
    "featureKeys",
    "customFields",
    "smartLinks",
    "customReports",
    "signature",
    "interactiveReports",
)


class PackageError(ValueError):
    """The package file is not a valid customization package."""


@dataclass(frozen=True)
class HttpPost:
    method: str
    arguments: tuple[tuple[str, str], ...]
    timeout: int


@dataclass(frozen=True)
class SmartLink:
    smart_link_id: str
    type: str
    owner_object: str
    events: tuple[str, ...]
    target: str
    active: bool
    condition: str
    #: The workflow action: ``http`` (with ``http_post``), ``email``, ``log`` or ``api``.
    action: str
    http_post: HttpPost | None = None
    document_types: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class CustomField:
    custom_field_id: str
    type: str
    owner_object: str
    label: str
    #: From ``dataDescription``: the kind of value (``text``, ``picklist``, ``checkbox`` …,
    #: ``type`` when absent), a text length, picklist values and a default value.
    data_kind: str = ""
    length: int | None = None
    values: tuple[str, ...] = ()
    default: str = ""
    required: bool = False


@dataclass(frozen=True)
class Package:
    name: str
    description: str
    author: str
    smart_links: tuple[SmartLink, ...] = ()
    custom_fields: tuple[CustomField, ...] = ()
    raw: bytes = field(default=b"", repr=False)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str)]


def _one(
    parent: etree._Element, name: str, where: str, *, required: bool = True
) -> etree._Element | None:
    found = [c for c in _children(parent) if _local(c) == name]
    if len(found) > 1:
        raise PackageError(f"{where}: <{name}> appears {len(found)} times; it is allowed once.")
    if not found and required:
        raise PackageError(f"{where}: the required element <{name}> is missing.")
    return found[0] if found else None


def _boolean(text: str, where: str) -> bool:
    if text in ("true", "1"):
        return True
    if text in ("false", "0", ""):
        return False
    raise PackageError(f"{where}: '{text}' is not a boolean (true or false).")


def parse_package(data: bytes) -> list[Package]:
    """Parse a package file (``customErpPackage`` or ``customErpPackages``)."""
    try:
        root = parse_document(data, max_bytes=MAX_PACKAGE_BYTES)
    except OversizedXMLError as exc:
        raise PackageError(str(exc)) from None
    except UnsafeXMLError as exc:
        raise PackageError(f"The package uses a forbidden XML construct: {exc}") from None
    except MalformedXMLError as exc:
        raise PackageError(
            f"The package is not well-formed XML (line {exc.line}, column {exc.column}): {exc}"
        ) from None
    if _local(root) == "customErpPackages":
        packages = [
            _package(p, f"customErpPackage[{n}]", data)
            for n, p in enumerate(_children(root), start=1)
        ]
        if not packages:
            raise PackageError("customErpPackages holds no customErpPackage.")
        return packages
    if _local(root) != "customErpPackage":
        raise PackageError(
            f"The root element is <{_local(root)}>; a package file starts with <customErpPackage>."
        )
    return [_package(root, "customErpPackage", data)]


def _package(element: etree._Element, where: str, raw: bytes) -> Package:
    if _local(element) != "customErpPackage":
        raise PackageError(f"{where}: expected <customErpPackage>, found <{_local(element)}>.")
    order = [_local(c) for c in _children(element)]
    for name in order:
        if name not in _PACKAGE_CHILDREN:
            raise PackageError(f"{where}: <{name}> is not allowed in a package.")
    positions = [_PACKAGE_CHILDREN.index(name) for name in order]
    if positions != sorted(positions) or len(set(order)) != len(order):
        raise PackageError(
            f"{where}: sections must appear once each, in this order: "
            f"{', '.join(_PACKAGE_CHILDREN)}."
        )
    description = _one(element, "packageDescription", where)
    assert description is not None
    texts = {}
    for name in ("name", "description", "author"):
        node = _one(description, name, f"{where}/packageDescription")
        texts[name] = text_of(node)
        if not texts[name]:
            raise PackageError(f"{where}/packageDescription: <{name}> must not be empty.")
    links: list[SmartLink] = []
    holder = _one(element, "smartLinks", where, required=False)
    if holder is not None:
        items = _children(holder)
        if not items:
            raise PackageError(f"{where}/smartLinks: empty sections are not allowed; remove it.")
        for number, item in enumerate(items, start=1):
            links.append(_smart_link(item, f"{where}/smartLinks/smartLink[{number}]"))
    ids = [link.smart_link_id for link in links]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PackageError(f"{where}: smartLinkId {', '.join(duplicates)} is used more than once.")
    fields: list[CustomField] = []
    holder = _one(element, "customFields", where, required=False)
    if holder is not None:
        items = _children(holder)
        if not items:
            raise PackageError(f"{where}/customFields: empty sections are not allowed; remove it.")
        for number, item in enumerate(items, start=1):
            here = f"{where}/customFields/customField[{number}]"
            ident = text_of(_one(item, "customFieldId", here))
            kind = text_of(_one(item, "type", here))
            owner = text_of(_one(item, "ownerObject", here))
            if not ident or not owner:
                raise PackageError(f"{here}: customFieldId and ownerObject must not be empty.")
            fields.append(_custom_field(item, here, ident, kind, owner))
    return Package(
        texts["name"], texts["description"], texts["author"], tuple(links), tuple(fields), raw
    )


def _custom_field(
    item: etree._Element, here: str, ident: str, kind: str, owner: str
) -> CustomField:
    """A ``customField``: its ``dataDescription`` (kind, length, pick values, default) and
    ``required`` flag, as far as the sandbox uses them."""
    if not ident.replace("_", "").isalnum() or not ident[0].isalpha():
        raise PackageError(
            f"{here}: customFieldId '{ident}' must start with a letter and hold only letters, "
            "digits and underscores."
        )
    label = text_of(_one(item, "label", here, required=False))
    required = _boolean(text_of(_one(item, "required", here, required=False)), here)
    holder = _one(item, "dataDescription", here, required=False)
    described = _children(holder) if holder is not None else []
    detail = described[0] if described else None
    data_kind = _local(detail) if detail is not None else kind
    length: int | None = None
    values: tuple[str, ...] = ()
    default = ""
    if detail is not None:
        size = text_of(_one(detail, "length", here, required=False))
        if size:
            if not size.isdigit() or not 0 < int(size) <= 100_000:
                raise PackageError(f"{here}: length '{size[:20]}' is not a positive number.")
            length = int(size)
        picks = _one(detail, "pickValues", here, required=False)
        if picks is not None:
            values = tuple(text_of(v) for v in _children(picks) if _local(v) == "pickValue")
        default = text_of(_one(detail, "defaultValue", here, required=False))
        if data_kind == "checkbox":
            default = "true" if _boolean(text_of(_one(detail, "checked", here)), here) else "false"
    return CustomField(
        ident, kind, owner.lower(), label, data_kind, length, values, default, required
    )


def _smart_link(item: etree._Element, where: str) -> SmartLink:
    if _local(item) != "smartLink":
        raise PackageError(f"{where}: expected <smartLink>, found <{_local(item)}>.")
    link_id = text_of(_one(item, "smartLinkId", where))
    link_type = text_of(_one(item, "type", where))
    owner = text_of(_one(item, "ownerObject", where))
    if not link_id:
        raise PackageError(f"{where}: <smartLinkId> must not be empty.")
    if link_type not in _LINK_TYPES:
        raise PackageError(f"{where}: type '{link_type}' is not one of {', '.join(_LINK_TYPES)}.")
    if not owner:
        raise PackageError(f"{where}: <ownerObject> must not be empty.")
    events: list[str] = []
    events_el = _one(item, "events", where, required=False)
    if events_el is not None:
        for event in _children(events_el):
            value = text_of(event)
            if _local(event) != "event" or value not in _EVENTS:
                raise PackageError(f"{where}/events: '{value}' is not one of add, set, delete.")
            events.append(value)
    active_el = _one(item, "active", where, required=False)
    active = _boolean(text_of(active_el), f"{where}/active") if active_el is not None else True
    render = _one(item, "renderDetails", where)
    assert render is not None
    details = _children(render)
    if len(details) != 1 or _local(details[0]) != link_type:
        raise PackageError(f"{where}/renderDetails: must hold exactly one <{link_type}>.")
    condition, action, http_post = "", "", None
    if link_type == "workflow":
        workflow = details[0]
        condition = text_of(
            _one(workflow, "condition", f"{where}/renderDetails/workflow", required=False)
        )
        try:
            evaluate(condition, lambda _o, _f: "0")
        except ConditionError as exc:
            raise PackageError(f"{where}: the condition {condition!r} is invalid: {exc}") from None
        action_el = _one(workflow, "action", f"{where}/renderDetails/workflow")
        assert action_el is not None
        kinds = _children(action_el)
        if len(kinds) != 1:
            raise PackageError(f"{where}: <action> must hold exactly one action.")
        kind = _local(kinds[0])
        action = {
            "httpPostAction": "http",
            "emailAction": "email",
            "logAction": "log",
            "apiAction": "api",
        }.get(kind, "")
        if not action:
            raise PackageError(f"{where}: <{kind}> is not a workflow action.")
        if action == "http":
            http_post = _http_post(kinds[0], f"{where}/renderDetails/workflow/action")
            target = text_of(_one(item, "target", where, required=False))
            if not target.startswith(("http://", "https://")):
                raise PackageError(
                    f"{where}: an HTTP post action needs a <target> URL (http or https)."
                )
        if not events:
            raise PackageError(
                f"{where}: a Smart Event needs at least one <event> (add, set, delete)."
            )
    document_types = tuple(
        text_of(d)
        for d in _children(_one(item, "documentTypes", where, required=False) or etree.Element("x"))
    )
    return SmartLink(
        smart_link_id=link_id,
        type=link_type,
        owner_object=owner.lower(),
        events=tuple(events),
        target=text_of(_one(item, "target", where, required=False)),
        active=active,
        condition=condition,
        action=action,
        http_post=http_post,
        document_types=document_types,
        description=text_of(_one(item, "description", where, required=False)),
    )


def _http_post(element: etree._Element, where: str) -> HttpPost:
    method = text_of(_one(element, "method", where, required=False)) or "post"
    if method not in ("post", "get"):
        raise PackageError(f"{where}/httpPostAction: method '{method}' is not post or get.")
    arguments: list[tuple[str, str]] = []
    args_el = _one(element, "arguments", where, required=False)
    if args_el is not None:
        for number, argument in enumerate(_children(args_el), start=1):
            here = f"{where}/httpPostAction/arguments/argument[{number}]"
            name = text_of(_one(argument, "argument", here))
            value_el = _one(argument, "value", here)
            if not name:
                raise PackageError(f"{here}: the argument name must not be empty.")
            arguments.append((name, (value_el.text or "") if value_el is not None else ""))
    timeout_text = text_of(_one(element, "requestTimeout", where, required=False)) or "0"
    if not timeout_text.isdigit() or not 0 <= int(timeout_text) <= 10:
        raise PackageError(f"{where}/httpPostAction: requestTimeout must be 0 to 10 seconds.")
    return HttpPost(method, tuple(arguments), int(timeout_text))
