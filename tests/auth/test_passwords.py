"""argon2id hashing: verify, rehash when parameters change, dummy work, strength."""

from __future__ import annotations

import pytest

from intacct_bridge.auth.errors import UserError
from intacct_bridge.auth.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    PasswordHasher,
    check_password_strength,
)
from tests.auth.conftest import PASSWORD


def test_hash_is_argon2id_salted_and_verifies(hasher: PasswordHasher) -> None:
    first, second = hasher.hash(PASSWORD), hasher.hash(PASSWORD)
    assert first.startswith("$argon2id$") and PASSWORD not in first
    assert first != second  # a fresh salt each time
    assert hasher.verify(first, PASSWORD) and hasher.verify(second, PASSWORD)
    assert not hasher.verify(first, PASSWORD + "x")
    assert not hasher.verify(first, PASSWORD.upper())


def test_a_malformed_hash_never_matches(hasher: PasswordHasher) -> None:
    assert not hasher.verify("not a hash", PASSWORD)
    assert not hasher.verify("", PASSWORD)
    assert hasher.needs_rehash("not a hash")


def test_rehash_is_needed_when_parameters_change(hasher: PasswordHasher) -> None:
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    old = hasher.hash(PASSWORD)
    assert not hasher.needs_rehash(old)
    assert stronger.needs_rehash(old)
    assert stronger.verify(old, PASSWORD)  # an old hash still signs in
    assert not stronger.needs_rehash(stronger.hash(PASSWORD))


def test_default_parameters_are_argon2id_rfc9106_low_memory() -> None:
    stored = PasswordHasher().hash(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_verify_unknown_is_always_false(hasher: PasswordHasher) -> None:
    assert hasher.verify_unknown(PASSWORD) is False
    assert hasher.verify_unknown("dummy password never used by anyone") is False


def test_overlong_passwords_are_refused_without_hashing_them(hasher: PasswordHasher) -> None:
    stored = hasher.hash(PASSWORD)
    assert not hasher.verify(stored, PASSWORD + "x" * MAX_PASSWORD_LENGTH)


@pytest.mark.parametrize(
    "password",
    ["", "short", "x" * (MIN_PASSWORD_LENGTH - 1), " " * 20, "y" * (MAX_PASSWORD_LENGTH + 1)],
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(UserError, match="password"):
        check_password_strength(password)


def test_the_minimum_length_is_accepted() -> None:
    check_password_strength("x" * MIN_PASSWORD_LENGTH)
