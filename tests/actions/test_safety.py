import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ValidateSafetySlots

DOMAIN = {
    "slots": {
        "triage_level": {"type": "categorical", "mappings": [{"type": "custom"}]},
        "in_crisis": {"type": "bool", "mappings": [{"type": "custom"}]},
    }
}


def tracker(intent, triage="routine", in_crisis=False):
    return Tracker(
        sender_id="visitor",
        slots={"triage_level": triage, "in_crisis": in_crisis},
        latest_message={"text": "...", "intent": {"name": intent, "confidence": 1.0}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateSafetySlots().run(dispatcher, t, DOMAIN))
    return events, dispatcher.messages


def test_name_is_rasas_global_slot_validation():
    assert ValidateSafetySlots().name() == "action_validate_slot_mappings"


@pytest.mark.parametrize(
    ("intent", "expected"),
    [("emergency", "emergency"), ("urgent_symptom", "urgent"), ("crisis", "emergency")],
)
def test_alarm_raises_the_triage_level(intent, expected):
    events, messages = run(tracker(intent))
    assert SlotSet("triage_level", expected) in events
    assert messages == []


def test_triage_never_falls():
    events, _ = run(tracker("urgent_symptom", triage="emergency"))
    assert not [e for e in events if e["name"] == "triage_level"]


def test_ordinary_message_changes_nothing():
    events, _ = run(tracker("faq"))
    assert events == []


def test_crisis_sets_the_crisis_flag_once():
    events, _ = run(tracker("crisis"))
    assert SlotSet("in_crisis", True) in events
    events, _ = run(tracker("crisis", triage="emergency", in_crisis=True))
    assert events == []
