from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from bot.db.models import AuditEvent, StaffSession, StaffUser
from bot.staff import accounts
from bot.staff.accounts import (
    LOGIN_FAILED_MESSAGE,
    AccountError,
    LoginFailed,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery"
IDLE = timedelta(minutes=30)


@pytest.fixture(autouse=True)
def _cheap_hashing(cheap_hasher):
    """Every test here hashes passwords: cheaply."""


@pytest.fixture
def make_user(session):
    def make(email: str = "ana@clinic.example", role: str = "staff", **fields) -> StaffUser:
        user = accounts.create_user(session, email, PASSWORD, role, now=NOW)
        for name, value in fields.items():
            setattr(user, name, value)
        session.commit()
        return user

    return make


def _events(session, action: str) -> list[AuditEvent]:
    return list(
        session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).scalars()
    )


def _login(session, email: str = "ana@clinic.example", password: str = PASSWORD, **kw):
    kw.setdefault("now", NOW)
    try:
        return accounts.authenticate(session, email, password, **kw)
    finally:
        session.commit()  # failures are kept too: the counter and the audit entry


# --- passwords -----------------------------------------------------------------------


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


# --- accounts ------------------------------------------------------------------------


def test_create_user_normalises_the_email_and_audits(session):
    user = accounts.create_user(session, "  Ana.Lopez@Clinic.EXAMPLE ", PASSWORD, "admin", now=NOW)
    session.commit()
    assert user.id is not None
    stored = session.execute(select(StaffUser)).scalar_one()
    assert stored.email == "ana.lopez@clinic.example"
    assert stored.role == "admin" and stored.is_admin and stored.active
    assert stored.failed_logins == 0 and stored.created_at == NOW
    assert accounts.verify_password(stored.password_hash, PASSWORD)
    [event] = _events(session, "user_created")
    assert event.actor_id is None
    assert (event.target_type, event.target_id) == ("staff_user", user.id)
    assert event.details == {"role": "admin"}
    assert PASSWORD not in str(event.details)


def test_create_user_by_an_admin_names_them(session, make_user):
    admin = make_user("boss@clinic.example", "admin")
    user = accounts.create_user(session, "bo@clinic.example", PASSWORD, now=NOW, actor=admin)
    session.commit()
    [_, event] = _events(session, "user_created")
    assert (event.actor_id, event.actor_email, event.target_id) == (
        admin.id,
        "boss@clinic.example",
        user.id,
    )
    assert user.role == "staff"


def test_duplicate_email_in_any_case_is_refused(session, make_user):
    make_user()
    with pytest.raises(AccountError, match="an account for ana@clinic.example already exists"):
        accounts.create_user(session, "ANA@clinic.example", PASSWORD, "staff", now=NOW)


@pytest.mark.parametrize(
    ("email", "password", "role", "reason"),
    [
        ("ana@clinic.example", PASSWORD, "owner", "unknown role"),
        ("not-an-email", PASSWORD, "staff", "not a valid email"),
        ("ana@clinic.example", "short", "staff", "at least 12"),
    ],
)
def test_create_user_refuses_bad_input(session, email, password, role, reason):
    with pytest.raises(AccountError, match=reason):
        accounts.create_user(session, email, password, role, now=NOW)
    session.rollback()
    assert session.execute(select(StaffUser)).first() is None
    assert _events(session, "user_created") == []


# --- signing in ----------------------------------------------------------------------


def test_authenticate_success_records_the_login(session, make_user):
    user = make_user(failed_logins=3)
    signed_in = _login(session, "Ana@Clinic.example", ip_address="203.0.113.7")
    assert signed_in.id == user.id
    session.expire_all()
    stored = session.get(StaffUser, user.id)
    assert stored.failed_logins == 0  # the counter restarts
    assert stored.last_login_at == NOW
    [event] = _events(session, "login")
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
        _login(session, email, password, ip_address="203.0.113.7")
    assert type(failed.value) is LoginFailed
    assert str(failed.value) == LOGIN_FAILED_MESSAGE
    [event] = _events(session, "login_failed")
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
        _login(session, "nobody@clinic.example")
    assert len(verified) == 1 and verified[0].startswith("$argon2id$")


def test_inactive_account_fails_like_a_wrong_password(session, make_user):
    user = make_user(active=False)
    with pytest.raises(LoginFailed) as failed:
        _login(session)
    assert type(failed.value) is LoginFailed
    assert str(failed.value) == LOGIN_FAILED_MESSAGE
    [event] = _events(session, "login_failed")
    assert (event.actor_id, event.details["reason"]) == (user.id, "inactive")
    assert session.get(StaffUser, user.id).last_login_at is None


