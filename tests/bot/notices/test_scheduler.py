"""The notice scheduler against a real SMTP server (aiosmtpd) and a real database
(SQLite, then PostgreSQL): each notice once, retried with backoff, skipped when stale."""

from __future__ import annotations

import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.clinic.booking import book, cancel, move
from bot.db.models import BookingNotice
from bot.notices.scheduler import MAX_ATTEMPTS, Outbox, claim, retry_delay, run_once
from bot.notices.sms import TextsOff
from bot.settings import load_settings
from tests.bot.notices.conftest import EMAIL, NOW
from tests.mail import free_port, start_server

# what no message to a visitor may carry: their name, health details, triage
FORBIDDEN = ["Ana", "herniated", "sciatica", "pain", "symptom", "triage", "urgent", "emergency"]


@pytest.fixture
def smtp():
    controller, inbox = start_server()
    yield controller, inbox
    controller.stop()


def outbox_for(port: int, tmp_path, clinic) -> Outbox:
    settings = load_settings(
        {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_STARTTLS": "false",
            "SMTP_FROM": "bookings@clinic.example",
            "PUBLIC_BASE_URL": "https://clinic.example/",
            "BOOKING_LINK_SECRET": "k" * 40,
        },
        root=tmp_path,
    )
    return Outbox.from_settings(settings, clinic)


def statuses(factory) -> dict[tuple[int, str], tuple[str, int]]:
    with factory() as session:
        return {
            (n.booking_id, n.kind): (n.status, n.attempts)
            for n in session.execute(select(BookingNotice)).scalars()
        }


