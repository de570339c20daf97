"""What is new for a staff member: the leads that arrived since their last visit of
the inbox. The visit is kept on the account (``staff_users.inbox_seen_at``), so it
follows the person from one device or session to the next."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Lead, StaffUser


def new_since(user: StaffUser) -> datetime:
    """Leads that arrived after this are new to ``user``; before a first visit, every
    lead since the account was made."""
    return user.inbox_seen_at or user.created_at


def count_new(session: Session, user: StaffUser) -> int:
    """How many leads are new to ``user`` (one indexed count, for the navigation)."""
    return session.execute(
        select(func.count(Lead.id)).where(Lead.created_at > new_since(user))
    ).scalar_one()


def mark_inbox_seen(user: StaffUser, now: datetime) -> None:
    """``user`` has looked at the inbox: what arrived until ``now`` is no longer new."""
    if user.inbox_seen_at is None or user.inbox_seen_at < now:
        user.inbox_seen_at = now
