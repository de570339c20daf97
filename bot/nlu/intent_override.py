"""Overriding the classifier's intent from a later pipeline component (the safety
screen, the language guard): one way to do it, so the ranking stays consistent."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def force_intent(message: Message, name: str) -> None:
    """Make ``name`` the message's intent, certain, ahead of the rest of the ranking."""
    chosen = {INTENT_NAME_KEY: name, "confidence": 1.0}
    rest = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen, *rest], add_to_output=True)


def withdraw_intents(message: Message, names: Collection[str]) -> None:
    """Take ``names`` out of the ranking; the next intent ranked (or ``nlu_fallback``
    when none is left) becomes the message's intent."""
    rest = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) not in names]
    fallback = {INTENT_NAME_KEY: "nlu_fallback", "confidence": 1.0}
    message.set(INTENT, rest[0] if rest else fallback, add_to_output=True)
    message.set(INTENT_RANKING_KEY, rest, add_to_output=True)


class IntentOverride(GraphComponent, IntentClassifier):
    """A pipeline step after the classifiers that may replace their intent, message by
    message (``override``); nothing to train. Subclasses register with Rasa's recipe."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentOverride:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self.override(message)
        return messages

    def override(self, message: Message) -> None:
        """Look at one parsed message and change its intent if need be."""
        raise NotImplementedError