def test_wrong_passwords_count_on_the_account_but_never_lock_it(session, make_user):
    """How many attempts may be made is sign_in's business (per address): the check of
    the credentials itself never refuses the right password, or everyone could be
    locked out by anyone who knows their email."""
    user = make_user(locked_until=NOW + timedelta(minutes=10))  # from before migration 0003
    for attempt in range(1, 8):
        with pytest.raises(LoginFailed) as failed:
            _login(session, password="wrong password!")
        assert str(failed.value) == LOGIN_FAILED_MESSAGE
        session.expire_all()
        assert session.get(StaffUser, user.id).failed_logins == attempt
    assert _login(session).id == user.id
    reasons = [e.details["reason"] for e in _events(session, "login_failed")]
    assert reasons == ["bad_password"] * 7


def test_success_resets_the_failure_count(session, make_user):
    user = make_user()
    for _ in range(4):
        with pytest.raises(LoginFailed):
            _login(session, password="wrong password!")
    _login(session)
    for _ in range(4):
        with pytest.raises(LoginFailed) as failed:
            _login(session, password="wrong password!")
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
    _login(session)
    session.expire_all()
    new = session.get(StaffUser, user.id).password_hash
    assert new != old and "m=2048" in new and "t=2" in new
    assert accounts.verify_password(new, PASSWORD)
    # already current: left alone
    _login(session)
    session.expire_all()
    assert session.get(StaffUser, user.id).password_hash == new


# --- sessions ------------------------------------------------------------------------


def test_start_and_resolve_a_session(session, make_user):
    user = make_user()
    token, row = accounts.start_session(session, user, NOW)
    session.commit()
    assert len(token) >= 40
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert len(row.csrf_token) >= 40 and row.csrf_token != token
    stored = session.execute(select(StaffSession)).scalar_one()
    assert stored.token_hash != token and token not in stored.token_hash
    assert (stored.user_id, stored.created_at, stored.last_seen_at) == (user.id, NOW, NOW)

    session.expunge_all()
    found = accounts.resolve_session(session, token, NOW + timedelta(minutes=29), IDLE)
    assert found is not None
    assert found.user.email == "ana@clinic.example" and found.csrf_token == row.csrf_token
    assert found.last_seen_at == NOW + timedelta(minutes=29)
    session.commit()

    # within 30 s of the last write: no new write
    assert accounts.resolve_session(session, token, NOW + timedelta(minutes=29, seconds=20), IDLE)
    assert not session.dirty
    # activity keeps it alive past the first 30 minutes
    assert accounts.resolve_session(session, token, NOW + timedelta(minutes=58), IDLE)
    session.commit()

    assert accounts.resolve_session(session, "not-a-token", NOW, IDLE) is None
    assert accounts.resolve_session(session, "", NOW, IDLE) is None
    assert accounts.resolve_session(session, None, NOW, IDLE) is None


def test_an_idle_session_expires_and_is_deleted(session, make_user):
    user = make_user()
    token, _ = accounts.start_session(session, user, NOW)
    session.commit()
    assert accounts.resolve_session(session, token, NOW + IDLE + timedelta(seconds=1), IDLE) is None
    session.commit()
    assert session.execute(select(StaffSession)).first() is None
    assert accounts.resolve_session(session, token, NOW + timedelta(minutes=1), IDLE) is None


def test_a_deactivated_users_session_does_not_resolve(session, make_user):
    user = make_user()
    token, _ = accounts.start_session(session, user, NOW)
    user.active = False
    session.commit()
    assert accounts.resolve_session(session, token, NOW, IDLE) is None
    session.commit()
    assert session.execute(select(StaffSession)).first() is None


def test_end_session_signs_out_that_browser_only(session, make_user):
    user = make_user()
    token, _ = accounts.start_session(session, user, NOW)
    other, _ = accounts.start_session(session, user, NOW)
    session.commit()
    ended = accounts.end_session(session, token)
    session.commit()
    assert ended is not None and ended.id == user.id
    assert accounts.resolve_session(session, token, NOW, IDLE) is None
    assert accounts.resolve_session(session, other, NOW, IDLE) is not None
    assert accounts.end_session(session, token) is None
    assert accounts.end_session(session, None) is None


