from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError

from bot.db.models import (
    AuditEvent,
    Booking,
    Consent,
    Intake,
    Lead,
    LeadNote,
    ReviewSlot,
    StaffUser,
)
from bot.staff import privacy
from bot.staff.privacy import Erasure, PurgeReport, erase_lead, purge
from tests.tracker_events import chat_at, event_counts, save_conversations

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=timezone.utc)
OLD = NOW - timedelta(days=200)
RECENT = NOW - timedelta(days=10)
CHILDREN = (Intake, Consent, Booking, LeadNote)
_SLOT_DAYS = itertools.count(1)


def _count(session, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.execute(query).scalar_one()


def _slot(session) -> ReviewSlot:
    slot = ReviewSlot(starts_at=NOW + timedelta(days=next(_SLOT_DAYS)))
    session.add(slot)
    session.flush()
    return slot


def _book(session, lead_id: int, reference: str, status: str = "active") -> Booking:
    booking = Booking(
        lead_id=lead_id,
        slot=_slot(session),
        reference=reference,
        status=status,
    )
    session.add(booking)
    return booking


@pytest.fixture
def staff(factory) -> StaffUser:
    with factory.begin() as session:
        user = StaffUser(email="maria@clinic.example", password_hash="x", role="admin")
        session.add(user)
    return user


@pytest.fixture
def full_lead(factory, make_lead, staff) -> int:
    """A lead with everything that hangs off it, and one other lead beside it."""
    lead_id = make_lead("conversation-1", name="Ana López", email="ana@example.com")
    make_lead("conversation-2", name="Bo Other", email="bo@example.com")
    with factory.begin() as session:
        session.add(Intake(lead_id=lead_id, answers={"pain_score": 7}, summary="sciatica"))
        session.add(
            Consent(
                lead_id=lead_id,
                notice_version="v1",
                agreed=True,
                contact_opt_in=True,
                given_at=OLD,
            )
        )
        _book(session, lead_id, "REF-ACTIVE")
        _book(session, lead_id, "REF-OLD", status="cancelled")
        for body in ("called, no answer", "left a voicemail"):
            session.add(LeadNote(lead_id=lead_id, author_id=staff.id, body=body))
    return lead_id


@pytest.fixture
def tracker(tmp_path) -> str:
    path = tmp_path / "trackers.db"
    save_conversations(path, {"conversation-1": chat_at(OLD), "conversation-2": chat_at(OLD)})
    return str(path)


def test_erase_lead_removes_everything_and_audits_counts_only(session, full_lead, staff, tracker):
    events = event_counts(tracker)["conversation-1"]
    erased = erase_lead(session, full_lead, tracker, staff, NOW, ip_address="203.0.113.9")
    session.commit()
    assert erased == Erasure(full_lead, 1, 1, 2, 2, events)
    assert session.get(Lead, full_lead) is None
    for model in CHILDREN:
        assert _count(session, model, lead_id=full_lead) == 0, model.__name__
    assert _count(session, Lead) == 1 and _count(session, ReviewSlot) == 2  # slots stay
    assert event_counts(tracker) == {"conversation-2": events}
    [entry] = session.execute(select(AuditEvent)).scalars()
    assert (entry.action, entry.target_type, entry.target_id) == ("lead_erased", "lead", full_lead)
    assert entry.details == {"events_erased": events}
    assert (entry.actor_email, entry.ip_address, entry.at) == (
        "maria@clinic.example",
        "203.0.113.9",
        NOW,
    )
    recorded = json.dumps(entry.details)
    assert "Ana" not in recorded and "ana@example.com" not in recorded


def test_the_database_cascades_too(session, full_lead):
    """Without the ORM loading the children: the foreign keys' ON DELETE CASCADE."""
    session.execute(delete(Lead).where(Lead.id == full_lead))
    session.commit()
    for model in CHILDREN:
        assert _count(session, model, lead_id=full_lead) == 0, model.__name__


def test_erasing_a_missing_lead_raises_and_records_nothing(session, tracker):
    with pytest.raises(LookupError, match="#404"):
        erase_lead(session, 404, tracker, None, NOW)
    session.commit()
    assert _count(session, AuditEvent) == 0
    assert sum(event_counts(tracker).values()) == 10


def test_a_failing_tracker_store_leaves_the_lead_for_a_retry(
    session, full_lead, tracker, monkeypatch
):
    def down(*args, **kwargs):
        raise OperationalError("DELETE", {}, Exception("server closed the connection"))

    monkeypatch.setattr(privacy, "erase_conversations", down)
    with pytest.raises(OperationalError):
        erase_lead(session, full_lead, tracker, None, NOW)
    session.rollback()
    assert session.get(Lead, full_lead) is not None
    assert _count(session, Booking, lead_id=full_lead) == 2
    assert _count(session, AuditEvent) == 0
    monkeypatch.undo()
    assert erase_lead(session, full_lead, tracker, None, NOW).events_erased == 5
    session.commit()
    assert session.get(Lead, full_lead) is None


@pytest.fixture
def retention(factory, make_lead, tmp_path):
    """Leads and conversations on both sides of a 180-day cutoff; their ids by role."""
    leads = {
        "old-closed": make_lead(
            "old-closed", status="closed", closed_reason="not_interested", updated_at=OLD
        ),
        "old-new": make_lead("old-new", updated_at=OLD),
        "old-contacted": make_lead("old-contacted", status="contacted", updated_at=OLD),
        "old-booked": make_lead("old-booked", status="booked", updated_at=OLD),
        "old-closed-but-booked": make_lead(
            "old-closed-but-booked", status="closed", closed_reason="duplicate", updated_at=OLD
        ),
        "old-contacted-cancelled": make_lead(
            "old-contacted-cancelled", status="contacted", updated_at=OLD
        ),
        "recent-closed": make_lead(
            "recent-closed", status="closed", closed_reason="spam", updated_at=RECENT
        ),
        "recent-new": make_lead("recent-new", updated_at=RECENT),
    }
    with factory.begin() as session:
        _book(session, leads["old-booked"], "REF-B1")
        _book(session, leads["old-closed-but-booked"], "REF-B2")
        _book(session, leads["old-contacted-cancelled"], "REF-B3", status="cancelled")
    path = tmp_path / "trackers.db"
    conversations = {name: chat_at(OLD) for name in leads}
    conversations["old-new"] = chat_at(OLD) + chat_at(RECENT, "still there?")  # lead decides
    conversations["orphan-old"] = chat_at(OLD - timedelta(days=30))
    conversations["orphan-recent"] = chat_at(RECENT)
    conversations["orphan-returned"] = chat_at(OLD) + chat_at(RECENT)
    save_conversations(path, conversations)
    return leads, path


KEPT = {
    "old-booked",
    "old-closed-but-booked",
    "recent-closed",
    "recent-new",
}


def test_purge_dry_run_reports_and_changes_nothing(session, retention):
    leads, path = retention
    events = event_counts(path)
    report = purge(session, str(path), 180, NOW, dry_run=True)
    session.commit()
    purged = ("old-closed", "old-new", "old-contacted", "old-contacted-cancelled")
    assert report == PurgeReport(
        lead_ids=tuple(sorted(leads[name] for name in purged)),
        conversation_count=1,
        events_erased=sum(events[name] for name in (*purged, "orphan-old")),
    )
    assert report.events_erased == 30
    assert _count(session, Lead) == len(leads)
    assert event_counts(path) == events
    assert _count(session, AuditEvent) == 0


def test_purge_removes_expired_leads_and_idle_conversations(session, retention):
    leads, path = retention
    events = event_counts(path)
    report = purge(session, str(path), 180, NOW, dry_run=False)
    session.commit()
    purged = ("old-closed", "old-new", "old-contacted", "old-contacted-cancelled")
    assert set(report.lead_ids) == {leads[name] for name in purged}
    assert (report.conversation_count, report.events_erased) == (1, 30)
    remaining = set(session.execute(select(Lead.conversation_id)).scalars())
    assert remaining == KEPT
    assert set(event_counts(path)) == KEPT | {"orphan-recent", "orphan-returned"}
    assert event_counts(path)["old-booked"] == events["old-booked"]
    assert _count(session, Booking) == 2  # the cancelled one went with its lead
    [entry] = session.execute(select(AuditEvent)).scalars()
    assert (entry.action, entry.actor_id, entry.actor_email, entry.at) == (
        "leads_purged",
        None,
        None,
        NOW,
    )
    assert entry.details == {
        "older_than_days": 180,
        "leads": 4,
        "conversations": 1,
        "events_erased": 30,
    }
    again = purge(session, str(path), 180, NOW, dry_run=False)
    assert again == PurgeReport((), 0, 0)


def test_a_longer_period_keeps_more(session, retention):
    report = purge(session, str(retention[1]), 365, NOW, dry_run=False)
    assert report == PurgeReport((), 0, 0)
    with pytest.raises(ValueError):
        purge(session, str(retention[1]), 0, NOW, dry_run=True)
