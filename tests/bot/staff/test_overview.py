"""Overview figures on SQLite and PostgreSQL: leads per local week, and the funnel."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.db.models import Booking, Lead, ReviewSlot, StaffUser
from bot.staff.overview import (
    Funnel,
    first_contact_by_week,
    funnel,
    nearest_rank,
    week_start,
    weekly_leads,
)
from bot.staff.pipeline import set_status

CHICAGO = ZoneInfo("America/Chicago")  # UTC-6 in winter


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_week_start_is_monday():
    assert week_start(date(2026, 2, 1)) == date(2026, 1, 26)  # a Sunday
    assert week_start(date(2026, 2, 2)) == date(2026, 2, 2)  # a Monday


def test_weeks_are_the_clinics_local_weeks(session, make_lead):
    # Monday 2 Feb 2026 02:00 UTC is still Sunday 1 Feb, 20:00, in Chicago
    make_lead("sunday-evening", created_at=utc(2026, 2, 2, 2), conditions=["sciatica"])
    make_lead("sunday-last-minute", created_at=utc(2026, 2, 2, 5, 59), conditions=["sciatica"])
    make_lead("monday-midnight", created_at=utc(2026, 2, 2, 6), conditions=["sciatica"])
    # the range's edges, in local time: Sunday 25 Jan is before it, Sunday 8 Feb in it
    make_lead("before-range", created_at=utc(2026, 1, 26, 5, 59), conditions=["sciatica"])
    make_lead("last-local-minute", created_at=utc(2026, 2, 9, 5, 59), conditions=["sciatica"])
    make_lead("after-range", created_at=utc(2026, 2, 9, 6), conditions=["sciatica"])

    series = weekly_leads(session, date(2026, 1, 26), date(2026, 2, 8), CHICAGO, "condition")

    assert series.weeks == (date(2026, 1, 26), date(2026, 2, 2))
    assert series.categories == ("sciatica",)
    assert series.counts == {"sciatica": (2, 2)}
    # in UTC the split would have been different: the zone is what matters
    utc_series = weekly_leads(
        session, date(2026, 1, 26), date(2026, 2, 8), ZoneInfo("UTC"), "condition"
    )
    assert utc_series.counts == {"sciatica": (1, 3)}


def test_a_lead_counts_under_each_condition_and_none_is_unspecified(session, make_lead):
    monday = utc(2026, 3, 2, 15)
    make_lead("a", created_at=monday, conditions=["herniated_disc", "sciatica"])
    make_lead("b", created_at=monday, conditions=["sciatica"])
    make_lead("c", created_at=monday, conditions=[])
    make_lead("d", created_at=monday + timedelta(days=7), conditions=["stenosis"])

    series = weekly_leads(session, date(2026, 3, 2), date(2026, 3, 15), CHICAGO, "condition")

    # most frequent first, ties by name, "unspecified" last
    assert series.categories == ("sciatica", "herniated_disc", "stenosis", "unspecified")
    assert series.counts == {
        "sciatica": (2, 0),
        "herniated_disc": (1, 0),
        "stenosis": (0, 1),
        "unspecified": (1, 0),
    }
    assert series.week_totals() == (4, 1)
    assert series.category_totals() == {
        "sciatica": 2,
        "herniated_disc": 1,
        "stenosis": 1,
        "unspecified": 1,
    }
    assert series.total == 5


def test_every_week_is_present_even_with_no_leads(session, make_lead):
    make_lead("only", created_at=utc(2026, 1, 7, 18), conditions=["sciatica"])

    series = weekly_leads(session, date(2026, 1, 7), date(2026, 2, 3), CHICAGO, "condition")

    assert series.weeks == (
        date(2026, 1, 5),
        date(2026, 1, 12),
        date(2026, 1, 19),
        date(2026, 1, 26),
        date(2026, 2, 2),
    )
    assert series.counts == {"sciatica": (1, 0, 0, 0, 0)}


def test_an_empty_period(session):
    series = weekly_leads(session, date(2026, 1, 5), date(2026, 1, 18), CHICAGO, "condition")
    assert series.weeks == (date(2026, 1, 5), date(2026, 1, 12))
    assert series.categories == ()
    assert series.week_totals() == (0, 0) and series.total == 0
    triage = weekly_leads(session, date(2026, 1, 5), date(2026, 1, 18), CHICAGO, "triage")
    assert triage.counts == {"routine": (0, 0), "urgent": (0, 0), "emergency": (0, 0)}


def test_split_by_triage_level(session, make_lead):
    make_lead("r1", created_at=utc(2026, 3, 3, 15), triage_level="routine")
    make_lead("r2", created_at=utc(2026, 3, 4, 15), triage_level="routine")
    make_lead("u1", created_at=utc(2026, 3, 10, 15), triage_level="urgent")
    make_lead("e1", created_at=utc(2026, 3, 3, 15), triage_level="emergency")

    series = weekly_leads(session, date(2026, 3, 2), date(2026, 3, 15), CHICAGO, "triage")

    assert series.by == "triage"
    assert series.categories == ("routine", "urgent", "emergency")
    assert series.counts == {"routine": (2, 0), "urgent": (0, 1), "emergency": (1, 0)}


def test_the_week_of_a_clock_change(session, make_lead):
    # US clocks go forward on Sunday 8 Mar 2026: Monday 9 Mar starts at 05:00 UTC
    make_lead("sunday-late", created_at=utc(2026, 3, 9, 4, 59))
    make_lead("monday-early", created_at=utc(2026, 3, 9, 5))
    series = weekly_leads(session, date(2026, 3, 2), date(2026, 3, 15), CHICAGO, "triage")
    assert series.counts["routine"] == (1, 1)


def test_bad_arguments_are_refused(session):
    with pytest.raises(ValueError):
        weekly_leads(session, date(2026, 3, 2), date(2026, 3, 1), CHICAGO, "condition")
    with pytest.raises(ValueError):
        weekly_leads(session, date(2026, 3, 2), date(2026, 3, 9), CHICAGO, "status")
    with pytest.raises(ValueError):
        funnel(session, 1, datetime(2026, 3, 1), datetime(2026, 3, 8))


def book(factory, lead_id: int, slot_at: datetime, made_at: datetime, status: str) -> None:
    with factory.begin() as session:
        slot = ReviewSlot(starts_at=slot_at)
        session.add(slot)
        session.flush()
        session.add(
            Booking(
                slot_id=slot.id,
                lead_id=lead_id,
                reference=f"R{slot.id:05d}",
                status=status,
                created_at=made_at,
                cancelled_at=made_at + timedelta(hours=1) if status == "cancelled" else None,
            )
        )


def test_funnel_counts(session, factory, make_lead):
    start, end = utc(2026, 3, 2, 6), utc(2026, 3, 9, 5)
    inside = [
        make_lead(f"in-{n}", created_at=start + timedelta(days=n), conditions=[]) for n in range(4)
    ]
    early = make_lead("early", created_at=start - timedelta(seconds=1))
    make_lead("at-end", created_at=end)  # [start, end): the end is excluded
    slot_at = utc(2026, 4, 1, 15)
    # booked then cancelled: still went as far as booking
    book(factory, inside[0], slot_at, start + timedelta(hours=2), "cancelled")
    # booked, cancelled, booked again: one lead
    book(factory, inside[1], slot_at + timedelta(hours=1), start + timedelta(hours=3), "cancelled")
    book(factory, inside[1], slot_at + timedelta(hours=2), start + timedelta(hours=4), "active")
    # an older lead booking in the period counts; a booking after the period does not
    book(factory, early, slot_at + timedelta(hours=3), start + timedelta(days=1), "active")
    book(factory, inside[2], slot_at + timedelta(hours=4), end, "active")

    result = funnel(session, 40, start, end)

    assert result == Funnel(conversations=40, leads=4, booked=3)
    assert result.stages() == (("Conversations", 40), ("Leads", 4), ("Booked a review", 3))
    assert result.share(4) == 10.0
    assert Funnel(conversations=0, leads=0, booked=0).share(0) is None


# --- time to first contact ---------------------------------------------------------------


def _contact(session, lead_id: int, actor, at: datetime, to: str = "contacted") -> None:
    """A staff member's status change, as the pipeline records it."""
    lead = session.get(Lead, lead_id)
    set_status(session, lead, to, actor, at, reason="spam" if to == "closed" else None)
    session.commit()


