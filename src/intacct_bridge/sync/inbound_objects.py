"""The Intacct objects the bridge receives, and how one Intacct row becomes a bridge record.

Pure functions: a row (the dict :meth:`FunctionResult.records` gives) in, a canonical
:mod:`intacct_bridge.model` record out, or :class:`Unusable` with the reason. No I/O.

==================  =======================================================================
Intacct object      bridge record
==================  =======================================================================
GLACCOUNT           :class:`~intacct_bridge.model.finance.Account`: ``REQUIRE*`` flags become
                    required dimension types (department, location, class, warehouse and the
                    user-defined dimensions) and required attribute types (customer, supplier,
                    item, project, employee, task)
GLJOURNAL           :class:`~intacct_bridge.model.finance.Journal`
APTERM / ARTERM     :class:`~intacct_bridge.model.finance.PaymentTerm` (ledger ``ap``/``ar``)
TAXSOLUTION         :class:`~intacct_bridge.model.finance.TaxSolution`
TAXDETAIL           :class:`~intacct_bridge.model.finance.TaxDetail`
LOCATIONENTITY      :class:`~intacct_bridge.model.finance.Entity`
DEPARTMENT,         :class:`~intacct_bridge.model.analytics.Dimension` of the dimension type
LOCATION, CLASS,    named after the object (``DEPARTMENT`` …), each type in one of the 20
WAREHOUSE, UDDs     slots
PROJECT, TASK,      :class:`~intacct_bridge.model.analytics.Attribute` (project, task,
EMPLOYEE            employee)
CHECKINGACCOUNT,    :class:`~intacct_bridge.model.finance.BankAccount`
SAVINGSACCOUNT
==================  =======================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from intacct_bridge.model import analytics as an
from intacct_bridge.model import finance as fi
from intacct_bridge.model.errors import ModelError

Row = Mapping[str, object]

#: the records a pull produces
InboundRecord = (
    fi.Account
    | fi.Journal
    | fi.PaymentTerm
    | fi.TaxSolution
    | fi.TaxDetail
    | fi.Entity
    | fi.BankAccount
    | an.Dimension
    | an.Attribute
)


class Unusable(ValueError):
    """An Intacct row that cannot become a bridge record; the message says why."""


class Role(StrEnum):
    """What the bridge makes of an object's rows."""

    RECORD = "record"
    DIMENSION = "dimension"
    ATTRIBUTE = "attribute"


@dataclass(frozen=True)
class Context:
    """What a conversion needs from the store: known dimension types, defaults."""

    #: dimension type IDs the store holds (a required dimension outside it is left out)
    dimension_types: frozenset[str] = frozenset()
    #: currency of a bank account that names none (the company's base currency)
    default_currency: str | None = None
    #: Intacct entity ID → the bridge's financial site carrying it
    financial_sites: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Converted:
    """A row converted: the record and remarks worth telling an operator."""

    record: InboundRecord
    notes: tuple[str, ...] = ()


Converter = Callable[[Row, Context], Converted]


@dataclass(frozen=True)
class InboundSpec:
    """One Intacct object the bridge pulls."""

    name: str
    id_field: str
    role: Role
    label: str
    convert: Converter
    #: the bridge record kind its rows become
    kind: str


def text(row: Row, path: str) -> str:
    """The stripped text at ``path`` (``PERSONALINFO.CONTACTNAME`` walks nested dicts).

    Platform objects (user-defined dimensions) name their fields in lower case (``id``,
    ``name``, ``status``); those are found too."""
    value: object = row
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return ""
        value = value.get(part, value.get(part.lower(), ""))
    return value.strip() if isinstance(value, str) else ""


def flag(row: Row, path: str) -> bool:
    return text(row, path).lower() == "true"


def is_active(row: Row) -> bool:
    """Intacct's ``STATUS``: ``active`` (or absent) vs ``inactive``."""
    return text(row, "STATUS").lower() != "inactive"


def _required(row: Row, path: str, label: str) -> str:
    value = text(row, path)
    if not value:
        raise Unusable(f"{path} ({label}) is empty")
    return value


