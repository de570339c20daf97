"""Which FAQ answers a message asks for: its several questions, and follow-ups."""

from __future__ import annotations

import pytest

from bot.faq.questions import (
    MAX_ANSWERS,
    answer_topics,
    default_cues,
    follow_up_topics,
    is_follow_up,
    mixes_medicines,
    split_questions,
)


def test_a_message_splits_at_question_marks_and_at_a_new_question_after_and():
    text = "when does amitriptyline start helping and does it cause a dry mouth? thanks"
    assert split_questions(text) == [
        "when does amitriptyline start helping",
        "does it cause a dry mouth",
        "thanks",
    ]


def test_and_between_two_medicines_does_not_split():
    assert split_questions("is tylenol and cymbalta together a problem") == [
        "is tylenol and cymbalta together a problem"
    ]


def test_each_question_of_a_message_gets_its_answer():
    text = "how long till nortriptyline kicks in and is it habit forming"
    assert answer_topics(text, "how_long", 0.9) == ["how_long", "addictive"]


def test_the_classifiers_topic_comes_first_and_is_not_repeated():
    text = "will it make me dizzy? and what side effects are common"
    assert answer_topics(text, "side_effects", 0.8) == ["side_effects"]


def test_no_more_than_the_cap_of_answers():
    text = "is it addictive? how long does it take? can i drink on it? what dose is usual?"
    assert len(answer_topics(text, "addictive", 0.9)) == MAX_ANSWERS


def test_a_statement_beside_the_question_adds_no_answer():
    text = "i have sciatica. how soon will duloxetine help"
    assert answer_topics(text, "how_long", 0.9) == ["how_long"]


def test_a_weak_pick_gives_way_to_the_cue_of_a_one_question_message():
    text = "i'm on aspirin for my heart too, is that an issue"
    assert answer_topics(text, "other_treatments", 0.2) == ["mixing"]


def test_a_confident_pick_stands_against_the_cues():
    assert answer_topics("does duloxetine help neck pain", "neck_pain", 0.9) == ["neck_pain"]


def test_a_follow_up_is_read_by_its_cue_even_when_the_pick_is_confident():
    text = "and has the fda approved it for that"
    assert answer_topics(text, "do_they_work", 0.9, previous="how_long") == ["duloxetine"]


def test_the_boxed_warning_is_answered_by_its_own_response():
    cues = default_cues()
    (topic,) = answer_topics("what is the black box label on these pills", None, 0.0)
    assert topic == "boxed_warning"
    assert cues.response(topic) == "utter_faq_boxed_warning"
    assert cues.response("mixing") == "utter_faq/mixing"


@pytest.mark.parametrize(
    "text", ["and is that normal", "what about at night", "so is it bad", "ok but why"]
)
def test_short_messages_that_point_back_are_follow_ups(text):
    assert is_follow_up(text)


@pytest.mark.parametrize("text", ["qwerty uiop", "the weather is lovely today here"])
def test_other_messages_are_not_follow_ups(text):
    assert not is_follow_up(text)


def test_a_follow_up_without_a_cue_is_about_the_last_topic():
    assert follow_up_topics("hmm and is that a worry", "side_effects") == ["side_effects"]


def test_a_short_message_with_a_cue_is_about_that_topic():
    assert follow_up_topics("operating machinery?", "mixing") == ["side_effects"]


def test_no_follow_up_without_an_answer_before_or_for_a_long_message():
    assert follow_up_topics("and is that a worry", None) == []
    long = "and is that a worry because my neighbour told me a long story about her cousin"
    assert follow_up_topics(long, "side_effects") == []


def test_a_pain_reliever_named_with_the_medicine_asks_about_combining_them():
    text = "my duloxetine plus some naproxen for the flare, how much is ok"
    assert answer_topics(text, "dose", 0.95) == ["mixing"]


def test_an_antidepressant_with_another_medicine_asks_about_mixing():
    concepts = [
        {"type": "medication", "value": "duloxetine"},
        {"type": "medication", "value": "nsaid"},
    ]
    assert mixes_medicines(concepts)
    assert answer_topics("is it ok for the pain", "dose", 0.9, mixed=True) == ["mixing"]


def test_one_medicine_alone_is_no_mixing():
    assert not mixes_medicines([{"type": "medication", "value": "duloxetine"}])
    assert not mixes_medicines([{"type": "medication", "value": "nsaid"}])
    assert not mixes_medicines(None)


@pytest.mark.parametrize(
    ("text", "topic", "response"),
    [
        ("is it possible this is cancer", "serious_causes", "utter_faq_serious_causes"),
        ("would an x-ray be needed", "needs_a_scan", "utter_faq_needs_a_scan"),
        ("just yes or no please", "asks_for_a_verdict", "utter_faq/can_you_diagnose"),
    ],
)
def test_decisive_topics_win_over_the_pick_and_have_their_answers(text, topic, response):
    cues = default_cues()
    assert answer_topics(text, "side_effects", 0.9) == [topic]
    assert cues.response(topic) == response


def test_the_warning_signs_of_a_medicine_reaction_are_not_about_serious_causes():
    assert "serious_causes" not in default_cues().topics_in(
        "what are the warning signs of serotonin syndrome"
    )
