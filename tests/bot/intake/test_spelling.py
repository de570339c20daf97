"""The intake's speller: typing slips, chat shorthand and emoji read through, ordinary
words left alone, and a bounded cost whatever the message."""

from __future__ import annotations

import pytest

from bot.intake import spelling
from bot.intake.spelling import MAX_WORDS, Speller, clean_answer, collisions, strip_symbols


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("lowr back", "lower back"),
        ("my nek", "my neck"),
        ("a pinchd nerv", "a pinched nerve"),
        ("not diagnsed", "not diagnosed"),
        ("it doesnt go dwn my legg", "it doesnt go down my leg"),
        ("abt 5", "about 5"),
        ("into my rite hand", "into my right hand"),
        ("herniatd disk", "herniated disc"),
    ],
)
def test_slips_and_shorthand_take_the_intakes_spelling(typed, read):
    assert clean_answer(typed) == read


@pytest.mark.parametrize(
    "text",
    [
        "let me think",
        "i had a bad fall",
        "never had a fever",
        "an infection last year",
        "it feels sore and tight",
        "my info please",
        "cancel that",
        "Dana Whitfield",
        "dana@example.org",
        "+1 555 010 0142",
    ],
)
def test_ordinary_words_names_and_contacts_are_left_alone(text):
    assert clean_answer(text) == text


def test_emoji_and_pictographs_are_dropped():
    assert strip_symbols("upper \U0001f447 back \U0001f525\U0001f525") == "upper back"
    assert strip_symbols("\U0001f937\u200d\u2640\ufe0f") == ""
    assert strip_symbols("the café") == "the café"  # letters of any script stay


def test_only_the_first_words_of_a_long_message_are_looked_at():
    words = ["lowr"] * (MAX_WORDS + 10)
    cleaned = clean_answer(" ".join(words)).split()
    assert cleaned[:MAX_WORDS] == ["lower"] * MAX_WORDS
    assert cleaned[MAX_WORDS:] == ["lowr"] * 10


def test_a_very_long_word_is_never_looked_up(monkeypatch):
    speller = Speller(["lower"], [], {})
    called = []
    monkeypatch.setattr(speller, "_closest", lambda word: called.append(word))
    assert speller.correct("l" * 5000) == "l" * 5000
    assert called == []


def test_lookups_are_cached():
    speller = Speller(["lower", "neck"], [], {})
    assert speller.correct("nekc") == "neck"
    assert speller._cache == {"nekc": "neck"}


def test_short_words_keep_their_first_letter():
    speller = Speller(["neck", "back"], [], {})
    assert speller.correct("nek") == "neck"
    assert speller.correct("pack") == "pack"


def test_the_word_lists_hold_no_word_the_speller_would_change():
    speller = spelling.speller()
    words = spelling._word_file("vocabulary.txt") | spelling._word_file("known_words.txt")
    assert collisions(speller, words) == []
