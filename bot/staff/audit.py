"""The audit log: who did what to which record, and when.

Every sign-in, lead view, reveal of contact details, change, note, export and erasure
is recorded here, in the same transaction as the thing it records, so one is never
kept without the other. Details hold ids, field names and counts only: never a
visitor's contact details or anything they said. The table is append-only (database
triggers, migration 0002).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import AuditEvent, StaffUser, utcnow
from bot.staff.paging import Page, paginate

# the actions the log knows; the admin page filters by these
ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "user_created",
    "user_changed",
    "lead_viewed",
    "contact_revealed",
    "status_changed",
    "lead_assigned",
    "note_added",
    "leads_exported",
    "lead_erased",
    "leads_purged",
    "slot_added",
    "slot_removed",
    "booking_cancelled",
    # the visitor, through the link in a booking notice (bot/web/booking_page.py)
    "booking_page_viewed",
    "visitor_booking_cancelled",
    "visitor_booking_moved",
)


def record(
    session: Session,
    action: str,
    actor: StaffUser | None = None,
    *,
    target_type: str | None = None,
    target_id: int | None = None,
    details: Mapping[str, Any] | None = None,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Add one entry to the session (it is written when the caller commits).

    ``actor`` None means the command line or the system; ``ip_address`` is the staff
    member's, for sign-in investigations.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        at=now or utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=dict(details or {}),
        ip_address=ip_address,
    )
    session.add(event)
    return event


@dataclass(frozen=True)
class AuditQuery:
    """What the admin's audit page asks for; every field optional."""

    action: str | None = None
    actor_id: int | None = None
    target_type: str | None = None
    target_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive


def search(
    session: Session, query: AuditQuery, page: int = 1, per_page: int = 50
) -> Page[AuditEvent]:
    """Entries matching ``query``, newest first, one page of them."""
    conditions = []
    if query.action:
        conditions.append(AuditEvent.action == query.action)
    if query.actor_id is not None:
        conditions.append(AuditEvent.actor_id == query.actor_id)
    if query.target_type:
        conditions.append(AuditEvent.target_type == query.target_type)
    if query.target_id is not None:
        conditions.append(AuditEvent.target_id == query.target_id)
    if query.since is not None:
        conditions.append(AuditEvent.at >= query.since)
    if query.until is not None:
        conditions.append(AuditEvent.at < query.until)
    statement = (
        select(AuditEvent).where(*conditions).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return paginate(session, statement, page, per_page)
