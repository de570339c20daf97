"""Consent, contact and saving the lead, on real Trackers and a real database."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.leads import (
    ActionKeepAlarmDetails,
    ActionSaveLead,
    ActionStartLeadForm,
    ActionUpdateContact,
    ValidateLeadForm,
    said_before_consent,
    unread_after_alarm,
)
from bot.clinic.booking import add_slots
from bot.clinic.consent import CONSENT_NOTICE_VERSION
from bot.clinic.leads import list_leads
from bot.db.session import session_scope
from tests.conftest import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
CONTACT = {
    "consent_given": True,
    "consent_version": CONSENT_NOTICE_VERSION,
    "consent_at": "2026-11-27T15:00:00+00:00",
    "contact_opt_in": True,
    "contact_name": "Ana Test",
    "contact_phone": "+13125550142",
    "contact_point": "given",
    "contact_method": "call",
    "contact_time": "morning",
    "condition": ["herniated_disc"],
    "imaging": ["mri"],
    "intake_summary": "Where: lower back.",
}


def tracker(text="", intent="inform", requested=None, metadata=None, **slots):
    return Tracker(
        sender_id="conversation-42",
        slots={"requested_slot": requested, "lead_saved": False, **slots},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "metadata": metadata or {},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "lead_form"},
        latest_action_name="action_listen",
    )


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return events, dispatcher.messages


def slots_of(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_consent_records_version_time_and_the_page_without_its_query(leads_db):
    events, _ = run(
        ValidateLeadForm(),
        tracker(
            "/affirm",
            "affirm",
            requested="consent_given",
            metadata={"page": "https://clinic.example/sciatica?utm_source=ad&email=x#top"},
        ),
    )
    slots = slots_of(events)
    assert slots["consent_given"] is True
    assert slots["consent_version"] == CONSENT_NOTICE_VERSION
    assert slots["source_page"] == "https://clinic.example/sciatica"


def test_declining_consent_ends_the_form(leads_db):
    events, _ = run(ValidateLeadForm(), tracker("no", "deny", requested="consent_given"))
    slots = slots_of(events)
    assert slots["consent_given"] is False
    assert slots["requested_slot"] is None


def test_the_lead_is_saved_once_and_a_review_offered(leads_db):
    now = datetime.now(timezone.utc)
    with session_scope(leads_db) as session:
        add_slots(session, [now + timedelta(days=d) for d in (1, 2, 3, 4)])
    events, messages = run(ActionSaveLead(), tracker(**CONTACT))
    slots = slots_of(events)
    assert slots["lead_saved"] is True
    assert [m["response"] for m in messages] == ["utter_lead_saved", "utter_offer_review"]
    buttons = messages[1]["buttons"]
    assert len(buttons) == 5 and buttons[-1]["payload"] == "/just_call"
    assert buttons[0]["payload"].startswith('/choose_slot{"review_slot": ')
    assert len(slots["offered_slot_ids"]) == 3
    run(ActionSaveLead(), tracker(**CONTACT, lead_saved=True, lead_id=slots["lead_id"]))
    with session_scope(leads_db) as session:
        (lead,) = list_leads(session)
    assert lead["conversation_id"] == "conversation-42"
    assert lead["phone"] == "+13125550142"
    assert lead["consent"]["notice_version"] == CONSENT_NOTICE_VERSION
    assert lead["conditions"] == ["herniated_disc"]


def test_no_lead_without_consent(leads_db):
    events, messages = run(ActionSaveLead(), tracker(**{**CONTACT, "consent_given": False}))
    assert events == [] and messages == []
    with session_scope(leads_db) as session:
        assert list_leads(session) == []


def test_database_down_apologises_and_keeps_the_details(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/unreachable")
    common.settings.cache_clear()
    try:
        events, messages = run(ActionSaveLead(), tracker(**CONTACT))
    finally:
        common.settings.cache_clear()
    assert slots_of(events) == {"lead_saved": False}
    assert [m["response"] for m in messages] == ["utter_lead_save_failed"]


def test_a_new_email_after_saving_updates_the_lead(leads_db):
    events, _ = run(ActionSaveLead(), tracker(**CONTACT))
    saved = {**CONTACT, **slots_of(events)}
    events, messages = run(
        ActionUpdateContact(), tracker("sorry, my email is ana@example.org", **saved)
    )
    assert slots_of(events)["contact_email"] == "ana@example.org"
    assert [m["response"] for m in messages] == ["utter_contact_updated"]
    with session_scope(leads_db) as session:
        (lead,) = list_leads(session)
    assert lead["email"] == "ana@example.org"


@pytest.mark.parametrize("text", ["hello", "my email is ana@"])
def test_an_unclear_update_says_how(leads_db, text):
    _, messages = run(ActionUpdateContact(), tracker(text, **CONTACT))
    assert [m["response"] for m in messages] == ["utter_contact_update_unclear"]


def _after_consent(alarm: str) -> Tracker:
    t = tracker("my wife is taking me in now")
    t.events = [
        {"event": "slot", "name": "consent_given", "value": True},
        {"event": "user", "text": "its Jo Marsh. and my legs both went numb", "parse_data": {
            "intent": {"name": alarm}}},
        {"event": "user", "text": "my wife is taking me in now", "parse_data": {
            "intent": {"name": "inform"}}},
    ]  # fmt: skip
    return t


@pytest.mark.parametrize("alarm", ["emergency", "urgent_symptom"])
def test_details_said_with_an_alarm_are_read_with_the_next_message(alarm):
    assert unread_after_alarm(_after_consent(alarm)) == ["its Jo Marsh. and my legs both went numb"]


def test_nothing_said_with_a_crisis_is_read_for_the_lead():
    assert unread_after_alarm(_after_consent("crisis")) == []


def test_the_number_said_with_an_emergency_is_kept_and_the_lead_saved(leads_db):
    values = {
        "consent_given": True,
        "consent_version": CONSENT_NOTICE_VERSION,
        "consent_at": "2026-11-27T15:00:00+00:00",
        "contact_opt_in": True,
        "contact_name": "Ana Test",
        "emergency_raised": True,
    }
    text = "312 555 0142, and my legs both went numb just now"
    t = tracker(text, intent="emergency", requested="contact_point", **values)
    slots = slots_of(run(ActionKeepAlarmDetails(), t)[0])
    assert slots["contact_phone"] == "+13125550142" and "lead_id" in slots
    with session_scope(leads_db) as session:
        (lead,) = list_leads(session)
        assert (lead["phone"], lead["triage_level"]) == ("+13125550142", "emergency")


def test_nothing_is_kept_from_an_emergency_before_consent(leads_db):
    t = tracker("312 555 0142, my legs went numb", intent="emergency", requested="consent_given")
    assert run(ActionKeepAlarmDetails(), t) == ([], [])
    with session_scope(leads_db) as session:
        assert list_leads(session) == []


def _at_the_notice(latest: str, intent: str = "affirm") -> Tracker:
    t = tracker(latest, intent, requested="consent_given")
    t.events = [
        {"event": "user", "text": "hi there"},
        {"event": "user", "text": "ring me back on 312 555 0142 about my neck"},
        {"event": "active_loop", "name": "lead_form"},
        {"event": "user", "text": latest},
    ]
    return t


def test_the_messages_before_the_answer_to_the_notice_are_found():
    t = _at_the_notice("/affirm")
    assert said_before_consent(t) == ["ring me back on 312 555 0142 about my neck"]
    t.events = t.events[1:2]
    assert said_before_consent(t) == []


def test_details_typed_before_consent_are_used_once_the_visitor_agrees(leads_db):
    events, messages = run(ValidateLeadForm(), _at_the_notice("/affirm"))
    slots = slots_of(events)
    assert slots["consent_given"] is True
    assert slots["contact_phone"] == "+13125550142"
    assert slots["requested_slot"] == "contact_name"
    assert messages == []


def test_details_before_a_no_thanks_are_never_read(leads_db):
    events, _ = run(ValidateLeadForm(), _at_the_notice("/deny", "deny"))
    slots = slots_of(events)
    assert slots["consent_given"] is False
    assert "contact_phone" not in slots


def test_the_request_s_intake_answers_are_kept_as_the_form_starts():
    t = tracker("mri last month, pain 6, lower back, can i book a review", "request_review")
    events, _ = run(ActionStartLeadForm(), t)
    slots = slots_of(events)
    assert slots["pain_location"] == ["lower_back"]
    assert slots["pain_score"] == 6
    assert slots["imaging"] == ["mri"]
