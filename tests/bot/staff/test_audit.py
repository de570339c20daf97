from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from bot.db.models import AuditEvent, StaffUser
from bot.staff.audit import AuditQuery, record, search

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def admin(factory) -> StaffUser:
    with factory.begin() as session:
        user = StaffUser(email="admin@clinic.example", password_hash="x", role="admin")
        session.add(user)
    return user


def test_entries_are_found_newest_first_and_filtered(factory, admin):
    with factory.begin() as session:
        record(session, "login", admin, ip_address="127.0.0.1", now=T0)
        record(
            session, "lead_viewed", admin, target_type="lead", target_id=7, now=T0 + timedelta(1)
        )
        record(session, "leads_purged", None, details={"count": 2}, now=T0 + timedelta(2))
    with factory() as session:
        everything = search(session, AuditQuery())
        assert [e.action for e in everything.items] == ["leads_purged", "lead_viewed", "login"]
        assert everything.items[0].actor_email is None
        assert everything.items[0].details == {"count": 2}
        viewed = search(session, AuditQuery(target_type="lead", target_id=7)).items
        assert [(e.actor_email, e.action) for e in viewed] == [
            ("admin@clinic.example", "lead_viewed")
        ]
        assert search(session, AuditQuery(actor_id=admin.id)).total == 2
        window = AuditQuery(since=T0 + timedelta(hours=1), until=T0 + timedelta(2))
        assert [e.action for e in search(session, window).items] == ["lead_viewed"]


def test_pages(factory, admin):
    with factory.begin() as session:
        for day in range(5):
            record(session, "login", admin, now=T0 + timedelta(day))
    with factory() as session:
        second = search(session, AuditQuery(), page=2, per_page=2)
        assert (second.total, second.pages, len(second.items)) == (5, 3, 2)
        assert second.items[0].at == T0 + timedelta(2)


def test_unknown_actions_are_refused(session):
    with pytest.raises(ValueError, match="unknown audit action"):
        record(session, "lead_edited_quietly")


@pytest.mark.parametrize(
    "statement",
    [update(AuditEvent).values(action="logout"), delete(AuditEvent)],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_rewrite_the_log(factory, admin, statement):
    with factory.begin() as session:
        record(session, "login", admin, now=T0)
    with factory() as session, pytest.raises(DBAPIError, match="append-only"):
        session.execute(statement)
        session.commit()
    with factory() as session:
        assert [e.action for e in search(session, AuditQuery()).items] == ["login"]
