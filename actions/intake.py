"""The symptom intake's actions: the form validator and the offer, start and end steps.

Thin adapters: how a message is read lives in bot/intake/form.py, the summary in
bot/intake/summary.py; responses live in domain.yml.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction

from actions.common import clinic_profile
from bot.intake.form import DERIVED_SLOTS, FORM_SLOTS, read_message, required_slots
from bot.intake.summary import intake_summary

INTAKE_SLOTS = FORM_SLOTS + DERIVED_SLOTS


def intake_values(tracker: Tracker) -> dict[str, Any]:
    """The intake's answers so far."""
    return {slot: tracker.get_slot(slot) for slot in INTAKE_SLOTS}


class ValidateIntakeForm(FormValidationAction):
    """Reads each message while the intake runs: answers, skips, corrections, re-asks.

    An empty reading returns no slot events, so Rasa rejects the form for this turn and
    a rule answers the message (a question, "stop", an alarm); the form then asks again.
    """

    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        """Only the questions that apply to this visitor's answers so far."""
        return required_slots(intake_values(tracker))

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        values = intake_values(tracker)
        reading = read_message(
            text=message.get("text") or "",
            intent=(message.get("intent") or {}).get("name"),
            requested_slot=tracker.get_slot(REQUESTED_SLOT),
            values=values,
            today=clinic_profile().today(),
        )
        for response in reading.responses:
            dispatcher.utter_message(response=response)
        slots = dict(reading.slots)
        if slots:
            slots["intake_summary"] = intake_summary({**values, **slots})
        events: list[EventType] = [SlotSet(slot, value) for slot, value in slots.items()]
        tracker.add_slots(events)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        return events + ([next_slot] if next_slot else [])


class ActionAskIntakeConfirmed(Action):
    """Shows the summary and asks to confirm it, unless the visitor was just asked what
    to change (the summary comes back once they have said it)."""

    def name(self) -> str:
        return "action_ask_intake_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if not tracker.get_slot("intake_awaiting_change"):
            dispatcher.utter_message(response="utter_ask_intake_confirmed")
        return []


class ActionOfferIntake(Action):
    """After an answer, offers the intake once per conversation, never after a crisis."""

    def name(self) -> str:
        return "action_offer_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("in_crisis") or tracker.get_slot("intake_status") is not None:
            return []
        dispatcher.utter_message(response="utter_offer_intake")
        return [SlotSet("intake_status", "offered")]


class ActionStartIntake(Action):
    """Marks the intake started; when it runs again, the summary is confirmed again."""

    def name(self) -> str:
        return "action_start_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return [SlotSet("intake_status", "started"), SlotSet("intake_confirmed", None)]


class ActionEndIntake(Action):
    """Records how the intake ended; answers of a stopped intake are cleared."""

    def name(self) -> str:
        return "action_end_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("intake_confirmed") is True:
            return [SlotSet("intake_status", "completed")]
        return [SlotSet("intake_status", "stopped")] + [
            SlotSet(slot, None) for slot in INTAKE_SLOTS
        ]
