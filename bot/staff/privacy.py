"""Erasure on request and the retention purge: the leads database and the tracker store.

A visitor's data is in two places: their lead (with intake, consent, bookings and
notes) in the leads database, and their conversation in Rasa's tracker store. Both go
together. The conversation must never outlive its lead: ``bot leads recover`` would
rebuild a deleted lead from a consenting conversation.

Both functions add to the caller's session and leave the commit to the caller, so that
the audit entry and the deletion are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, selectinload

from bot.db.models import Booking, Lead, StaffUser
from bot.staff import audit
from bot.staff.transcript import conversation_activity, erase_conversations


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed, as counts: safe to print and to log."""

    lead_id: int
    intakes: int
    consents: int
    bookings: int
    notes: int
    events_erased: int


@dataclass(frozen=True)
class PurgeReport:
    """What a purge removed (or, on a dry run, would remove)."""

    lead_ids: tuple[int, ...]
    conversation_count: int  # conversations that never became a lead
    events_erased: int  # tracker events: the purged leads' and those conversations'


def _with_children(session: Session, lead_ids: Iterable[int]) -> list[Lead]:
    """The leads with everything that cascades from them loaded, so that the ORM deletes
    the children itself: correct even on a SQLite connection without foreign keys on."""
    return list(
        session.execute(
            select(Lead)
            .where(Lead.id.in_(list(lead_ids)))
            .options(
                selectinload(Lead.intake),
                selectinload(Lead.consent),
                selectinload(Lead.bookings),
                selectinload(Lead.notes),
            )
            .order_by(Lead.id)
        )
        .scalars()
        .all()
    )


def erase_lead(
    session: Session,
    lead_id: int,
    tracker_url: str,
    actor: StaffUser | None,
    now: datetime,
    ip_address: str | None = None,
) -> Erasure:
    """Erase a lead (intake, consent, bookings, notes) and its conversation; audited.

    Order: the lead is deleted and flushed first (so the database has accepted the
    delete), then the conversation's events are deleted from the tracker store (its own
    transaction, committed at once), then the audit entry is added. The caller commits.

    If the tracker store fails, the exception propagates and the caller's rollback
    keeps the lead: nothing is half-erased and the erasure can simply be retried. If
    the caller's commit fails after the events were deleted, the lead remains with no
    conversation, and a retry erases it (with ``events_erased`` 0). The reverse order
    could leave a lead deleted while its conversation remains, which recovery would
    turn back into a lead. A booking's slot becomes free again.

    Raises LookupError if there is no such lead. The audit details hold the count of
    events only, never who the lead was.
    """
    found = _with_children(session, [lead_id])
    if not found:
        raise LookupError(f"no lead #{lead_id}")
    lead = found[0]
    erasure_counts = {
        "intakes": int(lead.intake is not None),
        "consents": int(lead.consent is not None),
        "bookings": len(lead.bookings),
        "notes": len(lead.notes),
    }
    conversation_id = lead.conversation_id
    session.delete(lead)
    session.flush()
    events = erase_conversations(tracker_url, [conversation_id])
    audit.record(
        session,
        "lead_erased",
        actor,
        target_type="lead",
        target_id=lead_id,
        details={"events_erased": events},
        ip_address=ip_address,
        now=now,
    )
    session.flush()
    return Erasure(lead_id=lead_id, events_erased=events, **erasure_counts)


def _expired_lead_ids(session: Session, cutoff: datetime) -> list[int]:
    """Leads untouched since ``cutoff`` that are closed, or never converted (new or
    contacted, no booking held: one booked and since cancelled counts as not converted,
    or it would be kept forever).

    Kept whatever their age: booked leads and leads with an active booking.
    """
    active_booking = exists().where(Booking.lead_id == Lead.id, Booking.status == "active")
    return list(
        session.execute(
            select(Lead.id)
            .where(Lead.updated_at < cutoff)
            .where(Lead.status != "booked", ~active_booking)
            .where(
                or_(
                    Lead.status == "closed",
                    Lead.status.in_(("new", "contacted")),
                )
            )
            .order_by(Lead.id)
        ).scalars()
    )


def purge(
    session: Session, tracker_url: str, older_than_days: int, now: datetime, dry_run: bool
) -> PurgeReport:
    """Remove what the retention period no longer allows keeping.

    Leads past it (``updated_at`` before ``now - older_than_days``) that are closed for
    any reason or never converted, with their conversations whatever their age; and
    conversations idle since the cutoff that have no lead (visitors who never asked to
    be contacted). ``dry_run`` changes nothing and reports what would go.

    Ordered as ``erase_lead`` and for the same reason: the leads are deleted and
    flushed before the tracker store is touched, the caller commits. One audit entry,
    counts only, when not a dry run.
    """
    if older_than_days < 1:
        raise ValueError(f"older_than_days must be at least 1, got {older_than_days}")
    cutoff = now - timedelta(days=older_than_days)
    lead_ids = _expired_lead_ids(session, cutoff)
    leads = _with_children(session, lead_ids)
    lead_conversations = [lead.conversation_id for lead in leads]
    all_lead_conversations = set(session.execute(select(Lead.conversation_id)).scalars())
    orphans = [
        sender
        for sender, last in conversation_activity(tracker_url).items()
        if last < cutoff and sender not in all_lead_conversations
    ]
    if not dry_run:
        for lead in leads:
            session.delete(lead)
        session.flush()
    events = erase_conversations(tracker_url, lead_conversations, dry_run=dry_run)
    events += erase_conversations(tracker_url, orphans, idle_before=cutoff, dry_run=dry_run)
    report = PurgeReport(
        lead_ids=tuple(lead_ids), conversation_count=len(orphans), events_erased=events
    )
    if not dry_run:
        audit.record(
            session,
            "leads_purged",
            None,
            details={
                "older_than_days": older_than_days,
                "leads": len(report.lead_ids),
                "conversations": report.conversation_count,
                "events_erased": report.events_erased,
            },
            now=now,
        )
        session.flush()
    return report
