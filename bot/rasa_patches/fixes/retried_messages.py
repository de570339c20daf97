"""A message handled twice is answered once: the second time, from what was stored.

In production mode nginx hands a message to the other replica when the first one dies
before answering (``proxy_next_upstream``). If it died after saving the turn, Rasa would
handle the same message again: the visitor's words twice in the conversation, the
assistant's replies twice, a form's question asked over. nginx gives each request one
id, kept across its retries (``X-Request-ID``), and the REST channel makes it the
message's id (bot/rasa_plugins/rest_channel.py). Here, once Rasa has read the conversation back
(under the conversation's lock, so the first handling is either stored whole or not at all), a
message whose id is the conversation's latest user message's is not parsed or predicted
again: the replies stored after it are sent as they were.

Messages without such an id get Rasa's random one and are handled as usual. The check
reads the events already loaded, back to the latest user message: no extra query.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)


class AlreadyHandledError(Exception):
    """The message is the conversation's latest one: these were its replies."""

    def __init__(self, sender_id: str, replies: list[BotUttered]) -> None:
        super().__init__("message already handled")
        self.sender_id = sender_id
        self.replies = replies


def replies_to(tracker: DialogueStateTracker, message_id: str | None) -> list[BotUttered] | None:
    """The replies stored after the latest user message if its id is ``message_id``;
    None if the latest user message is another (or there is none)."""
    replies: list[BotUttered] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if message_id is not None and event.message_id == message_id:
                return replies[::-1]
            return None
        if isinstance(event, BotUttered):
            replies.append(event)
    return None


def refusing_repeats(
    original: Callable[[Any, UserMessage, DialogueStateTracker], Awaitable[None]],
) -> Callable[..., Awaitable[None]]:
    """``MessageProcessor._handle_message_with_tracker`` that stops at a message the
    conversation already holds, before parsing it."""

    @functools.wraps(original)
    async def _handle_message_with_tracker(
        self: Any, message: UserMessage, tracker: DialogueStateTracker
    ) -> None:
        replies = replies_to(tracker, message.message_id)
        if replies is not None:
            raise AlreadyHandledError(tracker.sender_id, replies)
        await original(self, message, tracker)

    return _handle_message_with_tracker


def answering_repeats(
    original: Callable[[Any, UserMessage], Awaitable[list[dict[str, Any]] | None]],
) -> Callable[..., Awaitable[list[dict[str, Any]] | None]]:
    """``MessageProcessor.handle_message`` that answers a repeated message with the
    replies stored for it, and stores nothing."""

    @functools.wraps(original)
    async def handle_message(self: Any, message: UserMessage) -> list[dict[str, Any]] | None:
        try:
            return await original(self, message)
        except AlreadyHandledError as repeat:
            logger.info("a retried message was answered from the stored conversation")
            channel = message.output_channel
            for reply in repeat.replies:
                await channel.send_response(repeat.sender_id, reply.message())
            if isinstance(channel, CollectingOutputChannel):
                return channel.messages
            return None

    return handle_message
