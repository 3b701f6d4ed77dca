"""The seed guide, executable: ``setup sandbox`` performs it, ``setup check`` verifies it.

:data:`GUIDE` lists the guide's steps in its order, each with its heading, where it is
done (Intacct's menu path or the bridge command that replaces a DMO screen) and the
guide's own instructions:

1. *To create a web services user* (Intacct);
2. *Authorize* the sender ID ``XT_mfg`` (Intacct, Web Services authorizations);
3. *Activate Sage Intacct integration* (Options management → ``config set --option-active``);
4. *Configure the integration* (Configuration page → ``config set``);
5. *Test the connection* (Configuration page → ``connection test``);
6. *Add the custom package to Sage Intacct* (``package export``, then Intacct's
   Platform services > Custom packages);
7. *Business entities*: a company and a financial site with the Intacct entity ID.

:func:`setup_sandbox` does all of it against a sandbox company; :func:`check_setup`
checks each step against a live Intacct company or a sandbox and says what is missing in
the guide's words. Both return one :class:`StepResult` per step.
"""

from __future__ import annotations

import asyncio
import secrets as _random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

import httpx
from sqlalchemy.orm import Session

from intacct_bridge.config.models import DEFAULT_SENDER_ID, IntegrationConfig
from intacct_bridge.config.secrets import Keyring, Secret
from intacct_bridge.config.store import get_config, save_config
from intacct_bridge.intacct import DEFAULT_ENDPOINT, IntacctError
from intacct_bridge.intacct import functions as fn
from intacct_bridge.model.sites import Company, Site, SiteRole
from intacct_bridge.setup import words
from intacct_bridge.setup.connection import (
    ConnectionReport,
    Diagnosis,
    Entity,
    probe_client,
    run_connection_test,
)
from intacct_bridge.setup.package import (
    AUDIT_TENANT_FIELD,
    PACKAGE_NAME,
    build_package,
    inbound_objects,
)
from intacct_bridge.store.repositories import get_record, list_records, save_record

if TYPE_CHECKING:
    from intacct_bridge.sandbox import Sandbox

#: Where ``intacct-bridge sandbox serve`` listens by default.
SANDBOX_ENDPOINT = "http://127.0.0.1:8080/ia/xml/xmlgw.phtml"
#: The entities of the demo company (``intacct-bridge demo-data``: a US parent, entity 100,
#: and a Canadian subsidiary, entity 200) — what ``setup sandbox`` creates by default.
DEMO_ENTITIES: tuple[tuple[str, str], ...] = (
    ("100", "Demo Manufacturing US"),
    ("200", "Demo Manufacturing Canada"),
)
#: Default webhook URL the Smart Events post to (the bridge's receiver).
DEFAULT_WEBHOOK_URL = "http://127.0.0.1:8000/intacct/smart-events"

Status = Literal["ok", "missing", "failed", "skipped", "manual"]


@dataclass(frozen=True)
class GuideStep:
    key: str
    #: the guide's heading
    title: str
    #: where it is done: Intacct's menu path, or the bridge command
    where: str
    #: the guide's instructions
    instructions: str


GUIDE: tuple[GuideStep, ...] = (
    GuideStep(
        "web_services_user", "To create a web services user", words.WS_USERS, words.CREATE_USER
    ),
    GuideStep(
        "sender_authorization",
        f"Authorize intacct-bridge (sender ID {DEFAULT_SENDER_ID})",
        words.SECURITY,
        words.authorize_sender(DEFAULT_SENDER_ID),
    ),
    GuideStep(
        "option",
        "Activate Sage Intacct integration",
        "intacct-bridge config set --option-active",
        words.ACTIVATE_OPTION,
    ),
    GuideStep(
        "configuration",
        "Configure the integration",
        "intacct-bridge config set",
        "Add the API alias user details to the Configuration page: the ID, Endpoint URL, "
        "Sender ID and Policy ID have defaults; enter the Company ID (the code you sign in "
        "to Sage Intacct with), the User ID and password of the web services user; on the "
        "Defaults tab, the legislation, chart of accounts and transaction integration level.",
    ),
    GuideStep(
        "connection",
        "Test the connection",
        "intacct-bridge connection test",
        "Sign in with the configuration and check each permission the integration needs.",
    ),
    GuideStep(
        "custom_package",
        "Add the custom package to Sage Intacct",
        words.CUSTOM_PACKAGES,
        words.IMPORT_PACKAGE,
    ),
    GuideStep(
        "business_entities",
        "Business entities",
        "intacct-bridge import FILE",
        words.BUSINESS_ENTITIES,
    ),
)
STEP = {step.key: step for step in GUIDE}


