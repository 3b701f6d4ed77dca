"""The integration configuration (the "Sage Intacct configuration" page) and its secrets.

* :mod:`.models` — :class:`IntegrationConfig` and its parts, validated with pydantic;
* :mod:`.secrets` — :class:`Secret`, the Fernet :class:`Keyring`, key file and rotation;
* :mod:`.store` — per-tenant storage in the SQL store (imported on its own, as it needs
  the store's tables).
"""

from intacct_bridge.config.models import (
    DEFAULT_SENDER_ID,
    LABELS,
    ConfigError,
    ContactSwitches,
    IntegrationConfig,
    TaxDefault,
    TransactionLevel,
)
from intacct_bridge.config.secrets import (
    MASK,
    Keyring,
    Secret,
    SecretKeyError,
    SecretUnavailableError,
    load_keyring,
)

__all__ = [
    "DEFAULT_SENDER_ID",
    "LABELS",
    "MASK",
    "ConfigError",
    "ContactSwitches",
    "IntegrationConfig",
    "Keyring",
    "Secret",
    "SecretKeyError",
    "SecretUnavailableError",
    "TaxDefault",
    "TransactionLevel",
    "load_keyring",
]
