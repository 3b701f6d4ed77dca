"""The deployment's settings: what the command line reads from the environment, in one place.

Every variable is optional; the command-line option of the same meaning wins over it.

==================================  ==========================================================
``INTACCT_BRIDGE_DB_URL``           the database (default ``sqlite:///./intacct-bridge.db``;
                                    PostgreSQL: ``postgresql+psycopg://user@host/db``)
``INTACCT_BRIDGE_TENANT``           the tenant the commands work on (default ``default``)
``INTACCT_BRIDGE_HOME``             the data directory (default ``./.intacct-bridge``): the
                                    secret key file and the record of the sandboxes set up
``INTACCT_BRIDGE_SECRET_KEY``       the Fernet key(s), comma-separated, newest first (wins over
                                    any key file)
``INTACCT_BRIDGE_SECRET_KEY_FILE``  the key file (default ``$INTACCT_BRIDGE_HOME/secret.key``)
``INTACCT_BRIDGE_SANDBOX_STATE``    the sandbox state file of ``setup`` and ``connection test``
``INTACCT_BRIDGE_SANDBOX_PORT``     the port of the local sandbox (default 8080): where
                                    ``sandbox serve`` listens and what ``setup sandbox``
                                    configures as the Endpoint URL
``INTACCT_BRIDGE_REQUEST_TIMEOUT``  seconds an Intacct request of the sync engine may take
                                    (default 60): the client gives up after it, and a worker
                                    process killed mid-request keeps its Intacct slot that
                                    long (the request may still run at the gateway)
==================================  ==========================================================

A bad value is refused with the variable's name and what it should be
(:class:`SettingsError`), before a command does anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from intacct_bridge.errors import BridgeError
from intacct_bridge.model.errors import ModelError
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID, check_tenant_id

PREFIX = "INTACCT_BRIDGE_"
DEFAULT_DATABASE_URL = "sqlite:///./intacct-bridge.db"
DEFAULT_HOME = Path(".intacct-bridge")
DEFAULT_SANDBOX_PORT = 8080
SANDBOX_GATEWAY_PATH = "/ia/xml/xmlgw.phtml"
DEFAULT_REQUEST_TIMEOUT = 60.0


class SettingsError(BridgeError):
    """An environment variable has a value the bridge cannot use."""


class Settings(BaseSettings):
    """The ``INTACCT_BRIDGE_*`` environment variables (see the module docstring)."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore", frozen=True)

    db_url: Annotated[str, Field(min_length=1)] = DEFAULT_DATABASE_URL
    tenant: str = DEFAULT_TENANT_ID
    home: Path = DEFAULT_HOME
    secret_key: SecretStr | None = None
    secret_key_file: Path | None = None
    sandbox_state: Path | None = None
    sandbox_port: int = DEFAULT_SANDBOX_PORT
    request_timeout: Annotated[float, Field(gt=0, le=3600)] = DEFAULT_REQUEST_TIMEOUT

    @field_validator("db_url")
    @classmethod
    def _url(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value.strip())
        except ArgumentError:
            raise ValueError(
                "not a database URL; e.g. sqlite:///./intacct-bridge.db or "
                "postgresql+psycopg://user@host/db"
            ) from None
        return value.strip()

    @field_validator("tenant")
    @classmethod
    def _tenant(cls, value: str) -> str:
        try:
            return check_tenant_id(value.strip())
        except ModelError as error:
            raise ValueError(f"{error.reason}; {error.fix}") from None

    @field_validator("sandbox_port", mode="before")
    @classmethod
    def _port(cls, value: object) -> object:
        text = str(value).strip()
        if not text.isdigit() or not 1 <= int(text) <= 65535:
            raise ValueError("not a TCP port; use a number from 1 to 65535")
        return int(text)

    @field_validator("secret_key", "secret_key_file", "sandbox_state", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def key_file(self) -> Path:
        """The secret key file: ``INTACCT_BRIDGE_SECRET_KEY_FILE``, else in the data
        directory."""
        return self.secret_key_file or self.home / "secret.key"

    @property
    def sandboxes_file(self) -> Path:
        """Where ``setup sandbox`` records which state file it set up for which tenant."""
        return self.home / "sandboxes.json"

    @property
    def sandbox_endpoint(self) -> str:
        """The Endpoint URL of the local sandbox (``sandbox serve`` on this machine)."""
        return f"http://127.0.0.1:{self.sandbox_port}{SANDBOX_GATEWAY_PATH}"


def load_settings() -> Settings:
    """The settings from the environment; a bad value raises :class:`SettingsError` naming
    the variable and what it should be."""
    try:
        return Settings()
    except ValidationError as error:
        problems = []
        for item in error.errors():
            name = PREFIX + "_".join(str(part) for part in item["loc"]).upper()
            given = item.get("input")
            message = str(item["msg"]).removeprefix("Value error, ")
            secret = name == f"{PREFIX}SECRET_KEY"
            shown = f" ({given!r})" if isinstance(given, str) and not secret else ""
            problems.append(f"${name}{shown}: {message}")
        raise SettingsError("; ".join(problems)) from None


__all__ = [
    "DEFAULT_DATABASE_URL",
    "DEFAULT_HOME",
    "DEFAULT_REQUEST_TIMEOUT",
    "DEFAULT_SANDBOX_PORT",
    "Settings",
    "SettingsError",
    "load_settings",
]