@dataclass(frozen=True)
class StepResult:
    step: GuideStep
    status: Status
    detail: str
    #: what to do, in the guide's words (empty when nothing is to be done)
    fix: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "skipped", "manual")


def all_ok(results: Sequence[StepResult]) -> bool:
    return all(result.ok for result in results)


def _connect(
    config: IntegrationConfig,
    transport: httpx.AsyncBaseTransport | None,
    sandbox_state: str | None = None,
) -> ConnectionReport:
    return asyncio.run(
        run_connection_test(config, transport=transport, sandbox_state=sandbox_state)
    )


# --- setup sandbox ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SandboxPlan:
    """What ``setup sandbox`` sets up; everything has a sensible default."""

    company_id: str = "DEMO-MFG"
    company_name: str = "Demo Manufacturing"
    user_id: str = "xt_api"
    #: (entity ID, name) of a multi-entity company; empty = single-entity
    entities: tuple[tuple[str, str], ...] = ()
    endpoint_url: str = SANDBOX_ENDPOINT
    webhook_url: str | None = None
    currency: str = "USD"
    sender_id: str = DEFAULT_SENDER_ID
    #: the sandbox sender's password, when the sender exists already
    sender_password: str | None = None
    #: modules of a new company (``None`` = the sandbox's defaults)
    modules: tuple[str, ...] | None = None


@dataclass
class _Run:
    results: list[StepResult] = field(default_factory=list)

    def add(self, key: str, status: Status, detail: str, fix: str = "") -> None:
        self.results.append(StepResult(STEP[key], status, detail, fix))

    @property
    def failed(self) -> bool:
        return not all_ok(self.results)


def _known_password(hashed: str, candidates: Sequence[str | None]) -> str | None:
    from intacct_bridge.sandbox.tenancy import check_secret

    for candidate in candidates:
        if candidate and check_secret(candidate, hashed):
            return candidate
    return None


def _readable(secret: Secret | None) -> str | None:
    return secret.reveal() if secret is not None and secret.readable else None


