"""Signing in with the counters, on SQLite and PostgreSQL: one answer for every
failure, limits per address and per email from an address, never a lock-out of an
account for everyone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.db.models import AuditEvent, StaffUser
from bot.staff import accounts
from bot.staff.accounts import LOGIN_FAILED_MESSAGE, LoginFailed
from bot.staff.sign_in import ADDRESS_REFUSED_MESSAGE, sign_in

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery"
EMAIL = "ana@clinic.example"
ATTACKER, OFFICE = "203.0.113.66", "198.51.100.10"


@pytest.fixture(autouse=True)
def _cheap_hashing(cheap_hasher):
    """Every test here hashes passwords: cheaply."""


@pytest.fixture
def user_id(factory) -> int:
    with factory.begin() as db:
        return accounts.create_user(db, EMAIL, PASSWORD, now=NOW).id


def _answer(factory, email: str, password: str, ip: str = ATTACKER) -> str:
    """What the form would say: the token's absence and the message, or "signed in"."""
    try:
        sign_in(factory, email, password, now=NOW, ip_address=ip)
    except LoginFailed as failed:
        return f"{type(failed).__name__}: {failed}"
    return "signed in"


def _failures(factory) -> list[dict]:
    with factory() as db:
        events = db.execute(
            select(AuditEvent).where(AuditEvent.action == "login_failed").order_by(AuditEvent.id)
        ).scalars()
        return [event.details for event in events]


def test_every_failure_reads_the_same_and_an_unknown_email_locks_like_a_real_one(factory, user_id):
    same = f"LoginFailed: {LOGIN_FAILED_MESSAGE}"
    with factory.begin() as db:
        accounts.create_user(db, "gone@clinic.example", PASSWORD, now=NOW).active = False
    # unknown email, wrong password, deactivated account: five tries each, one answer
    for email, password in [
        ("nobody@clinic.example", PASSWORD),
        (EMAIL, "not the password"),
        ("gone@clinic.example", PASSWORD),
    ]:
        answers = {_answer(factory, email, password) for _ in range(5)}
        assert answers == {same}
        # the sixth is over the limit: the same words, the password not even checked
        assert _answer(factory, email, PASSWORD) == same
    reasons = [d["reason"] for d in _failures(factory)]
    assert reasons.count("too_many_attempts") == 3
    assert {"unknown_email", "bad_password", "inactive"} <= set(reasons)


def test_an_attacker_stops_only_themselves(factory, user_id):
    for _ in range(15):
        _answer(factory, EMAIL, "a guess at it")
    assert _answer(factory, EMAIL, PASSWORD) == f"LoginFailed: {LOGIN_FAILED_MESSAGE}"
    # the staff member, from the office, signs in as usual
    assert _answer(factory, EMAIL, PASSWORD, ip=OFFICE) == "signed in"
    processed = [d for d in _failures(factory) if d["reason"] == "bad_password"]
    assert len(processed) == 5  # only five passwords were checked
    with factory() as db:
        assert db.get(StaffUser, user_id).locked_until is None


def test_an_address_trying_many_emails_is_refused_with_429s_words(factory, user_id):
    for i in range(20):
        _answer(factory, f"guess{i}@clinic.example", "password123456")
    refused = _answer(factory, EMAIL, PASSWORD)
    assert refused == f"TooManyAttempts: {ADDRESS_REFUSED_MESSAGE}"
    assert EMAIL not in refused
    assert _answer(factory, EMAIL, PASSWORD, ip=OFFICE) == "signed in"
    throttled = [d for d in _failures(factory) if d["reason"] == "too_many_attempts"]
    assert throttled == [{"reason": "too_many_attempts", "per": "address"}]


def test_unknown_emails_cost_one_argon2_check_like_real_ones(factory, monkeypatch):
    verified = []
    real = accounts.verify_password
    monkeypatch.setattr(
        accounts, "verify_password", lambda stored, pw: verified.append(stored) or real(stored, pw)
    )
    assert _answer(factory, "nobody@clinic.example", PASSWORD).startswith("LoginFailed")
    assert len(verified) == 1 and verified[0].startswith("$argon2id$")


def test_a_success_starts_a_session_and_a_reset_lets_the_locked_out_address_in(factory, user_id):
    for _ in range(6):
        _answer(factory, EMAIL, "a guess at it", ip=OFFICE)
    assert _answer(factory, EMAIL, PASSWORD, ip=OFFICE).startswith("LoginFailed")
    new = "a brand new passphrase"
    with factory.begin() as db:
        accounts.reset_password(db, user_id, new, None, NOW)
    token, user = sign_in(factory, EMAIL.upper(), new, now=NOW, ip_address=OFFICE)
    assert user.id == user_id
    with factory() as db:
        row = accounts.resolve_session(db, token, NOW + timedelta(minutes=1), timedelta(hours=1))
        assert row is not None and row.user_id == user_id
