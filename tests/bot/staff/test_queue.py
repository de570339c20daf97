"""The call-by rule across days, weekends, closing time and daylight saving, and the
"To call" queue on a real database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.clinic.opening_hours import parse_opening_hours
from bot.staff import queue
from bot.staff.queue import call_by, due_at, to_call

CHICAGO = ZoneInfo("America/Chicago")
WEEKDAYS_8_TO_5 = parse_opening_hours(
    {day: "08:00-17:00" for day in ("monday", "tuesday", "wednesday", "thursday", "friday")}
)
# a late Thursday, so that evening callers can be reached
LATE_THURSDAY = parse_opening_hours(
    {"monday": "08:00-17:00", "thursday": "08:00-19:30", "saturday": "09:00-12:00"}
)


def local(text: str) -> datetime:
    """A Chicago wall-clock time ("2026-11-16 09:00") as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=CHICAGO)


def due(arrived: str, preferred: str | None = None, triage: str = "routine", hours=None):
    at = due_at(local(arrived), preferred, triage, hours or WEEKDAYS_8_TO_5, CHICAGO)
    return at.astimezone(CHICAGO).replace(tzinfo=None).isoformat(" ", "minutes") if at else None


# --- emergencies and urgent: as soon as the clinic is open --------------------------


@pytest.mark.parametrize("triage", ["emergency", "urgent"])
@pytest.mark.parametrize(
    ("arrived", "expected"),
    [
        ("2026-11-16 10:15", "2026-11-16 10:30"),  # open: within 15 minutes
        ("2026-11-16 16:50", "2026-11-16 17:05"),  # even just before closing
        ("2026-11-16 07:30", "2026-11-16 08:15"),  # before opening: just after it
        ("2026-11-16 17:00", "2026-11-17 08:15"),  # at closing time: the next morning
        ("2026-11-20 18:00", "2026-11-23 08:15"),  # Friday evening: Monday morning
        ("2026-11-21 11:00", "2026-11-23 08:15"),  # Saturday: Monday morning
    ],
)
def test_emergencies_and_urgent_are_due_as_soon_as_the_clinic_is_open(triage, arrived, expected):
    assert due(arrived, "evening", triage) == expected  # whatever time of day was asked


# --- routine: the end of the next period meeting the visitor's time of day -----------


@pytest.mark.parametrize(
    ("arrived", "preferred", "expected"),
    [
        ("2026-11-16 09:00", "morning", "2026-11-16 12:00"),
        ("2026-11-16 09:00", "afternoon", "2026-11-16 17:00"),
        ("2026-11-16 09:00", "any", "2026-11-16 17:00"),
        ("2026-11-16 09:00", None, "2026-11-16 17:00"),
        ("2026-11-16 13:00", "morning", "2026-11-17 12:00"),  # this morning is over
        ("2026-11-16 11:30", "morning", "2026-11-17 12:00"),  # under an hour of it left
        ("2026-11-16 11:00", "morning", "2026-11-16 12:00"),  # an hour left is enough
        ("2026-11-16 16:30", "any", "2026-11-17 17:00"),  # closing in half an hour
        ("2026-11-16 06:00", "morning", "2026-11-16 12:00"),  # before opening
        ("2026-11-20 15:00", "morning", "2026-11-23 12:00"),  # Friday afternoon
        ("2026-11-21 10:00", "afternoon", "2026-11-23 17:00"),  # Saturday
        ("2026-11-22 23:59", "any", "2026-11-23 17:00"),  # Sunday night
    ],
)
def test_routine_leads_are_due_by_the_end_of_the_next_matching_period(arrived, preferred, expected):
    assert due(arrived, preferred) == expected


def test_an_evening_the_clinic_is_never_open_falls_back_to_the_whole_day():
    assert due("2026-11-16 09:00", "evening") == "2026-11-16 17:00"


def test_an_evening_caller_waits_for_the_late_opening():
    assert due("2026-11-16 09:00", "evening", hours=LATE_THURSDAY) == "2026-11-19 19:30"
    # and a morning caller on Saturday, when the clinic opens for a morning
    assert due("2026-11-19 13:00", "morning", hours=LATE_THURSDAY) == "2026-11-21 12:00"


def test_an_unknown_time_of_day_counts_as_any():
    assert due("2026-11-16 09:00", "teatime") == "2026-11-16 17:00"


# --- daylight saving (America/Chicago: 8 March and 1 November 2026) -------------------