def setup_sandbox(
    sandbox: Sandbox,
    session: Session,
    tenant_id: str,
    keyring: Keyring,
    plan: SandboxPlan = SandboxPlan(),
) -> list[StepResult]:
    """Perform every step of the seed guide against a sandbox company.

    Idempotent: what exists already is checked and kept (a user's settings are brought
    back to the guide's). Stops at the first step that fails; the caller then discards the
    sandbox and rolls the session back (the CLI saves and commits only a full success).
    """
    from intacct_bridge.sandbox import QuickstartCredentials
    from intacct_bridge.sandbox.admin import AdminError

    run = _Run()
    admin = sandbox.admin
    demo = QuickstartCredentials()
    previous = get_config(session, tenant_id, keyring)
    if (
        previous is not None
        and previous.company_id
        and (previous.company_id != plan.company_id or previous.endpoint_url == DEFAULT_ENDPOINT)
    ):
        run.add(
            "configuration",
            "failed",
            f"Tenant {tenant_id} is configured for Intacct company {previous.company_id} at "
            f"{previous.endpoint_url}; setting up a sandbox would replace that configuration.",
            "Use another tenant for the sandbox (intacct-bridge tenant add sandbox --name "
            "Sandbox, then --tenant sandbox), or --company-id "
            f"{previous.company_id} if that company is a sandbox one.",
        )
        return run.results
    try:
        # 1. the web services user (and, sandbox-only, the sender ID and the company)
        sender = sandbox.backend.senders.get(plan.sender_id)
        if sender is None:
            sender_password = plan.sender_password or _random.token_urlsafe(18)
            admin.create_sender(plan.sender_id, sender_password)
        else:
            known = _known_password(
                sender.password_hash,
                [
                    plan.sender_password,
                    _readable(previous.sender_password) if previous else None,
                    demo.sender_password,
                ],
            )
            if known is None:
                run.add(
                    "web_services_user",
                    "failed",
                    f"Sender ID {plan.sender_id} exists in this sandbox with a password that "
                    "neither the configuration nor --sender-password knows.",
                    "Pass the sender's password: intacct-bridge setup sandbox --sender-password ?",
                )
                return run.results
            sender_password = known
        entities = [{"location_id": eid, "name": name} for eid, name in plan.entities]
        if plan.company_id not in sandbox.backend.companies:
            admin.create_company(
                plan.company_id,
                name=plan.company_name,
                mega=bool(entities),
                modules=plan.modules,
                entities=entities,
            )
            made = f"created company {plan.company_id}"
        else:
            company = admin.company(plan.company_id)
            if entities and not company.mega:
                raise AdminError(
                    f"Company {plan.company_id} exists as a single-entity company; entities "
                    "need a multi-entity (MEGA) company."
                )
            have = {str(r.values.get("LOCATIONID", "")) for r in admin.entities(plan.company_id)}
            for entity in entities:
                if entity["location_id"] not in have:
                    admin.add_entity(plan.company_id, entity["location_id"], entity["name"])
            made = f"company {plan.company_id} exists"
        company = admin.company(plan.company_id)
        guide_settings: dict[str, Any] = {
            "user_type": "business",
            "admin": "full",
            "status": "active",
            "roles": ("Admin",),
            "top_level_access": True,
        }
        user = company.users.get(plan.user_id)
        user_password: str | None = None
        if user is not None:
            user_password = _known_password(
                user.password_hash,
                [_readable(previous.user_password) if previous else None, demo.user_password],
            )
        if user_password is None:
            user_password = _random.token_urlsafe(18)
        if user is None:
            admin.add_user(
                plan.company_id,
                plan.user_id,
                user_password,
                first_name="API",
                last_name="alias",
                email=f"{plan.user_id}@example.invalid",
                **guide_settings,
            )
        else:
            admin.update_user(
                plan.company_id, plan.user_id, password=user_password, **guide_settings
            )
        run.add(
            "web_services_user",
            "ok",
            f"{made}; web services user {plan.user_id}: User type Business, Admin privileges "
            "Full, Status Active, role Admin, access to the top level.",
        )
        # 2. the Web Services authorization
        admin.authorize_sender(plan.company_id, plan.sender_id)
        run.add(
            "sender_authorization",
            "ok",
            f"Sender ID {plan.sender_id} authorized for company {plan.company_id} (Web "
            "Services authorizations, status Active).",
        )
    except AdminError as error:
        run.add("web_services_user", "failed", str(error), words.CREATE_USER)
        return run.results
    # 3-4. the option and the configuration page
    base = previous or IntegrationConfig(tenant_id=tenant_id)
    webhook_url = plan.webhook_url or base.webhook_url or DEFAULT_WEBHOOK_URL
    webhook_secret = base.webhook_secret
    if webhook_secret is None or not webhook_secret.readable:
        webhook_secret = Secret(_random.token_urlsafe(32))
    config = base.updated(
        option_active=True,
        active=True,
        endpoint_url=plan.endpoint_url,
        sender_id=plan.sender_id,
        sender_password=Secret(sender_password),
        company_id=plan.company_id,
        user_id=plan.user_id,
        user_password=Secret(user_password),
        entity_id=None,
        asynchronous=False,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
    )
    run.add("option", "ok", "Sage Intacct integration option activated.")
    save_config(session, tenant_id, config, keyring, rebind=True)
    run.add(
        "configuration",
        "ok",
        f"Configuration {config.id}: endpoint {config.endpoint_url}, sender {config.sender_id}, "
        f"company {config.company_id}, user {config.user_id} (passwords encrypted at rest); "
        f"tenant {tenant_id} bound to company {config.company_id}.",
    )
    # 5. the connection test, in-process
    report = _connect(config, sandbox.transport())
    if not report.ok:
        assert report.diagnosis is not None
        run.add("connection", "failed", report.diagnosis.message, report.diagnosis.fix)
        return run.results
    run.add("connection", "ok", "Signed in; the user may read and change data.")
    # 6. the custom package
    projects = "projects" in company.modules
    data = build_package(
        tenant_id=tenant_id,
        company_id=plan.company_id,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        objects=inbound_objects(sorted(company.udds), projects=projects),
        audit_trail=config.audit_trail,
    )
    try:
        installed = _import_package(sandbox, plan.company_id, data)
    except AdminError as error:
        run.add("custom_package", "failed", str(error), words.IMPORT_PACKAGE)
        return run.results
    run.add(
        "custom_package",
        "ok",
        f"Imported the custom package into {plan.company_id}: {len(installed)} Smart Events "
        f"posting to {webhook_url}"
        + (
            f", audit trail fields on GL accounts (tenant {tenant_id})."
            if config.audit_trail
            else "."
        ),
    )
    # 7. business entities
    run.results.append(_create_entities(session, tenant_id, plan, report.entities))
    return run.results


