"""Words that no rule of the concept pipeline reads become placeholders before spaCy
tokenises a message.

spaCy keeps a lexeme, and its tokenizer a cache entry, for every distinct word it has
ever read, for the life of the process. A message of 200 never-seen words cost ~15 ms
more than one of known words, most of it spent making them, and a stream of such
messages grew the Rasa process's memory without end. Yet a word that is neither a
pattern's word, nor a misspelling of one, nor a number word, is read by no rule: only
the fact that a token is there counts (a pattern's wildcard, a negation's reach).

So such a word, when its letters are all of one class of spaCy's tokenizer rules
(lower-case, upper-case, uncased...), is replaced by as many of one representative letter
of that class, a letter that no tokenizer exception holds. The tokenizer then cuts the
message into the same tokens at the same offsets, and the placeholders are a bounded set
of strings. A word that mixes classes ("中ªba") is kept: where each class stands decides
whether spaCy reads it as part of a link.

Only runs of letters that stand alone between spaces or punctuation other than
apostrophes are replaced, and runs of two digits or more (by zeros, still numbers):
a run inside a word ("l4", "10kg", "don't") is left as it is, and so is any run that a
tokenizer exception spells ("mr.", "e.g.", ":p").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from spacy.lang import char_classes

# a run of letters (or of digits) with no letter, digit, underscore or apostrophe on
# either side
_RUN = re.compile(r"(?<![\w'’`])(?:[^\W\d_]+|[0-9]{2,})(?![\w'’`])")
_WORD = re.compile(r"[^\W_]+")

# one letter of each class the tokenizer's rules tell apart: (in spaCy's ALPHA, in its
# ALPHA_LOWER, in its ALPHA_UPPER, in the URL expression's range up to U+FFFF)
REPRESENTATIVES: dict[tuple[bool, bool, bool, bool], str] = {
    (True, True, False, True): "ß",
    (True, False, True, True): "À",
    (True, True, True, True): "א",
    (True, False, False, True): "ƻ",
    (False, False, False, True): "ª",
    (True, True, True, False): "𞸀",
    (False, False, False, False): "𐀀",
}


@lru_cache(maxsize=1)
def _class_expressions() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """spaCy's letter classes, compiled on first use."""
    return (
        re.compile(f"[{char_classes.ALPHA}]"),
        re.compile(f"[{char_classes.ALPHA_LOWER}]"),
        re.compile(f"[{char_classes.ALPHA_UPPER}]"),
    )


@lru_cache(maxsize=4096)
def letter_class(char: str) -> tuple[bool, bool, bool, bool]:
    """The classes of spaCy's tokenizer rules that ``char`` belongs to."""
    alpha, lower, upper = _class_expressions()
    return (
        alpha.match(char) is not None,
        lower.match(char) is not None,
        upper.match(char) is not None,
        char <= "\uffff",
    )


def placeholder(run: str) -> str | None:
    """The stand-in of a run of letters or digits, or None when it has none (then the
    run is kept)."""
    if run[0] in "0123456789":
        return "0" * len(run)
    if not run.isalpha():
        return None  # "²", "½": numbers to spaCy, letters to the expression
    if run.isascii():
        return ("ß" if run.islower() else "À" if run.isupper() else "") * len(run) or None
    classes = {letter_class(c) for c in set(run)}
    if len(classes) > 1:
        return None  # "中ªba": which classes come where decides what is a link
    return REPRESENTATIVES[classes.pop()] * len(run)


def words_of(strings: Iterable[str]) -> set[str]:
    """The runs of letters and digits in ``strings``, lower-cased."""
    return {word for text in strings for word in _WORD.findall(text.lower())}


def strings_in(value: Any) -> Iterable[str]:
    """Every string inside a structure of dicts and lists (keys included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from strings_in(item)


def tokenizer_words(tokenizer: Any) -> frozenset[str]:
    """The words of the tokenizer's exceptions, which the tokenizer reads whole."""
    return frozenset(words_of(strings_in(dict(tokenizer.rules))))


def replace_unseen(text: str, keep: Callable[[str], bool]) -> str:
    """``text`` with every standalone run for which ``keep`` (given it lower-cased) is
    false replaced by its placeholder: the same length, cut into the same tokens."""

    def replace(match: re.Match[str]) -> str:
        run = match.group()
        if keep(run.lower()):
            return run
        return placeholder(run) or run

    return _RUN.sub(replace, text)
