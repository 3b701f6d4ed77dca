"""One ``Secret`` for the whole bridge, and the client's layering (it never imports
``config``, ``store`` or ``sandbox``)."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

from lxml import etree

import intacct_bridge.intacct as intacct_package
from intacct_bridge.config import secrets as config_secrets
from intacct_bridge.intacct import IntacctClient, IntacctConfig, envelope, functions
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.secret import MASK, Secret


def test_there_is_one_secret_class() -> None:
    assert config_secrets.Secret is Secret
    assert envelope.Secret is Secret
    assert config_secrets.MASK == MASK


def test_the_envelope_reveals_secrets_only_inside_the_request() -> None:
    sender = envelope.SenderCredentials("S", Secret("sender-pw"))
    login = envelope.Login("U", "C", Secret("user-pw"))
    body = envelope.build_request(sender, login, [], control_id="c", unique_id=False)
    root = etree.fromstring(body)
    assert root.findtext("control/password") == "sender-pw"
    assert root.findtext("operation/authentication/login/password") == "user-pw"
    session = envelope.build_request(
        sender, envelope.SessionAuth(Secret("sess-1")), [], control_id="c", unique_id=False
    )
    assert etree.fromstring(session).findtext("operation/authentication/sessionid") == "sess-1"
    for shown in (repr(sender), repr(login), str(login), f"{login}"):
        assert "pw" not in shown.replace("password", "")


def test_the_client_takes_secrets_or_plain_text(
    sandbox: Sandbox, creds: QuickstartCredentials
) -> None:
    config = IntacctConfig(
        sender_id=creds.sender_id,
        sender_password=Secret(creds.sender_password),
        company_id=creds.company_id,
        user_id=creds.user_id,
        user_password=Secret(creds.user_password),
        endpoint=sandbox.endpoint,
    )
    assert creds.user_password not in repr(config)

    async def go() -> int:
        async with IntacctClient(config, transport=sandbox.transport()) as client:
            result = await client.call(functions.read_by_query("CLASS", "", ["CLASSID"]))
            return result.count

    assert asyncio.run(go()) == 0


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_client_never_imports_config_store_or_sandbox() -> None:
    package = Path(intacct_package.__file__).parent
    forbidden = ("config", "store", "sandbox", "setup", "cli", "intake", "demo")
    for path in sorted(package.glob("*.py")):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "intacct_bridge" and len(parts) > 1:
                assert parts[1] not in forbidden, f"{path.name} imports {name}"
