"""Fixtures for the setup tests: configurations pointing at an in-process sandbox."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pytest

from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.config.secrets import Secret
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox

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


from tests.store.fixtures import backend, db_engine, fresh_url, session  # noqa: E402

__all__ = ["backend", "config", "db_engine", "fresh_url", "session", "validate_package"]
