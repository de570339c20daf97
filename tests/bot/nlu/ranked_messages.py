"""Parsed messages as the intent-override steps receive them, for their tests."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


def parsed(text: str, *ranking: str) -> Message:
    """A message whose classifier ranked ``ranking`` in that order, the first as its
    intent, with falling confidences."""
    message = Message({TEXT: text})
    ranked = [{"name": name, "confidence": 0.5 - 0.1 * i} for i, name in enumerate(ranking)]
    message.set(INTENT, ranked[0])
    message.set(INTENT_RANKING_KEY, ranked)
    return message
