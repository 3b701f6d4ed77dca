"""The custom package: Smart Events that tell the bridge when Intacct's reference data change.

``intacct-bridge package export`` writes a ``customErpPackage`` file (Intacct's
``CustomERPPackage.xsd``) that an administrator imports in Sage Intacct under *Platform
services > Custom packages > Import Customization Package*. It holds:

* **Smart Events** — one per inbound object *and event* (add, set, delete): an HTTP post
  to the bridge's webhook URL with the arguments

  ============  ==========================================================
  ``tenant``    the bridge tenant this Intacct company is bound to
  ``token``     the tenant's webhook secret (checked in constant time)
  ``company``   the Intacct company ID
  ``object``    the Intacct object (``GLACCOUNT``)
  ``key``       the record key, ``{!GLACCOUNT.RECORDNO!}``
  ``id``        the record's ID, e.g. ``{!GLACCOUNT.ACCOUNTNO!}``
  ``event``     ``add``, ``set`` or ``delete``
  ``modified``  when the record last changed, ``{!GLACCOUNT.WHENMODIFIED!}``
                (with the rest, it tells a new change from a replayed post)
  ``format``    the payload format version (``1``)
  ============  ==========================================================

  Intacct offers no merge field for "which event fired", so each event gets its own Smart
  Event carrying the event as a literal: three per object.
* **The audit trail** — ``customErpPackage`` cannot define custom objects (only custom
  fields, smart links and reports), so the DMO's "audit trail custom object" becomes two
  hidden picklist custom fields on GL accounts, each with a single value:
  ``XTB_AUDIT_TENANT`` (the tenant) and ``XTB_AUDIT_VERSION`` (the package version).
  Through the API, ``lookup GLACCOUNT`` shows them and their value, which is how
  ``intacct-bridge setup check`` reads, from Intacct, which tenant the company is bound to.
  See ``docs/setup.md`` for the limitation.

The file carries the webhook secret: treat it like a password (it is written with mode
0600). :func:`read_delivery` checks an incoming post against the tenant's configuration.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from intacct_bridge import __version__
from intacct_bridge.config.secrets import Secret
from intacct_bridge.errors import BridgeError

if TYPE_CHECKING:
    import httpx

    from intacct_bridge.config.models import IntegrationConfig

PACKAGE_NAME = "intacct-bridge"
PAYLOAD_FORMAT = "1"
EVENTS = ("add", "set", "delete")
#: The owner object of the audit-trail fields.
AUDIT_OWNER = "glaccount"
AUDIT_TENANT_FIELD = "XTB_AUDIT_TENANT"
AUDIT_VERSION_FIELD = "XTB_AUDIT_VERSION"
#: Seconds Intacct waits for the webhook (the schema allows 0-10).
REQUEST_TIMEOUT = 5


@dataclass(frozen=True)
class InboundObject:
    """An Intacct object whose changes the bridge receives (Intacct → bridge)."""

    #: Intacct object name
    name: str
    #: the field holding the record's human ID
    id_field: str
    #: what the seed guide / Intacct calls it
    label: str

    @property
    def owner_object(self) -> str:
        return self.name.lower()


#: The inbound objects (seed guide "Financial data", "Business entities", "Attributes and
#: dimensions"), in the order a first synchronisation reads them.
INBOUND_OBJECTS: tuple[InboundObject, ...] = (
    InboundObject("GLACCOUNT", "ACCOUNTNO", "General ledger accounts"),
    InboundObject("GLJOURNAL", "SYMBOL", "Journals"),
    InboundObject("APTERM", "NAME", "AP terms"),
    InboundObject("ARTERM", "NAME", "AR terms"),
    InboundObject("TAXSOLUTION", "TAXSOLUTIONID", "Tax solutions"),
    InboundObject("TAXDETAIL", "DETAILID", "Tax details"),
    InboundObject("LOCATIONENTITY", "LOCATIONID", "Entities"),
    InboundObject("DEPARTMENT", "DEPARTMENTID", "Departments"),
    InboundObject("LOCATION", "LOCATIONID", "Locations"),
    InboundObject("CLASS", "CLASSID", "Classes"),
    InboundObject("PROJECT", "PROJECTID", "Projects"),
    InboundObject("EMPLOYEE", "EMPLOYEEID", "Employees"),
    InboundObject("WAREHOUSE", "WAREHOUSEID", "Warehouses"),
    InboundObject("CHECKINGACCOUNT", "BANKACCOUNTID", "Checking accounts"),
)


def user_defined_dimension(name: str) -> InboundObject:
    """A user-defined dimension (a Platform object; its ID field is ``ID``)."""
    key = name.strip().upper()
    if not key.replace("_", "").isalnum() or not key.isascii():
        raise ValueError(f"{name!r} is not a dimension object name (letters, digits, _)")
    return InboundObject(key, "ID", f"User-defined dimension {key}")


def inbound_objects(
    dimensions: Sequence[str] = (), *, projects: bool = True
) -> tuple[InboundObject, ...]:
    """The standard inbound objects (without PROJECT when the company has no Projects
    module) followed by the user-defined dimensions ``dimensions``."""
    standard = tuple(o for o in INBOUND_OBJECTS if projects or o.name != "PROJECT")
    extra = tuple(user_defined_dimension(name) for name in dimensions)
    names = [o.name for o in standard + extra]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"{', '.join(twice)} would get its Smart Events twice")
    return standard + extra


async def offered_objects(
    config: IntegrationConfig, *, transport: httpx.AsyncBaseTransport | None = None
) -> tuple[frozenset[str], tuple[str, ...]]:
    """The objects the company offers, as Intacct lists them (``inspect`` ``*``: PROJECT only
    when it subscribes to the Projects module), and its user-defined dimensions
    (``getDimensions``), in one request. Raises the client's errors."""
    from intacct_bridge.intacct import functions as fn
    from intacct_bridge.setup.connection import probe_client

    async with probe_client(config, transport=transport) as client:
        listed, dimensions = await client.execute([fn.inspect("*"), fn.get_dimensions()])
    if not listed.ok:
        from intacct_bridge.intacct import IntacctBusinessError

        raise IntacctBusinessError(errors=listed.errors, controlid=listed.controlid)
    names = frozenset(
        (t.get("typename") or "").upper()
        for t in (listed.data.iter("type") if listed.data is not None else ())
    )
    udds: list[str] = []
    if dimensions.ok:
        for holder in dimensions.records():
            rows = holder.get("dimension", [])
            for row in rows if isinstance(rows, list) else [rows]:
                if (
                    isinstance(row, dict)
                    and str(row.get("userDefinedDimension", "")).lower() == "true"
                ):
                    udds.append(str(row.get("objectName", "")).upper())
    return names, tuple(sorted(set(udds) - {""}))


