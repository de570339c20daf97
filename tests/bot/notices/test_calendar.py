"""The calendar invitation, read back with icalendar."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from icalendar import Calendar

from bot.notices.calendar import invitation

START = datetime(2026, 12, 15, 15, 0, tzinfo=timezone.utc)


def event(cancelled: bool, sequence: int):
    ics = invitation(
        cancelled=cancelled,
        uid="abc@clinic.example",
        sequence=sequence,
        starts_at=START,
        duration_minutes=30,
        summary="Scan review",
        location="100 Example Avenue",
        description="Reference ABCD2345",
        organizer="bookings@clinic.example",
        organizer_name="The clinic",
        attendee="visitor@example.com",
        now=START - timedelta(days=3),
    )
    calendar = Calendar.from_ical(ics)
    (found,) = calendar.walk("VEVENT")
    return calendar, found


def test_a_booking_is_a_request_for_the_reviews_half_hour():
    calendar, found = event(cancelled=False, sequence=0)
    assert str(calendar["METHOD"]) == "REQUEST" and str(found["STATUS"]) == "CONFIRMED"
    assert found.decoded("DTSTART") == START
    assert found.decoded("DTEND") == START + timedelta(minutes=30)
    assert str(found["UID"]) == "abc@clinic.example" and found["SEQUENCE"] == 0
    assert str(found["ORGANIZER"]) == "mailto:bookings@clinic.example"
    assert str(found["ATTENDEE"]) == "mailto:visitor@example.com"


def test_a_cancellation_cancels_the_same_event_one_sequence_on():
    calendar, found = event(cancelled=True, sequence=1)
    assert str(calendar["METHOD"]) == "CANCEL" and str(found["STATUS"]) == "CANCELLED"
    assert str(found["UID"]) == "abc@clinic.example" and found["SEQUENCE"] == 1