def _name(value: str, limit: int) -> str:
    """A display name cut to the bridge's column length (Intacct allows longer ones)."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _whole(row: Row, path: str) -> int | None:
    value = text(row, path)
    if not value:
        return None
    if not value.isdigit():
        raise Unusable(f"{path} is {value!r}, not a whole number of days")
    return int(value)


def _decimal(row: Row, path: str) -> Decimal | None:
    value = text(row, path)
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise Unusable(f"{path} is {value!r}, not a number") from None


# --- GL accounts -----------------------------------------------------------------------------

#: ``REQUIRE*`` flag → standard dimension object (a dimension type of the bridge)
REQUIRED_DIMENSIONS: dict[str, str] = {
    "REQUIREDEPT": "DEPARTMENT",
    "REQUIRELOC": "LOCATION",
    "REQUIRECLASS": "CLASS",
    "REQUIREWAREHOUSE": "WAREHOUSE",
}
#: ``REQUIRE*`` flag → attribute type
REQUIRED_ATTRIBUTES: dict[str, an.AttributeTypeKind] = {
    "REQUIRECUSTOMER": an.AttributeTypeKind.CUSTOMER,
    "REQUIREVENDOR": an.AttributeTypeKind.SUPPLIER,
    "REQUIREITEM": an.AttributeTypeKind.ITEM,
    "REQUIREPROJECT": an.AttributeTypeKind.PROJECT,
    "REQUIREEMPLOYEE": an.AttributeTypeKind.EMPLOYEE,
    "REQUIRETASK": an.AttributeTypeKind.TASK,
}
UDD_FLAG_PREFIX = "REQUIREGLDIM"


def account(row: Row, ctx: Context) -> Converted:
    notes: list[str] = []
    dims: list[str] = []
    for flag_name, dim in REQUIRED_DIMENSIONS.items():
        if flag(row, flag_name):
            dims.append(dim)
    for key in row:
        if key.startswith(UDD_FLAG_PREFIX) and flag(row, key):
            dims.append(key.removeprefix(UDD_FLAG_PREFIX).upper())
    known = [d for d in dims if d in ctx.dimension_types]
    for missing in sorted(set(dims) - set(known)):
        notes.append(
            f"requires dimension {missing}, which the bridge does not hold (no free dimension "
            "slot, or the dimension was not pulled): lines are not checked for it"
        )
    if flag(row, "REQUIRECONTRACT"):
        notes.append("requires a contract, which the bridge does not manage")
    attributes = [kind for name, kind in REQUIRED_ATTRIBUTES.items() if flag(row, name)]
    record = fi.Account(
        id=_required(row, "ACCOUNTNO", "account number"),
        name=_name(_required(row, "TITLE", "title"), 80),
        is_control=flag(row, "REQUIRECUSTOMER") or flag(row, "REQUIREVENDOR"),
        is_direct_entry_forbidden=text(row, "ALTERNATIVEACCOUNT") not in ("", "None"),
        required_dimension_types=tuple(sorted(set(known))),
        required_attribute_types=tuple(attributes),
        is_active=is_active(row),
    )
    return Converted(record, tuple(notes))


def journal(row: Row, ctx: Context) -> Converted:
    return Converted(
        fi.Journal(
            id=_required(row, "SYMBOL", "journal symbol"),
            name=_name(_required(row, "TITLE", "title"), 80),
            is_active=is_active(row),
        )
    )


def _term(ledger: fi.Ledger) -> Converter:
    def convert(row: Row, ctx: Context) -> Converted:
        notes: list[str] = []
        due = _whole(row, "DUEDATE") or 0
        days = _whole(row, "DISCDATE")
        amount = _decimal(row, "DISCAMOUNT")
        discount_days: int | None = None
        discount_percent: Decimal | None = None
        if days is not None and amount is not None and amount != 0:
            if text(row, "DISCPERCAMN") not in ("%", "Percentage"):
                notes.append("its discount is a fixed amount; the bridge keeps percentages only")
            elif days > due:
                notes.append(f"its discount days ({days}) exceed its due days ({due}): left out")
            else:
                discount_days, discount_percent = days, amount
        description = text(row, "DESCRIPTION")
        record = fi.PaymentTerm(
            ledger=ledger,
            id=_required(row, "NAME", "term"),
            description=_name(description, 80) if description else None,
            due_days=due,
            discount_days=discount_days,
            discount_percent=discount_percent,
            is_active=is_active(row),
        )
        return Converted(record, tuple(notes))

    return convert


def tax_solution(row: Row, ctx: Context) -> Converted:
    description = text(row, "DESCRIPTION")
    return Converted(
        fi.TaxSolution(
            id=_required(row, "TAXSOLUTIONID", "tax solution ID"),
            description=_name(description, 200) if description else None,
            is_active=is_active(row),
        )
    )


_TAX_TYPES = {"sale": fi.TaxType.SALES, "purchase": fi.TaxType.PURCHASE}


def tax_detail(row: Row, ctx: Context) -> Converted:
    kind = _TAX_TYPES.get(text(row, "TAXTYPE").lower())
    if kind is None:
        raise Unusable(f"TAXTYPE is {text(row, 'TAXTYPE')!r}, not Sale or Purchase")
    description = text(row, "DESCRIPTION")
    return Converted(
        fi.TaxDetail(
            id=_required(row, "DETAILID", "tax detail ID"),
            tax_type=kind,
            rate=_decimal(row, "VALUE") or Decimal(0),
            description=_name(description, 200) if description else None,
            tax_solution_id=text(row, "TAXSOLUTIONID") or None,
            account_id=text(row, "GLACCOUNT") or None,
            is_reverse_charge=flag(row, "REVERSECHARGE"),
            is_active=is_active(row),
        )
    )


def entity(row: Row, ctx: Context) -> Converted:
    return Converted(
        fi.Entity(
            id=_required(row, "LOCATIONID", "entity ID"),
            name=_name(_required(row, "NAME", "name"), 40),
            currency=text(row, "CURRENCY") or None,
            is_active=is_active(row),
        )
    )


def _bank(kind: fi.BankAccountType) -> Converter:
    def convert(row: Row, ctx: Context) -> Converted:
        currency = text(row, "CURRENCY") or ctx.default_currency
        if not currency:
            raise Unusable(
                "CURRENCY is empty and the bridge has no company to take a base currency from"
            )
        location = text(row, "LOCATIONID") or text(row, "MEGAENTITYID")
        bank_id = _required(row, "BANKACCOUNTID", "bank account ID")
        return Converted(
            fi.BankAccount(
                id=bank_id,
                name=_name(text(row, "BANKNAME") or bank_id, 100),
                account_id=_required(row, "GLACCOUNTNO", "GL account"),
                currency=currency,
                bank_account_type=kind,
                financial_site_id=ctx.financial_sites.get(location) if location else None,
                is_active=is_active(row),
            )
        )

    return convert


# --- dimensions and attributes ---------------------------------------------------------------

#: standard dimensions the bridge keeps as dimension types: object → (ID field, name field)
STANDARD_DIMENSIONS: dict[str, tuple[str, str, str]] = {
    "DEPARTMENT": ("DEPARTMENTID", "TITLE", "Department"),
    "LOCATION": ("LOCATIONID", "NAME", "Location"),
    "CLASS": ("CLASSID", "NAME", "Class"),
    "WAREHOUSE": ("WAREHOUSEID", "NAME", "Warehouse"),
}


def _dimension(type_id: str, id_field: str, name_field: str) -> Converter:
    def convert(row: Row, ctx: Context) -> Converted:
        value_id = _required(row, id_field, "ID")
        return Converted(
            an.Dimension(
                type_id=type_id,
                id=value_id,
                name=_name(text(row, name_field) or value_id, 100),
                is_active=is_active(row),
            )
        )

    return convert


def project(row: Row, ctx: Context) -> Converted:
    return Converted(
        an.Attribute(
            type=an.AttributeTypeKind.PROJECT,
            id=_required(row, "PROJECTID", "project ID"),
            name=_name(_required(row, "NAME", "project name"), 100),
            is_active=is_active(row),
        )
    )


def task(row: Row, ctx: Context) -> Converted:
    return Converted(
        an.Attribute(
            type=an.AttributeTypeKind.TASK,
            id=_required(row, "TASKID", "task ID"),
            name=_name(text(row, "NAME") or text(row, "TASKID"), 100),
            restricted_to=_required(row, "PROJECTID", "project"),
            is_active=is_active(row),
        )
    )


def employee(row: Row, ctx: Context) -> Converted:
    employee_id = _required(row, "EMPLOYEEID", "employee ID")
    name = (
        text(row, "PERSONALINFO.CONTACTNAME")
        or text(row, "CONTACT_NAME")
        or text(row, "TITLE")
        or employee_id
    )
    return Converted(
        an.Attribute(
            type=an.AttributeTypeKind.EMPLOYEE,
            id=employee_id,
            name=_name(name, 100),
            is_active=is_active(row),
        )
    )


def _spec(
    name: str, id_field: str, role: Role, label: str, convert: Converter, kind: str
) -> InboundSpec:
    return InboundSpec(name, id_field, role, label, convert, kind)


RECORD_SPECS: tuple[InboundSpec, ...] = (
    _spec("GLACCOUNT", "ACCOUNTNO", Role.RECORD, "GL accounts", account, fi.Account.KIND),
    _spec("GLJOURNAL", "SYMBOL", Role.RECORD, "Journals", journal, fi.Journal.KIND),
    _spec("APTERM", "NAME", Role.RECORD, "AP terms", _term(fi.Ledger.AP), fi.PaymentTerm.KIND),
    _spec("ARTERM", "NAME", Role.RECORD, "AR terms", _term(fi.Ledger.AR), fi.PaymentTerm.KIND),
    _spec(
        "TAXSOLUTION",
        "TAXSOLUTIONID",
        Role.RECORD,
        "Tax solutions",
        tax_solution,
        fi.TaxSolution.KIND,
    ),
    _spec("TAXDETAIL", "DETAILID", Role.RECORD, "Tax details", tax_detail, fi.TaxDetail.KIND),
    _spec("LOCATIONENTITY", "LOCATIONID", Role.RECORD, "Entities", entity, fi.Entity.KIND),
    _spec("PROJECT", "PROJECTID", Role.ATTRIBUTE, "Projects", project, an.Attribute.KIND),
    _spec("TASK", "TASKID", Role.ATTRIBUTE, "Tasks", task, an.Attribute.KIND),
    _spec("EMPLOYEE", "EMPLOYEEID", Role.ATTRIBUTE, "Employees", employee, an.Attribute.KIND),
    _spec(
        "CHECKINGACCOUNT",
        "BANKACCOUNTID",
        Role.RECORD,
        "Checking accounts",
        _bank(fi.BankAccountType.CHECKING),
        fi.BankAccount.KIND,
    ),
    _spec(
        "SAVINGSACCOUNT",
        "BANKACCOUNTID",
        Role.RECORD,
        "Savings accounts",
        _bank(fi.BankAccountType.SAVINGS),
        fi.BankAccount.KIND,
    ),
)


def dimension_spec(object_name: str, label: str | None = None) -> InboundSpec:
    """The spec of a dimension object: a standard one, or a user-defined dimension."""
    name = object_name.upper()
    id_field, name_field, standard_label = STANDARD_DIMENSIONS.get(name, ("ID", "NAME", ""))
    return InboundSpec(
        name,
        id_field,
        Role.DIMENSION,
        label or standard_label or name.title(),
        _dimension(name, id_field, name_field),
        an.Dimension.KIND,
    )


_BY_NAME = {spec.name: spec for spec in RECORD_SPECS}


def spec_for(object_name: str, udds: Mapping[str, str] = {}) -> InboundSpec | None:
    """The spec of ``object_name`` (any case), given the company's user-defined dimensions
    (object → label); ``None`` when the bridge does not receive that object."""
    name = object_name.strip().upper()
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name in STANDARD_DIMENSIONS or name in udds:
        return dimension_spec(name, udds.get(name))
    return None


def convert(spec: InboundSpec, row: Row, ctx: Context) -> Converted:
    """``row`` as a bridge record, or :class:`Unusable` naming the field and the reason."""
    try:
        return spec.convert(row, ctx)
    except ModelError as error:
        raise Unusable(f"{error.field}: {error.reason}") from None


__all__ = [
    "RECORD_SPECS",
    "REQUIRED_ATTRIBUTES",
    "REQUIRED_DIMENSIONS",
    "STANDARD_DIMENSIONS",
    "Context",
    "Converted",
    "InboundRecord",
    "InboundSpec",
    "Role",
    "Unusable",
    "convert",
    "dimension_spec",
    "spec_for",
]
