"""Overriding the classifier's intent from a later pipeline component (the safety
screen, the language guard): one way to do it, so the ranking stays consistent."""

from __future__ import annotations

from collections.abc import Collection

from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


def force_intent(message: Message, name: str) -> None:
    """Make ``name`` the message's intent, certain, ahead of the classifier's ranking."""
    chosen = {INTENT_NAME_KEY: name, "confidence": 1.0}
    ranking = message.get(INTENT_RANKING_KEY) or []
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)


def withdraw_intents(message: Message, names: Collection[str]) -> None:
    """Take ``names`` out of the ranking; the next intent ranked (or ``nlu_fallback``
    when none is left) becomes the message's intent."""
    rest = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) not in names]
    fallback = {INTENT_NAME_KEY: "nlu_fallback", "confidence": 1.0}
    message.set(INTENT, rest[0] if rest else fallback, add_to_output=True)
    message.set(INTENT_RANKING_KEY, rest, add_to_output=True)
