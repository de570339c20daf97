"""Scan-review slots and bookings.

The database decides who gets a slot: a partial unique index allows one active booking
per slot (and per lead), so two visitors racing for the same time can't both get it;
the loser is told, with the next free slots to choose from. Each change queues the
visitor's notices (bot/notices/queue.py) in its own transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.sql.expression import Exists

from bot.clinic.booking_talk import REFERENCE_ALPHABET, REFERENCE_LENGTH
from bot.db.models import Booking, Lead, ReviewSlot, touch
from bot.notices import queue as notices

LOCAL_FORMAT = "%Y-%m-%d %H:%M"
_UTC = timezone.utc


class BookingError(Exception):
    """A booking request that can't be honoured; the message says why."""


class SlotTaken(BookingError):  # noqa: N818 (the names callers catch)
    """Someone else holds the slot; ``alternatives`` are the next free ones."""

    def __init__(self, alternatives: list[ReviewSlot]) -> None:
        super().__init__("that slot has just been taken")
        self.alternatives = alternatives


class SlotUnavailable(BookingError):  # noqa: N818
    """The slot doesn't exist or has already started."""


class BookingNotFound(BookingError):  # noqa: N818
    """No such booking for this lead (or no longer active, for a move)."""


class SlotBooked(BookingError):  # noqa: N818
    """A slot someone holds can't be withdrawn: the booking is cancelled first."""


def _require_aware(value: datetime, what: str = "datetime") -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")


def _require_existing(local: datetime) -> datetime:
    """Refuse a wall time the clocks skip (e.g. 02:30 on the spring-forward night)."""
    back = local.astimezone(_UTC).astimezone(local.tzinfo)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValueError(
            f"{local:{LOCAL_FORMAT}} does not exist in {local.tzinfo} (the clocks skip it)"
        )
    return local


def weekly(first: datetime, weeks: int) -> list[datetime]:
    """``weeks`` occurrences of ``first``, a week apart, at the same local wall time.

    Each is built from the local date and time, not by adding 7 x 24 hours, so 09:00
    stays 09:00 across a daylight-saving change.
    """
    _require_aware(first, "first")
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    return [
        _require_existing(datetime.combine(first.date() + timedelta(weeks=i), first.timetz()))
        for i in range(weeks)
    ]


def parse_local(text: str, timezone: str) -> datetime:
    """``"2026-12-01 09:00"`` in the clinic's time zone, as an aware datetime."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {timezone!r}") from error
    try:
        naive = datetime.strptime(text.strip().replace("T", " "), LOCAL_FORMAT)
    except ValueError:
        raise ValueError(
            f"expected a local date and time as YYYY-MM-DD HH:MM (e.g. 2026-12-01 09:00), "
            f"got {text!r}"
        ) from None
    return _require_existing(naive.replace(tzinfo=zone))


def add_slots(
    session: Session, starts: Iterable[datetime], duration_minutes: int = 30
) -> list[ReviewSlot]:
    """Offer these start times; returns the slots now offered that were not before
    (times already on offer are skipped; withdrawn ones are offered again)."""
    if duration_minutes <= 0:
        raise ValueError(f"duration must be positive, got {duration_minutes} minutes")
    wanted: dict[datetime, None] = {}
    for start in starts:
        _require_aware(start, "slot start")
        wanted[start.astimezone(_UTC)] = None
    if not wanted:
        return []
    existing = {
        slot.starts_at: slot
        for slot in session.execute(
            select(ReviewSlot).where(ReviewSlot.starts_at.in_(list(wanted)))
        ).scalars()
    }
    created = []
    for start in sorted(wanted):
        slot = existing.get(start)
        if slot is None:
            slot = ReviewSlot(starts_at=start, duration_minutes=duration_minutes)
            session.add(slot)
        elif slot.removed_at is not None:
            # a withdrawn time offered again: the same row, so its old bookings stay linked
            slot.removed_at = None
            slot.duration_minutes = duration_minutes
        else:
            continue
        created.append(slot)
    session.flush()
    return created


def _actively_booked() -> Exists:
    return (
        select(Booking.id)
        .where(Booking.slot_id == ReviewSlot.id, Booking.status == "active")
        .exists()
    )


def free_slots(session: Session, after: datetime, limit: int = 3) -> list[ReviewSlot]:
    """The soonest slots starting strictly after ``after`` that nobody holds."""
    _require_aware(after, "after")
    return list(
        session.execute(
            select(ReviewSlot)
            .where(
                ReviewSlot.starts_at > after,
                ReviewSlot.removed_at.is_(None),
                ~_actively_booked(),
            )
            .order_by(ReviewSlot.starts_at)
            .limit(limit)
        ).scalars()
    )


def new_reference() -> str:
    """A booking reference staff and visitors can read out without ambiguity."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def _unused_reference(session: Session) -> str:
    while True:
        reference = new_reference()
        taken = session.execute(select(Booking.id).where(Booking.reference == reference))
        if taken.first() is None:
            return reference