def test_nearest_rank_percentile():
    waits = [timedelta(minutes=m) for m in range(1, 11)]  # 1..10 minutes
    assert nearest_rank(waits, 0.9) == timedelta(minutes=9)
    assert nearest_rank(waits, 0.5) == timedelta(minutes=5)
    assert nearest_rank([timedelta(hours=3)], 0.9) == timedelta(hours=3)
    assert nearest_rank(list(reversed(waits)), 1.0) == timedelta(minutes=10)


def test_time_to_first_contact_per_week(session, make_lead):
    desk = StaffUser(email="desk@clinic.example", password_hash="x")
    session.add(desk)
    session.commit()
    monday = utc(2026, 2, 2, 15)  # Monday 2 Feb, 09:00 in Chicago
    waits_hours = [1, 2, 3, 4, 5, 6, 7, 8, 9, 30]
    ids = [make_lead(f"w1-{n}", created_at=monday + timedelta(minutes=n)) for n in range(10)]
    for lead_id, hours in zip(ids, waits_hours, strict=True):
        arrived = session.get(Lead, lead_id).created_at
        _contact(session, lead_id, desk, arrived + timedelta(hours=hours))
    # a second contact later changes nothing: the first one counts
    _contact(session, ids[0], desk, monday + timedelta(days=3), to="booked")
    # the next week: one booked by staff, one closed as spam (no contact), one waiting
    booked = make_lead("w2-booked", created_at=monday + timedelta(days=7))
    spam = make_lead("w2-spam", created_at=monday + timedelta(days=7))
    make_lead("w2-waiting", created_at=monday + timedelta(days=7))
    _contact(session, booked, desk, monday + timedelta(days=7, minutes=45), to="booked")
    _contact(session, spam, desk, monday + timedelta(days=7, minutes=5), to="closed")

    weeks = first_contact_by_week(session, date(2026, 2, 2), date(2026, 2, 22), CHICAGO)

    assert [w.week for w in weeks] == [date(2026, 2, 2), date(2026, 2, 9), date(2026, 2, 16)]
    first, second, empty = weeks
    assert (first.leads, first.contacted) == (10, 10)
    assert first.median == timedelta(hours=5, minutes=30)  # between 5 and 6 hours
    assert first.p90 == timedelta(hours=9)  # 9 of 10 were reached within 9 hours
    assert (second.leads, second.contacted) == (3, 1)
    assert second.median == second.p90 == timedelta(minutes=45)
    assert (empty.leads, empty.contacted, empty.median, empty.p90) == (0, 0, None, None)


def test_a_change_made_from_the_command_line_is_not_a_contact(session, make_lead):
    lead_id = make_lead("cli", created_at=utc(2026, 2, 2, 15))
    _contact(session, lead_id, None, utc(2026, 2, 2, 16))
    (week,) = first_contact_by_week(session, date(2026, 2, 2), date(2026, 2, 8), CHICAGO)
    assert (week.leads, week.contacted, week.median) == (1, 0, None)


def test_first_contact_refuses_a_range_ending_before_it_starts(session):
    with pytest.raises(ValueError, match="before it starts"):
        first_contact_by_week(session, date(2026, 2, 9), date(2026, 2, 2), CHICAGO)
