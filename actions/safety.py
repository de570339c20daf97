"""Keeps the safety screen's outcome on the conversation, after every visitor message.

Rasa calls ``action_validate_slot_mappings`` after each message; the alarm itself was
decided in the NLU pipeline (bot/nlu/triage.py) and answered by a rule before this matters.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction

from bot.safety import INTENT_ALARMS, raise_triage


def latest_alarm(tracker: Tracker) -> str | None:
    """The alarm the visitor's latest message raised (``crisis``, ``emergency``, ``urgent``)."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return INTENT_ALARMS.get(intent or "")


class ValidateSafetySlots(ValidationAction):
    """Fills the conversation's triage level and crisis flag from each message's alarm."""

    async def extract_triage_level(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """Emergency / urgent / routine: it rises with alarms and never falls."""
        current = tracker.get_slot("triage_level")
        new = raise_triage(current, latest_alarm(tracker))
        return {"triage_level": new} if new != current else {}

    async def extract_in_crisis(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """Set once a message raises the crisis alarm, so no intake or lead questions follow."""
        if latest_alarm(tracker) == "crisis" and not tracker.get_slot("in_crisis"):
            return {"in_crisis": True}
        return {}
