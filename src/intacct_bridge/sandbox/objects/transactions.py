"""Rules every transaction line obeys: accounts, dimensions, amounts, parties, entities.

Shared by GLBATCH (:mod:`.journal`), the AP and AR documents (:mod:`.subledger`) and the
payments (:mod:`.payments`). Texts:

* ``This transaction is missing the <Dimension> dimension for the Account <no>`` and
  ``Account <no> is not valid`` are verbatim production texts (fyle's error-mapping
  fixtures, reference §5 and §14.6);
* ``Invalid <Object> '<id>' specified.`` is Intacct's reference-error form (§14.0);
* the inactive texts are *(inferred)*; their correction follows the production text
  ``Activate the vendor VM, then try again.``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from intacct_bridge.sandbox import errors
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.ledger import entity_of, money
from intacct_bridge.sandbox.records import invalid_reference
from intacct_bridge.sandbox.schema import FieldSpec, ObjectType
from intacct_bridge.sandbox.store import Record, Table

Style = Literal["gl", "doc"]


@dataclass(frozen=True, slots=True)
class Dimension:
    """A dimension a line can carry, and the GLACCOUNT flag that requires it."""

    flag: str
    label: str
    #: Object holding the values (``None``: not emulated, any value is accepted).
    target: str | None
    #: Element name on GLENTRY (``DEPARTMENT``) and on AP/AR lines (``DEPARTMENTID``).
    gl_field: str
    doc_field: str
    module: str | None = None

    def field_of(self, style: Style) -> str:
        return self.gl_field if style == "gl" else self.doc_field


STANDARD: tuple[Dimension, ...] = (
    Dimension("REQUIRELOC", "Location", "LOCATION", "LOCATION", "LOCATIONID"),
    Dimension("REQUIREDEPT", "Department", "DEPARTMENT", "DEPARTMENT", "DEPARTMENTID"),
    Dimension("REQUIREPROJECT", "Project", "PROJECT", "PROJECTID", "PROJECTID", "projects"),
    Dimension("REQUIRETASK", "Task", None, "TASKID", "TASKID", "projects"),
    Dimension("REQUIRECUSTOMER", "Customer", "CUSTOMER", "CUSTOMERID", "CUSTOMERID"),
    Dimension("REQUIREVENDOR", "Vendor", "VENDOR", "VENDORID", "VENDORID"),
    Dimension("REQUIREEMPLOYEE", "Employee", "EMPLOYEE", "EMPLOYEEID", "EMPLOYEEID"),
    Dimension("REQUIREITEM", "Item", "ITEM", "ITEMID", "ITEMID"),
    Dimension("REQUIRECLASS", "Class", "CLASS", "CLASSID", "CLASSID"),
    Dimension("REQUIRECONTRACT", "Contract", None, "CONTRACTID", "CONTRACTID"),
    Dimension("REQUIREWAREHOUSE", "Warehouse", "WAREHOUSE", "WAREHOUSEID", "WAREHOUSEID"),
)

#: Objects whose lines (or, for GLDETAIL, whose fields) gain ``GLDIM<UDD>`` fields for the
#: company's user-defined dimensions (see :func:`intacct_bridge.sandbox.objects.resolve`).
UDD_AWARE = frozenset(
    {"GLBATCH", "APBILL", "APADJUSTMENT", "ARINVOICE", "ARADJUSTMENT", "ARADVANCE", "GLDETAIL"}
)


def dimension_fields(style: Style) -> tuple[FieldSpec, ...]:
    """The standard dimension fields of a line; the location is required in MEGA."""
    return tuple(
        FieldSpec(
            dim.field_of(style),
            ref=dim.target,
            module=dim.module,
            mega_required=dim.flag == "REQUIRELOC",
            label=dim.label,
        )
        for dim in STANDARD
    )


def udd_dimensions(company_udds: dict[str, str]) -> tuple[Dimension, ...]:
    return tuple(
        Dimension(f"REQUIREGLDIM{name}", label, name, f"GLDIM{name}", f"GLDIM{name}")
        for name, label in sorted(company_udds.items())
    )


# --- errors -----------------------------------------------------------------------------------


def account_not_valid(account_no: str) -> errors.FunctionError:
    return errors.business_error(
        f"Account {account_no} is not valid",
        "Use the number of an existing GL account (readByName GLACCOUNT).",
    )


def inactive(label: str, key: str) -> errors.FunctionError:
    """*(inferred)* text; the correction follows Intacct's ``Activate the vendor VM, then
    try again.``"""
    return errors.business_error(
        f"{label} '{key}' is inactive.", f"Activate the {label.lower()} {key}, then try again."
    )


def missing_dimension(label: str, account_no: str) -> errors.FunctionError:
    return errors.business_error(
        f"This transaction is missing the {label} dimension for the Account {account_no}",
        f"Provide the {label.lower()} on every line that uses account {account_no} "
        f"(the account requires it).",
    )


def missing_field(path: str, label: str, where: str = "") -> errors.FunctionError:
    """The sandbox's required-field text (as :func:`records.check_required`)."""
    if where:
        return errors.business_error(
            f"Required field {path} is missing on {where}.", f"Provide {path} on every line."
        )
    return errors.business_error(
        f"Required field {path} ({label}) is missing.", f"Provide a value for {path}."
    )


def amount_problem(text: str) -> errors.FunctionError:
    return errors.business_error(text, "Correct the amount.")


# --- checks -----------------------------------------------------------------------------------