def _import_package(sandbox: Sandbox, company_id: str, data: bytes) -> list[str]:
    """Import the package; a re-import replaces the bridge's previous package.

    The sandbox's import (``install_packages``) refuses to re-import a package of the same
    name whose smart links changed (it looks the old package up by the *new* link), so
    when ours is refused it is removed first — what Intacct's re-import does.
    """
    from intacct_bridge.sandbox.admin import AdminError

    try:
        return sandbox.admin.import_package(company_id, data)
    except AdminError as error:
        platform = sandbox.admin.company(company_id).platform
        ours = platform.packages.get(PACKAGE_NAME)
        if ours is None or "already exists" not in str(error):
            raise
        with sandbox.backend.lock:
            del platform.packages[PACKAGE_NAME]
            for link in ours.smart_links:
                platform.smart_links.pop(link.smart_link_id, None)
        try:
            return sandbox.admin.import_package(company_id, data)
        except AdminError:
            with sandbox.backend.lock:  # put the previous package back
                platform.packages[PACKAGE_NAME] = ours
                platform.smart_links.update({link.smart_link_id: link for link in ours.smart_links})
            raise


def _create_entities(
    session: Session, tenant_id: str, plan: SandboxPlan, entities: Sequence[Entity]
) -> StepResult:
    """A company and a financial site with the same Entity ID for each Intacct entity that
    no company of the tenant stands for yet (e.g. the demo data's, imported first)."""
    wanted: list[tuple[str, str, str | None]] = (
        [(e.location_id, e.name or e.location_id, e.location_id) for e in entities]
        if entities
        else [(plan.company_id[:20], plan.company_name, None)]
    )
    companies = list_records(session, tenant_id, Company)
    financial = {
        (site.company_id, site.intacct_entity_id)
        for site in list_records(session, tenant_id, Site)
        if site.is_financial
    }
    made: list[str] = []
    kept: list[str] = []
    labels: list[str] = []
    for company_id, name, entity_id in wanted:
        if entity_id is not None:
            existing = next(
                (
                    c
                    for c in companies
                    if c.intacct_entity_id == entity_id and (c.id, entity_id) in financial
                ),
                None,
            )
            if existing is not None:
                kept.append(f"company {existing.id} (entity {entity_id})")
                labels.append(f"{existing.id} (entity {entity_id})")
                continue
        labels.append(
            f"{company_id} (entity {entity_id})" if entity_id else f"{company_id} (single-entity)"
        )
        if get_record(session, tenant_id, Company, company_id) is None:
            save_record(
                session,
                tenant_id,
                Company(
                    id=company_id,
                    name=name[:100],
                    currency=plan.currency,
                    intacct_entity_id=entity_id,
                ),
            )
            made.append(f"company {company_id}")
        if get_record(session, tenant_id, Site, company_id) is None:
            save_record(
                session,
                tenant_id,
                Site(
                    id=company_id,
                    name=name[:100],
                    company_id=company_id,
                    roles=(SiteRole.FINANCIAL,),
                    intacct_entity_id=entity_id,
                ),
            )
            made.append(f"financial site {company_id}")
    detail = f"Company and financial site with the same Entity ID: {', '.join(labels)}"
    if made:
        detail += f"; created {', '.join(made)}"
    if kept:
        detail += f"; kept the business entities already there: {', '.join(kept)}"
    if not made and not kept:
        detail += "; they existed already"
    return StepResult(STEP["business_entities"], "ok", detail + ".")


