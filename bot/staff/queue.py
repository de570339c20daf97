"""The front desk's "To call" queue: when each new lead should be called by.

The call-by time is worked out from when the lead arrived, the time of day the visitor
chose, the triage level and the clinic's opening hours in its time zone:

- emergency and urgent leads are due as soon as the clinic is open: ``URGENT_WITHIN``
  after arrival when it is open then, otherwise that long after it next opens;
- routine leads are due by the end of the next opening period that meets the
  visitor's time of day (morning before 12:00, afternoon 12:00-17:00, evening from
  17:00; "any" or no choice: the whole period) and leaves at least ``ROUTINE_NOTICE``
  after arrival. When the clinic is never open at that time of day (evening, closing
  at 17:00), the whole opening period counts instead.

Times are reckoned on the clinic's wall clock (zoneinfo), so a period keeps its local
hours across daylight-saving changes. The queue lists new leads, emergencies first,
then urgent, then routine, each by call-by time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.clinic.opening_hours import OpeningHours
from bot.db.models import Booking, Lead
from bot.staff.paging import Page

# the visitor's time of day as local times: [start, end), None meaning midnight after
PARTS_OF_DAY: dict[str, tuple[time, time | None]] = {
    "morning": (time(0), time(12)),
    "afternoon": (time(12), time(17)),
    "evening": (time(17), None),
}
URGENT_WITHIN = timedelta(minutes=15)
ROUTINE_NOTICE = timedelta(hours=1)
# how far ahead a period is looked for (a clinic closed for longer has no call-by time)
HORIZON_DAYS = 21
TRIAGE_RANK = {"emergency": 0, "urgent": 1}
# the queue's bound: the oldest new leads beyond it wait for the ones above to be worked
MAX_QUEUE = 1000
PER_PAGE = 25


@dataclass(frozen=True)
class Due:
    """When a lead should be called by (UTC), and whether that has passed."""

    at: datetime | None  # None: the clinic has no opening hours in the horizon
    overdue: bool


def _utc(day: date, moment: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as UTC (so that every comparison and difference is of
    real instants, whatever daylight saving does to the local clock)."""
    return datetime.combine(day, moment, zone).astimezone(timezone.utc)


def _periods(
    first_day: date, hours: OpeningHours, zone: ZoneInfo
) -> Iterator[tuple[date, datetime, datetime]]:
    """Each opening period from ``first_day`` on, as (day, opens, closes) in UTC."""
    for offset in range(HORIZON_DAYS + 1):
        day = first_day + timedelta(days=offset)
        period = hours.on(day.weekday())
        if period:
            opens, closes = (_utc(day, moment, zone) for moment in period)
            yield day, opens, closes


def _meets(
    day: date, opens: datetime, closes: datetime, part: str, zone: ZoneInfo
) -> tuple[datetime, datetime] | None:
    """The part of an opening period within the visitor's time of day, or None."""
    start, end = PARTS_OF_DAY[part]
    part_start = _utc(day, start, zone)
    part_end = _utc(day + timedelta(days=1), time(0), zone) if end is None else _utc(day, end, zone)
    window = (max(opens, part_start), min(closes, part_end))
    return window if window[0] < window[1] else None


def _part_ever_open(part: str, hours: OpeningHours) -> bool:
    start, end = PARTS_OF_DAY[part]
    return any(
        period and period[0] < (end or time.max) and period[1] > start for period in hours.periods
    )


def due_at(
    arrived_at: datetime,
    preferred_time: str | None,
    triage_level: str,
    hours: OpeningHours,
    zone: ZoneInfo,
) -> datetime | None:
    """The call-by time (UTC) of a lead, by the rule in this module's docstring."""
    if arrived_at.tzinfo is None or arrived_at.utcoffset() is None:
        raise ValueError(f"arrived_at must be timezone-aware, got {arrived_at!r}")
    periods = _periods(arrived_at.astimezone(zone).date(), hours, zone)
    if triage_level in TRIAGE_RANK:
        for _, opens, closes in periods:
            if closes > arrived_at:
                return max(opens, arrived_at.astimezone(timezone.utc)) + URGENT_WITHIN
        return None
    part = preferred_time if preferred_time in PARTS_OF_DAY else None
    if part and not _part_ever_open(part, hours):
        part = None
    for day, opens, closes in periods:
        window = _meets(day, opens, closes, part, zone) if part else (opens, closes)
        if window and window[1] - max(window[0], arrived_at) >= ROUTINE_NOTICE:
            return window[1]
    return None


def call_by(
    arrived_at: datetime,
    preferred_time: str | None,
    triage_level: str,
    hours: OpeningHours,
    zone: ZoneInfo,
    now: datetime,
) -> Due:
    """The call-by time and whether it has passed at ``now``."""
    at = due_at(arrived_at, preferred_time, triage_level, hours, zone)
    return Due(at=at, overdue=at is not None and at < now)


def lead_due(lead: Lead, hours: OpeningHours, zone: ZoneInfo, now: datetime) -> Due:
    """``call_by`` for a stored lead: only a new lead (not yet contacted) is due."""
    if lead.status != "new":
        return Due(at=None, overdue=False)
    return call_by(lead.created_at, lead.preferred_time, lead.triage_level, hours, zone, now)


@dataclass(frozen=True)
class QueueEntry:
    lead: Lead
    due: Due


@dataclass(frozen=True)
class Queue:
    """A page of the queue, how many new leads wait in all, and how many are overdue
    (of the ordered ones)."""

    page: Page[QueueEntry]  # over the ordered leads (at most MAX_QUEUE)
    waiting: int
    overdue: int


def _order(entry: QueueEntry) -> tuple:
    far = datetime.max.replace(tzinfo=timezone.utc)
    return (TRIAGE_RANK.get(entry.lead.triage_level, 2), entry.due.at or far, entry.lead.id)


def to_call(
    session: Session,
    hours: OpeningHours,
    zone: ZoneInfo,
    now: datetime,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Queue:
    """One page of the new leads in call order.

    At most ``MAX_QUEUE`` leads, the oldest, are ordered (the ordering is done here, in
    Python, since the rule needs the clinic's calendar); ``waiting`` says how many new
    leads there are in all.
    """
    waiting = session.execute(select(func.count(Lead.id)).where(Lead.status == "new")).scalar_one()
    leads = session.execute(
        select(Lead)
        .where(Lead.status == "new")
        .options(
            selectinload(Lead.bookings).selectinload(Booking.slot), selectinload(Lead.assigned_to)
        )
        .order_by(Lead.created_at, Lead.id)
        .limit(MAX_QUEUE)
    ).scalars()
    entries = sorted(
        (QueueEntry(lead, lead_due(lead, hours, zone, now)) for lead in leads), key=_order
    )
    overdue = sum(entry.due.overdue for entry in entries)
    page = max(1, page)
    shown = entries[(page - 1) * per_page : page * per_page]
    return Queue(
        page=Page(items=shown, total=len(entries), page=page, per_page=per_page),
        waiting=waiting,
        overdue=overdue,
    )
