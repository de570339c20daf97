"""A message that answers the intake's questions starts the intake, whatever the
classifier made of it.

Visitors often open with everything at once ("lower back and left leg, 2 months, pain
6, had an MRI"): a list of answers rather than a sentence, which the classifier reads as
an out-of-context answer (``inform``) or not at all (``nlu_fallback``), and the visitor
was asked to rephrase. Placed after the FallbackClassifier and before the safety screen
in config.yml: when such a message states at least ``MIN_ANSWERS`` intake answers, one of
them about the pain itself (where, which condition, where it spreads, numbness...), its
intent becomes ``describe_symptoms`` and the intake starts with those answers recorded.
The safety screen comes after, so an alarm still wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.intake.form import DETAILS, stated_answers
from bot.intake.mentions import mentions_from_parse
from bot.nlu.component import CLINICAL_CONCEPTS
from bot.nlu.intent_override import IntentOverride, force_intent

DESCRIBE_SYMPTOMS = "describe_symptoms"
# what the classifier says of a list of answers; a question (faq) or a request is kept
UNDERSTOOD_AS_ANSWERS = frozenset({"nlu_fallback", "out_of_scope", "inform"})
MIN_ANSWERS = 2
# answers only a description of the pain gives (a duration or a number alone may be
# anything: "2 weeks" answers a question about duloxetine too)
ABOUT_THE_PAIN = frozenset(
    {"pain_location", "condition", "pain_radiates", "below_knee", "neuro_symptoms"}
)


def intake_answers(text: str, concepts: Iterable[Mapping[str, Any]]) -> set[str]:
    """The intake questions a message answers (details said in passing not counted)."""
    said = mentions_from_parse(concepts)
    return set(stated_answers(text, said, {}, date.today())) - {DETAILS}


def describes_pain(text: str, concepts: Iterable[Mapping[str, Any]]) -> bool:
    """Whether a message reads as a description of the visitor's pain for the intake."""
    found = intake_answers(text, concepts)
    return len(found) >= MIN_ANSWERS and bool(found & ABOUT_THE_PAIN)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntakeStart(IntentOverride):
    """Sets ``describe_symptoms`` for a list of intake answers the classifier missed."""

    def override(self, message: Message) -> None:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if intent not in UNDERSTOOD_AS_ANSWERS:
            return
        if describes_pain(message.get(TEXT) or "", message.get(CLINICAL_CONCEPTS) or []):
            force_intent(message, DESCRIBE_SYMPTOMS)
