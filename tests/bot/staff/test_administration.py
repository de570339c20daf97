"""The admin's changes to accounts: adding, listing, deactivating, roles, password resets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.models import StaffSession, StaffUser
from bot.staff import accounts, administration, sessions
from bot.staff.accounts import AccountError
from bot.staff.sign_in import LoginFailed
from tests.bot.staff.staff_accounts import IDLE, NOW, PASSWORD, audit_events, login


@pytest.fixture(autouse=True)
def _cheap_hashing(cheap_hasher):
    """Every test here hashes passwords: cheaply."""


# --- adding accounts -----------------------------------------------------------------------


def test_create_user_normalises_the_email_and_audits(session):
    user = administration.create_user(
        session, "  Ana.Lopez@Clinic.EXAMPLE ", PASSWORD, "admin", now=NOW
    )
    session.commit()
    assert user.id is not None
    stored = session.execute(select(StaffUser)).scalar_one()
    assert stored.email == "ana.lopez@clinic.example"
    assert stored.role == "admin" and stored.is_admin and stored.active
    assert stored.failed_logins == 0 and stored.created_at == NOW
    assert accounts.verify_password(stored.password_hash, PASSWORD)
    [event] = audit_events(session, "user_created")
    assert event.actor_id is None
    assert (event.target_type, event.target_id) == ("staff_user", user.id)
    assert event.details == {"role": "admin"}
    assert PASSWORD not in str(event.details)


def test_create_user_by_an_admin_names_them(session, make_user):
    admin = make_user("boss@clinic.example", "admin")
    user = administration.create_user(session, "bo@clinic.example", PASSWORD, now=NOW, actor=admin)
    session.commit()
    [_, event] = audit_events(session, "user_created")
    assert (event.actor_id, event.actor_email, event.target_id) == (
        admin.id,
        "boss@clinic.example",
        user.id,
    )
    assert user.role == "staff"


def test_duplicate_email_in_any_case_is_refused(session, make_user):
    make_user()
    with pytest.raises(AccountError, match="an account for ana@clinic.example already exists"):
        administration.create_user(session, "ANA@clinic.example", PASSWORD, "staff", now=NOW)


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
        administration.create_user(session, email, password, role, now=NOW)
    session.rollback()
    assert session.execute(select(StaffUser)).first() is None
    assert audit_events(session, "user_created") == []


# --- changing accounts ---------------------------------------------------------------------


def test_list_users_by_email(session, make_user):
    make_user("zoe@clinic.example")
    make_user("ana@clinic.example", "admin", active=False)
    assert [(u.email, u.role, u.active) for u in administration.list_users(session)] == [
        ("ana@clinic.example", "admin", False),
        ("zoe@clinic.example", "staff", True),
    ]


def test_deactivation_ends_sessions_and_is_audited(session, make_user):
    admin = make_user("boss@clinic.example", "admin")
    user = make_user()
    token, _ = sessions.start_session(session, user, NOW)
    session.commit()
    administration.set_active(session, user.id, False, admin, NOW)
    session.commit()
    session.expire_all()
    assert session.get(StaffUser, user.id).active is False
    assert session.execute(select(StaffSession)).first() is None
    assert sessions.resolve_session(session, token, NOW, IDLE) is None
    [event] = audit_events(session, "user_changed")
    assert (event.actor_id, event.target_id) == (admin.id, user.id)
    assert event.details == {"field": "active", "value": False}
    with pytest.raises(LoginFailed):
        login(session)

    administration.set_active(session, user.id, True, admin, NOW)
    session.commit()
    assert login(session).id == user.id
    assert audit_events(session, "user_changed")[-1].details == {"field": "active", "value": True}


def test_an_admin_cannot_deactivate_themselves(session, make_user):
    admin = make_user("boss@clinic.example", "admin")
    make_user("deputy@clinic.example", "admin")
    with pytest.raises(AccountError, match="your own account"):
        administration.set_active(session, admin.id, False, admin, NOW)
    assert session.get(StaffUser, admin.id).active is True


def test_the_last_active_admin_stays(session, make_user):
    admin = make_user("boss@clinic.example", "admin")
    make_user("old@clinic.example", "admin", active=False)
    staff = make_user()
    with pytest.raises(AccountError, match="last active admin"):
        administration.set_role(session, admin.id, "staff", admin, NOW)
    with pytest.raises(AccountError, match="last active admin"):
        administration.set_active(session, admin.id, False, None, NOW)  # the command line too
    session.rollback()
    assert session.get(StaffUser, admin.id).role == "admin"

    administration.set_role(session, staff.id, "admin", admin, NOW)
    session.commit()
    administration.set_role(session, admin.id, "staff", staff, NOW)
    session.commit()
    session.expire_all()
    assert session.get(StaffUser, admin.id).role == "staff"
    assert [e.details for e in audit_events(session, "user_changed")] == [
        {"field": "role", "value": "admin"},
        {"field": "role", "value": "staff"},
    ]
    with pytest.raises(AccountError, match="unknown role"):
        administration.set_role(session, staff.id, "owner", staff, NOW)
    with pytest.raises(AccountError, match="no staff account"):
        administration.set_role(session, 9999, "staff", staff, NOW)


def test_reset_password_unlocks_and_signs_out(session, make_user):
    admin = make_user("boss@clinic.example", "admin")
    user = make_user(failed_logins=5, locked_until=NOW + timedelta(minutes=10))
    token, _ = sessions.start_session(session, user, NOW)
    session.commit()
    with pytest.raises(AccountError, match="at least 12"):
        administration.reset_password(session, user.id, "too short", admin, NOW)
    new = "a brand new passphrase"
    administration.reset_password(session, user.id, new, admin, NOW)
    session.commit()
    session.expire_all()
    stored = session.get(StaffUser, user.id)
    assert (stored.failed_logins, stored.locked_until) == (0, None)
    assert sessions.resolve_session(session, token, NOW, IDLE) is None
    [event] = audit_events(session, "user_changed")
    assert event.details == {"field": "password"}
    assert new not in str(event.details) and "brand" not in str(event.details)
    with pytest.raises(LoginFailed):
        login(session)
    assert login(session, password=new).id == user.id
