from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.db.models import Lead
from bot.staff import duplicates
from bot.staff.duplicates import e164, possible_duplicates

T0 = datetime(2026, 11, 16, 15, 0, tzinfo=timezone.utc)


def _found(session, lead_id: int) -> list[tuple[int, tuple[str, ...]]]:
    lead = session.get(Lead, lead_id)
    return [(d.lead.id, d.same) for d in possible_duplicates(session, lead, "US")]


def test_e164():
    assert e164("(312) 555-0142", "US") == "+13125550142"
    assert e164("+13125550142", "US") == "+13125550142"
    assert e164("555", "US") is None and e164(None, "US") is None and e164("x", "US") is None


def test_the_same_phone_or_email_on_both_leads(session, make_lead):
    first = make_lead("c1", email="Ana.Lopez@Example.com", phone="+13125550142", created_at=T0)
    by_phone = make_lead("c2", email=None, phone="+13125550142", created_at=T0 + timedelta(1))
    by_email = make_lead(
        "c3", email="ana.lopez@example.com", phone=None, created_at=T0 + timedelta(2)
    )
    other = make_lead("c4", email="someone@example.com", phone="+13125550199")
    assert _found(session, first) == [(by_email, ("email",)), (by_phone, ("phone",))]
    assert _found(session, by_phone) == [(first, ("phone",))]
    assert _found(session, by_email) == [(first, ("email",))]
    assert _found(session, other) == []


def test_a_phone_stored_as_typed_is_compared_in_e164(session, make_lead):
    typed = make_lead("c1", email=None, phone="(312) 555-0142")
    stored = make_lead("c2", email=None, phone="+13125550142")
    assert _found(session, typed) == [(stored, ("phone",))]


def test_at_most_a_few_are_shown(session, make_lead, monkeypatch):
    monkeypatch.setattr(duplicates, "MAX_SHOWN", 3)
    for n in range(6):
        make_lead(f"c{n}", email="shared@example.com", created_at=T0 + timedelta(minutes=n))
    newest = _found(session, make_lead("me", email="shared@example.com", created_at=T0))
    assert len(newest) == 3
