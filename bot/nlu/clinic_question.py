"""Questions about the clinic itself ("phone number?", "is there parking") read as such.

The classifier often puts a short request for the clinic's number, address or hours
with the lead form's intents ("give me the number" looks like "call me on my number")
or fails on it. When bot/faq/clinic_facts.py reads a message as asking for those facts,
and the classifier chose one of the intents below, the intent becomes
``human_handoff``, whose answer gives the facts asked. So does a matter of paperwork
or billing (an insurance form, a sick note), which only the team can help with, and a
complaint that nobody answers or calls back, which the classifier can mistake for
despair ("nobody ...") and answer with the crisis line. A ``human_handoff`` that names
no person, no clinic and no way to reach it ("which one is best", after an answer), or
that picks one of the offered times ("number two"), gives way to the next intent.
Placed before the safety screen, whose red-flag patterns still override it: only the
classifier's guess is replaced.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.faq.clinic_facts import (
    asks_for_facts,
    complains_of_not_getting_through,
    is_admin_matter,
    mentions_reaching_someone,
    names_a_choice,
)
from bot.nlu.intent_override import IntentOverride, force_intent, withdraw_intents

HANDOFF = "human_handoff"
# the intents a request for the clinic's details is mistaken for; answers to the
# intake's questions (inform...) are left alone, and a message with the visitor's own
# details is never read as a request (bot/faq/clinic_facts.py THEIR_OWN)
MISTAKEN_FOR = frozenset(
    {
        "nlu_fallback", "out_of_scope", "request_callback", "request_review", "just_call",
        "choose_slot", "update_contact", "thank", "greet", "goodbye",
    }
)  # fmt: skip


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ClinicQuestion(IntentOverride):
    """Sets ``human_handoff`` for a request for the clinic's address, hours or phone,
    or a complaint of not getting through; withdraws it from a message that names no
    one to reach."""

    def override(self, message: Message) -> None:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        text = message.get(TEXT) or ""
        if (
            complains_of_not_getting_through(text)
            or (intent in MISTAKEN_FOR and asks_for_facts(text))
            or (intent in MISTAKEN_FOR | {"faq"} and is_admin_matter(text))
        ):
            force_intent(message, HANDOFF)
        elif intent == HANDOFF and (names_a_choice(text) or not mentions_reaching_someone(text)):
            withdraw_intents(message, {HANDOFF})
