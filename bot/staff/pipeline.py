"""Staff's work on a lead: its status, notes and who follows it up. Every change is
recorded in the audit log in the same transaction.

The status moves along new -> contacted -> booked -> closed. Closing needs a reason
(so the clinic can tell no-shows from spam); a closed lead can be reopened as
contacted, and a booked one can go back to contacted when the visitor changes plans.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import CLOSE_REASONS, LEAD_STATUSES, Lead, LeadNote, StaffUser, touch
from bot.staff.audit import record

MAX_NOTE = 5000
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    "new": ("contacted", "booked", "closed"),
    "contacted": ("booked", "closed"),
    "booked": ("contacted", "closed"),
    "closed": ("contacted",),
}
CLOSE_REASON_LABELS = {
    "booked_and_seen": "Booked and seen",
    "not_interested": "Not interested",
    "unreachable": "Unreachable",
    "duplicate": "Duplicate",
    "spam": "Spam",
}


class PipelineError(ValueError):
    """A change the pipeline does not allow; the message is shown to the staff member."""


def set_status(
    session: Session,
    lead: Lead,
    status: str,
    actor: StaffUser,
    now: datetime,
    reason: str | None = None,
) -> None:
    """Move ``lead`` to ``status``; ``reason`` is required to close and refused otherwise."""
    if status not in LEAD_STATUSES:
        raise PipelineError(f"unknown status {status!r}")
    if status not in NEXT_STATUSES[lead.status]:
        raise PipelineError(f"a {lead.status} lead can't be marked {status}")
    if status == "closed":
        if reason not in CLOSE_REASONS:
            raise PipelineError("choose why the lead is closed")
    elif reason:
        raise PipelineError("a reason is only given when closing a lead")
    previous = lead.status
    lead.status = status
    lead.closed_reason = reason if status == "closed" else None
    touch(lead, now)
    details = {"from": previous, "to": status}
    if reason:
        details["reason"] = reason
    record(
        session,
        "status_changed",
        actor,
        target_type="lead",
        target_id=lead.id,
        details=details,
        now=now,
    )


def add_note(session: Session, lead: Lead, author: StaffUser, body: str, now: datetime) -> LeadNote:
    """Append a note; notes are never edited or deleted (a correction is a new note)."""
    text = (body or "").strip()
    if not text:
        raise PipelineError("the note is empty")
    if len(text) > MAX_NOTE:
        raise PipelineError(f"a note can be at most {MAX_NOTE} characters")
    note = LeadNote(lead=lead, author=author, body=text, created_at=now)
    session.add(note)
    session.flush()
    # the note's text stays out of the log: it may hold health details
    record(
        session,
        "note_added",
        author,
        target_type="lead",
        target_id=lead.id,
        details={"note_id": note.id},
        now=now,
    )
    return note


def assign(
    session: Session, lead: Lead, assignee_id: int | None, actor: StaffUser, now: datetime
) -> None:
    """Give ``lead`` to an active staff member (None: to nobody)."""
    if assignee_id is not None:
        assignee = session.execute(
            select(StaffUser).where(StaffUser.id == assignee_id, StaffUser.active.is_(True))
        ).scalar_one_or_none()
        if assignee is None:
            raise PipelineError("no active staff member with that id")
    if lead.assigned_to_id == assignee_id:
        return
    lead.assigned_to_id = assignee_id
    touch(lead, now)
    record(
        session,
        "lead_assigned",
        actor,
        target_type="lead",
        target_id=lead.id,
        details={"to": assignee_id},
        now=now,
    )