def smart_link_id(object_name: str, event: str) -> str:
    return f"XTB_{object_name.upper()}_{event.upper()}"


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _smart_link(
    holder: etree._Element,
    obj: InboundObject,
    event: str,
    *,
    tenant_id: str,
    company_id: str,
    webhook_url: str,
    token: str,
) -> None:
    link = _sub(holder, "smartLink")
    _sub(link, "smartLinkId", smart_link_id(obj.name, event))
    _sub(link, "type", "workflow")
    _sub(link, "ownerObject", obj.owner_object)
    _sub(link, "label", f"intacct-bridge: {obj.label} {event}")
    events = _sub(link, "events")
    _sub(events, "event", event)
    _sub(link, "target", webhook_url)
    _sub(link, "active", "true")
    workflow = _sub(_sub(link, "renderDetails"), "workflow")
    post = _sub(_sub(workflow, "action"), "httpPostAction")
    _sub(post, "method", "post")
    arguments = _sub(post, "arguments")
    for name, value in (
        ("tenant", tenant_id),
        ("token", token),
        ("company", company_id),
        ("object", obj.name),
        ("key", f"{{!{obj.name}.RECORDNO!}}"),
        ("id", f"{{!{obj.name}.{obj.id_field}!}}"),
        ("event", event),
        ("modified", f"{{!{obj.name}.WHENMODIFIED!}}"),
        ("format", PAYLOAD_FORMAT),
    ):
        argument = _sub(arguments, "argument")
        _sub(argument, "argument", name)
        _sub(argument, "value", value)
    _sub(post, "requestTimeout", str(REQUEST_TIMEOUT))
    _sub(workflow, "condition", "1 == 1")
    _sub(
        link,
        "description",
        f"Tells intacct-bridge tenant '{tenant_id}' that a record of {obj.name} was "
        f"{ {'add': 'added', 'set': 'changed', 'delete': 'deleted'}[event] }.",
    )


def _audit_field(
    holder: etree._Element, field_id: str, label: str, value: str, description: str
) -> None:
    field = _sub(holder, "customField")
    _sub(field, "customFieldId", field_id)
    _sub(field, "type", "picklist")
    _sub(field, "ownerObject", AUDIT_OWNER)
    _sub(field, "label", label)
    picklist = _sub(_sub(field, "dataDescription"), "picklist")
    _sub(_sub(picklist, "pickValues"), "pickValue", value)
    _sub(picklist, "defaultValue", value)
    _sub(field, "required", "false")
    _sub(field, "description", description)
    _sub(field, "hidden", "true")
    _sub(field, "active", "true")


def package_version() -> str:
    return f"intacct-bridge {__version__} (payload format {PAYLOAD_FORMAT})"


