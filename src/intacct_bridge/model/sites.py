"""Business entities: companies and sites.

To mirror an Intacct entity, a company and its financial site carry the *same* Intacct entity
ID. Business, stock and manufacturing sites are attached to a financial site; their journal
entries are generated for that financial site. One site can play several roles (a financial
site may also hold stock).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from intacct_bridge.model import checks
from intacct_bridge.model.errors import ModelError
from intacct_bridge.model.money import check_currency


class SiteRole(StrEnum):
    """What a site does; the roles match the site attribute types."""

    FINANCIAL = "financial"
    BUSINESS = "business"
    STOCK = "stock"
    MANUFACTURING = "manufacturing"


@dataclass(frozen=True, slots=True, kw_only=True)
class Company:
    """A legal company of the operations side; mirrors an Intacct entity under MEGA."""

    KIND: ClassVar[str] = "company"

    id: str
    name: str
    #: functional currency (ISO 4217)
    currency: str
    #: ISO 3166 alpha-2 country of the legislation
    country: str | None = None
    #: Intacct entity (LOCATIONENTITY) ID; ``None`` for a single-entity Intacct company
    intacct_entity_id: str | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("id", self.id, max_length=20)
        checks.text("name", self.name, max_length=100)
        check_currency("currency", self.currency)
        checks.country("country", self.country)
        checks.optional_identifier("intacct_entity_id", self.intacct_entity_id, max_length=20)
        checks.flag("is_active", self.is_active)


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """A financial, business, stock and/or manufacturing site of a company."""

    KIND: ClassVar[str] = "site"

    id: str
    name: str
    company_id: str
    #: at least one role; kept sorted in the model
    roles: tuple[SiteRole, ...]
    #: the financial site this site posts through; ``None`` on a financial site itself
    financial_site_id: str | None = None
    #: on a financial site: the Intacct entity ID, equal to its company's
    intacct_entity_id: str | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("id", self.id, max_length=20)
        checks.text("name", self.name, max_length=100)
        checks.identifier("company_id", self.company_id, max_length=20)
        roles = checks.as_tuple("roles", self.roles)
        if not roles:
            raise ModelError("roles", "is empty", "give at least one of: " + _role_list())
        members = [checks.member(f"roles[{i}]", r, SiteRole) for i, r in enumerate(roles)]
        checks.unique("roles", members, what="role")
        object.__setattr__(self, "roles", tuple(sorted(members, key=list(SiteRole).index)))
        checks.optional_identifier("financial_site_id", self.financial_site_id, max_length=20)
        checks.optional_identifier("intacct_entity_id", self.intacct_entity_id, max_length=20)
        checks.flag("is_active", self.is_active)
        if self.is_financial:
            if self.financial_site_id not in (None, self.id):
                raise ModelError(
                    "financial_site_id",
                    f"a financial site posts through itself, not {self.financial_site_id!r}",
                    "leave financial_site_id empty on a financial site",
                )
            object.__setattr__(self, "financial_site_id", None)
        else:
            if self.financial_site_id is None:
                raise ModelError(
                    "financial_site_id",
                    "is required on a site that is not a financial site",
                    "give the financial site this site's entries are posted for",
                )
            if self.intacct_entity_id is not None:
                raise ModelError(
                    "intacct_entity_id",
                    "only a financial site carries an Intacct entity ID",
                    "set it on the financial site and its company instead",
                )

    @property
    def is_financial(self) -> bool:
        """Whether this site is a financial site."""
        return SiteRole.FINANCIAL in self.roles

    @property
    def ledger_site_id(self) -> str:
        """The financial site whose books this site's entries go to."""
        return self.id if self.financial_site_id is None else self.financial_site_id

    def has_role(self, role: SiteRole) -> bool:
        """Whether the site plays ``role``."""
        return role in self.roles


def check_entity_binding(company: Company, site: Site) -> None:
    """A financial site carries the same Intacct entity ID as its company.

    Raises:
        ModelError: on ``intacct_entity_id`` when they differ.
    """
    if site.is_financial and site.intacct_entity_id != company.intacct_entity_id:
        raise ModelError(
            "intacct_entity_id",
            f"financial site {site.id!r} has entity {site.intacct_entity_id!r} but company "
            f"{company.id!r} has {company.intacct_entity_id!r}",
            "give the company and its financial site the same Intacct entity ID",
        )


def _role_list() -> str:
    return ", ".join(role.value for role in SiteRole)