# --- setup check -----------------------------------------------------------------------------


class _Put(Protocol):
    def __call__(self, key: str, status: Status, detail: str, fix: str = "") -> None: ...


#: Which guide step a connection-test diagnosis belongs to.
_DIAGNOSIS_STEP = {
    "sender_not_authorized": "sender_authorization",
    "user_rejected": "web_services_user",
    "user_inactive": "web_services_user",
    "no_top_level_access": "web_services_user",
    "not_admin": "web_services_user",
    "read_denied": "web_services_user",
    "entity_not_found": "configuration",
}


def check_setup(
    config: IntegrationConfig | None,
    session: Session,
    tenant_id: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    sandbox: Sandbox | None = None,
    sandbox_state: str | None = None,
) -> list[StepResult]:
    """Verify each step of the guide; one :class:`StepResult` per step, in the guide's order.

    ``sandbox_state``: the state file a sandbox at the Endpoint URL should serve (see
    :func:`~intacct_bridge.setup.connection.run_connection_test`).

    With ``sandbox`` (a loaded sandbox state) the web services user's settings and the
    installed package are read from the sandbox itself; otherwise only what the API shows
    is checked (the user signs in, is active, has top-level access and may read and write;
    the audit-trail fields of the package).
    """
    found: dict[str, StepResult] = {}

    def put(key: str, status: Status, detail: str, fix: str = "") -> None:
        found[key] = StepResult(STEP[key], status, detail, fix)

    if config is None:
        for step in GUIDE:
            if step.key == "business_entities":
                continue
            put(
                step.key,
                "missing",
                f"Tenant {tenant_id} has no Intacct configuration.",
                step.instructions,
            )
        found["business_entities"] = _check_entities(session, tenant_id, None)
        return [found[step.key] for step in GUIDE]

    if config.option_active:
        put("option", "ok", "The Sage Intacct integration option is active.")
    else:
        put(
            "option",
            "missing",
            "The Sage Intacct integration option is off.",
            words.ACTIVATE_OPTION,
        )

    missing = config.missing()
    report: ConnectionReport | None = None
    if missing:
        put(
            "configuration",
            "missing",
            f"The configuration lacks: {', '.join(missing)}.",
            STEP["configuration"].instructions
            + " Command: intacct-bridge config set --company-id ID --user-id USER "
            "--user-password ? --sender-password ?",
        )
    elif not config.active:
        put(
            "configuration",
            "missing",
            f"Configuration {config.id} is not active.",
            "intacct-bridge config set --active",
        )
    else:
        put(
            "configuration",
            "ok",
            f"Configuration {config.id}: company {config.company_id}, user {config.user_id}, "
            f"sender {config.sender_id}, endpoint {config.endpoint_url}.",
        )
    if not missing:
        report = _connect(config, transport, sandbox_state)
    _from_connection(put, config, report)
    if sandbox is not None and config.company_id:
        _sandbox_user(put, found, sandbox, config)
    found["custom_package"] = _check_package(config, report, transport, sandbox)
    found["business_entities"] = _check_entities(session, tenant_id, report)
    return [found[step.key] for step in GUIDE]


