"""The admin's changes to staff accounts: adding them, listing them, activating and
deactivating, roles and password resets; each with its audit entry.

Nobody can deactivate themselves, and the last active admin stays one (the clinic would
be locked out of managing accounts). Functions here add to the caller's session and
never commit (bot/staff/accounts.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import STAFF_ROLES, StaffUser, utcnow
from bot.staff import audit, throttle
from bot.staff.accounts import (
    TARGET_TYPE,
    AccountError,
    aware,
    find_user,
    hash_password,
    stored_email,
    validate_password,
)
from bot.staff.sessions import end_user_sessions


def _check_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise AccountError(f"unknown role {role!r}: use one of {', '.join(STAFF_ROLES)}")


def create_user(
    session: Session,
    email: str,
    password: str,
    role: str = "staff",
    now: datetime | None = None,
    actor: StaffUser | None = None,
) -> StaffUser:
    """Add an account (flushed, so it has an id) and its audit entry.

    ``actor`` is the admin who added it, None from the command line."""
    now = aware(now or utcnow())
    _check_role(role)
    address = stored_email(email)
    validate_password(password, address)
    if find_user(session, address) is not None:
        raise AccountError(f"an account for {address} already exists")
    user = StaffUser(
        email=address,
        password_hash=hash_password(password),
        role=role,
        active=True,
        failed_logins=0,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        "user_created",
        actor,
        target_type=TARGET_TYPE,
        target_id=user.id,
        details={"role": role},
        now=now,
    )
    return user


def list_users(session: Session) -> list[StaffUser]:
    """Every account, active or not, by email."""
    return list(session.execute(select(StaffUser).order_by(StaffUser.email)).scalars())


def get_user(session: Session, user_id: int) -> StaffUser:
    """The account with this id, or AccountError."""
    user = session.get(StaffUser, user_id)
    if user is None:
        raise AccountError(f"there is no staff account #{user_id}")
    return user


def _other_active_admins(session: Session, user_id: int) -> int:
    """Active admins other than ``user_id``; their rows are locked on PostgreSQL so two
    admins can't each demote the other at the same time."""
    ids = session.execute(
        select(StaffUser.id)
        .where(StaffUser.role == "admin", StaffUser.active.is_(True), StaffUser.id != user_id)
        .with_for_update()
    ).scalars()
    return len(list(ids))


def _keep_an_admin(session: Session, user: StaffUser) -> None:
    """Refuse to take away the last active admin (nobody could manage accounts after)."""
    if user.is_admin and _other_active_admins(session, user.id) == 0:
        raise AccountError(f"{user.email} is the last active admin: make another one first")


def _changed(
    session: Session,
    user: StaffUser,
    field: str,
    value: object,
    actor: StaffUser | None,
    now: datetime,
) -> None:
    audit.record(
        session,
        "user_changed",
        actor,
        target_type=TARGET_TYPE,
        target_id=user.id,
        details={"field": field, "value": value},
        now=now,
    )


def set_active(
    session: Session,
    user_id: int,
    active: bool,
    actor: StaffUser | None,
    now: datetime | None = None,
) -> StaffUser:
    """Activate or deactivate an account. Deactivating signs it out everywhere; nobody
    can deactivate themselves or the last active admin (the clinic would be locked out)."""
    now = aware(now or utcnow())
    user = get_user(session, user_id)
    if user.active == active:
        return user
    if not active:
        if actor is not None and actor.id == user.id:
            raise AccountError("you cannot deactivate your own account")
        _keep_an_admin(session, user)
    user.active = active
    if not active:
        end_user_sessions(session, user.id)
    _changed(session, user, "active", active, actor, now)
    return user


def set_role(
    session: Session,
    user_id: int,
    role: str,
    actor: StaffUser | None,
    now: datetime | None = None,
) -> StaffUser:
    """Change an account's role; the last active admin stays an admin."""
    now = aware(now or utcnow())
    _check_role(role)
    user = get_user(session, user_id)
    if user.role == role:
        return user
    if user.active:
        _keep_an_admin(session, user)
    user.role = role
    _changed(session, user, "role", role, actor, now)
    return user


def reset_password(
    session: Session,
    user_id: int,
    new_password: str,
    actor: StaffUser | None,
    now: datetime | None = None,
) -> StaffUser:
    """Set a new password: it clears the email's sign-in counts from every address and
    signs the account out everywhere (whoever had the old one is out). The audit entry
    names the field only."""
    now = aware(now or utcnow())
    user = get_user(session, user_id)
    validate_password(new_password, user.email)
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    user.locked_until = None  # set by versions before the counters (migration 0003)
    throttle.forget_account(session, user.email)
    end_user_sessions(session, user.id)
    audit.record(
        session,
        "user_changed",
        actor,
        target_type=TARGET_TYPE,
        target_id=user.id,
        details={"field": "password"},
        now=now,
    )
    return user
