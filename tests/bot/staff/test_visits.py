from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.db.models import StaffUser
from bot.staff.visits import count_new, mark_inbox_seen, new_since

JOINED = datetime(2026, 11, 2, 14, 0, tzinfo=timezone.utc)


def _user(session) -> StaffUser:
    user = StaffUser(email="desk@clinic.example", password_hash="x", created_at=JOINED)
    session.add(user)
    session.commit()
    return user


def test_before_a_first_visit_everything_since_the_account_was_made_is_new(session, make_lead):
    user = _user(session)
    make_lead("before", created_at=JOINED - timedelta(days=1))
    make_lead("after", created_at=JOINED + timedelta(hours=1))
    assert new_since(user) == JOINED
    assert count_new(session, user) == 1


def test_a_visit_clears_what_arrived_until_then(session, make_lead):
    user = _user(session)
    make_lead("one", created_at=JOINED + timedelta(hours=1))
    visit = JOINED + timedelta(hours=2)
    mark_inbox_seen(user, visit)
    session.commit()
    assert count_new(session, user) == 0
    make_lead("two", created_at=visit + timedelta(minutes=1))
    assert count_new(session, user) == 1


def test_an_older_moment_never_moves_the_visit_back(session):
    user = _user(session)
    visit = JOINED + timedelta(hours=2)
    mark_inbox_seen(user, visit)
    mark_inbox_seen(user, visit - timedelta(hours=1))
    session.commit()
    session.refresh(user)
    assert user.inbox_seen_at == visit
