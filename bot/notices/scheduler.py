"""The notice scheduler (`bot serve notices`): sends each due booking notice once.

Every ``NOTICE_POLL_SECONDS`` it takes a bounded batch of due notices. Each is claimed
with one ``UPDATE ... WHERE status = 'queued'``: of two schedulers, only the one whose
update changed the row sends it (the same on SQLite and PostgreSQL). Sent, it is
recorded as sent; a failure is tried again later, waiting longer each time, up to
``MAX_ATTEMPTS``; a claim left by a scheduler that died mid-send is retaken after
``LEASE``. Notices that no longer apply (a reminder for a moved booking, texts with
no provider, a visitor without an email address) are recorded as skipped, with why.
Logs name the notice's number, kind and channel only.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload, sessionmaker

from bot.clinic.profile import ClinicProfile
from bot.db.models import Booking, BookingNotice, Lead, utcnow
from bot.notices import links
from bot.notices.messages import NoticeFacts, booking_email, text_message
from bot.notices.queue import channels
from bot.notices.sms import TextError, TextProvider, text_provider
from bot.settings import Settings
from bot.staff.notify import deliver

logger = logging.getLogger(__name__)

BATCH = 20
MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=10)
FIRST_RETRY = timedelta(minutes=2)
LONGEST_WAIT = timedelta(hours=6)
_ANNOUNCING = ("confirmation", "moved")


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: 2, 8, 32 minutes... at
    most six hours."""
    return min(FIRST_RETRY * 4 ** max(attempts - 1, 0), LONGEST_WAIT)


@dataclass
class Outbox:
    """How notices leave: the email sender (None without SMTP_HOST) and the text
    provider. Tests give their own only to reach local servers."""

    settings: Settings
    clinic: ClinicProfile
    texts: TextProvider
    send_email: Callable | None

    @classmethod
    def from_settings(cls, settings: Settings, clinic: ClinicProfile) -> Outbox:
        send_email = (lambda message: deliver(settings, message)) if settings.smtp_host else None
        return cls(settings, clinic, text_provider(settings), send_email)


class Skip(Exception):  # noqa: N818 (an outcome, not a fault)
    """The notice no longer applies; the reason is recorded."""


class Retry(Exception):  # noqa: N818
    """Not sent this time; the reason is recorded and it is tried again."""


