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
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.component import CLINICAL_CONCEPTS
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
        ranking = message.get(INTENT_RANKING_KEY) or []
        level, overruled = screen(intent.get(INTENT_NAME_KEY), message.get(CLINICAL_CONCEPTS) or [])
        if level:
            alarm = {INTENT_NAME_KEY: ALARM_INTENTS[level], "confidence": 1.0}
            message.set(INTENT, alarm, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [alarm, *ranking], add_to_output=True)
        elif overruled:
            alarms = set(ALARM_INTENTS.values())
            rest = [r for r in ranking if r.get(INTENT_NAME_KEY) not in alarms]
            fallback = {INTENT_NAME_KEY: "nlu_fallback", "confidence": 1.0}
            message.set(INTENT, rest[0] if rest else fallback, add_to_output=True)
            message.set(INTENT_RANKING_KEY, rest, add_to_output=True)
        message.set(SAFETY, {"alarm": level, "model_overruled": overruled}, add_to_output=True)
