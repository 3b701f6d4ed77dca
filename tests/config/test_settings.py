"""The deployment's settings: the INTACCT_BRIDGE_* environment, read in one place."""

from __future__ import annotations

from pathlib import Path

import pytest

from intacct_bridge.config.settings import Settings, SettingsError, load_settings

NAMES = (
    "DB_URL",
    "TENANT",
    "HOME",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "SANDBOX_STATE",
    "SANDBOX_PORT",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NAMES:
        monkeypatch.delenv(f"INTACCT_BRIDGE_{name}", raising=False)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.db_url == "sqlite:///./intacct-bridge.db"
    assert settings.tenant == "default"
    assert settings.key_file == Path(".intacct-bridge") / "secret.key"
    assert settings.sandboxes_file == Path(".intacct-bridge") / "sandboxes.json"
    assert settings.sandbox_state is None and settings.secret_key is None
    assert settings.sandbox_endpoint == "http://127.0.0.1:8080/ia/xml/xmlgw.phtml"


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("INTACCT_BRIDGE_DB_URL", " postgresql+psycopg://u@h/db ")
    monkeypatch.setenv("INTACCT_BRIDGE_TENANT", "acme")
    monkeypatch.setenv("INTACCT_BRIDGE_HOME", str(tmp_path))
    monkeypatch.setenv("INTACCT_BRIDGE_SANDBOX_PORT", " 8081 ")
    monkeypatch.setenv("INTACCT_BRIDGE_SECRET_KEY", "k1,k2")
    monkeypatch.setenv("INTACCT_BRIDGE_SANDBOX_STATE", "")  # empty = not set
    settings = load_settings()
    assert settings.db_url == "postgresql+psycopg://u@h/db"
    assert settings.tenant == "acme"
    assert settings.key_file == tmp_path / "secret.key"
    assert settings.sandbox_state is None
    assert settings.sandbox_endpoint == "http://127.0.0.1:8081/ia/xml/xmlgw.phtml"
    assert settings.secret_key is not None and "k1" not in repr(settings)
    monkeypatch.setenv("INTACCT_BRIDGE_SECRET_KEY_FILE", str(tmp_path / "other.key"))
    assert load_settings().key_file == tmp_path / "other.key"


@pytest.mark.parametrize("port", ["0", "65536", "-1", "eighty", "80.5", ""])
def test_a_port_outside_1_to_65535_is_refused(monkeypatch: pytest.MonkeyPatch, port: str) -> None:
    monkeypatch.setenv("INTACCT_BRIDGE_SANDBOX_PORT", port)
    with pytest.raises(SettingsError, match=r"\$INTACCT_BRIDGE_SANDBOX_PORT .*not a TCP port"):
        load_settings()


def test_every_bad_value_is_named_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTACCT_BRIDGE_DB_URL", "::")
    monkeypatch.setenv("INTACCT_BRIDGE_TENANT", "Has Spaces")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert "$INTACCT_BRIDGE_DB_URL ('::'): not a database URL" in message
    assert "$INTACCT_BRIDGE_TENANT ('Has Spaces')" in message


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValueError):
        settings.tenant = "other"  # type: ignore[misc]
