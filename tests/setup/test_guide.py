"""The seed guide, executable: ``setup sandbox`` performs it; ``setup check`` verifies it."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy.orm import Session

from intacct_bridge.config.secrets import Keyring, KeySource, Secret, generate_key
from intacct_bridge.config.store import binding, get_config, save_config
from intacct_bridge.model.sites import Company, Site
from intacct_bridge.sandbox import Sandbox
from intacct_bridge.setup.guide import (
    GUIDE,
    SandboxPlan,
    StepResult,
    all_ok,
    check_setup,
    setup_sandbox,
)
from intacct_bridge.setup.package import PACKAGE_NAME, build_package
from intacct_bridge.store.repositories import list_records
from tests.servers import serve_in_thread

TENANT = "default"


@pytest.fixture
def keyring() -> Keyring:
    return Keyring([generate_key()], KeySource("env"))


def by_key(results: list[StepResult]) -> dict[str, StepResult]:
    return {result.step.key: result for result in results}


def check(
    session: Session, keyring: Keyring, target: Sandbox, **options: object
) -> dict[str, StepResult]:
    """``setup check`` through ``target``'s transport; ``sandbox=`` adds its own view."""
    config = get_config(session, TENANT, keyring)
    results = check_setup(config, session, TENANT, transport=target.transport(), **options)  # type: ignore[arg-type]
    assert [r.step.key for r in results] == [s.key for s in GUIDE]
    return by_key(results)


def test_setup_sandbox_then_check_is_all_green(session: Session, keyring: Keyring) -> None:
    sandbox = Sandbox(seed=11)
    results = setup_sandbox(sandbox, session, TENANT, keyring)
    assert [r.step.key for r in results] == [s.key for s in GUIDE]
    assert all(r.status == "ok" for r in results), results
    # what the guide asks for, in the sandbox
    user = sandbox.admin.company("DEMO-MFG").users["xt_api"]
    assert (user.user_type, user.admin, user.status, user.roles, user.top_level_access) == (
        "business",
        "full",
        "active",
        ("Admin",),
        True,
    )
    assert sandbox.admin.company("DEMO-MFG").sender_authorized("XT_mfg")
    assert [p["name"] for p in sandbox.admin.packages("DEMO-MFG")] == [PACKAGE_NAME]
    config = get_config(session, TENANT, keyring)
    assert config is not None and config.option_active and config.missing() == []
    assert binding(session, TENANT).company_id == "DEMO-MFG"
    assert [c.id for c in list_records(session, TENANT, Company)] == ["DEMO-MFG"]
    assert [(s.id, s.is_financial) for s in list_records(session, TENANT, Site)] == [
        ("DEMO-MFG", True)
    ]
    # and the check agrees, with and without the sandbox's own view
    assert all(r.status == "ok" for r in check(session, keyring, sandbox, sandbox=sandbox).values())
    assert all_ok(list(check(session, keyring, sandbox, sandbox=sandbox).values()))


def test_multi_entity_setup_matches_each_entity(session: Session, keyring: Keyring) -> None:
    sandbox = Sandbox(seed=12)
    plan = SandboxPlan(company_id="ACME", entities=(("US1", "Acme US"), ("UK1", "Acme UK")))
    results = setup_sandbox(sandbox, session, TENANT, keyring, plan)
    assert all(r.status == "ok" for r in results), results
    companies = {c.id: c.intacct_entity_id for c in list_records(session, TENANT, Company)}
    assert companies == {"US1": "US1", "UK1": "UK1"}
    sites = {s.id: s.intacct_entity_id for s in list_records(session, TENANT, Site)}
    assert sites == {"US1": "US1", "UK1": "UK1"}
    assert all(r.status == "ok" for r in check(session, keyring, sandbox, sandbox=sandbox).values())


def test_setup_sandbox_runs_again_and_keeps_working(session: Session, keyring: Keyring) -> None:
    sandbox = Sandbox(seed=13)
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring))
    first = get_config(session, TENANT, keyring)
    sandbox.admin.update_user("DEMO-MFG", "xt_api", status="inactive", roles=())
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring))  # brought back to the guide
    again = get_config(session, TENANT, keyring)
    assert first is not None and again is not None
    assert again.user_password == first.user_password  # the known password was kept
    assert again.webhook_secret == first.webhook_secret
    assert all(r.status == "ok" for r in check(session, keyring, sandbox, sandbox=sandbox).values())


def test_setup_sandbox_again_with_a_new_webhook_url_replaces_the_package(
    session: Session, keyring: Keyring
) -> None:
    sandbox = Sandbox(seed=24)
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring))
    plan = SandboxPlan(webhook_url="https://elsewhere.example.com/hook")
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring, plan))
    [package] = sandbox.admin.packages("DEMO-MFG")
    assert {link["target"] for link in package["smart_links"]} == {plan.webhook_url}
    assert check(session, keyring, sandbox, sandbox=sandbox)["custom_package"].status == "ok"


