import pytest

from bot.clinic.form_reading import Reading, looks_like_question


def test_looks_like_question():
    assert looks_like_question("is it safe with tramadol?")
    assert looks_like_question("what about the side effects")
    assert not looks_like_question("3 months")


@pytest.mark.parametrize("text", ["ok can you tell me more", "so what happens next", "um how long"])
def test_a_question_may_open_with_a_filler_word(text):
    assert looks_like_question(text)


def test_a_reading_with_nothing_in_it_is_declined():
    assert Reading().declined
    assert not Reading(responses=["utter_intake_noted"]).declined
