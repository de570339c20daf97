"""A message typed with a leading "/" is screened like any other, against the real Rasa
and action servers: only the buttons' own payloads skip the reading of the text."""

from __future__ import annotations

import uuid

import pytest

from tests.live import expected, say
from tests.visitors import texts

EMERGENCIES = [
    "/ I have numbness in my groin",
    "/greet ... lost bladder control",
    '/deny{"x": "y"} I lost bladder control',
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_an_emergency_after_a_slash_gets_the_emergency_answer(servers, domain, clinic, text):
    replies = texts(say(servers, uuid.uuid4().hex, text))
    assert replies[0] == expected(domain, clinic, "utter_emergency")


def test_an_emergency_after_a_slash_mid_intake_interrupts_it(servers, domain, clinic):
    sender = uuid.uuid4().hex
    say(servers, sender, "I have sciatica")  # the intake starts and asks where it hurts
    replies = texts(say(servers, sender, "/ I can't feel anything when I wipe"))
    assert replies[0] == expected(domain, clinic, "utter_emergency")


def test_the_buttons_payloads_still_work(servers, domain, clinic):
    sender = uuid.uuid4().hex
    say(servers, sender, "/greet")
    assert texts(say(servers, sender, "/start_intake"))[-1] == expected(
        domain, clinic, "utter_ask_pain_location"
    )
