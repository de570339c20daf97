"""The simulated visitors' scripts and how a reply is told to differ from the project's."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bench import visitors
from tests.bench.fake_channel import fake_channel

ROOT = Path(__file__).resolve().parents[2]


def test_every_visitor_has_their_own_name_and_phone():
    people = [visitors.identity(i) for i in range(400)]
    assert len(set(people)) == 400
    assert visitors.identity(142) == ("Carla Davis", "(773) 555-0142")


def test_the_plan_mixes_questions_bookings_and_declines():
    kinds = [script.kind for script in visitors.conversation_plan(8)]
    assert kinds == ["faq", "booking", "faq", "decline"] * 2
    booking = visitors.conversation_plan(2)[1]
    assert visitors.identity(1)[0] in [step.text for step in booking.steps]


def test_every_expected_response_exists_in_the_domain():
    patterns = visitors.response_patterns(ROOT / "domain.yml")
    scripts = [*visitors.conversation_plan(4), visitors.long_chat(50), visitors.probe_chat()]
    expected = {step.expect for script in scripts for step in script.steps if step.expect}
    assert expected <= set(patterns)


def test_a_long_chat_ends_as_it_began():
    chat = visitors.long_chat(50)
    assert len(chat.steps) == 50 and chat.steps[-1] == chat.steps[0]


def test_placeholders_match_any_value_and_the_rest_must_be_exact():
    pattern = visitors.template_pattern("Your scan review {booking_reference} is cancelled.")
    assert pattern.fullmatch("Your scan review AB12CD34 is cancelled.")
    assert not pattern.fullmatch("Your scan review AB12CD34 is booked.")
    patterns = {"utter_thank": visitors.template_pattern("You're welcome (at {clinic_name}).")}
    replies = [{"custom": {"marker": 1}}, {"text": "You're welcome (at Cedar Clinic)."}]
    assert not visitors.diverges(replies, "utter_thank", patterns)
    assert visitors.diverges([{"text": "Sorry?"}], "utter_thank", patterns)
    assert not visitors.diverges([{"text": "anything"}], None, patterns)


def test_the_visitor_books_one_of_the_times_offered():
    offer = [
        {"text": "Thank you."},
        {
            "text": "These are the next free times:",
            "buttons": [
                {"title": "Mon 9:00", "payload": '/choose_slot{"review_slot": "7"}'},
                {"title": "Tue 9:00", "payload": '/choose_slot{"review_slot": "8"}'},
                {"title": "Just call me", "payload": "/just_call"},
            ],
        },
    ]
    assert visitors.offered_slot(offer) == '/choose_slot{"review_slot": "7"}'
    assert visitors.offered_slot(offer, choice=1) == '/choose_slot{"review_slot": "8"}'
    assert visitors.offered_slot(offer, choice=2) == '/choose_slot{"review_slot": "7"}'
    assert visitors.offered_slot([{"text": "Sorry, I didn't quite understand."}]) is None


def test_each_turn_records_when_it_was_sent_and_how_many_messages_came_back():
    script = visitors.Script(
        "test", (visitors.Step("hi"), visitors.Step("silence"), visitors.Step("boom"))
    )

    async def talk() -> tuple[float, list[visitors.Turn], float]:
        async with fake_channel() as channel, visitors.client(5.0, 1) as session:
            before = time.monotonic()
            turns = await visitors.converse(session, channel.url, "s-1", script, {})
            return before, turns, time.monotonic()

    before, turns, after = asyncio.run(talk())
    assert [(t.ok, t.error, t.messages) for t in turns] == [
        (True, None, 1),
        (True, None, 0),
        (False, "HTTP 500", 0),
    ]
    assert before <= turns[0].at < turns[1].at < turns[2].at < after
    assert turns[1].at >= turns[0].at + turns[0].seconds