def _from_connection(put: _Put, config: IntegrationConfig, report: ConnectionReport | None) -> None:
    if report is None:
        for key in ("web_services_user", "sender_authorization", "connection"):
            put(key, "skipped", "Not checked: the configuration is incomplete.")
        return
    if report.ok:
        put("connection", "ok", "Signed in; the user may read and change data.")
        put(
            "web_services_user",
            "ok",
            f"User {config.user_id} signs in, is active, has access to the "
            + (f"entity {config.entity_id}" if config.entity_id else "top level")
            + ", and may read and change data.",
        )
        put(
            "sender_authorization",
            "ok",
            f"Sender ID {config.sender_id} is authorized for company {config.company_id}.",
        )
        return
    diagnosis: Diagnosis | None = report.diagnosis
    assert diagnosis is not None
    put("connection", "failed", diagnosis.message, diagnosis.fix)
    target = _DIAGNOSIS_STEP.get(diagnosis.code)
    if target is None:  # endpoint, sender, policy: configuration problems
        put("configuration", "failed", diagnosis.message, diagnosis.fix)
        for key in ("web_services_user", "sender_authorization"):
            put(key, "skipped", "Not checked: the connection failed before this step.")
        return
    put(target, "missing", diagnosis.message, diagnosis.fix)
    if target == "sender_authorization":
        put(
            "web_services_user",
            "ok",
            f"User {config.user_id}'s company ID, user ID and password are accepted "
            "(the rest is checked once the sender is authorized).",
        )
    elif target == "web_services_user":
        put(
            "sender_authorization",
            "ok" if diagnosis.code != "user_rejected" else "skipped",
            f"Sender ID {config.sender_id} is authorized for company {config.company_id}."
            if diagnosis.code != "user_rejected"
            else "Not checked: Intacct checks the user's sign-in first.",
        )
    else:
        put("web_services_user", "skipped", "Not checked: the connection failed first.")
        put("sender_authorization", "ok", f"Sender ID {config.sender_id} is authorized.")


def _sandbox_user(
    put: _Put, found: dict[str, StepResult], sandbox: Sandbox, config: IntegrationConfig
) -> None:
    """The guide's user settings, read from the sandbox (Intacct's API does not show them)."""
    company = sandbox.backend.companies.get(config.company_id or "")
    if company is None:
        return
    user = company.users.get(config.user_id or "")
    if user is None:
        return
    gaps: list[tuple[str, str]] = []  # (the guide's instruction, what the user has)
    if user.user_type != "business":
        gaps.append((f"User information tab: {words.USER_TYPE}", f"it is {user.user_type}"))
    if user.admin != "full":
        gaps.append((f"User information tab: {words.ADMIN_FULL}", f"it is {user.admin}"))
    if user.status != "active":
        gaps.append((f"User information tab: {words.ACTIVE}", f"it is {user.status}"))
    if "Admin" not in user.roles:
        roles = ", ".join(user.roles) or "none"
        gaps.append((f"Roles information tab: {words.ROLE_ADMIN}", f"roles: {roles}"))
    if company.mega and not user.top_level_access:
        gaps.append((f"User entities tab: {words.TOP_LEVEL}", "no top-level access"))
    if not gaps:
        return
    current = found.get("web_services_user")
    detail = (
        f"User {user.user_id} differs from the guide: "
        + "; ".join(f"{want} ({have})" for want, have in gaps)
        + "."
    )
    if current is not None and current.status in ("missing", "failed"):
        detail = current.detail + " " + detail
    put(
        "web_services_user",
        "missing",
        detail,
        f"In Sage Intacct, open {words.WS_USERS}, edit user {user.user_id}: "
        + "; ".join(want for want, _have in gaps)
        + "; then save and exit.",
    )


