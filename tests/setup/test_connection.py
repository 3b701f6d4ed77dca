"""``connection test`` diagnosis against sandbox companies set up wrong in each way.

Each case breaks one thing the seed guide sets up (or the configuration), runs the real
sign-in through ``IntacctClient`` on the sandbox's transport, and checks the diagnosis
code, the step it stops at, and that the fix names the right Intacct screen.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest

from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.config.secrets import Secret
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox, SandboxSettings
from intacct_bridge.setup.connection import (
    STEP_KEYS,
    ConnectionReport,
    diagnose,
    run_connection_test,
)
from tests.setup.conftest import make_config

USERS = "Company > Admin > Users, roles & groups > Web Services users"
SECURITY = "Company > Admin > Setup > Security"


def run(config: IntegrationConfig, transport: httpx.AsyncBaseTransport | None) -> ConnectionReport:
    return asyncio.run(run_connection_test(config, transport=transport, timeout=5))


def statuses(report: ConnectionReport) -> dict[str, str]:
    return {step.key: step.status for step in report.steps}


@dataclass
class Case:
    """A sandbox company set up wrong in one way."""

    code: str
    step: str
    #: phrases the fix must contain (the guide's menu paths and settings)
    fix: tuple[str, ...]
    breaks: Callable[[Sandbox, QuickstartCredentials], None] = lambda sandbox, creds: None
    config: dict[str, object] = field(default_factory=dict)
    mega: bool = False


CASES = {
    "wrong sender password": Case(
        "sender_rejected",
        "sender",
        ("sender password", "case-sensitive"),
        config={"sender_password": Secret("not-the-sender-password")},
    ),
    "unknown sender ID": Case(
        "sender_rejected", "sender", ("Sender ID",), config={"sender_id": "XT_other"}
    ),
    "sender not authorized": Case(
        "sender_not_authorized",
        "authorization",
        (SECURITY, "Web Services authorization", "Sender ID: XT_mfg", "Save"),
        breaks=lambda sandbox, creds: sandbox.admin.revoke_sender(
            creds.company_id, creds.sender_id
        ),
    ),
    "sender authorization inactive": Case(
        "sender_not_authorized",
        "authorization",
        (SECURITY, "Active"),
        breaks=lambda sandbox, creds: sandbox.admin.authorize_sender(
            creds.company_id, creds.sender_id, status="inactive"
        ),
    ),
    "wrong user password": Case(
        "user_rejected",
        "credentials",
        ("Company Info", USERS, "--user-password"),
        config={"user_password": Secret("not-the-user-password")},
    ),
    "wrong company ID": Case(
        "user_rejected", "credentials", ("Company ID",), config={"company_id": "NO-SUCH-CO"}
    ),
    "unknown user": Case(
        "user_rejected", "credentials", ("User ID",), config={"user_id": "nobody"}
    ),
    "user inactive": Case(
        "user_inactive",
        "active",
        (USERS, "User information tab", "Status: select Active"),
        breaks=lambda sandbox, creds: sandbox.admin.update_user(
            creds.company_id, creds.user_id, status="inactive"
        ),
    ),
    "user not admin": Case(
        "not_admin",
        "write",
        (
            USERS,
            "Admin privileges: select Full",
            "Roles information tab",
            "Admin on the first line",
        ),
        breaks=lambda sandbox, creds: sandbox.admin.update_user(
            creds.company_id, creds.user_id, admin="off", roles=()
        ),
    ),
    "no top-level access": Case(
        "no_top_level_access",
        "level",
        (USERS, "User entities tab", "enable access to the top level"),
        breaks=lambda sandbox, creds: sandbox.admin.update_user(
            creds.company_id, creds.user_id, top_level_access=False
        ),
        mega=True,
    ),
    "entity not found": Case(
        "entity_not_found",
        "level",
        ("--entity-id", "User entities tab"),
        config={"entity_id": "E404"},
        mega=True,
    ),
    "entity not accessible": Case(
        "entity_not_found",
        "level",
        ("give the user access to entity E2",),
        breaks=lambda sandbox, creds: sandbox.admin.update_user(
            creds.company_id, creds.user_id, entity_access=("E1",)
        ),
        config={"entity_id": "E2"},
        mega=True,
    ),
    "no transport policy": Case(
        "policy_invalid",
        "policy",
        ("Sage support", "--policy-id", "--synchronous"),
        config={"asynchronous": True, "policy_id": "NO-SUCH-POLICY"},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_wrong_setup_is_diagnosed_with_the_guides_fix(name: str) -> None:
    case = CASES[name]
    sandbox = Sandbox(seed=7)
    creds = sandbox.quickstart(mega=case.mega)
    if case.mega:
        sandbox.admin.add_entity(creds.company_id, "E1", "East")
        sandbox.admin.add_entity(creds.company_id, "E2", "West")
    case.breaks(sandbox, creds)
    report = run(make_config(sandbox, creds, **case.config), sandbox.transport())
    assert not report.ok
    diagnosis = report.diagnosis
    assert diagnosis is not None
    assert (diagnosis.code, diagnosis.step) == (case.code, case.step), diagnosis
    for phrase in case.fix:
        assert phrase in diagnosis.fix, (phrase, diagnosis.fix)
    seen = statuses(report)
    failed_at = STEP_KEYS.index(case.step)
    assert seen[case.step] == "failed"
    assert all(seen[key] in ("ok", "skipped") for key in STEP_KEYS[:failed_at])
    assert all(seen[key] == "not tested" for key in STEP_KEYS[failed_at + 1 :])
    shown = f"{diagnosis.message} {diagnosis.fix} {diagnosis.intacct}"
    assert creds.sender_password not in shown and creds.user_password not in shown


def test_a_correct_setup_passes_every_step(sandbox: Sandbox, config: IntegrationConfig) -> None:
    report = run(config, sandbox.transport())
    assert report.ok, report.diagnosis
    assert statuses(report) == dict.fromkeys(STEP_KEYS, "ok") | {"policy": "skipped"}
    assert report.session_endpoint == sandbox.endpoint
    assert not report.mega


def test_a_valid_transport_policy_passes(sandbox: Sandbox, creds: QuickstartCredentials) -> None:
    sandbox.backend.async_transport = httpx.MockTransport(lambda request: httpx.Response(200))
    sandbox.admin.add_policy("BRIDGE-ASYNC", creds.sender_id, "https://bridge.example.com/async")
    config = make_config(sandbox, creds, asynchronous=True, policy_id="BRIDGE-ASYNC")
    report = run(config, sandbox.transport())
    assert report.ok, report.diagnosis
    assert statuses(report)["policy"] == "ok"


def test_mega_company_lists_its_entities_and_entity_sign_in_works() -> None:
    sandbox = Sandbox(seed=3)
    creds = sandbox.quickstart(mega=True)
    sandbox.admin.add_entity(creds.company_id, "E1", "East")
    report = run(make_config(sandbox, creds, entity_id="E1"), sandbox.transport())
    assert report.ok, report.diagnosis
    assert [(e.location_id, e.name) for e in report.entities] == [("E1", "East")]


def test_legacy_login_failure_is_diagnosed_too() -> None:
    sandbox = Sandbox(seed=5, settings=SandboxSettings(login_failure_style="legacy"))
    creds = sandbox.quickstart()
    config = make_config(sandbox, creds, user_password=Secret("wrong"))
    diagnosis = run(config, sandbox.transport()).diagnosis
    assert diagnosis is not None and diagnosis.code == "user_rejected"


def test_the_write_probe_never_deletes_anything(
    sandbox: Sandbox, creds: QuickstartCredentials, config: IntegrationConfig
) -> None:
    sandbox.admin.seed(
        creds.company_id,
        "VENDOR",
        [{"VENDORID": "V1", "NAME": "One", "DISPLAYCONTACT": {"PRINTAS": "One"}}],
    )
    sandbox.admin.seed(
        creds.company_id,
        "CUSTOMER",
        [{"CUSTOMERID": "C1", "NAME": "One", "DISPLAYCONTACT": {"PRINTAS": "One"}}],
    )
    assert run(config, sandbox.transport()).ok
    assert len(sandbox.admin.records(creds.company_id, "VENDOR")) == 1
    assert len(sandbox.admin.records(creds.company_id, "CUSTOMER")) == 1


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed when the block ends: nothing listens


def test_endpoint_unreachable(sandbox: Sandbox, creds: QuickstartCredentials) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/ia/xml/xmlgw.phtml"
    report = run(make_config(sandbox, creds, endpoint_url=url), None)
    diagnosis = report.diagnosis
    assert diagnosis is not None
    assert (diagnosis.code, diagnosis.step) == ("endpoint_unreachable", "endpoint")
    assert "connection refused" in diagnosis.message
    assert "--endpoint-url" in diagnosis.fix
    assert statuses(report)["endpoint"] == "failed"


def test_endpoint_that_is_not_the_gateway(sandbox: Sandbox, creds: QuickstartCredentials) -> None:
    config = make_config(sandbox, creds, endpoint_url="https://sandbox.intacct.invalid/wrong/path")
    diagnosis = run(config, sandbox.transport()).diagnosis
    assert diagnosis is not None
    assert diagnosis.code == "endpoint_not_gateway"
    assert "HTTP 404" in diagnosis.message


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (
            httpx.Response(200, text="<html>welcome</html>", headers={"content-type": "text/html"}),
            "not_intacct",
        ),
        (httpx.Response(503, text="maintenance"), "intacct_unavailable"),
        (httpx.Response(429, headers={"retry-after": "0"}), "rate_limited"),
    ],
)
def test_answers_that_are_not_a_sign_in(
    sandbox: Sandbox, creds: QuickstartCredentials, reply: httpx.Response, code: str
) -> None:
    transport = httpx.MockTransport(lambda request: reply)
    diagnosis = run(make_config(sandbox, creds), transport).diagnosis
    assert diagnosis is not None
    assert (diagnosis.code, diagnosis.step) == (code, "endpoint")


def test_incomplete_configuration_sends_nothing(sandbox: Sandbox) -> None:
    config = IntegrationConfig(tenant_id="default", endpoint_url=sandbox.endpoint)
    report = run(config, sandbox.transport())
    assert report.diagnosis is not None
    assert report.diagnosis.code == "incomplete_config"
    assert "Company ID" in report.diagnosis.message
    assert set(statuses(report).values()) == {"not tested"}


def test_an_unreadable_password_is_diagnosed(
    sandbox: Sandbox, creds: QuickstartCredentials
) -> None:
    config = make_config(sandbox, creds, user_password=Secret.unavailable("the key is gone"))
    report = run(config, sandbox.transport())
    assert report.diagnosis is not None
    assert report.diagnosis.code == "secret_unreadable"
    assert "the key is gone" in report.diagnosis.message


def test_diagnose_never_raises_on_the_unexpected(config: IntegrationConfig) -> None:
    assert diagnose(RuntimeError("boom"), config).code == "unexpected"


def test_a_refused_policy_outside_the_test_names_the_policy_not_the_credentials(
    sandbox: Sandbox, creds: QuickstartCredentials
) -> None:
    from intacct_bridge.intacct import IntacctClient, IntacctConfig, IntacctPolicyError
    from intacct_bridge.intacct import functions as fn

    config = IntacctConfig(
        sender_id=creds.sender_id,
        sender_password=creds.sender_password,
        company_id=creds.company_id,
        user_id=creds.user_id,
        user_password=creds.user_password,
        endpoint=sandbox.endpoint,
    )

    async def go() -> None:
        async with IntacctClient(config, transport=sandbox.transport()) as client:
            await client.submit_async([fn.create("CLASS", {"CLASSID": "P1"})], policy_id="NOPE")

    with pytest.raises(IntacctPolicyError) as caught:
        asyncio.run(go())
    diagnosis = diagnose(caught.value, make_config(sandbox, creds))
    assert (diagnosis.code, diagnosis.step) == ("policy_invalid", "policy")
    assert "--policy-id" in diagnosis.fix and "--synchronous" in diagnosis.fix
    assert "NOPE" in diagnosis.message and creds.sender_password not in diagnosis.message
