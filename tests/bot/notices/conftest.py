"""A consenting lead with slots to book, on each database (tests/bot/conftest.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.clinic.booking import add_slots
from bot.db.models import Consent, Lead

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)
EMAIL = "ana.visitor@example.com"
PHONE = "+13125550142"


@pytest.fixture
def slot_ids(factory) -> list[int]:
    """Four slots a day apart, the first three days after NOW."""
    first = NOW + timedelta(days=3)
    with factory.begin() as session:
        return [s.id for s in add_slots(session, [first + timedelta(days=d) for d in range(4)])]


@pytest.fixture
def visitor(factory):
    """Store a lead who agreed to the notice (committed); returns its id."""

    def make(
        email: str | None = EMAIL,
        phone: str | None = None,
        texts: bool = False,
        conversation_id: str = "conversation-1",
    ) -> int:
        with factory.begin() as session:
            lead = Lead(
                conversation_id=conversation_id,
                name="Ana Visitor",
                email=email,
                phone=phone,
                conditions=["herniated disc"],
                triage_level="urgent",
            )
            lead.consent = Consent(
                notice_version="v1", agreed=True, contact_opt_in=texts, given_at=NOW
            )
            session.add(lead)
            session.flush()
            return lead.id

    return make