def _check_package(
    config: IntegrationConfig,
    report: ConnectionReport | None,
    transport: httpx.AsyncBaseTransport | None,
    sandbox: Sandbox | None,
) -> StepResult:
    step = STEP["custom_package"]
    if sandbox is not None:
        return _sandbox_package(config, sandbox)
    if report is None or not report.ok:
        return StepResult(step, "skipped", "Not checked: no connection to Intacct.")
    if not config.audit_trail:
        return StepResult(
            step,
            "manual",
            "The audit trail is off, so the package cannot be seen through the API; check "
            f"{words.CUSTOM_PACKAGES.split(' > Import')[0]} for '{PACKAGE_NAME}'.",
        )
    try:
        values = asyncio.run(_audit_values(config, transport))
    except IntacctError as error:
        return StepResult(step, "manual", f"The GL account fields cannot be read ({error}).")
    if values is None:
        served = asyncio.run(_sandbox_server_package(config, transport))
        if served is not None:
            return served
        return StepResult(
            step,
            "missing",
            f"The custom package is not installed: GL accounts have no {AUDIT_TENANT_FIELD} "
            "audit-trail field.",
            f"Export it (intacct-bridge package export), then: {words.IMPORT_PACKAGE}",
        )
    if config.tenant_id not in values:
        return StepResult(
            step,
            "failed",
            f"The custom package in company {config.company_id} was exported for tenant "
            f"{', '.join(values) or '?'}, not {config.tenant_id}: its Smart Events post to "
            "another tenant.",
            f"Export the package for this tenant (intacct-bridge package export), then: "
            f"{words.IMPORT_PACKAGE}",
        )
    return StepResult(
        step,
        "ok",
        f"The custom package is installed for tenant {config.tenant_id} (audit trail "
        f"{AUDIT_TENANT_FIELD} on GL accounts).",
    )


async def _sandbox_server_package(
    config: IntegrationConfig, transport: httpx.AsyncBaseTransport | None
) -> StepResult | None:
    """The package as a running ``intacct-bridge sandbox serve`` reports it through its admin
    API (for a package whose audit-trail field ``lookup`` does not show); ``None`` if the
    endpoint is not a sandbox (or its admin API is closed)."""
    step = STEP["custom_package"]
    url = httpx.URL(config.endpoint_url)
    admin = url.copy_with(
        path=f"/sandbox/admin/companies/{config.company_id}/packages", query=None, fragment=None
    )
    try:
        async with httpx.AsyncClient(transport=transport, timeout=10.0) as http:
            reply = await http.get(admin)
        if reply.status_code != 200:
            return None
        packages = reply.json().get("packages", [])
    except (httpx.HTTPError, ValueError, AttributeError):
        return None
    fix = f"Export it (intacct-bridge package export), then: {words.IMPORT_PACKAGE}"
    package = next((p for p in packages if p.get("name") == PACKAGE_NAME), None)
    if package is None:
        return StepResult(
            step,
            "missing",
            f"Company {config.company_id} has no '{PACKAGE_NAME}' package (sandbox admin API).",
            fix,
        )
    links = package.get("smart_links", [])
    elsewhere = sorted({str(link.get("target")) for link in links} - {config.webhook_url})
    if elsewhere:
        return StepResult(
            step,
            "missing",
            f"The installed Smart Events post to {', '.join(elsewhere)}, not to the configured "
            f"webhook URL {config.webhook_url}.",
            fix,
        )
    return StepResult(
        step,
        "ok",
        f"The custom package is installed in {config.company_id}: {len(links)} Smart Events "
        f"posting to {config.webhook_url} (read from the sandbox's admin API).",
    )


async def _audit_values(
    config: IntegrationConfig, transport: httpx.AsyncBaseTransport | None
) -> list[str] | None:
    """The values of the audit-trail tenant field on GLACCOUNT (``None``: no such field)."""
    async with probe_client(config, transport=transport) as client:
        result = await client.call(fn.lookup("GLACCOUNT"))
    if result.data is None:
        return None
    for field_el in result.data.iter("Field"):
        if (field_el.findtext("ID") or "").upper() == AUDIT_TENANT_FIELD:
            return [
                (value.text or "").strip()
                for value in field_el.iter("VALIDVALUE")
                if (value.text or "").strip()
            ]
    return None


