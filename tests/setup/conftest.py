"""Fixtures for the setup tests: configurations pointing at an in-process sandbox."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from intacct_bridge.cli.main import app
from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.config.secrets import Secret
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.persistence import load_state, save_state

PACKAGE_XSD = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "intacct-schema"
    / "customerp"
    / "CustomERPPackage.xsd"
)


def make_config(
    sandbox: Sandbox, creds: QuickstartCredentials, **changes: object
) -> IntegrationConfig:
    values: dict[str, object] = {
        "tenant_id": "default",
        "option_active": True,
        "endpoint_url": sandbox.endpoint,
        "sender_id": creds.sender_id,
        "sender_password": Secret(creds.sender_password),
        "company_id": creds.company_id,
        "user_id": creds.user_id,
        "user_password": Secret(creds.user_password),
    }
    values.update(changes)
    return IntegrationConfig.model_validate(values)


@pytest.fixture
def config(sandbox: Sandbox, creds: QuickstartCredentials) -> IntegrationConfig:
    return make_config(sandbox, creds)


@lru_cache(maxsize=1)
def _schema() -> object:
    import xmlschema

    return xmlschema.XMLSchema(str(PACKAGE_XSD), validation="lax")


@pytest.fixture
def validate_package() -> Callable[[bytes], None]:
    """Assert that a package validates against Intacct's CustomERPPackage.xsd."""
    if not PACKAGE_XSD.parent.exists():
        pytest.skip("../shared/intacct-schema/customerp is absent")

    def check(data: bytes) -> None:
        schema = _schema()
        errors = [str(e.reason) for e in schema.iter_errors(data.decode())]  # type: ignore[attr-defined]
        assert not errors, (
            f"the package does not validate against CustomERPPackage.xsd: {errors[:3]}"
        )

    return check


SECRET_VALUES = ("Sender-Pa55-XYZ", "User-Pa55-XYZ", "Hook-5ecret-XYZ")


class Cli:
    """Runs ``intacct-bridge`` with a private database and key file."""

    def __init__(self, tmp_path: Path) -> None:
        self.runner = CliRunner()
        self.db = f"sqlite:///{tmp_path / 'bridge.db'}"
        self.key_file = tmp_path / "keys" / "secret.key"
        self.state = tmp_path / "sandbox.json"
        self.env = {
            "INTACCT_BRIDGE_DB_URL": self.db,
            "INTACCT_BRIDGE_SECRET_KEY_FILE": str(self.key_file),
            "INTACCT_BRIDGE_SECRET_KEY": None,
            "INTACCT_BRIDGE_SANDBOX_STATE": None,
            "INTACCT_BRIDGE_SANDBOX_PORT": None,
            "INTACCT_BRIDGE_HOME": None,
            "INTACCT_BRIDGE_TENANT": None,
            "INTACCT_BRIDGE_SENDER_PASSWORD": None,
            "INTACCT_BRIDGE_USER_PASSWORD": None,
            "INTACCT_BRIDGE_WEBHOOK_SECRET": None,
        }

    def __call__(self, *args: str, code: int = 0, input: str | None = None) -> Result:
        result = self.runner.invoke(app, list(args), env=self.env, input=input)
        output = result.output + (result.stderr if result.stderr_bytes is not None else "")
        assert "Traceback" not in output, output
        assert result.exit_code == code, f"exit {result.exit_code}: {output}"
        return result

    def sandbox(self) -> Sandbox:
        sandbox = Sandbox()
        load_state(sandbox.backend, self.state)
        return sandbox

    def save(self, sandbox: Sandbox) -> None:
        save_state(sandbox.backend, self.state)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.chdir(tmp_path)
    return Cli(tmp_path)


def text(result: Result) -> str:
    return result.output + (result.stderr if result.stderr_bytes is not None else "")


from tests.store.fixtures import backend, db_engine, fresh_url, session  # noqa: E402

__all__ = [
    "SECRET_VALUES",
    "Cli",
    "backend",
    "cli",
    "config",
    "db_engine",
    "fresh_url",
    "session",
    "text",
    "validate_package",
]
