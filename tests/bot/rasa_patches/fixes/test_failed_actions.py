import asyncio

import aiohttp
import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.exceptions import RasaException

from bot.rasa_patches.fixes.failed_actions import (
    APOLOGY,
    ValidationUnavailableError,
    apologising,
    form_apologising,
)


class Responses:
    """Rasa's response generator, reduced to what the fallback asks of it."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def generate(self, name, tracker, channel, **kwargs):
        self.asked.append(name)
        return {"text": f"sorry, call the clinic ({name})"}


def failing(error: BaseException):
    async def run(self, output_channel, nlg, tracker, domain):
        raise error

    return run


def connection_refused() -> RasaException:
    """What RemoteAction raises when nothing listens (the aiohttp error as its context)."""
    try:
        raise aiohttp.ClientConnectionError("refused")
    except aiohttp.ClientConnectionError:
        try:
            raise RasaException("Failed to execute custom action")
        except RasaException as error:
            return error


def call(run, name="action_save_lead"):
    nlg = Responses()
    events = asyncio.run(run(RemoteAction(name, None), CollectingOutputChannel(), nlg, None, None))
    return events, nlg.asked


@pytest.mark.parametrize(
    "error", [connection_refused(), asyncio.TimeoutError(), ValueError("bad reply")]
)
def test_a_failed_action_sends_the_apology_instead(error):
    events, asked = call(apologising(failing(error)))
    assert asked == [APOLOGY]
    assert len(events) == 1 and isinstance(events[0], BotUttered)
    assert events[0].text == f"sorry, call the clinic ({APOLOGY})"


def test_a_rejection_is_not_a_failure():
    rejection = ActionExecutionRejection("validate_intake_form")
    with pytest.raises(ActionExecutionRejection):
        call(apologising(failing(rejection)))


def test_a_working_action_is_untouched():
    async def works(self, output_channel, nlg, tracker, domain):
        return [SlotSet("lead_saved", True)]

    events, asked = call(apologising(works))
    assert events == [SlotSet("lead_saved", True)] and asked == []


def test_a_failed_validation_is_handed_to_its_form():
    with pytest.raises(ValidationUnavailableError):
        call(apologising(failing(connection_refused())), name="validate_intake_form")


def test_a_form_whose_validation_failed_sends_only_the_apology():
    events, asked = call(form_apologising(failing(ValidationUnavailableError("validate_x"))))
    assert asked == [APOLOGY] and [type(e) for e in events] == [BotUttered]


def test_a_form_passes_other_errors_on():
    with pytest.raises(KeyError):
        call(form_apologising(failing(KeyError("x"))))