def test_the_spring_change_keeps_local_hours():
    """Friday 6 March after closing, CST (UTC-6): due Monday 17:00 CDT (UTC-5)."""
    at = due_at(local("2026-03-06 17:30"), "any", "routine", WEEKDAYS_8_TO_5, CHICAGO)
    assert at == datetime(2026, 3, 9, 22, 0, tzinfo=timezone.utc)
    urgent = due_at(local("2026-03-07 12:00"), None, "urgent", WEEKDAYS_8_TO_5, CHICAGO)
    assert urgent == datetime(2026, 3, 9, 13, 15, tzinfo=timezone.utc)


def test_the_autumn_change_keeps_local_hours():
    """Friday 30 October, CDT: due Monday 2 November 12:00 CST (UTC-6)."""
    at = due_at(local("2026-10-30 14:00"), "morning", "routine", WEEKDAYS_8_TO_5, CHICAGO)
    assert at == datetime(2026, 11, 2, 18, 0, tzinfo=timezone.utc)


def test_an_hour_of_notice_is_real_time_across_a_change():
    """A clinic open through the night of the spring change: 01:30 CST to 03:30 CDT is
    one real hour, not two, so a 01:30 arrival needs the next night's period."""
    night = parse_opening_hours({"sunday": "00:00-03:30", "monday": "00:00-03:30"})
    assert due("2026-03-08 01:45", None, hours=night) == "2026-03-09 03:30"
    assert due("2026-03-08 01:15", None, hours=night) == "2026-03-08 03:30"


# --- inputs ----------------------------------------------------------------------------


def test_a_clinic_never_open_gives_no_call_by_time():
    closed = parse_opening_hours({})
    assert due("2026-11-16 09:00", "any", hours=closed) is None
    assert due("2026-11-16 09:00", None, "emergency", hours=closed) is None


def test_arrival_must_be_timezone_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(datetime(2026, 11, 16, 9), None, "routine", WEEKDAYS_8_TO_5, CHICAGO)


def test_overdue_once_the_call_by_time_has_passed():
    arrived = local("2026-11-16 09:00")
    before = call_by(
        arrived, "morning", "routine", WEEKDAYS_8_TO_5, CHICAGO, local("2026-11-16 11:59")
    )
    after = call_by(
        arrived, "morning", "routine", WEEKDAYS_8_TO_5, CHICAGO, local("2026-11-16 12:01")
    )
    assert before.at == after.at == local("2026-11-16 12:00")
    assert (before.overdue, after.overdue) == (False, True)


# --- the queue on a database ------------------------------------------------------------


def test_the_queue_lists_new_leads_emergencies_first_then_by_call_by_time(factory, make_lead):
    arrived = local("2026-11-16 09:00")
    make_lead("c1", name="Routine Afternoon", created_at=arrived, preferred_time="afternoon")
    make_lead("c2", name="Routine Morning", created_at=arrived, preferred_time="morning")
    make_lead(
        "c3", name="Urgent Late", created_at=arrived + timedelta(hours=2), triage_level="urgent"
    )
    make_lead(
        "c4", name="Emergency", created_at=arrived + timedelta(hours=3), triage_level="emergency"
    )
    make_lead("c5", name="Already Called", created_at=arrived, status="contacted")
    now = local("2026-11-16 13:00")
    with factory() as session:
        listed = to_call(session, WEEKDAYS_8_TO_5, CHICAGO, now)
        names = [entry.lead.name for entry in listed.page.items]
        late = [entry.lead.name for entry in listed.page.items if entry.due.overdue]
    assert names == ["Emergency", "Urgent Late", "Routine Morning", "Routine Afternoon"]
    assert listed.waiting == listed.page.total == 4
    assert set(late) == {"Emergency", "Urgent Late", "Routine Morning"}
    assert listed.overdue == 3


def test_the_queue_is_paged(factory, make_lead):
    start = local("2026-11-16 09:00")
    for n in range(5):
        make_lead(f"c{n}", name=f"Lead {n}", created_at=start + timedelta(minutes=n))
    with factory() as session:
        second = to_call(session, WEEKDAYS_8_TO_5, CHICAGO, start, page=2, per_page=2).page
    assert [entry.lead.name for entry in second.items] == ["Lead 2", "Lead 3"]
    assert (second.total, second.pages) == (5, 3)


def test_the_queue_orders_at_most_its_bound_oldest_first(factory, make_lead, monkeypatch):
    monkeypatch.setattr(queue, "MAX_QUEUE", 2)
    start = local("2026-11-16 09:00")
    for n in range(3):
        make_lead(f"c{n}", name=f"Lead {n}", created_at=start + timedelta(minutes=n))
    with factory() as session:
        listed = to_call(session, WEEKDAYS_8_TO_5, CHICAGO, start)
    assert [entry.lead.name for entry in listed.page.items] == ["Lead 0", "Lead 1"]
    assert listed.page.pages == 1  # no page past the ordered leads
    assert listed.waiting == 3  # but the count says how many wait in all