def active_booking(session: Session, lead_id: int) -> Booking | None:
    """The lead's one active booking, if any."""
    return session.execute(
        select(Booking)
        .options(selectinload(Booking.slot))
        .where(Booking.lead_id == lead_id, Booking.status == "active")
    ).scalar_one_or_none()


def _bookable_slot(session: Session, slot_id: int, now: datetime) -> ReviewSlot:
    slot = session.get(ReviewSlot, slot_id)
    if slot is None or slot.removed_at is not None:
        raise SlotUnavailable(f"there is no slot {slot_id}")
    if slot.starts_at <= now:
        raise SlotUnavailable(f"slot {slot_id} has already started")
    return slot


def _new_booking(session: Session, lead: Lead, slot: ReviewSlot, now: datetime) -> Booking:
    booking = Booking(
        slot=slot, lead=lead, reference=_unused_reference(session), status="active", created_at=now
    )
    session.add(booking)
    lead.status = "booked"
    touch(lead, now)
    session.flush()
    return booking


def _conflict(
    factory: sessionmaker, lead_id: int, slot_id: int, now: datetime, moving: bool = False
) -> Booking:
    """After a lost race (the unique index said no): the lead's own booking of the slot
    (a repeated request), or the reason, raised."""
    with factory() as session:
        holder = session.execute(
            select(Booking)
            .options(selectinload(Booking.slot))
            .where(Booking.slot_id == slot_id, Booking.status == "active")
        ).scalar_one_or_none()
        if holder is not None and holder.lead_id == lead_id:
            return holder
        if holder is not None:
            raise SlotTaken(alternatives=free_slots(session, now))
        if not moving and active_booking(session, lead_id) is not None:
            raise BookingError("this lead already has a booking: move it instead")
        raise BookingError("the booking could not be made; please try again")


def book(factory: sessionmaker, lead_id: int, slot_id: int, now: datetime) -> Booking:
    """Book ``slot_id`` for the lead, in a transaction of its own.

    Booking the slot the lead already holds returns that booking (a repeated request);
    a lead holding another slot must ``move``.
    """
    _require_aware(now, "now")
    try:
        with factory() as session, session.begin():
            lead = session.get(Lead, lead_id)
            if lead is None:
                raise BookingError(f"there is no lead {lead_id}")
            slot = _bookable_slot(session, slot_id, now)
            current = active_booking(session, lead_id)
            if current is not None and current.slot_id == slot_id:
                return current
            if current is not None:
                raise BookingError("this lead already has a booking: move it instead")
            booking = _new_booking(session, lead, slot, now)
            notices.booked(session, booking, now)
            return booking
    except IntegrityError:
        return _conflict(factory, lead_id, slot_id, now)


def _lead_booking(session: Session, lead_id: int, reference: str) -> Booking:
    booking = session.execute(
        select(Booking)
        .options(selectinload(Booking.slot), selectinload(Booking.lead))
        .where(Booking.lead_id == lead_id, Booking.reference == reference.strip().upper())
        .with_for_update()
    ).scalar_one_or_none()
    if booking is None:
        raise BookingNotFound(f"no booking {reference!r} for this lead")
    return booking


