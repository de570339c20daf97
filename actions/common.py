"""What every action module needs from the application, loaded once per process."""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction

from bot.clinic.form_reading import Reading
from bot.clinic.profile import ClinicProfile, load_clinic_profile
from bot.settings import Settings, load_settings


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The action server's settings (environment read once)."""
    return load_settings()


@lru_cache(maxsize=1)
def clinic_profile() -> ClinicProfile:
    """The clinic profile, read once per action-server process."""
    return load_clinic_profile(settings().clinic_profile)


def utc_now() -> datetime:
    """Now, timezone-aware, for consent times and bookings."""
    return datetime.now(timezone.utc)


class ReadingFormValidation(FormValidationAction):
    """A form validator whose reading of a message is pure logic in bot/.

    Subclasses say which questions apply (``questions``), how to read (``read``) and
    what follows from the slots read (``derived``); this sends the reading's responses
    and returns its slots. An empty
    reading returns no slot events, so Rasa rejects the form for this turn and a rule
    answers the message (a question, "stop", an alarm); the form then asks again.
    """

    @abstractmethod
    def questions(self, tracker: Tracker) -> list[str]:
        """The form's questions that apply to the answers so far, in order."""

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        return self.questions(tracker)

    @abstractmethod
    def read(
        self, text: str, intent: str | None, requested: str | None, tracker: Tracker
    ) -> Reading:
        """The reading of the latest message."""

    def derived(self, slots: dict[str, Any], tracker: Tracker) -> dict[str, Any]:
        """Slots that follow from those read (none by default)."""
        return {}

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        reading = self.read(
            message.get("text") or "",
            (message.get("intent") or {}).get("name"),
            tracker.get_slot(REQUESTED_SLOT),
            tracker,
        )
        for response in reading.responses:
            dispatcher.utter_message(response=response)
        slots = {**reading.slots, **self.derived(reading.slots, tracker)}
        events: list[EventType] = [SlotSet(slot, value) for slot, value in slots.items()]
        tracker.add_slots(events)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        return events + ([next_slot] if next_slot else [])