def test_end_user_sessions_and_stale_housekeeping(session, make_user):
    ana, bo = make_user(), make_user("bo@clinic.example")
    old, _ = accounts.start_session(session, ana, NOW - timedelta(days=2))
    recent, _ = accounts.start_session(session, ana, NOW - timedelta(hours=2))
    bos, _ = accounts.start_session(session, bo, NOW - timedelta(days=2))
    session.commit()
    # signing in again clears the user's sessions unused for a day, not others'
    fresh, _ = accounts.start_session(session, ana, NOW)
    session.commit()
    hashes = set(session.execute(select(StaffSession.token_hash)).scalars())
    assert hashes == {accounts.token_hash(t) for t in (recent, bos, fresh)}

    assert accounts.end_user_sessions(session, ana.id) == 2
    session.commit()
    assert set(session.execute(select(StaffSession.user_id)).scalars()) == {bo.id}


# --- admin operations ----------------------------------------------------------------


def test_list_users_by_email(session, make_user):
    make_user("zoe@clinic.example")
    make_user("ana@clinic.example", "admin", active=False)
    assert [(u.email, u.role, u.active) for u in accounts.list_users(session)] == [
        ("ana@clinic.example", "admin", False),
        ("zoe@clinic.example", "staff", True),
    ]


def test_deactivation_ends_sessions_and_is_audited(session, make_user):
    admin = make_user("boss@clinic.example", "admin")
    user = make_user()
    token, _ = accounts.start_session(session, user, NOW)
    session.commit()
    accounts.set_active(session, user.id, False, admin, NOW)
    session.commit()
    session.expire_all()
    assert session.get(StaffUser, user.id).active is False
    assert session.execute(select(StaffSession)).first() is None
    assert accounts.resolve_session(session, token, NOW, IDLE) is None
    [event] = _events(session, "user_changed")
    assert (event.actor_id, event.target_id) == (admin.id, user.id)
    assert event.details == {"field": "active", "value": False}
    with pytest.raises(LoginFailed):
        _login(session)

    accounts.set_active(session, user.id, True, admin, NOW)
    session.commit()
    assert _login(session).id == user.id
    assert _events(session, "user_changed")[-1].details == {"field": "active", "value": True}


def test_an_admin_cannot_deactivate_themselves(session, make_user):
    admin = make_user("boss@clinic.example", "admin")
    make_user("deputy@clinic.example", "admin")
    with pytest.raises(AccountError, match="your own account"):
        accounts.set_active(session, admin.id, False, admin, NOW)
    assert session.get(StaffUser, admin.id).active is True


def test_the_last_active_admin_stays(session, make_user):
    admin = make_user("boss@clinic.example", "admin")
    make_user("old@clinic.example", "admin", active=False)
    staff = make_user()
    with pytest.raises(AccountError, match="last active admin"):
        accounts.set_role(session, admin.id, "staff", admin, NOW)
    with pytest.raises(AccountError, match="last active admin"):
        accounts.set_active(session, admin.id, False, None, NOW)  # the command line too
    session.rollback()
    assert session.get(StaffUser, admin.id).role == "admin"

    accounts.set_role(session, staff.id, "admin", admin, NOW)
    session.commit()
    accounts.set_role(session, admin.id, "staff", staff, NOW)
    session.commit()
    session.expire_all()
    assert session.get(StaffUser, admin.id).role == "staff"
    assert [e.details for e in _events(session, "user_changed")] == [
        {"field": "role", "value": "admin"},
        {"field": "role", "value": "staff"},
    ]
    with pytest.raises(AccountError, match="unknown role"):
        accounts.set_role(session, staff.id, "owner", staff, NOW)
    with pytest.raises(AccountError, match="no staff account"):
        accounts.set_role(session, 9999, "staff", staff, NOW)


def test_reset_password_unlocks_and_signs_out(session, make_user):
    admin = make_user("boss@clinic.example", "admin")
    user = make_user(failed_logins=5, locked_until=NOW + timedelta(minutes=10))
    token, _ = accounts.start_session(session, user, NOW)
    session.commit()
    with pytest.raises(AccountError, match="at least 12"):
        accounts.reset_password(session, user.id, "too short", admin, NOW)
    new = "a brand new passphrase"
    accounts.reset_password(session, user.id, new, admin, NOW)
    session.commit()
    session.expire_all()
    stored = session.get(StaffUser, user.id)
    assert (stored.failed_logins, stored.locked_until) == (0, None)
    assert accounts.resolve_session(session, token, NOW, IDLE) is None
    [event] = _events(session, "user_changed")
    assert event.details == {"field": "password"}
    assert new not in str(event.details) and "brand" not in str(event.details)
    with pytest.raises(LoginFailed):
        _login(session)
    assert _login(session, password=new).id == user.id


def test_naive_times_are_refused(session, make_user):
    user = make_user()
    with pytest.raises(ValueError, match="naive"):
        accounts.start_session(session, user, datetime(2026, 3, 2, 9, 0))
