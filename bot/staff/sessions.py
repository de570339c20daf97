"""Signed-in staff sessions, kept in the database: the browser holds only a random
token, of which only a hash is stored.

Functions here add to the caller's session and never commit (bot/staff/accounts.py).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from bot.db.models import StaffSession, StaffUser
from bot.staff.accounts import aware

# last_seen_at is written at most this often: not a database write per request
SEEN_RESOLUTION = timedelta(seconds=30)
# a user's sessions unused for this long are deleted when they sign in again
STALE_SESSION = timedelta(days=1)


def token_hash(token: str) -> str:
    """What is stored for a cookie token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, user: StaffUser, now: datetime) -> tuple[str, StaffSession]:
    """A new signed-in session: the cookie's token (returned once, never stored) and
    the row, which holds the form CSRF token. The user's stale sessions are removed."""
    now = aware(now)
    session.execute(
        delete(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.last_seen_at < now - STALE_SESSION)
        .execution_options(synchronize_session="fetch")
    )
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=token_hash(token),
        user_id=user.id,
        user=user,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
    )
    session.add(row)
    session.flush()
    return token, row


def _session_of(session: Session, token: str) -> StaffSession | None:
    """The stored session of a cookie token (stored by its hash), its account loaded."""
    return session.execute(
        select(StaffSession)
        .options(joinedload(StaffSession.user))
        .where(StaffSession.token_hash == token_hash(token))
    ).scalar_one_or_none()


def resolve_session(
    session: Session, token: str | None, now: datetime, idle: timedelta
) -> StaffSession | None:
    """The signed-in session of a cookie token, with ``.user`` loaded, or None.

    A session idle for longer than ``idle``, or whose account was deactivated, is
    deleted (the caller commits)."""
    if not token:
        return None
    now = aware(now)
    row = _session_of(session, token)
    if row is None:
        return None
    if not row.user.active or now - row.last_seen_at > idle:
        session.delete(row)
        session.flush()
        return None
    if now - row.last_seen_at > SEEN_RESOLUTION:
        row.last_seen_at = now
    return row


def end_session(session: Session, token: str | None) -> StaffUser | None:
    """Sign out: delete the session. Returns whose it was (for the caller's "logout"
    audit entry), or None if the token was unknown."""
    if not token:
        return None
    row = _session_of(session, token)
    if row is None:
        return None
    user = row.user
    session.delete(row)
    session.flush()
    return user


def end_user_sessions(session: Session, user_id: int) -> int:
    """Sign a user out everywhere (deactivated, password reset); returns how many."""
    result = session.execute(
        delete(StaffSession)
        .where(StaffSession.user_id == user_id)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0
