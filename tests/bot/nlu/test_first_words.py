"""The concept patterns matched only where they can start (bot/nlu/first_words.py): the
same matches as one plain Matcher of every pattern, for work that grows with the
patterns a message's words can begin."""

from __future__ import annotations

import random

import pytest
from spacy.matcher import Matcher

from bench.hostile import hostile_messages
from bot.nlu.concepts import default_patterns_dir, load_patterns, make_doc_text
from bot.nlu.first_words import FirstWordMatcher, first_token_classes
from tests.bot.nlu import pipeline


def _token_patterns() -> dict[str, list[list[dict]]]:
    patterns: dict[str, list[list[dict]]] = {}
    for entry in load_patterns(default_patterns_dir()):
        if not isinstance(entry["pattern"], str):
            patterns.setdefault(f"{entry['label']}\t{entry['id']}", []).append(entry["pattern"])
    return patterns


def _doc(text: str):
    nlp = pipeline()
    fuzzy = nlp.get_pipe("clinical_fuzzy_norm")
    return fuzzy(nlp.make_doc(make_doc_text(text, fuzzy.reads)))


def _texts() -> list[str]:
    words = sorted(first_token_classes(_token_patterns())[1])
    rng = random.Random(5)
    made = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 120))) for _ in range(150)]
    stories = [
        "I can't feel my legs and I lost control of my bladder last night",
        "no numbness in my groin, but shooting pain all the way down my left leg",
        "sometimes I think death is the only way out",
        "I fell 20 years ago; I've lost 10 pounds since May and I have a fever of 101",
        "can duloxetine cause numbness in my legs? is it normal?",
    ]
    return made + stories + [text for _, text in hostile_messages(2000, seed=9)]


@pytest.fixture(scope="module")
def matchers():
    nlp = pipeline()
    patterns = _token_patterns()
    plain = Matcher(nlp.vocab)
    for key, pats in patterns.items():
        plain.add(key, pats)
    first = FirstWordMatcher(nlp.vocab)
    first.add(patterns)
    return plain, first


def test_the_matches_are_those_of_one_matcher_of_every_pattern(matchers):
    plain, first = matchers
    for text in _texts():
        doc = _doc(text)
        expected = {(key, start, end) for key, start, end in plain(doc)}
        assert set(first(doc)) == expected, text[:200]


def test_a_message_without_any_first_word_starts_only_the_patterns_run_everywhere(matchers):
    _, first = matchers
    doc = _doc("zorblax qwerty " * 100)
    every = len(first) * len(doc)
    assert first.starts(doc) < every / 20
    assert first.runs(doc) == {}


def test_no_message_costs_more_starts_than_one_matcher_of_every_pattern(matchers):
    _, first = matchers
    for text in _texts():
        doc = _doc(text)
        assert first.starts(doc) <= len(first) * len(doc)


def test_a_repeated_phrase_starts_a_fraction_of_the_patterns(matchers):
    _, first = matchers
    doc = _doc("no numbness in my groin, " * 80)
    assert first.starts(doc) < len(first) * len(doc) / 2