def release_stale_claims(factory: sessionmaker, now: datetime) -> int:
    """Notices claimed longer ago than ``LEASE`` go back in the queue (their scheduler
    stopped mid-send; the visitor may, rarely, get that one message twice)."""
    with factory.begin() as session:
        result = session.execute(
            update(BookingNotice)
            .where(BookingNotice.status == "sending", BookingNotice.claimed_at < now - LEASE)
            .values(status="queued", next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount


def due_notices(factory: sessionmaker, now: datetime, limit: int = BATCH) -> list[int]:
    """The ids of up to ``limit`` queued notices whose time has come, oldest first."""
    with factory() as session:
        return list(
            session.execute(
                select(BookingNotice.id)
                .where(BookingNotice.status == "queued", BookingNotice.next_attempt_at <= now)
                .order_by(BookingNotice.next_attempt_at, BookingNotice.id)
                .limit(limit)
            ).scalars()
        )


def claim(factory: sessionmaker, notice_id: int, now: datetime) -> bool:
    """Take the notice for sending; False when another scheduler took it first."""
    with factory.begin() as session:
        result = session.execute(
            update(BookingNotice)
            .where(BookingNotice.id == notice_id, BookingNotice.status == "queued")
            .values(status="sending", claimed_at=now, attempts=BookingNotice.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def _finish(factory: sessionmaker, notice_id: int, **values: object) -> None:
    with factory.begin() as session:
        session.execute(
            update(BookingNotice)
            .where(BookingNotice.id == notice_id, BookingNotice.status == "sending")
            .values(claimed_at=None, **values)
            .execution_options(synchronize_session=False)
        )


def _announced(factory: sessionmaker, notice: BookingNotice) -> bool:
    """Whether the visitor was told of this booking on this channel (a cancellation of
    a booking they never heard of would only confuse)."""
    with factory() as session:
        return (
            session.execute(
                select(BookingNotice.id).where(
                    BookingNotice.calendar_uid == notice.calendar_uid,
                    BookingNotice.channel == notice.channel,
                    BookingNotice.kind.in_(_ANNOUNCING),
                    BookingNotice.status == "sent",
                )
            ).first()
            is not None
        )


def _load(factory: sessionmaker, notice_id: int) -> BookingNotice | None:
    with factory() as session:
        return session.execute(
            select(BookingNotice)
            .options(
                selectinload(BookingNotice.booking).selectinload(Booking.slot),
                selectinload(BookingNotice.booking)
                .selectinload(Booking.lead)
                .selectinload(Lead.consent),
            )
            .where(BookingNotice.id == notice_id)
        ).scalar_one_or_none()


def _check(factory: sessionmaker, notice: BookingNotice, outbox: Outbox, now: datetime) -> None:
    """Raise ``Skip`` when the notice no longer applies."""
    booking = notice.booking
    if notice.channel not in channels(booking.lead):
        raise Skip("no consent for channel")
    if notice.channel == "email" and outbox.send_email is None:
        raise Skip("email not configured")
    if notice.channel == "sms" and not outbox.texts.enabled:
        raise Skip("texts off")
    if notice.kind == "cancelled":
        if not _announced(factory, notice):
            raise Skip("never announced")
    elif booking.status != "active":
        raise Skip("booking changed")
    if notice.kind == "reminder" and booking.slot.starts_at <= now:
        raise Skip("review started")


def _facts(notice: BookingNotice, outbox: Outbox) -> NoticeFacts:
    booking = notice.booking
    secret = links.link_secret(outbox.settings)
    expires = links.link_expiry(booking.slot.starts_at)
    token = links.make_token(secret, booking.lead_id, expires)
    return NoticeFacts(
        kind=notice.kind,
        reference=booking.reference,
        starts_at=booking.slot.starts_at,
        duration_minutes=booking.slot.duration_minutes,
        clinic=outbox.clinic,
        page_url=links.booking_page_url(outbox.settings, token),
    )


def _send(notice: BookingNotice, outbox: Outbox, now: datetime) -> None:
    """Send it; ``Retry`` or ``Skip`` when it wasn't accepted."""
    facts = _facts(notice, outbox)
    lead = notice.booking.lead
    if notice.channel == "sms":
        try:
            outbox.texts.send(lead.phone, text_message(facts))
        except TextError as error:
            raise (Retry if error.retry else Skip)(str(error)[:64]) from None
        return
    try:
        message = booking_email(
            outbox.settings, facts, lead.email, (notice.calendar_uid, notice.sequence), now
        )
    except ValueError:
        raise Skip("address unusable") from None
    try:
        outbox.send_email(message)
    except (smtplib.SMTPException, OSError) as error:
        raise Retry(type(error).__name__) from None


def handle(factory: sessionmaker, notice_id: int, outbox: Outbox, now: datetime) -> str:
    """Send one claimed notice and record the outcome: sent, skipped, queued (to try
    again) or failed (after ``MAX_ATTEMPTS``)."""
    notice = _load(factory, notice_id)
    if notice is None:  # its lead was erased meanwhile, and the notice with it
        return "skipped"
    label = f"notice {notice.id} ({notice.kind}, {notice.channel})"
    try:
        _check(factory, notice, outbox, now)
        _send(notice, outbox, now)
    except Skip as skipped:
        _finish(factory, notice_id, status="skipped", last_error=str(skipped)[:64])
        logger.info("%s skipped: %s", label, skipped)
        return "skipped"
    except Retry as failed:
        if notice.attempts >= MAX_ATTEMPTS:
            _finish(factory, notice_id, status="failed", last_error=str(failed)[:64])
            logger.error("%s failed after %d attempts: %s", label, notice.attempts, failed)
            return "failed"
        wait = retry_delay(notice.attempts)
        _finish(
            factory,
            notice_id,
            status="queued",
            next_attempt_at=now + wait,
            last_error=str(failed)[:64],
        )
        logger.warning("%s not sent (%s); trying again in %s", label, failed, wait)
        return "queued"
    _finish(factory, notice_id, status="sent", sent_at=now, last_error=None)
    logger.info("%s sent", label)
    return "sent"


def run_once(
    factory: sessionmaker, outbox: Outbox, now: datetime | None = None, limit: int = BATCH
) -> Counter[str]:
    """One pass: retake stale claims, then claim and send up to ``limit`` due notices.
    Returns how many ended how ("sent", "skipped", "queued", "failed")."""
    now = now or utcnow()
    release_stale_claims(factory, now)
    outcomes: Counter[str] = Counter()
    for notice_id in due_notices(factory, now, limit):
        if claim(factory, notice_id, now):
            outcomes[handle(factory, notice_id, outbox, now)] += 1
    return outcomes


def serve(factory: sessionmaker, outbox: Outbox, stop: threading.Event) -> None:
    """Pass after pass until ``stop`` is set (SIGTERM); a database that is down is
    logged and tried again at the next pass."""
    from sqlalchemy.exc import SQLAlchemyError

    poll = outbox.settings.notice_poll_seconds
    logger.info("notice scheduler started (every %d s)", poll)
    while not stop.is_set():
        try:
            outcomes = run_once(factory, outbox)
            if outcomes:
                logger.info("notices: %s", dict(outcomes))
        except SQLAlchemyError as error:
            logger.error("notices not processed: %s", type(error).__name__)
        stop.wait(poll)
