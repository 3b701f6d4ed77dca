"""Field groups shared by several objects."""

from __future__ import annotations

from intacct_bridge.sandbox.schema import FieldSpec, status_field

STATUS = status_field()


def contact_fields(prefix: str, *, printas_required: bool = False) -> tuple[FieldSpec, ...]:
    """The CONTACT fields, nested under ``prefix`` (``""`` for the CONTACT object itself)."""
    p = f"{prefix}." if prefix else ""
    address = f"{p}MAILADDRESS."
    return (
        FieldSpec(f"{p}CONTACTNAME", max_length=200, label="Contact name"),
        FieldSpec(f"{p}PRINTAS", required=printas_required, max_length=200, label="Print as"),
        FieldSpec(f"{p}COMPANYNAME", max_length=100, label="Company name"),
        FieldSpec(f"{p}TAXABLE", "boolean", default="true", label="Taxable"),
        FieldSpec(f"{p}TAXGROUP", label="Tax group"),
        FieldSpec(f"{p}TAXSOLUTIONID", label="Tax solution"),
        FieldSpec(f"{p}TAXSCHEDULE", label="Tax schedule"),
        FieldSpec(f"{p}PREFIX", max_length=15),
        FieldSpec(f"{p}FIRSTNAME", max_length=40, label="First name"),
        FieldSpec(f"{p}LASTNAME", max_length=40, label="Last name"),
        FieldSpec(f"{p}INITIAL", max_length=1),
        FieldSpec(f"{p}PHONE1", max_length=30, label="Primary phone"),
        FieldSpec(f"{p}PHONE2", max_length=30, label="Secondary phone"),
        FieldSpec(f"{p}CELLPHONE", max_length=30, label="Mobile"),
        FieldSpec(f"{p}PAGER", max_length=30),
        FieldSpec(f"{p}FAX", max_length=30),
        FieldSpec(f"{p}EMAIL1", max_length=200, label="Primary email address"),
        FieldSpec(f"{p}EMAIL2", max_length=200, label="Secondary email address"),
        FieldSpec(f"{p}URL1", max_length=200, label="Primary URL"),
        FieldSpec(f"{p}URL2", max_length=200, label="Secondary URL"),
        FieldSpec(f"{address}ADDRESS1", max_length=100, label="Address line 1"),
        FieldSpec(f"{address}ADDRESS2", max_length=100, label="Address line 2"),
        FieldSpec(f"{address}ADDRESS3", max_length=100, label="Address line 3"),
        FieldSpec(f"{address}CITY", max_length=80, label="City"),
        FieldSpec(f"{address}STATE", max_length=40, label="State"),
        FieldSpec(f"{address}ZIP", max_length=30, label="Zip code"),
        FieldSpec(f"{address}COUNTRY", max_length=60, label="Country"),
        FieldSpec(f"{address}COUNTRYCODE", max_length=2, label="Country code"),
        FieldSpec(f"{address}ISOCOUNTRYCODE", max_length=2, label="ISO country code"),
    )


def contact_ref(group: str, label: str) -> FieldSpec:
    return FieldSpec(f"{group}.CONTACTNAME", ref="CONTACT", label=label)


RESTRICTION = FieldSpec(
    "OBJECTRESTRICTION",
    "enum",
    choices=(("U", "Unrestricted"), ("R", "RootOnly"), ("L", "Restricted")),
    default="Unrestricted",
    label="Restriction type",
)
