"""Names found in messages that say more than the name (bot/clinic/contact_name.py)."""

from __future__ import annotations

import pytest

from bot.clinic.contact_name import find_name, names_with_cue


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Ines Okonkwo-Baptiste", "Ines Okonkwo-Baptiste"),
        ("its priya venkat", "priya venkat"),
        ("this is just Ravi", "Ravi"),
        ("Teodoro here", "Teodoro"),
        ("my name is bram de jong and i work late", "bram de jong"),
        ("name: A.K. Mbeki", "A.K. Mbeki"),
        ("Ciarán Ó Dálaigh", "Ciarán Ó Dálaigh"),
        ("ok im Saoirse O'Neill-Park", "Saoirse O'Neill-Park"),
        ("Trần Văn Minh. thanks", "Trần Văn Minh"),
    ],
)
def test_names_of_any_shape_when_asked(text, name):
    assert find_name(text, whole_phrase_words=1) == name


@pytest.mark.parametrize(
    "text",
    [
        "no thanks",
        "mornings are best",
        "im a little nervous about this",
        "just text me",
        "whenever suits",
        "lower back",
    ],
)
def test_everyday_answers_are_not_names(text):
    assert find_name(text, whole_phrase_words=1) is None


def test_the_last_name_given_wins_a_correction():
    assert find_name("its Jon with no h. Jonn Baird", whole_phrase_words=1) == "Jonn Baird"


def test_out_of_turn_a_name_needs_a_cue_or_capitals():
    assert find_name("kofi mensah", whole_phrase_words=None) is None
    assert find_name("and my name's kofi mensah", whole_phrase_words=None) == "kofi mensah"
    assert find_name("oh and Kofi Mensah", whole_phrase_words=None) == "Kofi Mensah"


@pytest.mark.parametrize(
    ("text", "cued"),
    [("my name is Ola Berg", True), ("call me Bo", True), ("i'm retired", False), ("Ola", False)],
)
def test_names_with_cue(text, cued):
    assert names_with_cue(text) is cued
