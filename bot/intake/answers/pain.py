"""The pain score: a number on the 0-10 scale, typed as digits or words."""

from __future__ import annotations

import re

from bot.intake.answers.durations import RANGE_WORDS, length_spans
from bot.intake.answers.text import YEAR_NUMBER, Number, find_numbers, normalise, tokenise

_NO_PAIN = re.compile(
    r"\b(?:no pain|pain ?-?free|painless|none|nothing|no hurt"
    r"|(?:doesnt|does not|dont|not) hurt(?:ing)?)\b"
)
_DENOMINATORS = (["/"], ["out", "of"], ["outta"], ["of"])


def parse_pain_score(text: str) -> int | None:
    """Pain now on the 0-10 scale, halves rounded up; None if unreadable or off the scale."""
    value = _pain_value(text)
    if value is None or value < 0:
        return None
    score = int(value + 0.5)
    return score if score <= 10 else None


def pain_score_out_of_range(text: str) -> bool:
    """True when the visitor gave a number off the scale, so the caller can explain it."""
    value = _pain_value(text)
    return value is not None and (value < 0 or int(value + 0.5) > 10)


def _pain_value(text: str) -> float | None:
    """The number the visitor rated their pain, the higher end of a range, sign kept."""
    normal = normalise(text)
    tokens = tokenise(normal)
    numbers = _score_numbers(tokens)
    if not numbers:
        return 0.0 if _NO_PAIN.search(normal) else None
    first, value = numbers[0], numbers[0].value
    ranged = len(numbers) > 1 and numbers[1].start == first.end + 1
    if ranged and tokens[first.end] in RANGE_WORDS:
        value = max(value, numbers[1].value)  # "6 or 7", "6-7", "between 6 and 7"
    before = tokens[first.start - 1] if first.start > 0 else ""
    after_number = first.start > 1 and tokens[first.start - 2][0].isdigit()
    if before == "minus" or (before == "-" and not after_number):
        value = -value
    return value


def _score_numbers(tokens: list[str]) -> list[Number]:
    """Numbers that could be a score: not a length ("10 days"), a year, the "/10", or
    the pronoun "one" ("skip this one" is not a pain of 1)."""
    taken = {i for span in length_spans(tokens) for i in range(span.start, span.end)}
    return [
        number
        for number in find_numbers(tokens)
        if number.start not in taken
        and not YEAR_NUMBER.fullmatch(tokens[number.start])
        and not _is_denominator(tokens, number)
        and not _is_pronoun_one(tokens, number)
    ]


_BEFORE_PRONOUN_ONE = frozenset(
    {"this", "that", "the", "which", "next", "another", "any", "each", "every", "other"}
)


def _is_pronoun_one(tokens: list[str], number: Number) -> bool:
    """ "one" meaning a question or thing: "this one", "the next one", "one of them"."""
    if tokens[number.start] != "one":
        return False
    before = tokens[number.start - 1] if number.start > 0 else ""
    after = tokens[number.end] if number.end < len(tokens) else ""
    return before in _BEFORE_PRONOUN_ONE or after == "of"


def _is_denominator(tokens: list[str], number: Number) -> bool:
    """The "10" of "7/10" or "7 out of 10"; "6/7" is a range, so a slash needs a 10."""
    for words in _DENOMINATORS:
        if tokens[max(number.start - len(words), 0) : number.start] == words:
            return number.value == 10 or words == ["out", "of"]
    return False
