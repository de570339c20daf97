"""The safety screen inside Rasa's NLU pipeline, so that it runs on every message first.

Placed after the intent classifiers and the FallbackClassifier in config.yml: when a
message asserts an emergency, urgent or crisis sign, its intent becomes ``emergency``,
``urgent_symptom`` or ``crisis`` whatever else was predicted, and the rules answer it
before anything else, from any state. The decision itself is bot/safety.py.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.component import CLINICAL_CONCEPTS
from bot.nlu.intent_override import force_intent, withdraw_intents
from bot.safety import ALARM_INTENTS, screen

SAFETY = "safety"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyTriage(GraphComponent, IntentClassifier):
    """Overrides the predicted intent with the alarm a message raises, if any."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyTriage:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Screen each message; record the decision in its parse data as ``safety``."""
        for message in messages:
            self._screen(message)
        return messages

    @staticmethod
    def _screen(message: Message) -> None:
        intent = message.get(INTENT) or {}
        level, overruled = screen(intent.get(INTENT_NAME_KEY), message.get(CLINICAL_CONCEPTS) or [])
        if level:
            force_intent(message, ALARM_INTENTS[level])
        elif overruled:
            withdraw_intents(message, set(ALARM_INTENTS.values()))
        message.set(SAFETY, {"alarm": level, "model_overruled": overruled}, add_to_output=True)