def event_of(message):
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(part.get_content())
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_confirmation_is_sent_once_with_the_invitation(
    factory, visitor, slot_ids, smtp, tmp_path, clinic
):
    controller, inbox = smtp
    outbox = outbox_for(controller.port, tmp_path, clinic)
    made = book(factory, visitor(), slot_ids[0], NOW)
    assert run_once(factory, outbox, NOW) == {"sent": 1}
    assert run_once(factory, outbox, NOW + timedelta(minutes=5)) == {}  # once
    (message,) = inbox.messages()
    assert inbox.envelopes[0].rcpt_tos == [EMAIL]
    body = message.get_body(("plain",)).get_content()
    local = made.slot.starts_at.astimezone(ZoneInfo(clinic.timezone))
    assert f"{local:%H:%M} (clinic time" in body
    assert f"{local:%A} {local.day} {local:%B %Y}" in body
    assert made.reference in body and clinic.phone in body
    assert "disc" in body and "report" in body
    assert "https://clinic.example/booking/" in body
    text = (message["Subject"] + body).lower()
    assert [w for w in FORBIDDEN if w.lower() in text] == []
    calendar, event = event_of(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == made.slot.starts_at
    assert statuses(factory)[(made.id, "confirmation")] == ("sent", 1)
    assert statuses(factory)[(made.id, "reminder")] == ("queued", 0)


def test_the_reminder_goes_the_day_before_and_a_move_updates_the_same_event(
    factory, visitor, slot_ids, smtp, tmp_path, clinic
):
    controller, inbox = smtp
    outbox = outbox_for(controller.port, tmp_path, clinic)
    lead = visitor()
    old = book(factory, lead, slot_ids[0], NOW)
    run_once(factory, outbox, NOW)
    new = move(factory, lead, old.reference, slot_ids[1], NOW + timedelta(hours=1))
    assert run_once(factory, outbox, NOW + timedelta(hours=1)) == {"sent": 1}
    # the old booking's reminder was withdrawn; the new one's waits for its day
    day_before = new.slot.starts_at - timedelta(days=1)
    assert run_once(factory, outbox, day_before - timedelta(minutes=1)) == {}
    assert run_once(factory, outbox, day_before) == {"sent": 1}
    confirmation, moved, reminder = inbox.messages()
    _, first = event_of(confirmation)
    _, second = event_of(moved)
    assert first["UID"] == second["UID"] and second["SEQUENCE"] == 1
    assert "moved" in moved["Subject"] and new.reference in moved.get_body(("plain",)).get_content()
    assert "Reminder" in reminder["Subject"] and not list(reminder.iter_attachments())
    assert statuses(factory)[(old.id, "reminder")][0] == "skipped"


def test_a_cancellation_cancels_the_calendar_entry(
    factory, visitor, slot_ids, smtp, tmp_path, clinic
):
    controller, inbox = smtp
    outbox = outbox_for(controller.port, tmp_path, clinic)
    lead = visitor()
    made = book(factory, lead, slot_ids[0], NOW)
    run_once(factory, outbox, NOW)
    cancel(factory, lead, made.reference, NOW + timedelta(hours=1))
    assert run_once(factory, outbox, NOW + timedelta(hours=1)) == {"sent": 1}
    _, booked = event_of(inbox.messages()[0])
    calendar, cancelled = event_of(inbox.messages()[1])
    assert str(calendar["METHOD"]) == "CANCEL" and str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["UID"] == booked["UID"] and cancelled["SEQUENCE"] == 1
    # the reminder of a cancelled booking never goes
    assert run_once(factory, outbox, made.slot.starts_at - timedelta(days=1)) == {}
    assert len(inbox.envelopes) == 2


def test_a_booking_cancelled_before_its_confirmation_went_sends_nothing(
    factory, visitor, slot_ids, smtp, tmp_path, clinic
):
    controller, inbox = smtp
    lead = visitor()
    made = book(factory, lead, slot_ids[0], NOW)
    cancel(factory, lead, made.reference, NOW)
    assert run_once(factory, outbox_for(controller.port, tmp_path, clinic), NOW) == {"skipped": 1}
    assert inbox.envelopes == []


def test_a_server_that_is_down_is_tried_again_later_then_given_up(
    factory, visitor, slot_ids, tmp_path, clinic
):
    outbox = outbox_for(free_port(), tmp_path, clinic)  # nobody listens there
    made = book(factory, visitor(), slot_ids[0], NOW)
    now = NOW
    for attempt in range(1, MAX_ATTEMPTS):
        assert run_once(factory, outbox, now) == {"queued": 1}
        assert statuses(factory)[(made.id, "confirmation")] == ("queued", attempt)
        assert run_once(factory, outbox, now + retry_delay(attempt) - timedelta(seconds=1)) == {}
        now += retry_delay(attempt)
    assert run_once(factory, outbox, now) == {"failed": 1}
    assert statuses(factory)[(made.id, "confirmation")] == ("failed", MAX_ATTEMPTS)


def test_a_failed_try_is_sent_on_the_next(factory, visitor, slot_ids, smtp, tmp_path, clinic):
    controller, inbox = smtp
    made = book(factory, visitor(), slot_ids[0], NOW)
    run_once(factory, outbox_for(free_port(), tmp_path, clinic), NOW)
    later = NOW + retry_delay(1)
    assert run_once(factory, outbox_for(controller.port, tmp_path, clinic), later) == {"sent": 1}
    assert statuses(factory)[(made.id, "confirmation")] == ("sent", 2)
    assert len(inbox.envelopes) == 1


def test_without_a_mail_server_nothing_claims_to_be_sent(
    factory, visitor, slot_ids, tmp_path, clinic
):
    outbox = Outbox(load_settings({}, root=tmp_path), clinic, TextsOff(), None)
    made = book(factory, visitor(), slot_ids[0], NOW)
    assert run_once(factory, outbox, NOW) == {"skipped": 1}
    with factory() as session:
        notice = session.execute(
            select(BookingNotice).where(BookingNotice.kind == "confirmation")
        ).scalar_one()
    assert (notice.booking_id, notice.status, notice.last_error) == (
        made.id,
        "skipped",
        "email not configured",
    )


def test_a_notice_is_claimed_by_one_scheduler_only(factory, visitor, slot_ids):
    book(factory, visitor(), slot_ids[0], NOW)
    with factory() as session:
        notice_id = session.execute(
            select(BookingNotice.id).where(BookingNotice.kind == "confirmation")
        ).scalar_one()
    results = []
    barrier = threading.Barrier(4)

    def take() -> None:
        barrier.wait()
        results.append(claim(factory, notice_id, NOW))

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]


def test_two_schedulers_send_each_notice_once(factory, visitor, slot_ids, smtp, tmp_path, clinic):
    controller, inbox = smtp
    for index, slot_id in enumerate(slot_ids):
        book(factory, visitor(conversation_id=f"c{index}"), slot_id, NOW)
    outbox = outbox_for(controller.port, tmp_path, clinic)
    threads = [threading.Thread(target=run_once, args=(factory, outbox, NOW)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(inbox.envelopes) == len(slot_ids)
    assert [s for s, _ in statuses(factory).values()].count("sent") == len(slot_ids)


def test_a_claim_left_by_a_stopped_scheduler_is_taken_again(
    factory, visitor, slot_ids, smtp, tmp_path, clinic
):
    controller, inbox = smtp
    book(factory, visitor(), slot_ids[0], NOW)
    with factory() as session:
        notice_id = session.execute(
            select(BookingNotice.id).where(BookingNotice.kind == "confirmation")
        ).scalar_one()
    assert claim(factory, notice_id, NOW)  # ...and the scheduler died
    outbox = outbox_for(controller.port, tmp_path, clinic)
    assert run_once(factory, outbox, NOW + timedelta(minutes=1)) == {}
    assert run_once(factory, outbox, NOW + timedelta(minutes=11)) == {"sent": 1}


def test_retries_wait_longer_each_time():
    waits = [retry_delay(n) for n in range(1, 8)]
    assert waits == sorted(waits) and waits[0] == timedelta(minutes=2)
    assert waits[-1] == timedelta(hours=6)
