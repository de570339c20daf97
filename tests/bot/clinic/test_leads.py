from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from bot.clinic.consent import CONSENT_NOTICE_VERSION
from bot.clinic.leads import (
    draft_from_slots,
    find_lead,
    lead_as_dict,
    list_leads,
    save_lead,
)
from bot.db.models import Consent, Intake, Lead

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)


def slots(**overrides) -> dict:
    """A conversation that consented and left its details after the intake."""
    values = {
        "consent_given": True,
        "consent_version": CONSENT_NOTICE_VERSION,
        "consent_at": "2026-11-27T09:00:00-06:00",
        "contact_opt_in": True,
        "contact_name": "Ana López",
        "contact_email": "ana@example.com",
        "contact_phone": "+13125550142",
        "contact_method": "text",
        "contact_time": "morning",
        "source_page": "https://clinic.example/sciatica?utm_source=ads&email=a@b.c#chat",
        "condition": ["sciatica", "herniated_disc"],
        "intake_summary": "Lower back pain into the right leg for 3 months, 6/10.",
        "pain_location": ["lower_back"],
        "pain_radiates": ["leg"],
        "below_knee": True,
        "pain_duration": "3 months",
        "duration_category": "chronic",
        "pain_score": 6.0,
        "neuro_symptoms": None,
        "imaging": "skipped",
        "in_crisis": False,
    }
    values.update(overrides)
    return values


def draft(conversation_id: str = "visitor-1", **overrides):
    result = draft_from_slots(conversation_id, slots(**overrides))
    assert result is not None
    return result


def test_draft_maps_the_slots():
    result = draft()
    assert (result.name, result.email, result.phone) == (
        "Ana López",
        "ana@example.com",
        "+13125550142",
    )
    assert (result.preferred_contact, result.preferred_time) == ("text", "morning")
    assert result.conditions == ["sciatica", "herniated_disc"]
    assert result.consent.agreed and result.consent.contact_opt_in
    assert result.consent.version == CONSENT_NOTICE_VERSION
    assert result.consent.given_at == datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)
    # answers keep what was said (skipped included), not what was never asked
    assert result.intake["pain_score"] == 6.0 and result.intake["imaging"] == "skipped"
    assert "neuro_symptoms" not in result.intake and "in_crisis" not in result.intake
    # query strings and fragments can carry personal data: never stored
    assert result.source_page == "https://clinic.example/sciatica"


@pytest.mark.parametrize(
    "overrides",
    [
        {"consent_given": None},
        {"consent_given": False},
        {"consent_given": "true"},
        {"consent_at": None},
        {"consent_at": "2026-11-27T09:00:00"},  # no offset: when was that?
        {"consent_version": None},
        {"contact_name": "  "},
        {"contact_email": None, "contact_phone": None},
        {"contact_email": "", "contact_phone": None},
    ],
)
def test_no_draft_without_consent_a_name_and_a_way_to_reach_them(overrides):
    assert draft_from_slots("visitor-1", slots(**overrides)) is None


def test_draft_defaults():
    result = draft(
        emergency_raised=None,
        condition=None,
        contact_opt_in=None,
        contact_email=None,
        contact_method="carrier pigeon",
        consent_at="2026-11-27T15:00:00Z",
    )
    assert result.triage_level == "routine" and result.conditions == []
    assert result.consent.contact_opt_in is False
    assert result.preferred_contact is None and result.email is None
    assert result.consent.given_at == NOW


@pytest.mark.parametrize(
    ("flags", "triage"),
    [
        ({}, "routine"),
        ({"urgent_raised": True}, "urgent"),
        ({"emergency_raised": True}, "emergency"),
        ({"urgent_raised": True, "emergency_raised": True}, "emergency"),
        ({"urgent_raised": False, "emergency_raised": False}, "routine"),
    ],
)
def test_the_draft_takes_the_most_severe_alarm_the_conversation_raised(flags, triage):
    assert draft(**flags).triage_level == triage


def test_save_stores_the_lead_its_intake_and_consent(session):
    lead = save_lead(session, draft(), now=NOW)
    session.commit()
    session.expunge_all()
    stored = find_lead(session, "visitor-1")
    assert stored.id == lead.id and stored.status == "new"
    assert stored.created_at == stored.updated_at == NOW
    assert stored.intake.answers["pain_location"] == ["lower_back"]
    assert (stored.intake.pain_score, stored.intake.duration_category) == (6, "chronic")
    assert stored.consent.notice_version == CONSENT_NOTICE_VERSION
    assert stored.consent.given_at == datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)


