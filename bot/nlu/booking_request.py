"""A request for the scan review or a call back is honoured, whatever the classifier
made of the message around it.

A first message that describes the pain richly and asks for the scan to be looked at
("mri 2 weeks ago, slipped disc, pain 6 ... can i book") reads as a list of intake
answers: IntakeStart (before this step) makes it ``describe_symptoms`` and the intake
began, while the visitor went on as in a booking. Here such a message becomes
``request_review``: the review path follows (consent, contact, times), and the
message's facts are recorded for the lead when the contact form starts
(actions/leads.py). A message the classifier could not place (``nlu_fallback``,
``out_of_scope``, an out-of-context ``inform``) that asks to book, asks for a call back
("call me back on 312 ...") or speaks of a booking ("i booked it by phone") becomes
``request_review``, ``request_callback`` or ``move_booking`` (whose action says what is
booked here, or that nothing is, with the clinic's phone). Placed after IntakeStart and
before the safety screen, whose alarms still win.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.booking_talk import asks_for_callback, asks_for_review, refers_to_a_booking
from bot.nlu.intent_override import IntentOverride, force_intent

REQUEST_REVIEW = "request_review"
REQUEST_CALLBACK = "request_callback"
ABOUT_A_BOOKING = "move_booking"
DESCRIPTION = "describe_symptoms"
# what the classifier says of a message it could not place
UNPLACED = frozenset({"nlu_fallback", "out_of_scope", "inform"})


def request_in(text: str, intent: str | None) -> str | None:
    """The intent a message's request calls for, or None to keep the classifier's."""
    if intent == DESCRIPTION:
        return REQUEST_REVIEW if asks_for_review(text) else None
    if intent not in UNPLACED:
        return None
    if asks_for_review(text):
        return REQUEST_REVIEW
    if asks_for_callback(text):
        return REQUEST_CALLBACK
    if intent != "inform" and refers_to_a_booking(text):
        return ABOUT_A_BOOKING
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class BookingRequest(IntentOverride):
    """Sets ``request_review`` / ``request_callback`` / ``move_booking`` for a request
    the classifier missed."""

    def override(self, message: Message) -> None:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        found = request_in(message.get(TEXT) or "", intent)
        if found:
            force_intent(message, found)
