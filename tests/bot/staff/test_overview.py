"""Overview figures on SQLite and PostgreSQL: leads per local week, and the funnel."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.db.models import Booking, ReviewSlot
from bot.staff.overview import Funnel, funnel, week_start, weekly_leads

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
