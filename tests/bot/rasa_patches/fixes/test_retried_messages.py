"""A message the conversation already holds is answered from the store, once."""

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_patches.fixes.retried_messages import answering_repeats, refusing_repeats, replies_to


def tracker_with(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("visitor-1", list(events))


def turn(message_id: str, text: str, *replies: str) -> list:
    events = [UserUttered(text, {"name": "x"}, message_id=message_id)]
    for reply in replies:
        events += [ActionExecuted("utter_x"), BotUttered(reply, {"buttons": [{"title": "Yes"}]})]
    return events + [ActionExecuted("action_listen")]


def test_the_replies_after_the_latest_message_are_found_by_its_id():
    tracker = tracker_with(
        *turn("a", "hello", "hi there"), *turn("b", "my back", "sorry", "how long?")
    )
    assert [r.text for r in replies_to(tracker, "b")] == ["sorry", "how long?"]


@pytest.mark.parametrize("message_id", ["a", "c", None])
def test_only_the_latest_message_counts(message_id):
    tracker = tracker_with(*turn("a", "hello", "hi"), *turn("b", "again", "hi"))
    assert replies_to(tracker, message_id) is None


def test_no_user_message_yet():
    assert replies_to(tracker_with(ActionExecuted("action_session_start")), "a") is None


class FakeProcessor:
    """Rasa's MessageProcessor reduced to what the wrappers call: a turn is logged with
    the message's id and answered with one reply, which is stored."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self.tracker = tracker
        self.parsed: list[str] = []

    async def _handle_message_with_tracker(self, message, tracker):
        self.parsed.append(message.text)
        tracker.update(UserUttered(message.text, {"name": "x"}, message_id=message.message_id))

    async def handle_message(self, message):
        await self._handle_message_with_tracker(message, self.tracker)
        reply = BotUttered(f"reply to {message.text}", {"buttons": [{"title": "Yes"}]})
        self.tracker.update_with_events([reply, ActionExecuted("action_listen")], None)
        await message.output_channel.send_response("visitor-1", reply.message())
        return message.output_channel.messages


FakeProcessor._handle_message_with_tracker = refusing_repeats(
    FakeProcessor._handle_message_with_tracker
)
FakeProcessor.handle_message = answering_repeats(FakeProcessor.handle_message)


def send(processor: FakeProcessor, text: str, message_id: str | None) -> list[dict]:
    message = UserMessage(text, CollectingOutputChannel(), "visitor-1", message_id=message_id)
    return asyncio.run(processor.handle_message(message))


def test_a_retried_message_gets_the_stored_replies_and_is_not_handled_again():
    processor = FakeProcessor(tracker_with(SlotSet("x", 1)))
    first = send(processor, "my back hurts", "f" * 32)
    events_after_first = list(processor.tracker.events)
    again = send(processor, "my back hurts", "f" * 32)
    assert again == first
    assert first[0]["text"] == "reply to my back hurts" and first[0]["buttons"]
    assert processor.parsed == ["my back hurts"]
    assert list(processor.tracker.events) == events_after_first


def test_the_same_words_with_a_new_id_are_a_new_message():
    processor = FakeProcessor(tracker_with())
    send(processor, "yes", "1" * 32)
    send(processor, "yes", "2" * 32)
    assert processor.parsed == ["yes", "yes"]
