"""Signed-in sessions: tokens stored as hashes, idle expiry, signing out."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import StaffSession
from bot.staff import sessions
from tests.bot.staff.staff_accounts import IDLE, NOW


@pytest.fixture(autouse=True)
def _cheap_hashing(cheap_hasher):
    """Every test here hashes passwords: cheaply."""


def test_start_and_resolve_a_session(session, make_user):
    user = make_user()
    token, row = sessions.start_session(session, user, NOW)
    session.commit()
    assert len(token) >= 40
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert len(row.csrf_token) >= 40 and row.csrf_token != token
    stored = session.execute(select(StaffSession)).scalar_one()
    assert stored.token_hash != token and token not in stored.token_hash
    assert (stored.user_id, stored.created_at, stored.last_seen_at) == (user.id, NOW, NOW)

    session.expunge_all()
    found = sessions.resolve_session(session, token, NOW + timedelta(minutes=29), IDLE)
    assert found is not None
    assert found.user.email == "ana@clinic.example" and found.csrf_token == row.csrf_token
    assert found.last_seen_at == NOW + timedelta(minutes=29)
    session.commit()

    # within 30 s of the last write: no new write
    assert sessions.resolve_session(session, token, NOW + timedelta(minutes=29, seconds=20), IDLE)
    assert not session.dirty
    # activity keeps it alive past the first 30 minutes
    assert sessions.resolve_session(session, token, NOW + timedelta(minutes=58), IDLE)
    session.commit()

    assert sessions.resolve_session(session, "not-a-token", NOW, IDLE) is None
    assert sessions.resolve_session(session, "", NOW, IDLE) is None
    assert sessions.resolve_session(session, None, NOW, IDLE) is None


def test_an_idle_session_expires_and_is_deleted(session, make_user):
    user = make_user()
    token, _ = sessions.start_session(session, user, NOW)
    session.commit()
    assert sessions.resolve_session(session, token, NOW + IDLE + timedelta(seconds=1), IDLE) is None
    session.commit()
    assert session.execute(select(StaffSession)).first() is None
    assert sessions.resolve_session(session, token, NOW + timedelta(minutes=1), IDLE) is None


def test_a_deactivated_users_session_does_not_resolve(session, make_user):
    user = make_user()
    token, _ = sessions.start_session(session, user, NOW)
    user.active = False
    session.commit()
    assert sessions.resolve_session(session, token, NOW, IDLE) is None
    session.commit()
    assert session.execute(select(StaffSession)).first() is None


def test_end_session_signs_out_that_browser_only(session, make_user):
    user = make_user()
    token, _ = sessions.start_session(session, user, NOW)
    other, _ = sessions.start_session(session, user, NOW)
    session.commit()
    ended = sessions.end_session(session, token)
    session.commit()
    assert ended is not None and ended.id == user.id
    assert sessions.resolve_session(session, token, NOW, IDLE) is None
    assert sessions.resolve_session(session, other, NOW, IDLE) is not None
    assert sessions.end_session(session, token) is None
    assert sessions.end_session(session, None) is None


def test_end_user_sessions_and_stale_housekeeping(session, make_user):
    ana, bo = make_user(), make_user("bo@clinic.example")
    old, _ = sessions.start_session(session, ana, NOW - timedelta(days=2))
    recent, _ = sessions.start_session(session, ana, NOW - timedelta(hours=2))
    bos, _ = sessions.start_session(session, bo, NOW - timedelta(days=2))
    session.commit()
    # signing in again clears the user's sessions unused for a day, not others'
    fresh, _ = sessions.start_session(session, ana, NOW)
    session.commit()
    hashes = set(session.execute(select(StaffSession.token_hash)).scalars())
    assert hashes == {sessions.token_hash(t) for t in (recent, bos, fresh)}

    assert sessions.end_user_sessions(session, ana.id) == 2
    session.commit()
    assert set(session.execute(select(StaffSession.user_id)).scalars()) == {bo.id}


def test_naive_times_are_refused(session, make_user):
    user = make_user()
    with pytest.raises(ValueError, match="naive"):
        sessions.start_session(session, user, datetime(2026, 3, 2, 9, 0))