#: Per style, the dimensions of a company (modules, UDDs) and their (line field, AP/AR
#: field, object, label) rows, built once per combination.
_DIMENSIONS: dict[
    tuple[str, frozenset[str], tuple[tuple[str, str], ...]],
    tuple[tuple[Dimension, ...], tuple[tuple[str, str, str | None, str], ...]],
] = {}


def company_dimensions(
    style: Style, modules: set[str], udds: dict[str, str]
) -> tuple[tuple[Dimension, ...], tuple[tuple[str, str, str | None, str], ...]]:
    key = (style, frozenset(modules), tuple(sorted(udds.items())) if udds else ())
    found = _DIMENSIONS.get(key)
    if found is None:
        dims = tuple(
            dim for dim in STANDARD if dim.module is None or dim.module in modules
        ) + udd_dimensions(udds)
        rows = tuple((dim.field_of(style), dim.doc_field, dim.target, dim.label) for dim in dims)
        found = _DIMENSIONS[key] = (dims, rows)
    return found


class LineRules:
    """Checks the lines of one transaction against the company's records (with caches that
    live as long as the check: records can change between requests)."""

    def __init__(self, ctx: Context, style: Style) -> None:
        self.ctx = ctx
        self.data = ctx.company.data
        self.style = style
        self.accounts = self.data.table("GLACCOUNT")
        self.dimensions, self._fields = company_dimensions(style, ctx.modules, ctx.company.udds)
        self._seen: set[tuple[str, str]] = set()
        self._entities: dict[str, str] = {}
        self._accounts: dict[str, Record] = {}
        self._requires: dict[int, tuple[tuple[str, str], ...]] = {}

    def account(self, account_no: str) -> Record:
        """The active GL account ``account_no``."""
        found = self._accounts.get(account_no)
        if found is not None:
            return found
        number = self.accounts.by_id.get(account_no)
        record = self.accounts.records.get(number) if number is not None else None
        if record is None or not _visible(self.ctx, record):
            raise account_not_valid(account_no)
        if record.values.get("STATUS") == "inactive":
            raise inactive("Account", account_no)
        self._accounts[account_no] = record
        return record

    def record_of(self, object_name: str, key: str, label: str) -> Record:
        return active_record(self.ctx, object_name, key, label)

    def dims(self, line: dict[str, str], defaults: dict[str, str] | None = None) -> dict[str, str]:
        """The line's dimension values (by AP/AR names: ``LOCATIONID`` …), each checked to
        exist and be active; ``defaults`` fill empty ones (the document's vendor)."""
        found: dict[str, str] = {}
        seen = self._seen
        for field, doc_field, target, label in self._fields:
            value = line.get(field) or (defaults.get(doc_field) if defaults else None)
            if not value:
                continue
            found[doc_field] = value
            if target is not None and (target, value) not in seen:
                active_record(self.ctx, target, value, label)
                seen.add((target, value))
        session = self.ctx.location_id
        if session and found.get("LOCATIONID"):
            entity = self.entity(found)
            if entity and entity != session:
                raise errors.business_error(
                    f"Location '{found['LOCATIONID']}' belongs to entity {entity}; this "
                    f"session works in entity {session}.",
                    "Post to a location of the session's entity, or sign in at the top level.",
                )
        return found

    def plain(self, line: dict[str, str], defaults: dict[str, str] | None = None) -> dict[str, str]:
        """The line's dimension values like :meth:`dims`, without checking them (for lines
        already stored)."""
        found: dict[str, str] = {}
        for field, doc_field, _target, _label in self._fields:
            value = line.get(field) or (defaults.get(doc_field) if defaults else None)
            if value:
                found[doc_field] = value
        return found

    def require(self, account: Record, dims: dict[str, str]) -> None:
        """Refuse a line that lacks a dimension its account requires."""
        needs = self._requires.get(account.recordno)
        if needs is None:
            values = account.values
            needs = self._requires[account.recordno] = tuple(
                (dim.doc_field, dim.label)
                for dim in self.dimensions
                if values.get(dim.flag) == "true"
            )
        for doc_field, label in needs:
            if not dims.get(doc_field):
                raise missing_dimension(label, account.values.get("ACCOUNTNO", ""))

    def entity(self, dims: dict[str, str]) -> str:
        location = dims.get("LOCATIONID", "")
        found = self._entities.get(location)
        if found is None:
            found = self._entities[location] = entity_of(self.data, location)
        return found


def _visible(ctx: Context, record: Record) -> bool:
    return not ctx.location_id or record.entity in (None, ctx.location_id)


def amount_of(text: str, path: str, where: str, *, allow_negative: bool = True) -> Decimal:
    """A line amount rounded to cents (values are normalised decimals already)."""
    if not text:
        raise missing_field(path, path, where)
    value = money(text)
    if value < 0 and not allow_negative:
        raise amount_problem(
            f"The amount {text} on {where} is negative; give the absolute amount and "
            "use TR_TYPE -1 for a credit."
        )
    return value


def active_record(ctx: Context, object_name: str, key: str, label: str) -> Record:
    """The active record ``key`` of ``object_name`` (a vendor, customer, dimension value …):
    ``Invalid <Label> '<key>' specified.`` if it does not exist (for the caller), the
    inactive error if it is inactive."""
    table = ctx.company.data.tables.get(object_name) or Table()
    number = table.by_id.get(key)
    record = table.records.get(number) if number is not None else None
    if record is None or not _visible(ctx, record):
        target = ctx.catalogue(object_name)
        if target is None:
            target = ObjectType(object_name, label, (), id_field="ID")
        raise invalid_reference(target, key)
    if record.values.get("STATUS") == "inactive":
        raise inactive(label, key)
    return record
