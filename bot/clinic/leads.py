"""Leads: a consenting visitor's contact details, intake answers and consent, saved.

``draft_from_slots`` is the one mapping from a conversation's slots to a lead, used by
the action server and by recovery from the tracker store alike; ``save_lead`` stores it
idempotently, so saving a conversation again updates its lead instead of adding one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.clinic.contact import CONTACT_METHODS, CONTACT_TIMES
from bot.clinic.safety import TRIAGE_LEVELS, conversation_triage
from bot.db.dialects import upsert_insert
from bot.db.models import Booking, Consent, Intake, Lead, touch
from bot.intake.answers.durations import ACUTE, CHRONIC, SUBACUTE

INTAKE_ANSWER_SLOTS = (
    "pain_location",
    "condition",
    "pain_radiates",
    "below_knee",
    "pain_duration",
    "duration_category",
    "pain_score",
    "neuro_symptoms",
    "imaging",
    "imaging_when",
    "treatments",
    "intake_details",
)
DURATION_CATEGORIES = (ACUTE, SUBACUTE, CHRONIC)
MAX_NAME = 200
MAX_SOURCE_PAGE = 2048


@dataclass(frozen=True)
class ConsentRecord:
    """What the visitor agreed to: the notice's version, and when."""

    version: str
    agreed: bool
    contact_opt_in: bool
    given_at: datetime


@dataclass(frozen=True)
class LeadDraft:
    """A lead as the conversation describes it, before it is stored."""

    conversation_id: str
    name: str
    email: str | None
    phone: str | None
    preferred_contact: str | None
    preferred_time: str | None
    triage_level: str
    conditions: list[str]
    intake: dict[str, Any]
    intake_summary: str | None
    consent: ConsentRecord
    source_page: str | None


def _text(value: Any) -> str | None:
    """A non-empty stripped string, or None (slots hold None, "" or other types)."""
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _aware(value: Any) -> datetime | None:
    """An ISO 8601 time with its offset; a time without one can't be placed, so None."""
    text = _text(value)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.utcoffset() is not None else None


def _conditions(value: Any) -> list[str]:
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return list(dict.fromkeys(v.strip() for v in values if isinstance(v, str) and v.strip()))


def page_without_query(value: Any) -> str | None:
    """The page the chat started on, without query or fragment (they can carry personal
    data, which must not end up in the database through a URL): a full http(s) URL, or
    the path alone ("/sciatica"), which is what the widget sends."""
    text = _text(value)
    if text is None or any(c.isspace() or not c.isprintable() for c in text):
        return None
    parts = urlsplit(text)
    if text.startswith(("http://", "https://")) and parts.netloc:
        page = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    elif text.startswith("/") and not text.startswith("//"):
        page = parts.path
    else:
        return None
    return page[:MAX_SOURCE_PAGE] or None


def draft_from_slots(conversation_id: str, slots: Mapping[str, Any]) -> LeadDraft | None:
    """The lead a conversation describes, or None if it can't be stored (yet).

    None unless the visitor agreed to the notice (with its version and time recorded),
    gave a name, and an email address or a phone number.
    """
    if slots.get("consent_given") is not True:
        return None
    version, given_at = _text(slots.get("consent_version")), _aware(slots.get("consent_at"))
    name = _text(slots.get("contact_name"))
    email, phone = _text(slots.get("contact_email")), _text(slots.get("contact_phone"))
    if version is None or given_at is None or name is None or not (email or phone):
        return None
    triage = conversation_triage(slots)
    method, time = slots.get("contact_method"), slots.get("contact_time")
    return LeadDraft(
        conversation_id=conversation_id,
        name=name[:MAX_NAME],
        email=email,
        phone=phone,
        preferred_contact=method if method in CONTACT_METHODS else None,
        preferred_time=time if time in CONTACT_TIMES else None,
        triage_level=triage,
        conditions=_conditions(slots.get("condition")),
        intake={k: slots[k] for k in INTAKE_ANSWER_SLOTS if slots.get(k) is not None},
        intake_summary=_text(slots.get("intake_summary")),
        consent=ConsentRecord(
            version=version,
            agreed=True,
            contact_opt_in=slots.get("contact_opt_in") is True,
            given_at=given_at,
        ),
        source_page=page_without_query(slots.get("source_page")),
    )


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")


