"""Queueing booking notices, in the transaction of the booking change they announce.

``bot/clinic/booking.py`` calls these from ``book``, ``move`` and ``cancel``, whoever
asked (the chat, the visitor's page, staff), so a change is never saved without its
notices nor the other way round. The unique key (booking, kind, channel) makes a notice
once: a repeated request queues nothing more.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db.dialects import upsert_insert
from bot.db.models import Booking, BookingNotice, Lead
from bot.settings import Settings

# the reminder goes out this long before the review; a booking made later than that
# gets its confirmation only
REMINDER_BEFORE = timedelta(days=1)
# what a change withdraws: notices about the booking as it was, not yet sent
_STALE_KINDS = ("confirmation", "reminder", "moved")


def channels(lead: Lead) -> list[str]:
    """The channels the visitor allowed: email when they gave one (with consent, which
    every lead has), text only to a phone they allowed calls and texts to."""
    consent = lead.consent
    if consent is None or not consent.agreed:
        return []
    found = []
    if lead.email:
        found.append("email")
    if lead.phone and consent.contact_opt_in:
        found.append("sms")
    return found


def _queue(
    session: Session,
    booking: Booking,
    kind: str,
    channel: str,
    due: datetime,
    calendar: tuple[str, int],
    now: datetime,
) -> None:
    statement = (
        upsert_insert(session, BookingNotice.__table__)
        .values(
            booking_id=booking.id,
            kind=kind,
            channel=channel,
            status="queued",
            attempts=0,
            next_attempt_at=due,
            calendar_uid=calendar[0],
            sequence=calendar[1],
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["booking_id", "kind", "channel"])
    )
    session.execute(statement)


def _calendar_of(session: Session, booking_id: int) -> tuple[str, int] | None:
    """The calendar event a booking's notices described, and its latest SEQUENCE."""
    row = session.execute(
        select(BookingNotice.calendar_uid, func.max(BookingNotice.sequence))
        .where(BookingNotice.booking_id == booking_id)
        .group_by(BookingNotice.calendar_uid)
    ).first()
    return (row[0], row[1]) if row is not None else None


def _withdraw(session: Session, booking_id: int, reason: str) -> None:
    """Notices about the booking as it was, not sent yet, are skipped: a cancelled or
    moved booking gets no stale reminder or confirmation."""
    session.execute(
        update(BookingNotice)
        .where(
            BookingNotice.booking_id == booking_id,
            BookingNotice.status == "queued",
            BookingNotice.kind.in_(_STALE_KINDS),
        )
        .values(status="skipped", last_error=reason)
        .execution_options(synchronize_session=False)
    )


def _queue_with_reminder(
    session: Session, booking: Booking, kind: str, calendar: tuple[str, int], now: datetime
) -> None:
    reminder_at = booking.slot.starts_at - REMINDER_BEFORE
    for channel in channels(booking.lead):
        _queue(session, booking, kind, channel, now, calendar, now)
        if reminder_at > now:
            _queue(session, booking, "reminder", channel, reminder_at, calendar, now)


def booked(session: Session, booking: Booking, now: datetime) -> None:
    """A new booking: its confirmation now and its reminder the day before."""
    _queue_with_reminder(session, booking, "confirmation", (uuid.uuid4().hex, 0), now)


def moved(session: Session, old: Booking, new: Booking, now: datetime) -> None:
    """A booking moved to another slot: the old one's pending notices are withdrawn and
    the new one is announced as the same calendar event, one SEQUENCE on."""
    previous = _calendar_of(session, old.id)
    _withdraw(session, old.id, "moved")
    calendar = (previous[0], previous[1] + 1) if previous else (uuid.uuid4().hex, 0)
    _queue_with_reminder(session, new, "moved" if previous else "confirmation", calendar, now)


def cancelled(session: Session, booking: Booking, now: datetime) -> None:
    """A cancelled booking: pending notices withdrawn, and the cancellation queued
    (sent only where the visitor was told of the booking: bot/notices/scheduler.py)."""
    previous = _calendar_of(session, booking.id)
    _withdraw(session, booking.id, "cancelled")
    if previous is None:
        return  # nothing was ever to be sent about it
    for channel in channels(booking.lead):
        _queue(session, booking, "cancelled", channel, now, (previous[0], previous[1] + 1), now)


def coming(session: Session, booking_id: int, settings: Settings) -> list[str]:
    """The channels on which the booking's confirmation is queued and this deployment
    can send (email with SMTP_HOST, texts with SMS_PROVIDER): what the chat may say is
    on its way, and nothing more."""
    can_send = {"email": bool(settings.smtp_host), "sms": settings.sms_provider != "off"}
    queued = session.execute(
        select(BookingNotice.channel).where(
            BookingNotice.booking_id == booking_id,
            BookingNotice.kind.in_(("confirmation", "moved")),
            BookingNotice.status == "queued",
        )
    ).scalars()
    return sorted(channel for channel in queued if can_send[channel])
