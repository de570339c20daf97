"""A message that answers the intake's questions starts the intake, whatever the
classifier made of it.

Visitors often open with everything at once ("lower back and left leg, 2 months, pain
6, had an MRI"): a list of answers rather than a sentence, which the classifier reads as
an out-of-context answer (``inform``) or not at all (``nlu_fallback``), and the visitor
was asked to rephrase. Placed after the FallbackClassifier and before the safety screen
in config.yml: when such a message states at least ``MIN_ANSWERS`` intake answers, one of
them about the pain itself (where, which condition, where it spreads, numbness...), its
intent becomes ``describe_symptoms`` and the intake starts with those answers recorded.
A description the classifier took for a question ("lower back pain for a month": "for a
month" reads like "how long does it take to work") is one too when it asks nothing and
states ``MIN_ANSWERS_OF_A_STATEMENT`` answers. The safety screen comes after, so an alarm
still wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.clinic.booking_talk import refers_to_a_booking
from bot.intake.form import DETAILS, asks_something, mentions_pain, stated_answers
from bot.intake.mentions import concept_pipeline, mentions, mentions_from_parse
from bot.intake.spelling import clean_answer, speller
from bot.nlu.component import CLINICAL_CONCEPTS
from bot.nlu.intent_override import IntentOverride, force_intent

DESCRIBE_SYMPTOMS = "describe_symptoms"
# what the classifier says of a list of answers; a question (faq) or a request is kept
UNDERSTOOD_AS_ANSWERS = frozenset({"nlu_fallback", "out_of_scope", "inform"})
MIN_ANSWERS = 2
# a message the classifier is unsure of that answers one question ("no diagnosys",
# "abt 6") is an answer: the intake form reads it, and out of the intake it is met as
# any answer out of context is (asked to rephrase, then the phone), as before
NOT_UNDERSTOOD = "nlu_fallback"
ANSWER = "inform"
# a question the classifier found may be a description that mentions a length or a
# medicine: taken as one only when no part of it asks anything and it says more
MISTAKEN_FOR_A_QUESTION = frozenset({"faq", "greet", "goodbye", "thank"})
MIN_ANSWERS_OF_A_STATEMENT = 3
# small talk the classifier is unsure of, with a description of pain next in its
# ranking ("it all hurts honestly" is no goodbye)
SMALL_TALK = frozenset({"greet", "goodbye", "thank"})
UNSURE = 0.5
# answers only a description of the pain gives (a duration or a number alone may be
# anything: "2 weeks" answers a question about duloxetine too)
ABOUT_THE_PAIN = frozenset(
    {"pain_location", "condition", "pain_radiates", "below_knee", "neuro_symptoms"}
)


# slots that only follow another answer (a duration's category, a scan's date), or
# details said in passing: not answers of their own
NOT_COUNTED = frozenset({DETAILS, "duration_category", "imaging_when"})


def intake_answers(text: str, concepts: Iterable[Mapping[str, Any]]) -> set[str]:
    """The intake questions a message answers, read through typing slips as the intake
    form reads them (the concepts are those of ``text`` as typed)."""
    cleaned = clean_answer(text)
    said = mentions(cleaned) if cleaned != text else mentions_from_parse(concepts, text)
    return set(stated_answers(cleaned, said, {}, date.today())) - NOT_COUNTED


def describes_pain(
    text: str, concepts: Iterable[Mapping[str, Any]], least: int = MIN_ANSWERS
) -> bool:
    """Whether a message reads as a description of the visitor's pain for the intake."""
    return answers_describe_pain(intake_answers(text, concepts), least)


def answers_describe_pain(answers: set[str], least: int = MIN_ANSWERS) -> bool:
    """Whether these intake answers make a description: enough of them, one about the
    pain itself."""
    return len(answers) >= least and bool(answers & ABOUT_THE_PAIN)


def describes_pain_without_asking(text: str, concepts: Iterable[Mapping[str, Any]]) -> bool:
    """A description (several answers, one about the pain) with no question in it."""
    if asks_something(text):
        return False
    return describes_pain(text, concepts, least=MIN_ANSWERS_OF_A_STATEMENT)


def pain_behind_small_talk(message: Message) -> bool:
    """An unsure greeting, thanks or goodbye, ``describe_symptoms`` ranked next, in a
    message that speaks of pain and asks nothing."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    if len(ranking) < 2 or ranking[0].get("confidence", 1.0) >= UNSURE:
        return False
    text = message.get(TEXT) or ""
    return (
        ranking[1].get(INTENT_NAME_KEY) == DESCRIBE_SYMPTOMS
        and mentions_pain(text)
        and not asks_something(text)
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntakeStart(IntentOverride):
    """Sets ``describe_symptoms`` for a list of intake answers the classifier missed."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntakeStart:
        """Build the component and what its readers use (the concept pipeline, the
        speller) now, on model load, so that no visitor's message pays for it."""
        concept_pipeline()
        speller()
        return cls()

    def override(self, message: Message) -> None:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        text = message.get(TEXT) or ""
        concepts = message.get(CLINICAL_CONCEPTS) or []
        if intent in UNDERSTOOD_AS_ANSWERS:
            answers = intake_answers(text, concepts)  # read once: its cost grows with the text
            found = answers_describe_pain(answers)
            if (
                not found
                and intent == NOT_UNDERSTOOD
                and answers
                and not refers_to_a_booking(text)  # "booked it last week": its state is asked
            ):
                force_intent(message, ANSWER)
                return
        elif intent in MISTAKEN_FOR_A_QUESTION:
            found = describes_pain_without_asking(text, concepts) or (
                intent in SMALL_TALK and pain_behind_small_talk(message)
            )
        else:
            return
        if found:
            force_intent(message, DESCRIBE_SYMPTOMS)
