from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.clinic.consent import CONSENT_NOTICE_VERSION
from bot.clinic.leads import find_lead
from bot.clinic.recovery import conversation_slots, recover_leads, tracker_store_url
from tests.tracker_events import save_conversations

CONSENTED = {
    "consent_given": True,
    "consent_version": CONSENT_NOTICE_VERSION,
    "consent_at": "2026-11-27T09:00:00-06:00",
    "contact_opt_in": False,
    "contact_name": "Ana López",
    "contact_email": "ana@example.com",
    "urgent_raised": True,
    "condition": ["sciatica"],
    "pain_score": 7,
}


def _events(slots: dict, restart_after: bool = False) -> list:
    from rasa.shared.core.events import (
        ActionExecuted,
        Restarted,
        SessionStarted,
        SlotSet,
        UserUttered,
    )

    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("my back hurts", {"name": "describe_pain", "confidence": 1.0}),
        SlotSet("contact_email", "old@example.com"),  # corrected later: the last value wins
    ]
    events += [SlotSet(name, value) for name, value in slots.items()]
    if restart_after:
        events += [Restarted(), ActionExecuted("action_session_start"), SessionStarted()]
    return events


@pytest.fixture
def tracker_db(tmp_path) -> Path:
    path = tmp_path / "trackers.db"
    save_conversations(
        path,
        {
            "consented": _events(CONSENTED),
            "consented-then-restarted": _events(CONSENTED, restart_after=True),
            "declined": _events({**CONSENTED, "consent_given": False}),
            "no-contact": _events({"consent_given": True, "contact_name": "Bo"}),
            "naive-consent-time": _events({**CONSENTED, "consent_at": "2026-11-27T09:00:00"}),
        },
    )
    return path


def test_the_tracker_store_is_read_by_path_or_url(tmp_path):
    assert tracker_store_url(tmp_path / "t.db") == f"sqlite:///{tmp_path / 't.db'}"
    assert tracker_store_url("postgresql://rasa@db/rasa") == "postgresql://rasa@db/rasa"


def test_conversation_slots_are_the_final_values(tracker_db):
    conversations = dict(conversation_slots(str(tracker_db)))
    assert set(conversations) == {
        "consented",
        "consented-then-restarted",
        "declined",
        "no-contact",
        "naive-consent-time",
    }
    assert conversations["consented"]["contact_email"] == "ana@example.com"
    assert conversations["consented"]["condition"] == ["sciatica"]
    assert conversations["consented-then-restarted"] == conversations["consented"]


def test_recover_saves_consenting_conversations_once(session, tracker_db):
    recovered = recover_leads(session, str(tracker_db))
    session.commit()
    assert sorted(recovered) == ["consented", "consented-then-restarted"]
    lead = find_lead(session, "consented")
    assert (lead.name, lead.email, lead.triage_level) == ("Ana López", "ana@example.com", "urgent")
    assert lead.intake.pain_score == 7 and lead.consent.contact_opt_in is False
    assert recover_leads(session, f"sqlite:///{tracker_db}") == []


def test_recover_leaves_existing_leads_alone(session, tracker_db):
    recover_leads(session, str(tracker_db))
    lead = find_lead(session, "consented")
    lead.status = "contacted"
    session.commit()
    recover_leads(session, str(tracker_db))
    assert find_lead(session, "consented").status == "contacted"


def test_hand_written_events_rows_are_read_too(session, tmp_path):
    """The table's documented shape, for tracker stores not written by this Rasa."""
    path = tmp_path / "events.db"
    engine = sa.create_engine(f"sqlite:///{path}", future=True)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT,"
            " timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"
        )
        rows = [
            ("s1", "slot", json.dumps({"event": "slot", "name": k, "value": v}))
            for k, v in CONSENTED.items()
        ]
        rows.append(("s1", "slot", "not json"))
        rows.append(("s1", "user", json.dumps({"event": "user", "text": "hi"})))
        connection.exec_driver_sql(
            "INSERT INTO events (sender_id, type_name, data) VALUES (?, ?, ?)", rows
        )
    engine.dispose()
    assert recover_leads(session, str(path)) == ["s1"]


def test_a_missing_tracker_store_is_an_error_not_a_new_file(session, tmp_path):
    with pytest.raises(FileNotFoundError):
        recover_leads(session, str(tmp_path / "missing.db"))
    assert not (tmp_path / "missing.db").exists()


def test_a_database_without_events_is_an_error(session, tmp_path):
    path = tmp_path / "empty.db"
    sa.create_engine(f"sqlite:///{path}").connect().close()
    with pytest.raises(LookupError, match="events"):
        recover_leads(session, str(path))