def _sandbox_package(config: IntegrationConfig, sandbox: Sandbox) -> StepResult:
    from intacct_bridge.sandbox.packages import parse_package

    step = STEP["custom_package"]
    fix = f"Export it (intacct-bridge package export), then: {words.IMPORT_PACKAGE}"
    company = sandbox.backend.companies.get(config.company_id or "")
    if company is None:
        return StepResult(step, "skipped", f"Company {config.company_id} is not in the sandbox.")
    package = company.platform.packages.get(PACKAGE_NAME)
    if package is None:
        return StepResult(
            step, "missing", f"Company {config.company_id} has no '{PACKAGE_NAME}' package.", fix
        )
    installed = {link.smart_link_id: link for link in package.smart_links}
    problems: list[str] = []
    tenants = {
        value
        for link in installed.values()
        if link.http_post is not None
        for name, value in link.http_post.arguments
        if name == "tenant"
    }
    if tenants and tenants != {config.tenant_id}:
        return StepResult(
            step,
            "failed",
            f"The custom package in company {config.company_id} was exported for tenant "
            f"{', '.join(sorted(tenants))}, not {config.tenant_id}: its Smart Events post to "
            "another tenant.",
            fix,
        )
    if config.webhook_url and config.webhook_secret and config.webhook_secret.readable:
        expected = parse_package(
            build_package(
                tenant_id=config.tenant_id,
                company_id=config.company_id or "",
                webhook_url=config.webhook_url,
                webhook_secret=config.webhook_secret,
                objects=inbound_objects(
                    sorted(company.udds), projects="projects" in company.modules
                ),
                audit_trail=config.audit_trail,
            )
        )[0]
        wanted = {link.smart_link_id: link for link in expected.smart_links}
        absent = sorted(set(wanted) - set(installed))
        if absent:
            problems.append(f"Smart Events missing: {', '.join(absent)}")
        stale = sorted(key for key in set(wanted) & set(installed) if wanted[key] != installed[key])
        if stale:
            problems.append(
                f"{len(stale)} Smart Events differ from the current configuration (webhook URL "
                "or secret changed since the export)"
            )
    if problems:
        return StepResult(step, "missing", "; ".join(problems) + ".", fix)
    return StepResult(
        step,
        "ok",
        f"The custom package is installed in {config.company_id} for tenant {config.tenant_id} "
        f"({len(installed)} Smart Events).",
    )


def _check_entities(
    session: Session, tenant_id: str, report: ConnectionReport | None
) -> StepResult:
    step = STEP["business_entities"]
    companies = list_records(session, tenant_id, Company)
    sites = list_records(session, tenant_id, Site)
    if not companies:
        return StepResult(
            step, "missing", f"Tenant {tenant_id} has no company.", words.BUSINESS_ENTITIES
        )
    known = {e.location_id for e in report.entities} if report is not None and report.ok else None
    problems: list[str] = []
    for company in companies:
        financial = [
            s
            for s in sites
            if s.company_id == company.id
            and s.is_financial
            and s.intacct_entity_id == company.intacct_entity_id
        ]
        if not financial:
            problems.append(
                f"company {company.id} has no financial site with its Entity ID "
                f"({company.intacct_entity_id or 'none: single-entity'})"
            )
        if known is not None:
            if company.intacct_entity_id and company.intacct_entity_id not in known:
                problems.append(
                    f"company {company.id} names entity {company.intacct_entity_id}, which the "
                    "Intacct company does not have"
                    + (
                        f" (its entities: {', '.join(sorted(known))})"
                        if known
                        else " (it is single-entity)"
                    )
                )
            if known and not company.intacct_entity_id:
                problems.append(
                    f"company {company.id} has no Entity ID, but the Intacct company is "
                    "multi-entity"
                )
    if problems:
        return StepResult(step, "missing", "; ".join(problems) + ".", words.BUSINESS_ENTITIES)
    noun = "company" if len(companies) == 1 else "companies"
    detail = f"{len(companies)} {noun} with a financial site of the same Entity ID"
    if known is None:
        detail += " (Intacct's entities not checked: no connection)"
    elif known:
        unused = sorted(known - {c.intacct_entity_id for c in companies if c.intacct_entity_id})
        if unused:
            detail += f"; Intacct entities without a company: {', '.join(unused)}"
    return StepResult(step, "ok", detail + ".")


__all__ = [
    "DEFAULT_WEBHOOK_URL",
    "DEMO_ENTITIES",
    "GUIDE",
    "SANDBOX_ENDPOINT",
    "GuideStep",
    "SandboxPlan",
    "StepResult",
    "all_ok",
    "check_setup",
    "setup_sandbox",
]
