from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from bot.db.models import Booking, Consent, Intake, Lead, ReviewSlot
from bot.db.session import dispose_engines, engine_for, session_scope

T0 = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)


def _slot(session, starts_at=T0) -> ReviewSlot:
    slot = ReviewSlot(starts_at=starts_at)
    session.add(slot)
    session.flush()
    return slot


def test_engine_is_shared_per_url(engine, migrated_url):
    assert engine_for(migrated_url) is engine


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'leads.db'}"
    try:
        with engine_for(url).connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        dispose_engines()


def test_a_lead_needs_an_email_or_a_phone(session):
    session.add(Lead(conversation_id="c1", name="Ana"))
    with pytest.raises(IntegrityError, match="ck_leads_contact|CHECK constraint failed"):
        session.flush()


def test_a_phone_alone_is_enough_and_defaults_apply(session):
    lead = Lead(conversation_id="c1", name="Ana", phone="+13125550142")
    session.add(lead)
    session.commit()
    assert (lead.status, lead.triage_level, lead.conditions) == ("new", "routine", [])
    assert lead.created_at.tzinfo is not None


@pytest.mark.parametrize(
    "fields",
    [{"triage_level": "crisis"}, {"status": "lost"}],
    ids=["triage_level", "status"],
)
def test_lead_values_outside_their_lists_are_refused(session, fields):
    session.add(Lead(conversation_id="c1", name="Ana", email="a@example.com", **fields))
    with pytest.raises(IntegrityError):
        session.flush()


def test_the_conversation_id_is_unique(session, make_lead):
    make_lead("c1")
    session.add(Lead(conversation_id="c1", name="Bo", email="b@example.com"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_pain_score_is_0_to_10(session, make_lead):
    lead_id = make_lead()
    session.add(Intake(lead_id=lead_id, answers={}, pain_score=11))
    with pytest.raises(IntegrityError):
        session.flush()


def test_timestamps_come_back_in_utc_whatever_zone_went_in(session):
    chicago = T0.astimezone(timezone(timedelta(hours=-6)))
    slot = _slot(session, chicago)
    session.commit()
    session.expire_all()
    stored = session.execute(select(ReviewSlot.starts_at).where(ReviewSlot.id == slot.id))
    value = stored.scalar_one()
    assert value == T0 and value.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused(session):
    session.add(ReviewSlot(starts_at=datetime(2026, 12, 1, 9, 0)))
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()


def test_one_active_booking_per_slot(session, make_lead):
    first, second = make_lead("c1"), make_lead("c2")
    slot = _slot(session)
    session.add(Booking(slot_id=slot.id, lead_id=first, reference="AAAAAAAA"))
    session.flush()
    session.add(Booking(slot_id=slot.id, lead_id=second, reference="BBBBBBBB"))
    with pytest.raises(IntegrityError, match="uq_bookings_active_slot|UNIQUE"):
        session.flush()


def test_cancelled_bookings_do_not_hold_the_slot(session, make_lead):
    first, second = make_lead("c1"), make_lead("c2")
    slot = _slot(session)
    session.add_all(
        [
            Booking(slot_id=slot.id, lead_id=first, reference="AAAAAAAA", status="cancelled"),
            Booking(slot_id=slot.id, lead_id=second, reference="BBBBBBBB"),
        ]
    )
    session.commit()
    statuses = session.execute(select(Booking.status).order_by(Booking.id)).scalars().all()
    assert statuses == ["cancelled", "active"]


def test_one_active_booking_per_lead(session, make_lead):
    lead_id = make_lead()
    one, two = _slot(session, T0), _slot(session, T0 + timedelta(hours=1))
    session.add(Booking(slot_id=one.id, lead_id=lead_id, reference="AAAAAAAA"))
    session.flush()
    session.add(Booking(slot_id=two.id, lead_id=lead_id, reference="BBBBBBBB"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_foreign_keys_are_enforced(session, make_lead):
    session.add(Booking(slot_id=9999, lead_id=make_lead(), reference="AAAAAAAA"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_deleting_a_lead_deletes_its_records_in_the_database(session, make_lead):
    lead_id = make_lead()
    slot = _slot(session)
    session.add_all(
        [
            Intake(lead_id=lead_id, answers={"pain_score": 4}, pain_score=4),
            Consent(
                lead_id=lead_id,
                notice_version="v1",
                agreed=True,
                contact_opt_in=False,
                given_at=T0,
            ),
            Booking(slot_id=slot.id, lead_id=lead_id, reference="AAAAAAAA"),
        ]
    )
    session.commit()
    # a bulk DELETE: only the database's ON DELETE CASCADE can remove the rest
    session.execute(delete(Lead).where(Lead.id == lead_id))
    session.commit()
    for model in (Intake, Consent, Booking):
        assert session.execute(select(model)).first() is None
    assert session.get(ReviewSlot, slot.id) is not None


def test_a_booked_slot_cannot_be_deleted(session, make_lead):
    lead_id = make_lead()
    slot = _slot(session)
    session.add(Booking(slot_id=slot.id, lead_id=lead_id, reference="AAAAAAAA"))
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(delete(ReviewSlot).where(ReviewSlot.id == slot.id))


def test_session_scope_commits_on_success_and_rolls_back_on_error(migrated_url):
    with session_scope(migrated_url) as session:
        session.add(ReviewSlot(starts_at=T0))
    with pytest.raises(RuntimeError), session_scope(migrated_url) as session:
        session.add(ReviewSlot(starts_at=T0 + timedelta(days=1)))
        session.flush()
        raise RuntimeError("boom")
    with session_scope(migrated_url) as session:
        count = session.execute(text("SELECT COUNT(*) FROM review_slots")).scalar_one()
    assert count == 1
