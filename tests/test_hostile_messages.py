"""Messages built to cost the most (bench/hostile.py), against the real Rasa and action
servers: each is answered, and another visitor writing meanwhile is answered too. One
2,000-letter word had held Rasa for minutes (the typo index's deletions of every letter
pair), starving every other conversation."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bench.hostile import hostile_messages
from tests.live import expected, say
from tests.visitors import texts

# a turn of the servers under test is well under a second; a message that is not
# answered within this is the fault this module is about
TURN_LIMIT_SECONDS = 30
SHAPES = dict(hostile_messages(2000))


def answered(settings, text: str) -> list[dict]:
    reply = requests.post(
        f"{settings.rasa_url}/webhooks/rest/webhook",
        json={"sender": uuid.uuid4().hex, "message": text},
        timeout=TURN_LIMIT_SECONDS,
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_hostile_message_is_answered(servers, name):
    replies = answered(servers, SHAPES[name])
    # every reply says something, or is the widget's data sent with a question (the
    # consent notice's version: a phone-like run of digits starts the contact form)
    assert replies and any(r.get("text") for r in replies)
    assert all(r.get("text") or r.get("buttons") or r.get("custom") for r in replies)


def test_another_visitor_is_served_while_long_words_are_read(servers, domain, clinic):
    words = ["a" * 600, "x" * 2000, SHAPES["random_long_word"], SHAPES["random_words"]]
    with ThreadPoolExecutor(len(words)) as pool:
        pending = [pool.submit(answered, servers, text) for text in words]
        greeting = texts(say(servers, uuid.uuid4().hex, "hello"))
        assert greeting[0] == expected(domain, clinic, "utter_greet")
        assert all(future.result() for future in pending)
