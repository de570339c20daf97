"""When the action server can't be reached (down, restarting, failing), the visitor gets
an apology with the clinic's phone instead of silence.

Rasa 3.6 logs the failure, drops the action's events and carries on, so a visitor whose
message needed the action server (every intake and contact step, saving a lead, booking)
got no answer at all, or an "I didn't understand" and a question skipped. Here a failed
custom action sends ``utter_action_failed`` (from domain.yml, the phone filled in by
bot/rasa_plugins/nlg.py) as its only event. When the failed action is a form's validation, the
whole form step is that apology: the form keeps its question and its answers, so the
visitor's next message, once the action server is back, is read as the answer to the
same question. The conversation's slots are set only by the action server's replies, so
nothing half-done is kept. A lead that could not be saved stays in the tracker store,
where ``bot leads recover`` finds it.

A hung action server (accepting connections, answering nothing) counts as failed after
ACTION_TIMEOUT_SECONDS (8 s): Rasa's own wait is 300 s, long after the widget has given
up (20 s) and offered to send the message again.

A rejection (a form declining a message, so that a rule answers it) is not a failure
and goes through untouched.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger(__name__)

APOLOGY = "utter_action_failed"
VALIDATION_PREFIX = "validate_"


@functools.cache
def action_timeout() -> float:
    """ACTION_TIMEOUT_SECONDS, read once per process."""
    from bot.settings import load_settings

    return float(load_settings().action_timeout_seconds)


class ValidationUnavailableError(Exception):
    """A form's validation action failed: the form step becomes the apology."""


async def apology(nlg: Any, tracker: Any, output_channel: Any) -> list:
    """The apology as the events of an action (one bot message)."""
    from rasa.core.actions.action import create_bot_utterance

    reply = await nlg.generate(APOLOGY, tracker, output_channel.name())
    return [create_bot_utterance(reply)] if reply else []


def apologising(original: Callable[..., Awaitable[list]]) -> Callable[..., Awaitable[list]]:
    """``RemoteAction.run`` that answers a failure with the apology (a form's validation
    hands it to the form instead)."""
    from rasa.core.actions.action import ActionExecutionRejection

    @functools.wraps(original)
    async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list:
        try:
            return await asyncio.wait_for(
                original(self, output_channel, nlg, tracker, domain), action_timeout()
            )
        except ActionExecutionRejection:
            raise
        except Exception as error:  # any failure: apologise, never silence
            # the action's name and the error's type only: never the conversation
            logger.error(
                "custom action %s failed (%s): the visitor was sent %s",
                self.name(),
                type(error.__cause__ or error.__context__ or error).__name__,
                APOLOGY,
            )
            if self.name().startswith(VALIDATION_PREFIX):
                raise ValidationUnavailableError(self.name()) from error
            return await apology(nlg, tracker, output_channel)

    return run


def form_apologising(original: Callable[..., Awaitable[list]]) -> Callable[..., Awaitable[list]]:
    """``FormAction.run`` whose step is only the apology when its validation failed."""

    @functools.wraps(original)
    async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except ValidationUnavailableError:
            return await apology(nlg, tracker, output_channel)

    return run