def build_package(
    *,
    tenant_id: str,
    company_id: str,
    webhook_url: str,
    webhook_secret: Secret,
    objects: Iterable[InboundObject] = INBOUND_OBJECTS,
    audit_trail: bool = True,
) -> bytes:
    """The package file (UTF-8 XML bytes)."""
    if not webhook_url.startswith(("http://", "https://")):
        raise ValueError(f"the webhook URL must be http(s), not {webhook_url!r}")
    chosen = tuple(objects)
    root = etree.Element("customErpPackage")
    description = _sub(root, "packageDescription")
    _sub(description, "name", PACKAGE_NAME)
    _sub(
        description,
        "description",
        f"{package_version()}: Smart Events that notify intacct-bridge tenant '{tenant_id}' "
        f"(Intacct company {company_id}) at {webhook_url} when one of these is added, changed "
        f"or deleted: {', '.join(o.name for o in chosen)}."
        + (
            f" Audit trail: custom fields {AUDIT_TENANT_FIELD} and {AUDIT_VERSION_FIELD} on "
            "GL accounts."
            if audit_trail
            else ""
        ),
    )
    _sub(description, "author", "intacct-bridge")
    if audit_trail:
        fields = _sub(root, "customFields")
        _audit_field(
            fields,
            AUDIT_TENANT_FIELD,
            "intacct-bridge tenant (audit trail)",
            tenant_id,
            f"Audit trail: this Intacct company sends its changes to intacct-bridge tenant "
            f"'{tenant_id}'. Do not edit; re-import the package exported for the right tenant.",
        )
        _audit_field(
            fields,
            AUDIT_VERSION_FIELD,
            "intacct-bridge package version (audit trail)",
            package_version(),
            "Audit trail: the intacct-bridge package version installed in this company.",
        )
    links = _sub(root, "smartLinks")
    token = webhook_secret.reveal()
    for obj in chosen:
        for event in EVENTS:
            _smart_link(
                links,
                obj,
                event,
                tenant_id=tenant_id,
                company_id=company_id,
                webhook_url=webhook_url,
                token=token,
            )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- receiving -------------------------------------------------------------------------------


class DeliveryRejected(BridgeError):
    """A Smart Event post that the bridge refuses (wrong tenant, token, object …)."""


@dataclass(frozen=True)
class InboundEvent:
    """A checked Smart Event notification: re-read ``object_name`` ``record_key``."""

    tenant_id: str
    company_id: str
    object_name: str
    record_key: str
    object_id: str
    event: str
    #: the record's WHENMODIFIED as the post carries it (``""`` from older packages)
    modified: str = ""


def read_delivery(
    form: Mapping[str, str],
    *,
    tenant_id: str,
    webhook_secret: Secret,
    company_id: str | None,
    objects: Iterable[InboundObject] = INBOUND_OBJECTS,
) -> InboundEvent:
    """Check a Smart Event post (its form fields) and return what changed.

    Raises:
        DeliveryRejected: the post is for another tenant or company (the audit trail's
            mismatch: a package exported for another tenant, e.g. after copying an
            environment), carries a wrong token, or names an unknown object or event.
    """
    addressed = form.get("tenant", "")
    if addressed != tenant_id:
        raise DeliveryRejected(
            f"the notification is addressed to tenant {addressed!r}, not {tenant_id!r}: the "
            "Intacct company runs a package exported for another tenant. Export the package "
            "for this tenant and import it in Sage Intacct (Platform services > Custom "
            "packages)."
        )
    token = form.get("token", "")
    if not hmac.compare_digest(token.encode(), webhook_secret.reveal().encode()):
        raise DeliveryRejected(
            f"the notification for tenant {tenant_id!r} carries a wrong token (the webhook "
            "secret changed since the package was exported: export and import it again)"
        )
    company = form.get("company", "")
    if company_id is not None and company.lower() != company_id.lower():
        raise DeliveryRejected(
            f"the notification comes from Intacct company {company!r}, but tenant "
            f"{tenant_id!r} is bound to {company_id!r}"
        )
    object_name = form.get("object", "").upper()
    if object_name not in {o.name for o in objects}:
        raise DeliveryRejected(f"the notification names an unknown object {object_name!r}")
    event = form.get("event", "")
    if event not in EVENTS:
        raise DeliveryRejected(f"the notification names an unknown event {event!r}")
    key = form.get("key", "")
    if not key.isdigit():
        raise DeliveryRejected(f"the notification's record key {key!r} is not a RECORDNO")
    return InboundEvent(
        tenant_id, company, object_name, key, form.get("id", ""), event, form.get("modified", "")
    )


__all__ = [
    "AUDIT_OWNER",
    "AUDIT_TENANT_FIELD",
    "AUDIT_VERSION_FIELD",
    "EVENTS",
    "INBOUND_OBJECTS",
    "PACKAGE_NAME",
    "DeliveryRejected",
    "InboundEvent",
    "InboundObject",
    "build_package",
    "inbound_objects",
    "offered_objects",
    "read_delivery",
    "smart_link_id",
    "user_defined_dimension",
]
