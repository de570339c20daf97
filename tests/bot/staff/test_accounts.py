"""Passwords: Argon2id hashes, and the passwords refused."""

from __future__ import annotations

import pytest

from bot.staff import accounts
from bot.staff.accounts import AccountError
from tests.bot.staff.staff_accounts import PASSWORD


@pytest.fixture(autouse=True)
def _cheap_hashing(cheap_hasher):
    """Every test here hashes passwords: cheaply."""


def test_hash_is_argon2id_and_verifies():
    stored = accounts.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert accounts.hash_password(PASSWORD) != stored  # salted
    assert accounts.verify_password(stored, PASSWORD) is True
    assert accounts.verify_password(stored, PASSWORD + "x") is False


@pytest.mark.parametrize("garbage", ["", None, "not a hash", "$argon2id$v=19$m=1,t=1,p=1$xx$yy"])
def test_verify_is_false_for_a_garbage_hash(garbage):
    assert accounts.verify_password(garbage, PASSWORD) is False


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short pass", "at least 12"),
        ("x" * 257, "at most 256"),
        ("ana.lopez@clinic.example", "email"),
        ("ANA.LOPEZ@CLINIC.EXAMPLE", "email"),
        ("my name is Ana.Lopez!!", "email"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, reason):
    with pytest.raises(AccountError, match=reason):
        accounts.validate_password(password, "ana.lopez@clinic.example")


def test_acceptable_passwords():
    accounts.validate_password("x" * 12, "ana@clinic.example")
    accounts.validate_password("x" * 256, "ana@clinic.example")
    # a two-letter name part is too common a substring to refuse
    accounts.validate_password("jogging in the park", "jo@clinic.example")
