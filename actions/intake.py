"""The symptom intake's actions: the form validator and the offer, start and end steps.

Thin adapters: how a message is read lives in bot/intake/form.py, the summary in
bot/intake/summary.py; responses live in domain.yml.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import ReadingFormValidation, clinic_profile
from bot.clinic.booking_talk import asks_for_review
from bot.clinic.form_reading import Reading
from bot.intake.form import DERIVED_SLOTS, FORM_SLOTS, read_message, required_slots
from bot.intake.review import intake_before_review
from bot.intake.summary import intake_summary

INTAKE_SLOTS = FORM_SLOTS + DERIVED_SLOTS


def intake_values(tracker: Tracker) -> dict[str, Any]:
    """The intake's answers so far."""
    return {slot: tracker.get_slot(slot) for slot in INTAKE_SLOTS}


def answers_said(tracker: Tracker) -> list[EventType]:
    """The intake answers the latest message states ("neck mri in may, bulging disc,
    pain 4 ... could i have it reviewed"), recorded on the conversation (nothing is stored before
    consent) when it leads elsewhere than the intake: the lead carries them, and the
    questions they answer are not asked again."""
    text = (tracker.latest_message or {}).get("text") or ""
    if not text.strip() or text.lstrip().startswith("/"):
        return []
    values = intake_values(tracker)
    slots = read_message(text, None, None, values, clinic_profile().today()).slots
    if not slots:
        return []
    slots["intake_summary"] = intake_summary({**values, **slots})
    return [SlotSet(slot, value) for slot, value in slots.items()]


class ValidateIntakeForm(ReadingFormValidation):
    """Reads each message while the intake runs: answers, skips, corrections, re-asks."""

    def name(self) -> str:
        return "validate_intake_form"

    def questions(self, tracker: Tracker) -> list[str]:
        """Only the questions that apply to this visitor's answers so far."""
        return required_slots(intake_values(tracker))

    def read(
        self, text: str, intent: str | None, requested: str | None, tracker: Tracker
    ) -> Reading:
        return read_message(
            text, intent, requested, intake_values(tracker), clinic_profile().today()
        )

    def derived(self, slots: dict[str, Any], tracker: Tracker) -> dict[str, Any]:
        """The summary shown for confirmation, whenever an answer changes."""
        if not slots:
            return {}
        return {"intake_summary": intake_summary({**intake_values(tracker), **slots})}


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
    """Marks the intake started; when it runs again, the summary is confirmed again. A
    visitor who asked for the scan review in the same message is told it follows, and
    how to go straight to it."""

    def name(self) -> str:
        return "action_start_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if asks_for_review((tracker.latest_message or {}).get("text") or ""):
            dispatcher.utter_message(response="utter_intake_review_after")
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


class ActionRouteReview(Action):
    """A scan review asked for outside the forms: the intake's questions first when they
    have not been answered yet, else consent and contact (bot/intake/review.py). The
    rules follow the slot it sets."""

    def name(self) -> str:
        return "action_route_review"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        first = intake_before_review(
            (tracker.latest_message or {}).get("text") or "",
            tracker.get_slot("intake_status"),
            bool(tracker.get_slot("in_crisis")),
        )
        return [SlotSet("review_intake_first", first)]