def _insert_lead_if_new(session: Session, draft: LeadDraft, now: datetime) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING: the unique conversation id settles a race
    between two saves of one conversation without failing, or rolling back, either.
    True when this call inserted the row (exactly one of racing saves sees True)."""
    statement = (
        upsert_insert(session, Lead.__table__)
        .values(
            conversation_id=draft.conversation_id,
            name=draft.name,
            email=draft.email,
            phone=draft.phone,
            triage_level=draft.triage_level,
            conditions=draft.conditions,
            status="new",
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["conversation_id"])
    )
    return session.execute(statement).rowcount == 1


def _pain_score(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if value == int(value) and 0 <= value <= 10 else None


def save_lead(session: Session, draft: LeadDraft, now: datetime | None = None) -> Lead:
    """Insert or update the conversation's lead, its intake and its consent.

    Idempotent per conversation. The conversation's latest details win, except that the
    triage level only rises and the status (staff's work) is left alone. Flushes; the
    caller's session_scope commits.
    """
    return save_lead_reporting_new(session, draft, now)[0]


def save_lead_reporting_new(
    session: Session, draft: LeadDraft, now: datetime | None = None
) -> tuple[Lead, bool]:
    """save_lead, also saying whether the lead was created by this call (True) or was
    already there (False): the new-lead notice is sent once per lead, not per save."""
    now = now or datetime.now(timezone.utc)
    _require_aware(now, "now")
    _require_aware(draft.consent.given_at, "consent time")
    created = _insert_lead_if_new(session, draft, now)
    lead = session.execute(
        select(Lead)
        .where(Lead.conversation_id == draft.conversation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    lead.name = draft.name
    lead.email = draft.email
    lead.phone = draft.phone
    lead.preferred_contact = draft.preferred_contact
    lead.preferred_time = draft.preferred_time
    lead.triage_level = max(lead.triage_level, draft.triage_level, key=TRIAGE_LEVELS.index)
    lead.conditions = list(draft.conditions)
    lead.source_page = draft.source_page
    touch(lead, now)

    if lead.intake is None:
        lead.intake = Intake()
    intake = lead.intake
    intake.answers = dict(draft.intake)
    intake.summary = draft.intake_summary
    category = draft.intake.get("duration_category")
    intake.duration_category = category if category in DURATION_CATEGORIES else None
    intake.pain_score = _pain_score(draft.intake.get("pain_score"))
    touch(intake, now)

    if lead.consent is None:
        lead.consent = Consent()
    consent = lead.consent
    consent.notice_version = draft.consent.version
    consent.agreed = draft.consent.agreed
    consent.contact_opt_in = draft.consent.contact_opt_in
    consent.given_at = draft.consent.given_at

    session.flush()
    return lead, created


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(timezone.utc).isoformat() if value else None


def _intake_dict(intake: Intake | None) -> dict[str, Any] | None:
    if intake is None:
        return None
    return {
        "answers": dict(intake.answers or {}),
        "summary": intake.summary,
        "duration_category": intake.duration_category,
        "pain_score": intake.pain_score,
    }


def _consent_dict(consent: Consent | None) -> dict[str, Any] | None:
    if consent is None:
        return None
    return {
        "notice_version": consent.notice_version,
        "agreed": consent.agreed,
        "contact_opt_in": consent.contact_opt_in,
        "given_at": _iso(consent.given_at),
    }


def lead_as_dict(lead: Lead) -> dict[str, Any]:
    """Everything staff see about a lead, JSON-ready (times in UTC, ISO 8601)."""
    return {
        "id": lead.id,
        "conversation_id": lead.conversation_id,
        "name": lead.name,
        "email": lead.email,
        "phone": lead.phone,
        "preferred_contact": lead.preferred_contact,
        "preferred_time": lead.preferred_time,
        "triage_level": lead.triage_level,
        "conditions": list(lead.conditions or []),
        "status": lead.status,
        "source_page": lead.source_page,
        "created_at": _iso(lead.created_at),
        "updated_at": _iso(lead.updated_at),
        "intake": _intake_dict(lead.intake),
        "consent": _consent_dict(lead.consent),
        "bookings": [
            {
                "reference": booking.reference,
                "status": booking.status,
                "starts_at": _iso(booking.slot.starts_at),
                "duration_minutes": booking.slot.duration_minutes,
            }
            for booking in lead.bookings
        ],
    }


def list_leads(session: Session) -> list[dict[str, Any]]:
    """All leads, newest first, with everything lead_as_dict shows loaded in 4 queries."""
    leads = session.execute(
        select(Lead)
        .options(
            selectinload(Lead.intake),
            selectinload(Lead.consent),
            selectinload(Lead.bookings).selectinload(Booking.slot),
        )
        .order_by(Lead.created_at.desc(), Lead.id.desc())
    ).scalars()
    return [lead_as_dict(lead) for lead in leads]


def find_lead(session: Session, conversation_id: str) -> Lead | None:
    """The lead captured in a conversation, if any."""
    return session.execute(
        select(Lead).where(Lead.conversation_id == conversation_id)
    ).scalar_one_or_none()
