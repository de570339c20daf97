"""The leads inbox: which leads staff see, and in which order (contact details are
masked on the page by bot/staff/masking.py).

Filters come from the inbox's query string, so they are parsed here with a reason for
anything invalid (the page shows it instead of failing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from bot.clinic.safety import TRIAGE_LEVELS
from bot.db.models import LEAD_STATUSES, Booking, Lead
from bot.staff.inputs import InputError, day, plain_text
from bot.staff.paging import Page, paginate

PER_PAGE = 25
SORTS = ("newest", "triage")
HAS_BOOKING = ("yes", "no")
MAX_SEARCH = 100


class FilterError(ValueError):
    """A filter value the inbox can't use; the message says which and why."""


@dataclass(frozen=True)
class LeadFilter:
    """What the inbox shows: every field optional; dates are the clinic's local days."""

    status: str | None = None
    triage: str | None = None
    condition: str | None = None
    has_booking: str | None = None  # "yes" | "no"
    created_from: date | None = None
    created_to: date | None = None  # inclusive
    search: str | None = None
    assigned_to_id: int | None = None  # the "mine" filter
    sort: str = "newest"

    def query_items(self) -> dict[str, str]:
        """The filter as query-string items, to keep it in page links and the export."""
        items = {
            "status": self.status,
            "triage": self.triage,
            "condition": self.condition,
            "has_booking": self.has_booking,
            "from": self.created_from.isoformat() if self.created_from else None,
            "to": self.created_to.isoformat() if self.created_to else None,
            "q": self.search,
            "mine": "1" if self.assigned_to_id is not None else None,
            "sort": self.sort if self.sort != "newest" else None,
        }
        return {key: value for key, value in items.items() if value}


def _choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise FilterError(f"{name} must be one of {', '.join(allowed)}")
    return value


def _day(params: Mapping[str, str], name: str) -> date | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return day(value, name)
    except InputError as error:
        raise FilterError(str(error)) from None


def parse_filter(
    params: Mapping[str, str], conditions: tuple[str, ...], user_id: int | None = None
) -> LeadFilter:
    """The inbox filter from a query string; ``user_id`` is whose leads "mine" means."""
    created_from, created_to = _day(params, "from"), _day(params, "to")
    if created_from and created_to and created_from > created_to:
        raise FilterError("the start date is after the end date")
    search = plain_text(params.get("q") or "").strip()[:MAX_SEARCH] or None
    mine = (params.get("mine") or "").strip() in {"1", "on", "yes"}
    return LeadFilter(
        status=_choice(params, "status", LEAD_STATUSES),
        triage=_choice(params, "triage", TRIAGE_LEVELS),
        condition=_choice(params, "condition", conditions),
        has_booking=_choice(params, "has_booking", HAS_BOOKING),
        created_from=created_from,
        created_to=created_to,
        search=search,
        assigned_to_id=user_id if mine else None,
        sort=_choice(params, "sort", SORTS) or "newest",
    )


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its own wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(text: str) -> ColumnElement:
    """Name or email containing the text (any case); phone containing its digits, so
    that "(555) 012-3456" finds "+15550123456"."""
    needle = _like(text.lower())
    matches = [
        func.lower(Lead.name).like(needle, escape="\\"),
        func.lower(Lead.email).like(needle, escape="\\"),
    ]
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 3:
        matches.append(Lead.phone.like(_like(digits), escape="\\"))
    return or_(*matches)


def _has_condition(condition: str) -> ColumnElement:
    """The conditions list (JSON) holds ``condition``: matched on its JSON text, which
    works the same on SQLite and PostgreSQL; values are canonical names in quotes."""
    return cast(Lead.conditions, String).like(_like(f'"{condition}"'), escape="\\")


def _conditions_for(flt: LeadFilter, zone: ZoneInfo) -> list[ColumnElement]:
    where: list[ColumnElement] = []
    if flt.status:
        where.append(Lead.status == flt.status)
    if flt.triage:
        where.append(Lead.triage_level == flt.triage)
    if flt.condition:
        where.append(_has_condition(flt.condition))
    if flt.has_booking:
        active = exists().where(Booking.lead_id == Lead.id, Booking.status == "active")
        where.append(active if flt.has_booking == "yes" else ~active)
    if flt.created_from:
        where.append(Lead.created_at >= datetime.combine(flt.created_from, time(), zone))
    if flt.created_to:
        end = datetime.combine(flt.created_to + timedelta(days=1), time(), zone)
        where.append(Lead.created_at < end)
    if flt.search:
        where.append(_search(flt.search))
    if flt.assigned_to_id is not None:
        where.append(Lead.assigned_to_id == flt.assigned_to_id)
    return where


_TRIAGE_RANK = case(
    (Lead.triage_level == "emergency", 0), (Lead.triage_level == "urgent", 1), else_=2
)


def _ordered(flt: LeadFilter) -> list[Any]:
    newest = [Lead.created_at.desc(), Lead.id.desc()]
    return [_TRIAGE_RANK, *newest] if flt.sort == "triage" else newest


def _matching(flt: LeadFilter, zone: ZoneInfo) -> Select:
    """The leads matching ``flt`` in the inbox's order, with bookings and assignee."""
    return (
        select(Lead)
        .where(*_conditions_for(flt, zone))
        .options(
            selectinload(Lead.bookings).selectinload(Booking.slot),
            selectinload(Lead.assigned_to),
        )
        .order_by(*_ordered(flt))
    )


def find_leads(
    session: Session, flt: LeadFilter, zone: ZoneInfo, page: int = 1, per_page: int = PER_PAGE
) -> Page[Lead]:
    """One page of the leads matching ``flt``."""
    return paginate(session, _matching(flt, zone), page, per_page)


def all_matching(session: Session, flt: LeadFilter, zone: ZoneInfo) -> list[Lead]:
    """Every lead matching ``flt`` in the inbox's order (for the CSV export)."""
    return list(session.execute(_matching(flt, zone)).scalars())
