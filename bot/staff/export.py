"""Leads as CSV, for the spreadsheet staff call visitors back from.

Everything in a cell may have been typed by a visitor, and a spreadsheet runs a cell
that looks like a formula: every cell is neutralised (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.models import Booking, Lead

HEADER = (
    "id",
    "created",
    "name",
    "email",
    "phone",
    "preferred contact",
    "preferred time",
    "triage",
    "conditions",
    "status",
    "closed reason",
    "assigned to",
    "booking reference",
    "booking time",
)
# what a spreadsheet may take for the start of a formula
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """The cell's text, with a leading ' if a spreadsheet could read it as a formula.

    E.164 phone numbers start with "+", so they get the quote too: intended, a phone
    number is text, never a formula (staff see '+15551234567). None is an empty cell.
    """
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _local(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else None


def _active_booking(lead: Lead) -> Booking | None:
    return next((b for b in lead.bookings if b.status == "active"), None)


def _row(lead: Lead, zone: ZoneInfo) -> list[str]:
    booking = _active_booking(lead)
    cells = [
        lead.id,
        _local(lead.created_at, zone),
        lead.name,
        lead.email,
        lead.phone,
        lead.preferred_contact,
        lead.preferred_time,
        lead.triage_level,
        "; ".join(lead.conditions or []),
        lead.status,
        lead.closed_reason,
        lead.assigned_to.email if lead.assigned_to is not None else None,
        booking.reference if booking is not None else None,
        _local(booking.slot.starts_at, zone) if booking is not None else None,
    ]
    return [neutralise(cell) for cell in cells]


def leads_csv(leads: Iterable[Lead], zone: ZoneInfo) -> str:
    """A header row and one row per lead; times in the clinic's zone ("YYYY-MM-DD HH:MM").

    Reads each lead's bookings, their slots and its assignee: load them with the leads
    (``leads_for_export``) or keep the session open.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(HEADER)
    for lead in leads:
        writer.writerow(_row(lead, zone))
    return buffer.getvalue()


def leads_for_export(session: Session, status: str | None = None) -> list[Lead]:
    """All leads, or those with ``status``, oldest first, with what the CSV reads."""
    query = (
        select(Lead)
        .options(
            selectinload(Lead.bookings).selectinload(Booking.slot),
            selectinload(Lead.assigned_to),
        )
        .order_by(Lead.id)
    )
    if status is not None:
        query = query.where(Lead.status == status)
    return list(session.execute(query).scalars())
