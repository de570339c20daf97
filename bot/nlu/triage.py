"""The safety screen inside Rasa's NLU pipeline, so that it runs on every message first.

Placed after the intent classifiers and the FallbackClassifier in config.yml: when a
message asserts an emergency, urgent or crisis sign, its intent becomes ``emergency``,
``urgent_symptom`` or ``crisis`` whatever else was predicted, and the rules answer it
before anything else, from any state. The decision itself is bot/clinic/safety.py.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.clinic.safety import ALARM_INTENTS, screen
from bot.nlu.component import CLINICAL_CONCEPTS
from bot.nlu.intent_override import IntentOverride, force_intent, withdraw_intents

SAFETY = "safety"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyTriage(IntentOverride):
    """Overrides the predicted intent with the alarm a message raises, if any; records
    the decision in the parse data as ``safety``."""

    def override(self, message: Message) -> None:
        intent = message.get(INTENT) or {}
        level, overruled = screen(intent.get(INTENT_NAME_KEY), message.get(CLINICAL_CONCEPTS) or [])
        if level:
            force_intent(message, ALARM_INTENTS[level])
        elif overruled:
            withdraw_intents(message, set(ALARM_INTENTS.values()))
        message.set(SAFETY, {"alarm": level, "model_overruled": overruled}, add_to_output=True)
