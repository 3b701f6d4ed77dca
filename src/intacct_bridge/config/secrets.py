"""Secrets at rest: Fernet encryption with a key from the environment or a key file.

* **Where the key comes from.** ``$INTACCT_BRIDGE_SECRET_KEY`` (one or more Fernet keys,
  newest first, separated by commas or white space) wins; otherwise the key file —
  ``--key-file``, ``$INTACCT_BRIDGE_SECRET_KEY_FILE`` or ``./.intacct-bridge/secret.key`` —
  created by ``intacct-bridge init`` with mode 0600 (one key per line, newest first,
  ``#`` comments allowed). A key file that other users can read is refused.
* **Encrypting.** :class:`Keyring` wraps :class:`cryptography.fernet.MultiFernet`: the
  first key encrypts, every key decrypts, so a rotation can re-encrypt at leisure
  (``intacct-bridge config rotate-key``).
* **Never shown.** A :class:`~intacct_bridge.secret.Secret` (defined in
  :mod:`intacct_bridge.secret`, re-exported here) prints as ``••••`` in ``str``, ``repr``,
  logs, tracebacks and pydantic dumps; only :meth:`Secret.reveal` gives the value.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from intacct_bridge.errors import BridgeError
from intacct_bridge.files import atomic_write
from intacct_bridge.secret import MASK, Secret, SecretUnavailableError

ENV_KEY = "INTACCT_BRIDGE_SECRET_KEY"
ENV_KEY_FILE = "INTACCT_BRIDGE_SECRET_KEY_FILE"
DEFAULT_KEY_FILE = Path(".intacct-bridge") / "secret.key"


class SecretKeyError(BridgeError):
    """No usable secret key: run ``intacct-bridge init`` or set INTACCT_BRIDGE_SECRET_KEY."""


@dataclass(frozen=True)
class KeySource:
    """Where the keys were read from."""

    kind: Literal["env", "file"]
    path: Path | None = None

    def describe(self) -> str:
        if self.kind == "env":
            return f"${ENV_KEY}"
        return f"key file {self.path}"


class Keyring:
    """Fernet keys, newest first: the first encrypts, any decrypts."""

    def __init__(self, keys: Sequence[bytes], source: KeySource) -> None:
        if not keys:
            raise SecretKeyError(f"{source.describe()} holds no key.")
        self._keys = tuple(keys)
        self._fernet = MultiFernet([Fernet(key) for key in self._keys])
        self.source = source

    def __repr__(self) -> str:
        return f"Keyring({len(self._keys)} key(s) from {self.source.describe()})"

    @property
    def size(self) -> int:
        return len(self._keys)

    @property
    def keys(self) -> tuple[bytes, ...]:
        return self._keys

    @property
    def fingerprint(self) -> str:
        """A short, non-secret name of the encrypting key (for messages)."""
        return hashlib.sha256(self._keys[0]).hexdigest()[:12]

    def encrypt(self, secret: Secret) -> str:
        return self._fernet.encrypt(secret.reveal().encode("utf-8")).decode("ascii")

    def decrypt(self, token: str, *, what: str = "secret") -> Secret:
        """The secret in ``token``; :class:`SecretUnavailableError` if no key opens it."""
        try:
            plain = self._fernet.decrypt(token.encode("ascii"))
        except (InvalidToken, ValueError, UnicodeEncodeError):
            raise SecretUnavailableError(self._undecryptable(what)) from None
        return Secret(plain.decode("utf-8"))

    def rotate(self, token: str, *, what: str = "secret") -> str:
        """``token`` re-encrypted under the newest key."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, ValueError, UnicodeEncodeError):
            raise SecretUnavailableError(self._undecryptable(what)) from None

    def _undecryptable(self, what: str) -> str:
        return (
            f"the stored {what} cannot be decrypted with the key(s) from "
            f"{self.source.describe()}: the key was changed without `intacct-bridge config "
            "rotate-key`. Put the previous key back (listed after the new one), "
            "or set the secret again with `intacct-bridge config set`."
        )


def generate_key() -> bytes:
    return Fernet.generate_key()


def parse_keys(text: str, where: str) -> list[bytes]:
    """The Fernet keys in ``text`` (lines or commas; ``#`` starts a comment)."""
    keys: list[bytes] = []
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0]
        for item in content.replace(",", " ").split():
            key = item.encode("ascii", "replace")
            try:
                Fernet(key)
            except ValueError:
                raise SecretKeyError(
                    f"{where}, line {number}: not a Fernet key (32 url-safe base64-encoded "
                    "bytes); create one with `intacct-bridge init`."
                ) from None
            keys.append(key)
    return keys


def key_file_path(path: Path | None = None, env: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if env is None else env
    if path is not None:
        return path
    named = environ.get(ENV_KEY_FILE)
    return Path(named) if named else DEFAULT_KEY_FILE


def load_keyring(key_file: Path | None = None, env: Mapping[str, str] | None = None) -> Keyring:
    """The keys from ``$INTACCT_BRIDGE_SECRET_KEY``, else from the key file."""
    environ = os.environ if env is None else env
    from_env = environ.get(ENV_KEY, "").strip()
    if from_env:
        return Keyring(parse_keys(from_env, f"${ENV_KEY}"), KeySource("env"))
    path = key_file_path(key_file, environ)
    if not path.exists():
        raise SecretKeyError(
            f"no secret key: {path} does not exist and ${ENV_KEY} is not set. Run "
            "`intacct-bridge init` to create the key file, or set the variable."
        )
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise SecretKeyError(
            f"{path} can be read by other users; restrict it with: chmod 600 {path}"
        )
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretKeyError(f"cannot read the key file {path}: {exc}") from None
    return Keyring(parse_keys(text, str(path)), KeySource("file", path))


_HEADER = (
    "# intacct-bridge secret keys (Fernet), newest first. Keep this file private and backed\n"
    "# up: without it the stored passwords cannot be read. Rotate: intacct-bridge config "
    "rotate-key\n"
)


def write_key_file(path: Path, keys: Sequence[bytes]) -> None:
    """Write ``keys`` to ``path`` atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = _HEADER + "".join(key.decode("ascii") + "\n" for key in keys)
    atomic_write(path, text, mode=0o600)


def create_key_file(path: Path) -> bool:
    """Create ``path`` with one new key; ``False`` (and nothing changed) if it exists."""
    if path.exists():
        return False
    write_key_file(path, [generate_key()])
    return True


__all__ = [
    "DEFAULT_KEY_FILE",
    "ENV_KEY",
    "ENV_KEY_FILE",
    "MASK",
    "KeySource",
    "Keyring",
    "Secret",
    "SecretKeyError",
    "SecretUnavailableError",
    "create_key_file",
    "generate_key",
    "key_file_path",
    "load_keyring",
    "parse_keys",
    "write_key_file",
]