def test_setup_sandbox_uses_the_existing_demo_sender(session: Session, keyring: Keyring) -> None:
    sandbox = Sandbox(seed=14)
    sandbox.quickstart()  # what `make run` sets up
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring))
    config = get_config(session, TENANT, keyring)
    assert config is not None and config.sender_password == Secret("sandbox-sender-password")


def test_setup_sandbox_stops_on_an_unknown_sender_password(
    session: Session, keyring: Keyring
) -> None:
    sandbox = Sandbox(seed=15)
    sandbox.admin.create_sender("XT_mfg", "only-sage-knows")
    results = setup_sandbox(sandbox, session, TENANT, keyring)
    assert [(r.step.key, r.status) for r in results] == [("web_services_user", "failed")]
    assert "--sender-password" in results[0].fix
    ok = setup_sandbox(
        sandbox, session, TENANT, keyring, SandboxPlan(sender_password="only-sage-knows")
    )
    assert all_ok(ok)


def test_check_reports_a_missing_authorization_in_the_guides_words(
    session: Session, keyring: Keyring
) -> None:
    sandbox = Sandbox(seed=16)
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring))
    sandbox.admin.revoke_sender("DEMO-MFG", "XT_mfg")
    for options in ({"sandbox": sandbox}, {}):
        found = check(session, keyring, sandbox, **options)
        step = found["sender_authorization"]
        assert step.status == "missing"
        assert "Sender ID 'XT_mfg' is not authorized" in step.detail
        assert step.fix.startswith("In Sage Intacct, open Company > Admin > Setup > Security")
        for words in (
            "click Edit",
            "Web Services authorization section",
            "Sender ID: XT_mfg",
            "Save",
        ):
            assert words in step.fix
        assert found["connection"].status == "failed"
        assert found["option"].status == "ok"
        assert not all_ok(list(found.values()))


def test_check_reports_user_settings_that_differ_from_the_guide(
    session: Session, keyring: Keyring
) -> None:
    sandbox = Sandbox(seed=17)
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring))
    sandbox.admin.update_user("DEMO-MFG", "xt_api", user_type="employee", admin="limited", roles=())
    step = check(session, keyring, sandbox, sandbox=sandbox)["web_services_user"]
    assert step.status == "missing"
    for words in (
        "User type: select Business",
        "Admin privileges: select Full",
        "select Admin on the first line",
    ):
        assert words in step.fix
    # only the sandbox shows user types and roles; through the API the user still works
    assert check(session, keyring, sandbox)["web_services_user"].status == "ok"


def test_check_reports_a_user_that_may_not_write(session: Session, keyring: Keyring) -> None:
    sandbox = Sandbox(seed=18)
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring))
    sandbox.admin.update_user("DEMO-MFG", "xt_api", admin="off", roles=())
    step = check(session, keyring, sandbox)["web_services_user"]
    assert step.status == "missing"
    assert "may not change data" in step.detail
    assert "Admin privileges: select Full" in step.fix


def test_check_without_any_configuration(session: Session, keyring: Keyring) -> None:
    found = check(session, keyring, Sandbox(seed=19))
    assert found["configuration"].status == "missing"
    assert found["option"].status == "missing"
    assert found["business_entities"].status == "missing"


def test_check_reports_the_option_and_a_missing_package(session: Session, keyring: Keyring) -> None:
    sandbox = Sandbox(seed=20)
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring))
    config = get_config(session, TENANT, keyring)
    assert config is not None
    save_config(session, TENANT, config.updated(option_active=False), keyring)
    sandbox.backend.companies["DEMO-MFG"].platform.packages.clear()
    found = check(session, keyring, sandbox, sandbox=sandbox)
    assert found["option"].status == "missing"
    assert "Options management > Finance integrations" in found["option"].fix
    assert found["custom_package"].status == "missing"
    assert (
        "Platform services > Custom packages > Import Customization Package"
        in found["custom_package"].fix
    )


def test_check_detects_a_package_exported_for_another_tenant(
    session: Session, keyring: Keyring
) -> None:
    sandbox = Sandbox(seed=21)
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring))
    platform = sandbox.backend.companies["DEMO-MFG"].platform  # as after copying an environment
    platform.packages.clear()
    platform.smart_links.clear()
    sandbox.admin.import_package(
        "DEMO-MFG",
        build_package(
            tenant_id="copied-env",
            company_id="DEMO-MFG",
            webhook_url="https://copy.example.com/hook",
            webhook_secret=Secret("x"),
        ),
    )
    step = check(session, keyring, sandbox, sandbox=sandbox)["custom_package"]
    assert step.status == "failed"
    assert "exported for tenant copied-env" in step.detail


def test_check_detects_a_stale_package_after_a_new_webhook_secret(
    session: Session, keyring: Keyring
) -> None:
    sandbox = Sandbox(seed=22)
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring))
    config = get_config(session, TENANT, keyring)
    assert config is not None
    save_config(session, TENANT, config.updated(webhook_secret=Secret("rotated")), keyring)
    step = check(session, keyring, sandbox, sandbox=sandbox)["custom_package"]
    assert step.status == "missing"
    assert "differ from the current configuration" in step.detail


