"""A question whose cue words decide its answer is answered, whatever intent the
classifier guessed for it.

"should i get an mri then" reads to the classifier like a request to book a review, and
"can back pain be a sign of cancer" or "ok who can check it properly" like nothing it
knows; mid-intake they were taken for answers. When a message asks something and the
FAQ cues (bot/faq/cues.yml) find a ``decisive`` topic in it, the intent becomes
``faq``, and action_answer_faq answers that topic (bot/faq/questions.py). Placed before
the safety screen, whose alarms still override it: only the classifier's guess is
replaced.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.faq.questions import Cues, default_cues
from bot.intake.form import asks_something
from bot.nlu.intent_override import IntentOverride, force_intent

FAQ = "faq"
# guesses a question is mistaken for; requests for a person or the clinic's details,
# alarms and the lead form's own intents are left alone
MISTAKEN_FOR = frozenset(
    {"nlu_fallback", "out_of_scope", "inform", "request_review", "affirm", "deny",
     "another_time"}
)  # fmt: skip


def asks_a_decisive_question(text: str, cues: Cues) -> bool:
    """Whether a message asks something and names a topic whose cues decide its answer
    (for some topics the cue words are the question: "just yes or no")."""
    decisive = [topic for topic in cues.topics_in(text) if topic in cues.decisive]
    return bool(decisive) and (
        asks_something(text) or any(topic in cues.asking for topic in decisive)
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DecisiveQuestion(IntentOverride):
    """Sets ``faq`` for a question naming a decisive FAQ topic that the classifier missed."""

    def override(self, message: Message) -> None:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if intent in MISTAKEN_FOR and asks_a_decisive_question(
            message.get(TEXT) or "", default_cues()
        ):
            force_intent(message, FAQ)