def test_saving_again_updates_the_same_lead(session):
    first = save_lead(session, draft(), now=NOW)
    session.commit()
    later = NOW + timedelta(minutes=5)
    changed = draft(contact_email="ana.lopez@example.com", pain_score="skipped", condition=[])
    second = save_lead(session, changed, now=later)
    session.commit()
    assert second.id == first.id
    assert session.execute(select(func.count(Lead.id))).scalar_one() == 1
    assert session.execute(select(func.count(Intake.id))).scalar_one() == 1
    assert session.execute(select(func.count(Consent.id))).scalar_one() == 1
    session.expunge_all()
    stored = find_lead(session, "visitor-1")
    assert stored.email == "ana.lopez@example.com" and stored.conditions == []
    assert stored.intake.pain_score is None  # skipped
    assert stored.created_at == NOW and stored.updated_at == later


def test_triage_only_rises(session):
    save_lead(session, draft(urgent_raised=True), now=NOW)
    assert save_lead(session, draft(), now=NOW).triage_level == "urgent"
    assert save_lead(session, draft(emergency_raised=True), now=NOW).triage_level == "emergency"
    assert save_lead(session, draft(urgent_raised=True), now=NOW).triage_level == "emergency"


def test_saving_again_keeps_the_status_staff_set(session):
    lead = save_lead(session, draft(), now=NOW)
    lead.status = "contacted"
    session.commit()
    assert save_lead(session, draft(), now=NOW).status == "contacted"


def test_naive_times_are_refused(session):
    with pytest.raises(ValueError, match="timezone-aware"):
        save_lead(session, draft(), now=datetime(2026, 11, 27, 9, 0))
    naive = replace(draft(), consent=replace(draft().consent, given_at=datetime(2026, 1, 1)))
    with pytest.raises(ValueError, match="timezone-aware"):
        save_lead(session, naive, now=NOW)


def test_concurrent_saves_of_one_conversation_make_one_lead(factory):
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def save() -> None:
        try:
            barrier.wait()
            with factory.begin() as session:
                save_lead(session, draft(), now=NOW)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=save) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with factory() as session:
        assert session.execute(select(func.count(Lead.id))).scalar_one() == 1
        assert session.execute(select(func.count(Intake.id))).scalar_one() == 1


def test_lead_as_dict(session):
    save_lead(session, draft(), now=NOW)
    session.commit()
    [only] = list_leads(session)
    assert only["conversation_id"] == "visitor-1" and only["name"] == "Ana López"
    assert only["email"] == "ana@example.com" and only["phone"] == "+13125550142"
    assert only["triage_level"] == "routine" and only["status"] == "new"
    assert only["created_at"] == only["updated_at"] == "2026-11-27T15:00:00+00:00"
    assert only["intake"] == {
        "answers": draft().intake,
        "summary": "Lower back pain into the right leg for 3 months, 6/10.",
        "duration_category": "chronic",
        "pain_score": 6,
    }
    assert only["consent"] == {
        "notice_version": CONSENT_NOTICE_VERSION,
        "agreed": True,
        "contact_opt_in": True,
        "given_at": "2026-11-27T15:00:00+00:00",
    }
    assert only["bookings"] == []
    assert only == lead_as_dict(find_lead(session, "visitor-1"))


def test_list_leads_is_newest_first(session):
    save_lead(session, draft("older"), now=NOW)
    save_lead(session, draft("newer"), now=NOW + timedelta(hours=1))
    session.commit()
    assert [lead["conversation_id"] for lead in list_leads(session)] == ["newer", "older"]


def test_find_lead_of_an_unknown_conversation(session):
    assert find_lead(session, "nobody") is None


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://clinic.example/sciatica?email=a@b.c#chat", "https://clinic.example/sciatica"),
        ("/sciatica", "/sciatica"),
        ("/services/back-pain?utm_source=ads&phone=3125550100", "/services/back-pain"),
        ("/", "/"),
        ("//evil.example/x", None),
        ("javascript:alert(1)", None),
        ("sciatica", None),
        ("/a b", None),
        ("/x\ny", None),
        (" /sciatica\n", "/sciatica"),
        ("https://", None),
        ("", None),
        (42, None),
    ],
)
def test_the_page_is_kept_without_query_as_a_url_or_a_path(given, kept):
    from bot.clinic.leads import page_without_query

    assert page_without_query(given) == kept
