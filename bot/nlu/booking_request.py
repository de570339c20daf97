"""A request for the scan review or a call back, or the visitor's contact details, are
understood whatever the classifier made of the message around them.

A message the classifier could not place (``nlu_fallback``, ``out_of_scope``, an
out-of-context ``inform``) that asks to book or for the review's times, asks for a
call back ("ring me back at 773 ..."), or speaks of a booking ("my wife made the appointment")
becomes ``request_review``, ``request_callback`` or ``move_booking`` (whose action says
what is booked here, or that nothing is, with the clinic's phone); a question about the
booking's state ("is my review confirmed", "it's cancelled then?") that it took for a medicine
question or "stop" becomes ``move_booking`` too. A phone number or an email address in
such a message, or in one IntakeStart read as a description ("Dana Whitlock 773 555
0100, evenings" typed while an intake question is open), makes it ``update_contact``:
the contact form follows, consent first (data/rules/intake.yml, leads.yml); unless the
message also names a booking reference ("change booking ABCD2345, ana@example.com"):
then it is ``move_booking``, whose action finds that booking again. Placed after
IntakeStart and before the safety screen, whose alarms still win.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.clinic.booking_talk import (
    asks_about_the_booking,
    asks_for_callback,
    asks_for_review,
    gives_contact_point,
    recalls_a_booking,
    refers_to_a_booking,
)
from bot.nlu.intent_override import IntentOverride, force_intent

REQUEST_REVIEW = "request_review"
REQUEST_CALLBACK = "request_callback"
ABOUT_A_BOOKING = "move_booking"
CONTACT_DETAILS = "update_contact"
DESCRIPTION = "describe_symptoms"
# what a booking made elsewhere is found by (actions/booking.py recall_booking)
CHANGES = frozenset({ABOUT_A_BOOKING, "cancel_booking"})
# what the classifier says of a message it could not place
UNPLACED = frozenset({"nlu_fallback", "out_of_scope", "inform"})
# a question about the booking's state reads to the classifier as a medicine question
# ("is it definitely ... now") or, with "cancel" in it, as "stop"
MISTAKEN_FOR_A_STATUS_QUESTION = UNPLACED | {"faq", "stop", "affirm", "deny"}


def request_in(text: str, intent: str | None) -> str | None:
    """The intent a message's request calls for, or None to keep the classifier's."""
    if intent not in CHANGES and recalls_a_booking(text):
        return ABOUT_A_BOOKING
    if intent in MISTAKEN_FOR_A_STATUS_QUESTION and asks_about_the_booking(text):
        return ABOUT_A_BOOKING
    if intent in UNPLACED | {DESCRIPTION} and gives_contact_point(text):
        return REQUEST_CALLBACK if asks_for_callback(text) else CONTACT_DETAILS
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
    """Sets ``request_review`` / ``request_callback`` / ``move_booking`` /
    ``update_contact`` for a request or details the classifier missed."""

    def override(self, message: Message) -> None:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        found = request_in(message.get(TEXT) or "", intent)
        if found:
            force_intent(message, found)
