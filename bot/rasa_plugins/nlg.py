"""Rasa's response generator with the clinic profile's facts filled in.

Configured in endpoints.yml (``nlg: type: bot.rasa_plugins.nlg.ClinicResponseGenerator``): responses
stay in domain.yml and say ``{clinic_phone}``; this fills those placeholders from the
clinic profile without the action server, so even an apology for a failed action can
give the phone number.

Once a message has raised an emergency or a crisis, the first reply to every later
message ends with a one-line reminder of it (``alarm_reminder``): a visitor who answers
"do I really have to go?" or asks to book for next week is told again, whatever the
reply is about.
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.clinic.consent import CONSENT_NOTICE_VERSION
from bot.clinic.profile import load_clinic_profile
from bot.settings import load_settings

# the reminder of each raised alarm, most severe first: (slot, response); the alarm's own
# full answers, and the intents that bring them, get none
REMINDERS = (
    ("in_crisis", "utter_crisis_reminder"),
    ("emergency_raised", "utter_emergency_reminder"),
)
ALARM_RESPONSES = frozenset({"utter_emergency", "utter_crisis"})
ALARM_MESSAGE_INTENTS = frozenset({"emergency", "crisis"})


def alarm_reminder(utter_action: str, tracker: DialogueStateTracker) -> str | None:
    """The reminder response to add to ``utter_action``, if any: the conversation raised
    an emergency or a crisis before, this message did not raise it again (its answer is
    the full one), and no reply has been sent to this message yet."""
    if utter_action in ALARM_RESPONSES:
        return None
    reminder = next((name for slot, name in REMINDERS if tracker.get_slot(slot) is True), None)
    if reminder is None:
        return None
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            return None
        if isinstance(event, UserUttered):
            intent = (event.intent or {}).get("name")
            return None if intent in ALARM_MESSAGE_INTENTS else reminder
    return None


class ClinicResponseGenerator(TemplatedNaturalLanguageGenerator):
    """Domain responses, with ``{clinic_*}`` placeholders taken from the clinic profile."""

    def __init__(self, endpoint_config: EndpointConfig, domain: Domain) -> None:
        super().__init__(domain.responses)
        settings = load_settings()
        profile_path = endpoint_config.kwargs.get("profile") or settings.clinic_profile
        self.clinic_variables = {
            **load_clinic_profile(profile_path).response_variables(),
            # the consent questions tell the widget which notice they ask about
            "consent_notice_version": CONSENT_NOTICE_VERSION,
            # the REST channel's limit, quoted when a message is over it
            "max_message_chars": f"{settings.max_message_chars:,}",
            "max_message_words": f"{settings.max_message_words:,}",
        }

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """Generate as Rasa does; explicit keyword values still win over the profile's. The
        first reply to a message after an emergency or a crisis ends with its reminder."""
        variables = {**self.clinic_variables, **kwargs}
        message = await super().generate(utter_action, tracker, output_channel, **variables)
        reminder = alarm_reminder(utter_action, tracker)
        if message is None or reminder is None:
            return message
        extra = await super().generate(reminder, tracker, output_channel, **variables)
        if extra and extra.get("text"):
            text = message.get("text")
            message = {**message, "text": f"{text}\n\n{extra['text']}" if text else extra["text"]}
        return message
