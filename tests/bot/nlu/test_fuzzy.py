"""Misspelling tolerance: corrections into token.norm_, and no false corrections."""

import random

import pytest
import spacy

from bot.nlu.fuzzy import (
    FUZZY_COMPONENT,
    FuzzyIndex,
    _deletions,
    find_collisions,
    load_word_list,
    max_edits,
    osa_distance,
)
from tests.bot.nlu import asserted, pipeline


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("", "", 0),
        ("", "abc", 3),
        ("sciatica", "sciatica", 0),
        ("siatica", "sciatica", 1),  # deletion
        ("numbess", "numbness", 1),
        ("bladdder", "bladder", 1),  # insertion
        ("stenosus", "stenosis", 1),  # substitution
        ("myslef", "myself", 1),  # transposition counts as one edit
        ("amitryptiline", "amitriptyline", 2),
        ("kitten", "sitting", 3),
    ],
)
def test_osa_distance(a, b, distance):
    assert osa_distance(a, b) == distance
    assert osa_distance(b, a) == distance


def test_allowed_edits_grow_with_word_length():
    assert [max_edits(n) for n in (3, 4, 5, 7, 8, 12)] == [0, 0, 1, 1, 2, 2]


def test_index_corrects_to_the_closest_vocabulary_word():
    index = FuzzyIndex(["sciatica", "stenosis", "numbness", "fever"], known_words=["never"])
    assert index.correct("siatica") == "sciatica"
    assert index.correct("Stenossis") == "stenosis"
    assert index.correct("sciatica") is None  # already right
    assert index.correct("numbnesssss") is None  # too far
    assert index.correct("never") is None  # a known English word
    assert index.correct("fevr") is None  # too short to correct safely
    assert index.correct("l4-l5") is None  # not a word


def test_ties_prefer_the_longer_word():
    index = FuzzyIndex(["herniate", "herniated"])
    assert index.correct("herniatd") == "herniated"


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("sciatia", "sciatica"),
        ("siatica", "sciatica"),
        ("hernated", "herniated"),
        ("herniatd", "herniated"),
        ("stenossis", "stenosis"),
        ("numbess", "numbness"),
        ("tingeling", "tingling"),
        ("duloxitine", "duloxetine"),
        ("amitryptiline", "amitriptyline"),
        ("cymbalt", "cymbalta"),
        ("sucidal", "suicidal"),
        ("incontinance", "incontinence"),
    ],
)
def test_shipped_vocabulary_fixes_typical_typos(typo, fixed):
    assert pipeline().get_pipe(FUZZY_COMPONENT).index.correct(typo) == fixed


@pytest.mark.parametrize(
    "word",
    ["never", "cancel", "injection", "ladder", "filling", "humor", "fewer", "willing", "lever"],
)
def test_common_words_near_a_pattern_word_are_left_alone(word):
    assert pipeline().get_pipe(FUZZY_COMPONENT).index.correct(word) is None


@pytest.mark.parametrize(
    ("text", "type_", "value"),
    [
        ("my sciatia is bad", "condition", "sciatica"),
        ("siatica again", "condition", "sciatica"),
        ("a hernated disc", "condition", "herniated_disc"),
        ("herniatd disc", "condition", "herniated_disc"),
        ("stenossis", "condition", "spinal_stenosis"),
        ("numbess in my foot", "symptom", "numbness"),
        ("tingeling in my toes", "symptom", "tingling"),
        ("I take duloxitine", "medication", "duloxetine"),
        ("amitryptiline at night", "medication", "amitriptyline"),
        ("cymbalt 60mg", "medication", "duloxetine"),
        ("I want to kill myslef", "red_flag", "suicidal_thoughts"),
        ("I'm sucidal", "red_flag", "suicidal_thoughts"),
    ],
)
def test_misspelt_concepts_are_extracted(text, type_, value):
    assert value in asserted(text, type_)


def test_never_is_not_fever_and_cancel_is_not_cancer():
    assert asserted("I never had surgery and want to cancel my appointment") == set()


def test_component_changes_the_norm_but_not_the_text():
    nlp = pipeline()
    doc = nlp("my siatica")
    assert doc[1].text == "siatica"
    assert doc[1].norm_ == "sciatica"
    assert doc.text == "my siatica"


def test_component_leaves_tokenizer_norms_alone():
    doc = pipeline()("i can't pee")
    assert [t.norm_ for t in doc] == ["i", "can", "not", "pee"]


def test_find_collisions_lists_real_words_that_would_be_miscorrected():
    vocabulary = ["fever", "cancer", "tingle"]
    dictionary = ["never", "cancel", "tingles", "table", "Fever"]
    # "tingles" is an inflection of a pattern word: correcting it is harmless
    assert find_collisions(vocabulary, dictionary) == ["cancel", "never"]


def test_load_word_list_skips_comments(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("# header\nNever  # a comment\n\ncancel\n")
    assert load_word_list(path) == {"never", "cancel"}


def test_fuzzy_component_registers_as_a_spacy_factory():
    nlp = spacy.blank("en")
    component = nlp.add_pipe(FUZZY_COMPONENT)
    component.set_vocabulary(["sciatica"], [])
    assert nlp("siatica")[0].norm_ == "sciatica"


def packaged_index() -> FuzzyIndex:
    return pipeline().get_pipe(FUZZY_COMPONENT).index


def test_a_lookup_probes_a_bounded_number_of_variants_whatever_the_token():
    index = packaged_index()
    # the longest pattern word has 18 letters: 20 letters at most are looked up, and
    # their deletions of up to 2 letters are 1 + 20 + 190 variants
    assert index.longest == 20 and index.max_probes() == 211
    rng = random.Random(5)
    for length in [*range(5, 40), 100, 600, 1999]:
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(length))
        before = index.probes
        index.correct(word)
        assert index.probes - before <= index.max_probes(), length


def test_a_token_longer_than_any_pattern_word_is_not_looked_up():
    index = packaged_index()
    before = index.probes
    assert index.correct("a" * 1999) is None
    assert index.correct("sciatica" * 3) is None
    assert index.probes == before


@pytest.mark.parametrize("word", ["a", "ab", "abc", "sciatica", "aaaab", "mississippi"])
@pytest.mark.parametrize("depth", [0, 1, 2])
def test_deletions_are_every_shorter_subsequence_down_to_the_depth(word, depth):
    from itertools import combinations

    expected = {
        "".join(kept)
        for size in range(max(1, len(word) - depth), len(word) + 1)
        for kept in combinations(word, size)
    }
    assert _deletions(word, depth) == expected
