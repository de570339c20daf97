"""The pipeline step that honours requests for the review or a call back, questions
about a booking and contact details the classifier missed."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT

from bot.nlu.booking_request import BookingRequest
from tests.bot.nlu.ranked_messages import parsed


def intent_after(message):
    BookingRequest().process([message])
    return message.get(INTENT)["name"]


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        ("could i book one then", "nlu_fallback", "request_review"),
        ("ring me back on 773 555 0100 asap", "nlu_fallback", "request_callback"),
        ("my husband booked it over the phone", "out_of_scope", "move_booking"),
        ("so is it really cancelled now", "faq", "move_booking"),
        ("it's cancelled now?", "stop", "move_booking"),
        ("Dana Whitlock 773 555 0100, evenings", "describe_symptoms", "update_contact"),
        ("Dana Whitlock dana@example.org", "inform", "update_contact"),
        # a booking made in another conversation, named with the contact it was made with
        ("change my booking ABCD2345, my email is a@example.com", "update_contact", "move_booking"),
        ("cancel booking ABCD2345 a@example.com", "cancel_booking", "cancel_booking"),
    ],
)
def test_a_request_the_classifier_missed_is_honoured(text, predicted, expected):
    assert intent_after(parsed(text, predicted, "faq")) == expected


def test_a_description_that_asks_for_the_review_keeps_the_intake():
    text = "lower back, 3 months, pain 6, mri in may, can i book a review"
    assert intent_after(parsed(text, "describe_symptoms", "inform")) == "describe_symptoms"


def test_an_intake_answer_is_left_alone():
    assert intent_after(parsed("about 3 months", "inform", "faq")) == "inform"


def test_a_medicine_question_is_left_alone():
    assert intent_after(parsed("is it safe with ibuprofen", "faq", "inform")) == "faq"
