"""Rasa's response generator with the clinic profile's facts filled in.

Configured in endpoints.yml (``nlg: type: bot.nlg.ClinicResponseGenerator``): responses
stay in domain.yml and say ``{clinic_phone}``; this fills those placeholders from the
clinic profile without the action server, so even an apology for a failed action can
give the phone number.
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.clinic import load_clinic_profile
from bot.leads import CONSENT_NOTICE_VERSION
from bot.settings import load_settings


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
        """Generate as Rasa does; explicit keyword values still win over the profile's."""
        variables = {**self.clinic_variables, **kwargs}
        return await super().generate(utter_action, tracker, output_channel, **variables)
