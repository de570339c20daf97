"""Signing in with the counters, on SQLite and PostgreSQL: one answer for every
failure, limits per address and per email from an address, never a lock-out of an
account for everyone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from bot.db.models import AuditEvent, StaffUser
from bot.staff import accounts, administration, sessions
from bot.staff.sign_in import (
    ADDRESS_REFUSED_MESSAGE,
    LOGIN_FAILED_MESSAGE,
    LoginFailed,
    sign_in,
)
from tests.bot.staff.staff_accounts import NOW, PASSWORD, audit_events, login

EMAIL = "ana@clinic.example"
ATTACKER, OFFICE = "203.0.113.66", "198.51.100.10"


@pytest.fixture(autouse=True)
def _cheap_hashing(cheap_hasher):
    """Every test here hashes passwords: cheaply."""


@pytest.fixture
def user_id(factory) -> int:
    with factory.begin() as db:
        return administration.create_user(db, EMAIL, PASSWORD, now=NOW).id


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
        administration.create_user(db, "gone@clinic.example", PASSWORD, now=NOW).active = False
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
        administration.reset_password(db, user_id, new, None, NOW)
    token, user = sign_in(factory, EMAIL.upper(), new, now=NOW, ip_address=OFFICE)
    assert user.id == user_id
    with factory() as db:
        row = sessions.resolve_session(db, token, NOW + timedelta(minutes=1), timedelta(hours=1))
        assert row is not None and row.user_id == user_id


# --- the credential check ------------------------------------------------------------


def test_authenticate_success_records_the_login(session, make_user):
    user = make_user(failed_logins=3)
    signed_in = login(session, "Ana@Clinic.example", ip_address="203.0.113.7")
    assert signed_in.id == user.id
    session.expire_all()
    stored = session.get(StaffUser, user.id)
    assert stored.failed_logins == 0  # the counter restarts
    assert stored.last_login_at == NOW
    [event] = audit_events(session, "login")
    assert (event.actor_id, event.ip_address, event.at) == (user.id, "203.0.113.7", NOW)


@pytest.mark.parametrize(
    ("email", "password", "reason"),
    [
        ("ana@clinic.example", "wrong password!", "bad_password"),
        ("nobody@clinic.example", PASSWORD, "unknown_email"),
        ("nobody", PASSWORD, "unknown_email"),
    ],
)
def test_failures_share_one_message_and_are_audited(session, make_user, email, password, reason):
    user = make_user()
    with pytest.raises(LoginFailed) as failed:
        login(session, email, password, ip_address="203.0.113.7")
    assert type(failed.value) is LoginFailed
    assert str(failed.value) == LOGIN_FAILED_MESSAGE
    [event] = audit_events(session, "login_failed")
    assert event.details["reason"] == reason
    assert event.ip_address == "203.0.113.7"
    assert event.actor_id == (user.id if reason == "bad_password" else None)
    assert email not in str(event.details) and password not in str(event.details)


def test_unknown_email_still_spends_the_hashing_time(session, monkeypatch):
    verified = []
    real = accounts.verify_password
    monkeypatch.setattr(
        accounts, "verify_password", lambda stored, pw: verified.append(stored) or real(stored, pw)
    )
    with pytest.raises(LoginFailed):
        login(session, "nobody@clinic.example")
    assert len(verified) == 1 and verified[0].startswith("$argon2id$")


def test_inactive_account_fails_like_a_wrong_password(session, make_user):
    user = make_user(active=False)
    with pytest.raises(LoginFailed) as failed:
        login(session)
    assert type(failed.value) is LoginFailed
    assert str(failed.value) == LOGIN_FAILED_MESSAGE
    [event] = audit_events(session, "login_failed")
    assert (event.actor_id, event.details["reason"]) == (user.id, "inactive")
    assert session.get(StaffUser, user.id).last_login_at is None


def test_wrong_passwords_count_on_the_account_but_never_lock_it(session, make_user):
    """How many attempts may be made is sign_in's business (per address): the check of
    the credentials itself never refuses the right password, or everyone could be
    locked out by anyone who knows their email."""
    user = make_user(locked_until=NOW + timedelta(minutes=10))  # from before migration 0003
    for attempt in range(1, 8):
        with pytest.raises(LoginFailed) as failed:
            login(session, password="wrong password!")
        assert str(failed.value) == LOGIN_FAILED_MESSAGE
        session.expire_all()
        assert session.get(StaffUser, user.id).failed_logins == attempt
    assert login(session).id == user.id
    reasons = [e.details["reason"] for e in audit_events(session, "login_failed")]
    assert reasons == ["bad_password"] * 7


def test_success_resets_the_failure_count(session, make_user):
    user = make_user()
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(session, password="wrong password!")
    login(session)
    for _ in range(4):
        with pytest.raises(LoginFailed) as failed:
            login(session, password="wrong password!")
        assert type(failed.value) is LoginFailed
    session.expire_all()
    assert session.get(StaffUser, user.id).failed_logins == 4


def test_login_rehashes_a_weaker_hash(session, make_user, monkeypatch):
    user = make_user()
    old = user.password_hash
    assert "m=1024" in old
    monkeypatch.setattr(
        accounts, "_HASHER", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    )
    login(session)
    session.expire_all()
    new = session.get(StaffUser, user.id).password_hash
    assert new != old and "m=2048" in new and "t=2" in new
    assert accounts.verify_password(new, PASSWORD)
    # already current: left alone
    login(session)
    session.expire_all()
    assert session.get(StaffUser, user.id).password_hash == new