def test_check_reports_business_entities_that_do_not_match(
    session: Session, keyring: Keyring
) -> None:
    sandbox = Sandbox(seed=23)
    plan = SandboxPlan(company_id="ACME", entities=(("US1", "Acme US"),))
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring, plan))
    from intacct_bridge.store.repositories import save_record

    save_record(
        session, TENANT, Company(id="GHOST", name="Ghost", currency="USD", intacct_entity_id="ZZ9")
    )
    step = check(session, keyring, sandbox)["business_entities"]
    assert step.status == "missing"
    assert "company GHOST has no financial site" in step.detail
    assert "entity ZZ9, which the Intacct company does not have" in step.detail
    assert "same Entity ID" in step.fix


class CustomFieldsLookup(httpx.AsyncBaseTransport):
    """The sandbox, with ``lookup`` showing the package's ``XTB_AUDIT_TENANT`` field as if
    the package had been exported for ``tenant`` (``None``: as if the company had no such
    field). The sandbox itself shows the imported package's custom fields."""

    def __init__(self, inner: httpx.AsyncBaseTransport, tenant: str | None) -> None:
        self.inner = inner
        self.tenant = tenant

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        response = await self.inner.handle_async_request(request)
        if b"<lookup>" not in body:
            return response
        content = await response.aread()
        own = re.compile(rb"<Field><ID>XTB_AUDIT_TENANT</ID>.*?</Field>", re.DOTALL)
        patched = own.sub(b"", content)
        if self.tenant is not None:
            field = (
                "<Field><ID>XTB_AUDIT_TENANT</ID><LABEL>intacct-bridge tenant (audit trail)"
                "</LABEL><DATATYPE>ENUM</DATATYPE><VALIDVALUES><VALIDVALUE>"
                f"{self.tenant}</VALIDVALUE></VALIDVALUES><ISCUSTOM>true</ISCUSTOM></Field>"
            )
            patched = patched.replace(b"</Fields>", field.encode() + b"</Fields>", 1)
        return httpx.Response(
            response.status_code, headers={"content-type": "text/xml"}, content=patched
        )


class _Network(httpx.AsyncBaseTransport):
    """Plain HTTP, one connection per request (``check_setup`` runs several event loops)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async with httpx.AsyncHTTPTransport() as network:
            response = await network.handle_async_request(request)
            content = await response.aread()  # decoded: drop the encoding headers
        kept = {
            name: value
            for name, value in response.headers.items()
            if name not in ("content-encoding", "content-length")
        }
        return httpx.Response(response.status_code, headers=kept, content=content)


@pytest.mark.parametrize(("tenant", "status"), [(TENANT, "ok"), ("someone-else", "failed")])
def test_live_check_reads_the_audit_trail_through_lookup(
    session: Session, keyring: Keyring, tenant: str, status: str
) -> None:
    sandbox = Sandbox(seed=25)
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring))
    config = get_config(session, TENANT, keyring)
    transport = CustomFieldsLookup(sandbox.transport(), tenant)
    step = by_key(check_setup(config, session, TENANT, transport=transport))["custom_package"]
    assert step.status == status, step
    if status == "failed":
        assert "exported for tenant someone-else" in step.detail


def test_live_check_without_the_audit_trail_field_says_to_import(
    session: Session, keyring: Keyring
) -> None:
    sandbox = Sandbox(seed=26)
    assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring))
    config = get_config(session, TENANT, keyring)
    transport = CustomFieldsLookup(sandbox.transport(), None)  # no admin API in-process
    step = by_key(check_setup(config, session, TENANT, transport=transport))["custom_package"]
    assert step.status == "missing"
    assert "Import Customization Package" in step.fix


def test_check_against_a_served_sandbox_reads_its_admin_api(
    session: Session, keyring: Keyring
) -> None:
    sandbox = Sandbox(seed=27)
    with serve_in_thread(sandbox.asgi_app()) as base:
        plan = SandboxPlan(endpoint_url=f"{base}/ia/xml/xmlgw.phtml")
        assert all_ok(setup_sandbox(sandbox, session, TENANT, keyring, plan))
        config = get_config(session, TENANT, keyring)
        # Over the network, with lookup hiding the audit-trail field (as for a package
        # exported without it): the check falls back to the sandbox's admin API.
        transport = CustomFieldsLookup(_Network(), None)
        results = by_key(check_setup(config, session, TENANT, transport=transport))
    assert all(r.status == "ok" for r in results.values()), results
    assert "sandbox's admin API" in results["custom_package"].detail


def test_setup_sandbox_never_replaces_a_real_configuration(
    session: Session, keyring: Keyring
) -> None:
    from intacct_bridge.config.models import IntegrationConfig

    real = IntegrationConfig(tenant_id=TENANT, company_id="REAL-CO", user_id="api")
    save_config(session, TENANT, real, keyring)
    results = setup_sandbox(Sandbox(seed=28), session, TENANT, keyring)
    assert [(r.step.key, r.status) for r in results] == [("configuration", "failed")]
    assert "tenant add sandbox" in results[0].fix
    kept = get_config(session, TENANT, keyring)
    assert kept is not None and kept.company_id == "REAL-CO"
