"""Possible duplicates: another lead with the same phone number (compared in E.164) or
the same email address (in any case), so the front desk calls a person once.

Both queries use an index (migration 0004) and return at most ``MAX_SHOWN`` leads, so a
number shared by many leads (a clinic's switchboard typed as the visitor's) stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import Lead

MAX_SHOWN = 10


@dataclass(frozen=True)
class Duplicate:
    """Another lead, and what it shares with this one ("phone", "email")."""

    lead: Lead
    same: tuple[str, ...]


def e164(phone: str | None, region: str) -> str | None:
    """The number in E.164 ("+15550123456"), or None when it is not a valid number."""
    if not phone:
        return None
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def possible_duplicates(session: Session, lead: Lead, region: str) -> list[Duplicate]:
    """Other leads with ``lead``'s phone or email, newest first, at most MAX_SHOWN."""
    phones = {value for value in (lead.phone, e164(lead.phone, region)) if value}
    email = (lead.email or "").strip().lower()
    matches = []
    if phones:
        matches.append(Lead.phone.in_(sorted(phones)))
    if email:
        matches.append(func.lower(Lead.email) == email)
    if not matches:
        return []
    others = session.execute(
        select(Lead)
        .where(Lead.id != lead.id, or_(*matches))
        .order_by(Lead.created_at.desc(), Lead.id.desc())
        .limit(MAX_SHOWN)
    ).scalars()
    found = []
    for other in others:
        same = []
        if other.phone and other.phone in phones:
            same.append("phone")
        if email and (other.email or "").lower() == email:
            same.append("email")
        found.append(Duplicate(other, tuple(same)))
    return found
