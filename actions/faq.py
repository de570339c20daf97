"""Answers to questions: every question of a message, follow-ups to the last answer,
and requests to reach the clinic or a person.

Thin adapters: which topics and facts a message asks for is bot/faq/; the answers are
responses in domain.yml.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.faq.clinic_facts import reach_clinic_responses
from bot.faq.questions import answer_topics, default_cues, follow_up_topics, mixes_medicines

TOPIC_SLOT = "faq_topic"
# what a message that is not a follow-up gets, by the intent that brought it here
NOT_A_FOLLOW_UP = {
    "nlu_fallback": "utter_ask_rephrase",
    "inform": "utter_ask_rephrase",
    "out_of_scope": "utter_out_of_scope",
}
# a second message in a row not understood gets the clinic's phone, as without a topic
# (data/rules/fallback.yml)
SECOND_MISS = "utter_fallback_handoff"


def selected_topic(message: dict[str, Any]) -> tuple[str | None, float]:
    """The FAQ topic the response selector chose for a message ("how_long"), and how
    confident it was."""
    chosen = ((message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    key = chosen.get("intent_response_key") or ""
    topic = key.split("/", 1)[1] if key.startswith("faq/") else None
    return topic, float(chosen.get("confidence") or 0.0)


def previous_intent(tracker: Tracker) -> str | None:
    """The intent of the visitor's message before the latest one."""
    messages = [event for event in tracker.events if event.get("event") == "user"]
    if len(messages) < 2:
        return None
    return ((messages[-2].get("parse_data") or {}).get("intent") or {}).get("name")


def not_a_follow_up(intent: str | None, tracker: Tracker) -> str:
    """The response for a message this action can't read as a question or a follow-up."""
    if intent == "nlu_fallback" and previous_intent(tracker) == "nlu_fallback":
        return SECOND_MISS
    return NOT_A_FOLLOW_UP.get(intent or "", "utter_ask_rephrase")


def answer_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """Answers the latest message as a follow-up to the last FAQ answer when its cue
    words name a topic ("what else is there" after "does it work"); None when it names
    none, or no answer came before."""
    text = (tracker.latest_message or {}).get("text") or ""
    cues = default_cues()
    if not cues.topics_in(text):
        return None
    topics = follow_up_topics(text, tracker.get_slot(TOPIC_SLOT), cues=cues)
    if not topics:
        return None
    for topic in topics:
        dispatcher.utter_message(response=cues.response(topic))
    return [SlotSet(TOPIC_SLOT, topics[-1])]


class ActionAnswerFaq(Action):
    """Answers each question of a FAQ message (up to three), or a short follow-up to the
    last answer; remembers the last topic answered for the next follow-up. The topic is
    kept after a message that is not a follow-up (the rule that brings such messages
    here would otherwise end without a prediction); a follow-up must read as one."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        intent = (message.get("intent") or {}).get("name")
        previous = tracker.get_slot(TOPIC_SLOT)
        cues = default_cues()
        if intent == "faq":
            mixed = mixes_medicines(message.get("clinical_concepts"))
            topics = answer_topics(
                text, *selected_topic(message), previous=previous, cues=cues, mixed=mixed
            )
        else:
            topics = follow_up_topics(text, previous, cues=cues)
        if not topics:
            dispatcher.utter_message(response=not_a_follow_up(intent, tracker))
            return []
        for topic in topics:
            dispatcher.utter_message(response=cues.response(topic))
        return [SlotSet(TOPIC_SLOT, topics[-1])]


class ActionReachClinic(Action):
    """Answers a request for a person or for the clinic's details with the facts asked
    (address, hours, phone), or the hand-off answer when none is named; then offers to
    take the visitor's details, unless a form is asking its questions, the team has the
    details already, or after a crisis (no lead questions follow one)."""

    def name(self) -> str:
        return "action_reach_clinic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        for response in reach_clinic_responses(text):
            dispatcher.utter_message(response=response)
        in_form = bool((tracker.active_loop or {}).get("name"))
        if not (in_form or tracker.get_slot("lead_saved") or tracker.get_slot("in_crisis")):
            dispatcher.utter_message(response="utter_offer_details")
        return []
