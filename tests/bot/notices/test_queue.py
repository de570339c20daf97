"""Notices queued with each booking change, once, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.clinic.booking import book, cancel, move
from bot.db.models import BookingNotice
from bot.notices.queue import REMINDER_BEFORE, coming
from bot.settings import load_settings
from tests.bot.notices.conftest import NOW, PHONE


def notices(factory) -> list[tuple[int, str, str, str, int]]:
    with factory() as session:
        rows = session.execute(
            select(BookingNotice).order_by(BookingNotice.booking_id, BookingNotice.id)
        ).scalars()
        return [(n.booking_id, n.kind, n.channel, n.status, n.sequence) for n in rows]


def test_a_booking_queues_its_confirmation_and_a_reminder_the_day_before(
    factory, visitor, slot_ids
):
    made = book(factory, visitor(), slot_ids[0], NOW)
    assert notices(factory) == [
        (made.id, "confirmation", "email", "queued", 0),
        (made.id, "reminder", "email", "queued", 0),
    ]
    with factory() as session:
        due = {n.kind: n.next_attempt_at for n in session.execute(select(BookingNotice)).scalars()}
    assert due["confirmation"] == NOW
    assert due["reminder"] == made.slot.starts_at - REMINDER_BEFORE


def test_asking_again_queues_nothing_more(factory, visitor, slot_ids):
    lead = visitor()
    book(factory, lead, slot_ids[0], NOW)
    book(factory, lead, slot_ids[0], NOW + timedelta(minutes=1))
    assert len(notices(factory)) == 2


def test_the_database_refuses_a_second_notice_of_a_kind(factory, visitor, slot_ids):
    made = book(factory, visitor(), slot_ids[0], NOW)
    with pytest.raises(IntegrityError), factory.begin() as session:
        session.add(
            BookingNotice(
                booking_id=made.id,
                kind="confirmation",
                channel="email",
                next_attempt_at=NOW,
                calendar_uid="x",
            )
        )


def test_texts_only_to_a_phone_allowed_texts(factory, visitor, slot_ids):
    no_texts = book(factory, visitor(email=None, phone=PHONE), slot_ids[0], NOW)
    texts = book(factory, visitor(phone=PHONE, texts=True, conversation_id="c2"), slot_ids[1], NOW)
    assert [n for n in notices(factory) if n[0] == no_texts.id] == []
    assert {(n[1], n[2]) for n in notices(factory) if n[0] == texts.id} == {
        ("confirmation", "email"),
        ("reminder", "email"),
        ("confirmation", "sms"),
        ("reminder", "sms"),
    }


def test_no_consent_no_notice(factory, make_lead, slot_ids):
    book(factory, make_lead(), slot_ids[0], NOW)
    assert notices(factory) == []


def test_a_booking_within_a_day_gets_no_reminder(factory, visitor, slot_ids):
    made = book(factory, visitor(), slot_ids[0], NOW + timedelta(days=2, hours=12))
    assert notices(factory) == [(made.id, "confirmation", "email", "queued", 0)]


def test_a_move_withdraws_the_old_notices_and_announces_the_same_event(factory, visitor, slot_ids):
    lead = visitor()
    old = book(factory, lead, slot_ids[0], NOW)
    new = move(factory, lead, old.reference, slot_ids[1], NOW + timedelta(hours=1))
    assert notices(factory) == [
        (old.id, "confirmation", "email", "skipped", 0),
        (old.id, "reminder", "email", "skipped", 0),
        (new.id, "moved", "email", "queued", 1),
        (new.id, "reminder", "email", "queued", 1),
    ]
    with factory() as session:
        uids = set(session.execute(select(BookingNotice.calendar_uid)).scalars())
    assert len(uids) == 1


def test_a_cancellation_is_queued_and_the_reminder_withdrawn(factory, visitor, slot_ids):
    lead = visitor()
    made = book(factory, lead, slot_ids[0], NOW)
    cancel(factory, lead, made.reference, NOW + timedelta(hours=1))
    cancel(factory, lead, made.reference, NOW + timedelta(hours=2))  # twice: nothing more
    assert notices(factory) == [
        (made.id, "confirmation", "email", "skipped", 0),
        (made.id, "reminder", "email", "skipped", 0),
        (made.id, "cancelled", "email", "queued", 1),
    ]


def test_the_chat_says_only_what_this_deployment_sends(factory, visitor, slot_ids, tmp_path):
    made = book(factory, visitor(phone=PHONE, texts=True), slot_ids[0], NOW)
    plain = load_settings({}, root=tmp_path)
    mail = load_settings({"SMTP_HOST": "mail.example"}, root=tmp_path)
    both = load_settings(
        {"SMTP_HOST": "m", "SMS_PROVIDER": "http", "SMS_HTTP_URL": "https://sms.example/send"},
        root=tmp_path,
    )
    with factory() as session:
        assert coming(session, made.id, plain) == []
        assert coming(session, made.id, mail) == ["email"]
        assert coming(session, made.id, both) == ["email", "sms"]
