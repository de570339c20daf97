"""The pipeline step that answers questions whose cue words decide the answer."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT

from bot.nlu.decisive_question import DecisiveQuestion
from tests.bot.nlu.ranked_messages import parsed


def intent_after(text, *ranking):
    message = parsed(text, *ranking)
    DecisiveQuestion().process([message])
    return message.get(INTENT)["name"]


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        ("do i need to have a ct scan first", "request_review"),
        ("could my neck pain be a tumour?", "nlu_fallback"),
        ("please, a straight answer: yes or no", "affirm"),
        ("so who could examine it for me", "out_of_scope"),
    ],
)
def test_a_decisive_question_becomes_faq(text, guess):
    assert intent_after(text, guess, "faq") == "faq"


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        ("can you book a review of my mri", "request_review"),
        ("i had a ct in may", "inform"),
        ("yes", "affirm"),
    ],
)
def test_requests_and_answers_are_left_alone(text, guess):
    assert intent_after(text, guess, "faq") == guess


def test_the_lead_forms_own_intents_and_alarms_are_left_alone():
    assert intent_after("should i get an mri, call me", "request_callback") == "request_callback"
    assert intent_after("could it be cancer, i lost 10 kg", "urgent_symptom") == "urgent_symptom"