def cancel(factory: sessionmaker, lead_id: int, reference: str, now: datetime) -> Booking:
    """Cancel a booking, freeing its slot; cancelling twice changes nothing."""
    _require_aware(now, "now")
    with factory() as session, session.begin():
        booking = _lead_booking(session, lead_id, reference)
        if booking.status == "cancelled":
            return booking
        booking.status = "cancelled"
        booking.cancelled_at = now
        if booking.lead.status == "booked":
            booking.lead.status = "new"
            touch(booking.lead, now)
        notices.cancelled(session, booking, now)
        return booking


def move(
    factory: sessionmaker, lead_id: int, reference: str, new_slot_id: int, now: datetime
) -> Booking:
    """Move a booking to another slot in one transaction: if the new slot is taken, the
    old booking stands. Returns the new booking."""
    _require_aware(now, "now")
    try:
        with factory() as session, session.begin():
            old = _lead_booking(session, lead_id, reference)
            if old.status != "active":
                raise BookingNotFound(f"booking {reference!r} is no longer active")
            if old.slot_id == new_slot_id:
                return old
            slot = _bookable_slot(session, new_slot_id, now)
            old.status = "cancelled"
            old.cancelled_at = now
            session.flush()  # release the lead's one active booking before taking another
            new = _new_booking(session, old.lead, slot, now)
            notices.moved(session, old, new, now)
            return new
    except IntegrityError:
        return _conflict(factory, lead_id, new_slot_id, now, moving=True)


def slots_with_bookings(
    session: Session, after: datetime | None = None
) -> list[tuple[ReviewSlot, Booking | None]]:
    """Offered slots (from ``after`` on, if given), each with its active booking."""
    query = (
        select(ReviewSlot, Booking)
        .outerjoin(Booking, (Booking.slot_id == ReviewSlot.id) & (Booking.status == "active"))
        .options(selectinload(Booking.lead))
        .where(ReviewSlot.removed_at.is_(None))
        .order_by(ReviewSlot.starts_at)
    )
    if after is not None:
        _require_aware(after, "after")
        query = query.where(ReviewSlot.starts_at > after)
    return [(slot, booking) for slot, booking in session.execute(query)]


def remove_slot(session: Session, slot_id: int, now: datetime) -> ReviewSlot:
    """Stop offering a slot. A held slot is refused (``SlotBooked``); a slot that only
    cancelled bookings refer to is marked removed, so their record stays; any other
    is deleted. The row lock keeps a booking from slipping in meanwhile."""
    _require_aware(now, "now")
    slot = session.execute(
        select(ReviewSlot).where(ReviewSlot.id == slot_id).with_for_update()
    ).scalar_one_or_none()
    if slot is None or slot.removed_at is not None:
        raise SlotUnavailable(f"there is no slot {slot_id}")
    bookings = session.execute(select(Booking).where(Booking.slot_id == slot_id)).scalars().all()
    holder = next((b for b in bookings if b.status == "active"), None)
    if holder is not None:
        raise SlotBooked(
            f"the slot is booked (reference {holder.reference}): cancel the booking first"
        )
    if bookings:
        slot.removed_at = now
    else:
        session.delete(slot)
    session.flush()
    return slot


def booking_by_reference(
    session: Session, reference: str, email: str | None, phone: str | None
) -> Booking | None:
    """The active booking with this reference, if its lead gave this email address or
    phone number (both as normalised by bot/clinic/contact.py). A wrong reference and
    a wrong contact look the same: None."""
    if not (email or phone):
        return None
    booking = session.execute(
        select(Booking)
        .options(selectinload(Booking.slot), selectinload(Booking.lead))
        .where(Booking.reference == reference.strip().upper(), Booking.status == "active")
    ).scalar_one_or_none()
    if booking is None:
        return None
    lead = booking.lead
    same_email = bool(email and lead.email and lead.email.lower() == email.lower())
    same_phone = bool(phone and lead.phone and lead.phone == phone)
    return booking if same_email or same_phone else None
