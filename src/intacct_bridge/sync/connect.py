"""An :class:`~intacct_bridge.intacct.IntacctClient` for a tenant, from its stored
configuration and encrypted secrets.

The configuration (:mod:`intacct_bridge.config`) is the single source of credentials; this
module only checks that the tenant may synchronise (the option and the configuration are
active, nothing is missing, the passwords can be decrypted) and builds the client. Master
data always goes to the **top level** of a MEGA company (``top_level=True``), whatever the
configured sign-in entity.
"""

from __future__ import annotations

import dataclasses

import httpx
from sqlalchemy.orm import Session

from intacct_bridge.config.models import ConfigError, IntegrationConfig
from intacct_bridge.config.secrets import Keyring, SecretUnavailableError
from intacct_bridge.config.settings import load_settings
from intacct_bridge.config.store import get_config
from intacct_bridge.intacct import CompanyLimiter, IntacctClient, RetryPolicy


class NotConfiguredError(ConfigError):
    """The tenant cannot synchronise yet (the message says what is missing and the fix)."""


def load_config(session: Session, tenant_id: str, keyring: Keyring | None) -> IntegrationConfig:
    """The tenant's configuration, checked for synchronisation.

    Raises:
        NotConfiguredError: no configuration, the option or the configuration is off, or a
            sign-in field is missing or cannot be decrypted.
    """
    config = get_config(session, tenant_id, keyring)
    if config is None:
        raise NotConfiguredError(
            f"tenant {tenant_id!r} has no Intacct configuration; run intacct-bridge config set "
            "(or intacct-bridge setup sandbox)"
        )
    if not config.option_active:
        raise NotConfiguredError(
            f"the Sage Intacct option is off for tenant {tenant_id!r}; nothing is exchanged "
            "until it is on: intacct-bridge config set --option-active"
        )
    if not config.active:
        raise NotConfiguredError(
            f"the Intacct configuration of tenant {tenant_id!r} is inactive; "
            "activate it with intacct-bridge config set --active"
        )
    missing = config.missing()
    if missing:
        raise NotConfiguredError(
            f"the configuration of tenant {tenant_id!r} lacks: {', '.join(missing)}; "
            "set them with intacct-bridge config set"
        )
    for name in ("sender_password", "user_password"):
        secret = getattr(config, name)
        if secret is not None and not secret.readable:
            raise NotConfiguredError(
                f"the {name.replace('_', ' ')} of tenant {tenant_id!r} cannot be read "
                f"({secret.problem}); use the secret key it was stored with, or set it again"
            )
    return config


def client_for(
    config: IntegrationConfig,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    limiter: CompanyLimiter | None = None,
    top_level: bool = True,
    retry: RetryPolicy | None = None,
    timeout: float | None = None,
) -> IntacctClient:
    """A client for ``config``; ``transport`` replaces the network (the sandbox in tests).

    ``timeout`` (seconds per request) defaults to ``INTACCT_BRIDGE_REQUEST_TIMEOUT`` (60).

    Raises :class:`NotConfiguredError` when a password cannot be decrypted.
    """
    if timeout is None:
        timeout = load_settings().request_timeout
    try:
        intacct = config.intacct_config(timeout=timeout, retry=retry)
    except SecretUnavailableError as error:
        raise NotConfiguredError(str(error)) from None
    if top_level:
        intacct = dataclasses.replace(intacct, location_id="")
    return IntacctClient(intacct, transport=transport, limiter=limiter)


__all__ = ["NotConfiguredError", "client_for", "load_config"]
