"""The question actions on real rasa-sdk Trackers: the responses they send and the
topic they remember."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionAnswerFaq, ActionReachClinic
from tests.actions.trackers import listening_tracker


def tracker(text, intent, topic=None, selected=None, confidence=0.9, events=(), **slots):
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}}
    if selected:
        message["response_selector"] = {
            "faq": {
                "response": {"intent_response_key": f"faq/{selected}", "confidence": confidence}
            }
        }
    slots = {"faq_topic": topic, "lead_saved": False, "in_crisis": False, **slots}
    return listening_tracker("visitor", slots, message, events)


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return events, [m.get("response") for m in dispatcher.messages]


def user(intent):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def test_two_questions_get_two_answers_and_the_last_topic_is_kept():
    t = tracker("how long before it helps and can it make me dizzy", "faq", selected="how_long")
    events, responses = run(ActionAnswerFaq(), t)
    assert responses == ["utter_faq/how_long", "utter_faq/side_effects"]
    assert events == [
        {"event": "slot", "timestamp": None, "name": "faq_topic", "value": "side_effects"}
    ]


def test_a_follow_up_the_classifier_missed_is_answered_from_the_last_topic():
    _, responses = run(ActionAnswerFaq(), tracker("and why is that", "nlu_fallback", "stopping"))
    assert responses == ["utter_faq/stopping"]


def test_a_message_that_is_not_a_follow_up_gets_the_usual_reply():
    _, responses = run(ActionAnswerFaq(), tracker("zxcv bnm", "nlu_fallback", "stopping"))
    assert responses == ["utter_ask_rephrase"]
    _, responses = run(
        ActionAnswerFaq(), tracker("recommend a film for tonight", "out_of_scope", "stopping")
    )
    assert responses == ["utter_out_of_scope"]


def test_a_second_miss_in_a_row_offers_the_phone():
    t = tracker("zxcv bnm", "nlu_fallback", "stopping", events=[user("nlu_fallback")] * 2)
    _, responses = run(ActionAnswerFaq(), t)
    assert responses == ["utter_fallback_handoff"]


def test_the_facts_asked_then_the_offer_to_take_details():
    _, responses = run(
        ActionReachClinic(), tracker("where are you and when do you open", "human_handoff")
    )
    assert responses == ["utter_clinic_address", "utter_clinic_hours", "utter_offer_details"]


def test_no_offer_once_the_team_has_the_details_or_after_a_crisis():
    for slots in ({"lead_saved": True}, {"in_crisis": True}):
        _, responses = run(ActionReachClinic(), tracker("a human please", "human_handoff", **slots))
        assert responses == ["utter_human_handoff"]
