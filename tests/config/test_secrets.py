"""Secrets: never shown, encrypted with Fernet, keys from the environment or a 0600 key file."""

from __future__ import annotations

import json
import logging
import os
import pickle
import stat
from pathlib import Path

import pytest
from pydantic import BaseModel

from intacct_bridge.config.secrets import (
    ENV_KEY,
    MASK,
    Keyring,
    KeySource,
    Secret,
    SecretKeyError,
    SecretUnavailableError,
    create_key_file,
    generate_key,
    load_keyring,
    write_key_file,
)

PLAIN = "correct horse battery staple"


def ring(*keys: bytes) -> Keyring:
    return Keyring(list(keys) or [generate_key()], KeySource("env"))


def test_a_secret_never_shows_itself(caplog: pytest.LogCaptureFixture) -> None:
    secret = Secret(PLAIN)
    shown = [str(secret), repr(secret), f"{secret}", f"{secret!r}", f"{secret:>20}"]
    shown.append("{} {!r}".format(secret, secret))  # noqa: UP032 - the format() path too
    assert all(PLAIN not in text for text in shown)
    assert str(secret) == MASK
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("password is %s / %r", secret, secret)
    assert PLAIN not in caplog.text
    assert secret.reveal() == PLAIN
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def test_pydantic_dumps_mask_the_secret() -> None:
    class Holder(BaseModel):
        password: Secret | None = None

    holder = Holder(password=PLAIN)  # type: ignore[arg-type]
    assert isinstance(holder.password, Secret)
    assert PLAIN not in repr(holder)
    assert PLAIN not in json.dumps(holder.model_dump(mode="json"))
    assert PLAIN not in holder.model_dump_json()
    assert holder.model_dump()["password"] == MASK


def test_secrets_compare_by_value_in_constant_time() -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    with pytest.raises(ValueError):
        Secret("")


def test_an_unavailable_secret_says_why_when_revealed() -> None:
    secret = Secret.unavailable("the key is gone")
    assert not secret.readable
    assert str(secret) == MASK
    with pytest.raises(SecretUnavailableError, match="the key is gone"):
        secret.reveal()


def test_encrypt_round_trip_and_ciphertext_hides_the_value() -> None:
    keyring = ring()
    token = keyring.encrypt(Secret(PLAIN))
    assert PLAIN not in token
    assert keyring.decrypt(token) == Secret(PLAIN)
    assert keyring.encrypt(Secret(PLAIN)) != token  # fresh IV every time


def test_a_wrong_key_cannot_decrypt_and_says_how_to_recover() -> None:
    token = ring().encrypt(Secret(PLAIN))
    with pytest.raises(SecretUnavailableError, match="rotate-key"):
        ring().decrypt(token, what="user password")


def test_rotation_re_encrypts_under_the_newest_key() -> None:
    old, new = generate_key(), generate_key()
    token = ring(old).encrypt(Secret(PLAIN))
    both = ring(new, old)
    assert both.decrypt(token) == Secret(PLAIN)  # old ciphertext still readable
    rotated = both.rotate(token)
    assert ring(new).decrypt(rotated) == Secret(PLAIN)
    with pytest.raises(SecretUnavailableError):
        ring(old).decrypt(rotated)


def test_keyring_repr_shows_no_key() -> None:
    key = generate_key()
    assert key.decode() not in repr(ring(key))


def test_environment_key_wins_over_the_file(tmp_path: Path) -> None:
    file_key, env_key = generate_key(), generate_key()
    path = tmp_path / "secret.key"
    write_key_file(path, [file_key])
    keyring = load_keyring(path, env={ENV_KEY: f"{env_key.decode()}, {file_key.decode()}"})
    assert keyring.source.kind == "env"
    assert keyring.keys == (env_key, file_key)
    assert load_keyring(path, env={}).keys == (file_key,)


def test_init_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / ".intacct-bridge" / "secret.key"
    assert create_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    first = load_keyring(path, env={})
    assert not create_key_file(path)
    assert load_keyring(path, env={}).keys == first.keys


def test_a_missing_key_file_points_to_init(tmp_path: Path) -> None:
    with pytest.raises(SecretKeyError, match="intacct-bridge init"):
        load_keyring(tmp_path / "nope.key", env={})


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    write_key_file(path, [generate_key()])
    path.chmod(0o644)
    with pytest.raises(SecretKeyError, match="chmod 600"):
        load_keyring(path, env={})


def test_a_damaged_key_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    path.write_text(f"# comment\n{generate_key().decode()}\nnot-a-key\n")
    path.chmod(0o600)
    with pytest.raises(SecretKeyError, match="line 3"):
        load_keyring(path, env={})
