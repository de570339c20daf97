"""What the answer parsers share: one spelling of what phones type, tokens, numbers
in digits or words, and which terms a clause denies."""

from __future__ import annotations

import re
from dataclasses import dataclass

_APOSTROPHES = re.compile(r"['’‘`´]")
_DOTTED = re.compile(r"\b[a-z](?:\.[a-z])+\b\.?")  # "m.r.i." and "p.t." are acronyms
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")  # "3months", "2yrs"
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+|[-/,;]")
_CLAUSE_WORD = re.compile(r"[a-z0-9/]+|[,;.!?:]")
YEAR_NUMBER = re.compile(r"(?:19|20)\d\d")

_SMALL_NUMBERS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
NUMBER_WORDS = "|".join(sorted([*_SMALL_NUMBERS, *_TENS], key=len, reverse=True))


def _undot(match: re.Match[str]) -> str:
    return match.group(0).replace(".", "")


def normalise(text: str) -> str:
    """One spelling for the many ways a phone types the same words."""
    lowered = _APOSTROPHES.sub("", text.lower()).replace("–", "-").replace("—", "-")
    spaced = _DIGIT_LETTER.sub(" ", _DOTTED.sub(_undot, lowered))
    return " ".join(spaced.split())


def tokenise(text: str) -> list[str]:
    return _TOKEN.findall(text)


@dataclass(frozen=True)
class Number:
    """A number typed as digits or words, and the tokens it spans."""

    value: float
    start: int
    end: int


def _number_at(tokens: list[str], i: int) -> Number | None:
    """The number starting at token ``i``: "7", "6.5", "seven", "twenty five"."""
    token = tokens[i]
    if token[0].isdigit():
        return Number(float(token), i, i + 1)
    if token in _TENS:
        j = i + 2 if tokens[i + 1 : i + 2] == ["-"] else i + 1
        ones = _SMALL_NUMBERS.get(tokens[j], 0) if j < len(tokens) else 0
        if 0 < ones < 10:
            return Number(_TENS[token] + ones, i, j + 1)
        return Number(_TENS[token], i, i + 1)
    if token in _SMALL_NUMBERS:
        return Number(_SMALL_NUMBERS[token], i, i + 1)
    if token == "hundred":
        return Number(100, i, i + 1)
    return None


def find_numbers(tokens: list[str]) -> list[Number]:
    """Every number in the tokens, left to right."""
    found: list[Number] = []
    i = 0
    while i < len(tokens):
        number = _number_at(tokens, i)
        if number is None:
            i += 1
            continue
        found.append(number)
        i = number.end
    return found


# --- negation ------------------------------------------------------------------------------

_NEGATOR = re.compile(r"no|not|never|nor|neither|without|(?:have|has|had|did|do|does|was|ca)nt")
# Words that may sit between a negation and what it denies: "never had back surgery".
_NEGATION_FILLER = re.compile(
    r"an?|the|any|ever|yet|really|ha(?:d|ve|s|ving)|g(?:et|ot|otten|etting)|tr(?:y|ied|ying)"
    r"|do(?:ne|es)?|did|been|gone|go|went|to|for|my|some|of|or|and|nor|want(?:ed)?|need(?:ed)?"
    r"|t(?:ake|aken|ook)|used?|seen?|back|spine|spinal|neck|lumbar|lower|also|even"
)


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _negated(text: str, start: int, spans: list[tuple[int, int]]) -> bool:
    """Whether the term at ``start`` is denied ("no surgery", "never had an mri").

    Walks back over filler words and other terms ("no injections or surgery") and stops at
    the edge of the clause ("no surgery, just physio").
    """
    for word in reversed(list(_CLAUSE_WORD.finditer(text, 0, start))):
        token = word.group()
        if _inside(word.start(), spans):
            continue
        if _NEGATOR.fullmatch(token):
            return True
        if not _NEGATION_FILLER.fullmatch(token):
            return False
    return False


def find_terms(
    text: str, table: tuple[tuple[str, re.Pattern[str]], ...]
) -> tuple[set[str], set[str]]:
    """Labels of the terms a normalised text reports, and of those it only denies."""
    matches = [(label, m.span()) for label, pattern in table for m in pattern.finditer(text)]
    spans = [span for _, span in matches]
    reported: set[str] = set()
    denied: set[str] = set()
    for label, (start, _) in matches:
        (denied if _negated(text, start, spans) else reported).add(label)
    return reported, denied - reported


def in_order(labels: set[str], order: tuple[str, ...]) -> list[str]:
    return [label for label in order if label in labels]
