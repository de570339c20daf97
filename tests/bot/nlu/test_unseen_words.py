"""Placeholders for the words no rule reads (bot/nlu/unseen_words.py): the same tokens,
the same concepts, and a vocabulary that stops growing with what visitors send."""

from __future__ import annotations

import random
import sys

import pytest

from bot.nlu.concepts import extract, make_doc_text
from bot.nlu.message_length import words_to_read
from bot.nlu.unseen_words import (
    REPRESENTATIVES,
    letter_class,
    placeholder,
    replace_unseen,
    tokenizer_words,
)
from tests.bot.nlu import pipeline

# the places where spaCy's tokenizer reads letters: its exceptions, links, addresses,
# abbreviations, emoticons, contractions, numbers with units, mixed scripts and cases
EDGES = [
    "mr.", "e.g.", "a.m.", "don't", "dont", "cannot", "gonna", "im", "l4-l5", "l4/l5",
    "10kg", "12.5", "1,000", "1/2", "³", "½", ":p", ":-p", "xD", "o.O", "<3", "http://",
    "https://", "www.", ".com", ".co.uk", "@", "a@b.co", "#", "-", "'", "’", "(", ")",
    ".", ",", "!", "?", ":", ";", "/", "\n", " ", " ", "abc", "Xyz", "QRS", "é", "ß", "İ",
    "中", "א", "ª", "ƻ", "ألم", "背痛", "🙂", "2", "99", "l45", "c5", "s1", "t1",
]  # fmt: skip


def _mixes(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(EDGES) for _ in range(rng.randint(1, 40))) for _ in range(count)]


def _tokens(text: str) -> list[tuple[int, int]]:
    return [(t.idx, len(t)) for t in pipeline().make_doc(text)]


def _everything_read(word: str) -> bool:
    return True


@pytest.mark.parametrize("seed", [1, 2])
def test_placeholders_cut_into_the_same_tokens(seed):
    exceptions = tokenizer_words(pipeline().tokenizer)
    for text in _mixes(1500, seed):
        before = make_doc_text(text)
        after = make_doc_text(text, exceptions.__contains__)
        assert len(after) == len(before)
        assert _tokens(after) == _tokens(before), (text, after)


def test_the_concepts_are_those_of_the_whole_text():
    fuzzy = pipeline().get_pipe("clinical_fuzzy_norm")
    texts = [
        "I have numbnes in my groin and cant feel when I wipe, Zorblax said its fine",
        "no qwertyuiop back pain but siatica down my leg since 2019, 38.5 fever",
        "took duloxitine 60mg for 3 weeks, then xyzzy amitriptyline 10 mg at night",
        "my mum had cancer; I lost 10 pounds and have a fever of 101",
        "l4-l5 herniatd disc on the MRI, C5/C6 bulge, www.example.com told me so",
        *_mixes(300, 3),
    ]
    for text in texts:
        real = fuzzy.reads
        try:
            fuzzy.reads = _everything_read
            whole = extract(pipeline(), text)
        finally:
            fuzzy.reads = real
        assert extract(pipeline(), text) == whole, text


def test_misspellings_number_words_and_rule_words_are_kept():
    fuzzy = pipeline().get_pipe("clinical_fuzzy_norm")
    for word in ("siatica", "numbnes", "sciatica", "groin", "three", "no", "not", "my", "mri"):
        assert fuzzy.reads(word), word
    assert not fuzzy.reads("qwertyuiop")
    text = "siatica and zorblax pain"
    assert replace_unseen(text, fuzzy.reads) == "siatica and ßßßßßßß pain"


def test_never_seen_words_no_longer_grow_the_vocabulary():
    nlp = pipeline()
    rng = random.Random(11)

    def gibberish() -> str:
        words = (
            "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(9)) for _ in range(150)
        )
        return " ".join(words) + " 4827 19.5 ALLCAPSWORD 背痛背痛 " * 3

    extract(nlp, gibberish())
    words_to_read(gibberish())
    sizes = len(nlp.vocab), len(nlp.vocab.strings)
    for _ in range(20):
        extract(nlp, gibberish())
        words_to_read(gibberish())
    assert (len(nlp.vocab), len(nlp.vocab.strings)) == sizes


def test_a_placeholder_has_the_length_and_the_class_of_its_run():
    assert placeholder("zorblax") == "ß" * 7
    assert placeholder("ZORB") == "À" * 4
    assert placeholder("1234") == "0000"
    assert placeholder("Zorb") is None  # mixed case: kept
    assert placeholder("中ªba") is None  # mixed classes: kept
    assert placeholder("½") is None  # a number to spaCy
    assert len(placeholder("背痛")) == 2


def test_every_letter_has_a_representative_that_no_exception_spells():
    exception_chars = set("".join(pipeline().tokenizer.rules))
    for key, char in REPRESENTATIVES.items():
        assert letter_class(char) == key
        assert char not in exception_chars
    classes = {letter_class(chr(p)) for p in range(sys.maxunicode + 1) if chr(p).isalpha()}
    assert classes <= REPRESENTATIVES.keys()
