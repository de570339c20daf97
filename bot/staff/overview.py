"""Figures for the back-office overview: leads per week, the way from a conversation
to a lead to a booked scan review, and how soon the front desk got in touch.

Counts only: nothing here returns a visitor's details. Weeks are the clinic's weeks
(ISO, starting on Monday, in its time zone), since that is how staff think of "last
week"; times in the database are UTC, so leads are placed in weeks here, in Python,
the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clinic.safety import TRIAGE_LEVELS
from bot.db.models import AuditEvent, Booking, Lead

UNSPECIFIED = "unspecified"  # the category of a lead that named no condition
# a staff member marking a lead as one of these records that they reached the visitor
CONTACT_STATUSES = ("contacted", "booked")


@dataclass(frozen=True)
class WeeklySeries:
    """Counts per week and category: ``counts[category][i]`` is for ``weeks[i]``."""

    by: Literal["condition", "triage"]
    weeks: tuple[date, ...]  # each week's Monday, oldest first, none missing
    categories: tuple[str, ...]  # in the order a chart stacks and lists them
    counts: dict[str, tuple[int, ...]]

    def week_totals(self) -> tuple[int, ...]:
        """Per week, the sum over categories (a two-condition lead counts twice)."""
        return tuple(
            sum(self.counts[category][n] for category in self.categories)
            for n in range(len(self.weeks))
        )

    def category_totals(self) -> dict[str, int]:
        """Per category, the sum over the weeks."""
        return {category: sum(self.counts[category]) for category in self.categories}

    @property
    def total(self) -> int:
        return sum(self.week_totals())


@dataclass(frozen=True)
class Funnel:
    """From conversations to leads to leads that booked a scan review, in one period."""

    conversations: int
    leads: int
    booked: int

    def stages(self) -> tuple[tuple[str, int], ...]:
        """The stages in order, with the labels staff see."""
        return (
            ("Conversations", self.conversations),
            ("Leads", self.leads),
            ("Booked a review", self.booked),
        )

    def share(self, count: int) -> float | None:
        """``count`` as a percentage of the conversations; None when there were none."""
        return 100 * count / self.conversations if self.conversations else None


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")


def weekly_leads(
    session: Session,
    start: date,
    end: date,
    zone: ZoneInfo,
    by: Literal["condition", "triage"],
) -> WeeklySeries:
    """Leads created from ``start`` to ``end`` (local dates, both included), per week.

    Every week from the one holding ``start`` to the one holding ``end`` is present,
    with zeros when nothing came in; a first or last week cut by the range counts only
    its days inside it. By condition, a lead naming two conditions counts in both and
    one naming none counts as "unspecified"; conditions are listed most frequent first,
    "unspecified" last. By triage, the three levels are always listed, routine first.
    """
    if by not in ("condition", "triage"):
        raise ValueError(f"weekly_leads by 'condition' or 'triage', not {by!r}")
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    first, last = week_start(start), week_start(end)
    weeks = tuple(first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1))
    column = Lead.conditions if by == "condition" else Lead.triage_level
    rows = session.execute(
        select(Lead.created_at, column).where(
            Lead.created_at >= _local_midnight(start, zone),
            Lead.created_at < _local_midnight(end + timedelta(days=1), zone),
        )
    ).all()

    index = {week: n for n, week in enumerate(weeks)}
    counts: dict[str, list[int]] = {}
    if by == "triage":
        counts = {level: [0] * len(weeks) for level in TRIAGE_LEVELS}
    for created_at, value in rows:
        week = index[week_start(created_at.astimezone(zone).date())]
        if by == "triage":
            categories = [value]
        else:
            categories = [c for c in dict.fromkeys(value or []) if isinstance(c, str) and c]
            categories = categories or [UNSPECIFIED]
        for category in categories:
            counts.setdefault(category, [0] * len(weeks))[week] += 1

    if by == "triage":
        order = list(TRIAGE_LEVELS) + sorted(set(counts) - set(TRIAGE_LEVELS))
    else:
        order = sorted(
            counts, key=lambda c: (c == UNSPECIFIED, -sum(counts[c]), c)
        )  # most frequent first, ties by name, "unspecified" last
    return WeeklySeries(
        by=by,
        weeks=weeks,
        categories=tuple(order),
        counts={category: tuple(counts[category]) for category in order},
    )


def funnel(session: Session, conversations: int, start: datetime, end: datetime) -> Funnel:
    """The funnel for [start, end): ``conversations`` as counted in the tracker store
    (passed in), the leads created in the period, and the leads that made a booking in
    the period.

    A booking counts when it was made in the period, whether it is still active or was
    cancelled since: the funnel measures how many visitors went as far as booking. A
    lead that booked, cancelled and booked again counts once (distinct leads).
    """
    _require_aware(start, "start")
    _require_aware(end, "end")
    if conversations < 0:
        raise ValueError(f"conversations can't be negative, got {conversations}")
    leads = session.execute(
        select(func.count(Lead.id)).where(Lead.created_at >= start, Lead.created_at < end)
    ).scalar_one()
    booked = session.execute(
        select(func.count(func.distinct(Booking.lead_id))).where(
            Booking.created_at >= start, Booking.created_at < end
        )
    ).scalar_one()
    return Funnel(conversations=conversations, leads=leads, booked=booked)


@dataclass(frozen=True)
class FirstContactWeek:
    """For the leads that arrived in one week: how many, how many were reached, and
    the median and 90th percentile of the time from arrival to first contact."""

    week: date  # the week's Monday
    leads: int
    contacted: int
    median: timedelta | None  # None: nobody reached yet
    p90: timedelta | None


def nearest_rank(values: list[timedelta], share: float) -> timedelta:
    """The nearest-rank percentile: the smallest value with at least ``share`` of the
    values at or below it (for 90%: 9 of 10 leads were reached within it)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _first_contacts(session: Session, start: datetime, end: datetime) -> dict[int, datetime]:
    """Per lead arrived in [start, end), when a staff member first marked it contacted
    or booked (the audit log's status changes, made by a person)."""
    arrived = select(Lead.id).where(Lead.created_at >= start, Lead.created_at < end)
    rows = session.execute(
        select(AuditEvent.target_id, AuditEvent.at, AuditEvent.details)
        .where(
            AuditEvent.action == "status_changed",
            AuditEvent.target_type == "lead",
            AuditEvent.actor_id.is_not(None),
            AuditEvent.target_id.in_(arrived),
            AuditEvent.at >= start,
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    first: dict[int, datetime] = {}
    for lead_id, at, details in rows:
        if isinstance(details, dict) and details.get("to") in CONTACT_STATUSES:
            first.setdefault(lead_id, at)
    return first


def first_contact_by_week(
    session: Session, start: date, end: date, zone: ZoneInfo
) -> tuple[FirstContactWeek, ...]:
    """Time to first contact for the leads that arrived from ``start`` to ``end`` (local
    dates, both included), per ISO week of arrival, every week present."""
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    since, until = _local_midnight(start, zone), _local_midnight(end + timedelta(days=1), zone)
    leads = session.execute(
        select(Lead.id, Lead.created_at).where(Lead.created_at >= since, Lead.created_at < until)
    ).all()
    contacted = _first_contacts(session, since, until)
    first, last = week_start(start), week_start(end)
    weeks = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    arrivals: dict[date, int] = dict.fromkeys(weeks, 0)
    waits: dict[date, list[timedelta]] = {week: [] for week in weeks}
    for lead_id, created_at in leads:
        week = week_start(created_at.astimezone(zone).date())
        arrivals[week] += 1
        if lead_id in contacted:
            waits[week].append(max(timedelta(0), contacted[lead_id] - created_at))
    return tuple(
        FirstContactWeek(
            week=week,
            leads=arrivals[week],
            contacted=len(waits[week]),
            median=statistics.median(waits[week]) if waits[week] else None,
            p90=nearest_rank(waits[week], 0.9) if waits[week] else None,
        )
        for week in weeks
    )
