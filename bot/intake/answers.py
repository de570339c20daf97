"""Parsers for the answers a visitor types to the intake questions.

Pure text functions (no Rasa, no spaCy) so that the form's validators and their tests stay
cheap. Visitors type on phones, so every parser ignores case, missing apostrophes and loose
spacing, and reads numbers as digits or words. A parser returns None when the answer does
not say what was asked, so that the caller can ask again.

Callers should try the value parsers before :func:`is_skip`: "not sure, maybe an mri" is
both a shrug and an answer, and the answer is worth more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

ACUTE, SUBACUTE, CHRONIC = "acute", "subacute", "chronic"

DAY = 1 / 7
MONTH = 30.44 / 7
YEAR = 52.18

# --- shared text handling ------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’‘`´]")
_DOTTED = re.compile(r"\b[a-z](?:\.[a-z])+\b\.?")  # "m.r.i." and "p.t." are acronyms
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")  # "3months", "2yrs"
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+|[-/,;]")
_CLAUSE_WORD = re.compile(r"[a-z0-9/]+|[,;.!?:]")
_YEAR = re.compile(r"(?:19|20)\d\d")

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
_NUMBER_WORDS = "|".join(sorted([*_SMALL_NUMBERS, *_TENS], key=len, reverse=True))


def _undot(match: re.Match[str]) -> str:
    return match.group(0).replace(".", "")


def _normalise(text: str) -> str:
    """One spelling for the many ways a phone types the same words."""
    lowered = _APOSTROPHES.sub("", text.lower()).replace("–", "-").replace("—", "-")
    spaced = _DIGIT_LETTER.sub(" ", _DOTTED.sub(_undot, lowered))
    return " ".join(spaced.split())


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


@dataclass(frozen=True)
class _Number:
    """A number typed as digits or words, and the tokens it spans."""

    value: float
    start: int
    end: int


def _number_at(tokens: list[str], i: int) -> _Number | None:
    """The number starting at token ``i``: "7", "6.5", "seven", "twenty five"."""
    token = tokens[i]
    if token[0].isdigit():
        return _Number(float(token), i, i + 1)
    if token in _TENS:
        j = i + 2 if tokens[i + 1 : i + 2] == ["-"] else i + 1
        ones = _SMALL_NUMBERS.get(tokens[j], 0) if j < len(tokens) else 0
        if 0 < ones < 10:
            return _Number(_TENS[token] + ones, i, j + 1)
        return _Number(_TENS[token], i, i + 1)
    if token in _SMALL_NUMBERS:
        return _Number(_SMALL_NUMBERS[token], i, i + 1)
    if token == "hundred":
        return _Number(100, i, i + 1)
    return None


def _numbers(tokens: list[str]) -> list[_Number]:
    """Every number in the tokens, left to right."""
    found: list[_Number] = []
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


def _find_terms(
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


def _in_order(labels: set[str], order: tuple[str, ...]) -> list[str]:
    return [label for label in order if label in labels]


# --- duration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duration:
    """How long the pain has lasted: the visitor's words, a length, and what it means."""

    raw: str
    weeks: float
    category: str


# (name, spellings, weeks) of each time unit; the short forms only count after digits.
_UNITS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("minute", re.compile(r"min(?:ute)?s?"), 1 / (7 * 24 * 60)),
    ("hour", re.compile(r"h(?:ou)?rs?"), 1 / (7 * 24)),
    ("day", re.compile(r"days?|dys?"), DAY),
    ("week", re.compile(r"w(?:ee?)?ks?"), 1.0),
    ("fortnight", re.compile(r"fortnights?"), 2.0),
    ("month", re.compile(r"m(?:o|on|n)?ths?|mos?"), MONTH),
    ("year", re.compile(r"y(?:ea)?rs?"), YEAR),
    ("decade", re.compile(r"decades?"), 10 * YEAR),
)
_SHORT_UNITS = {"h": "hour", "d": "day", "w": "week", "m": "month", "y": "year"}
_UNIT_WEEKS = {name: weeks for name, _, weeks in _UNITS}
# A unit typed alone means at least a couple of them: "for months" is about nine weeks.
_BARE_WEEKS = {
    "minute": 0.0,
    "hour": 0.02,
    "day": 0.5,
    "week": 3.0,
    "fortnight": 4.0,
    "month": 9.0,
    "year": 2 * YEAR,
    "decade": 20 * YEAR,
}
# Vague amounts, longest first.
_VAGUE: tuple[tuple[tuple[str, ...], float], ...] = (
    (("a", "couple", "of"), 2.0),
    (("couple", "of"), 2.0),
    (("a", "couple"), 2.0),
    (("a", "few"), 3.0),
    (("half", "a"), 0.5),
    (("half", "an"), 0.5),
    (("a", "half"), 0.5),
    (("a", "dozen"), 12.0),
    (("couple",), 2.0),
    (("few",), 3.0),
    (("several",), 4.0),
    (("many",), 3.0),
    (("dozen",), 12.0),
    (("a",), 1.0),
    (("an",), 1.0),
)
_RANGE_WORDS = frozenset({"-", "to", "or", "and", "/"})
_AND_A_HALF = ["and", "a", "half"]

_JUST_NOW = re.compile(
    r"\b(?:today|tonight|this (?:morning|afternoon|evening)|earlier today"
    r"|just (?:now|started|start|began|begun|happened))\b"
)
_THIS_WEEK = re.compile(r"\bthis week\b")
_LONG_TIME = re.compile(
    r"\b(?:(?:a )?long (?:time|while)|forever|ages|as long as i (?:can )?remember"
    r"|(?:all|whole|entire) (?:of )?my life|since (?:i was )?(?:a )?(?:kid|child|teen|teenager)"
    r"|since childhood)\b"
)

# long, but how long even roughly? ("since childhood" says it: it is not asked again)
_VAGUE_LONG_TIME = re.compile(r"\b(?:(?:a )?(?:long|looong+) (?:time|while)|forever|ages)\b")

_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "febuary": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
# Middle month of each season: a season is measured from its middle (the 15th).
_SEASONS = {"winter": 1, "spring": 4, "summer": 7, "fall": 10, "autumn": 10}
# "may" and "fall" are also ordinary words: they name a time only after one of these.
_TIME_CUE = re.compile(
    r"since|in|from|last|early|mid|late|of|around|about|till|until|this|the|during|over|past"
    r"|before|after"
)
_PART_OF_MONTH = {
    "early": 5,
    "beginning": 5,
    "start": 5,
    "mid": 15,
    "middle": 15,
    "late": 25,
    "end": 25,
}
_HOLIDAYS = {"christmas": (12, 25), "xmas": (12, 25), "newyear": (1, 1), "newyears": (1, 1)}
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "tues": 1,
    "wednesday": 2,
    "weds": 2,
    "thursday": 3,
    "thurs": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "weekend": 5,
}
_DAYS_AGO = (
    (re.compile(r"\bday before yesterday\b"), 2),
    (re.compile(r"\b(?:yesterday|last night)\b"), 1),
    (re.compile(r"\bthe other day\b"), 3),
)


@dataclass(frozen=True)
class _Span:
    """A counted length in the tokens ("2 or 3 weeks"), and where it was typed."""

    weeks: float
    start: int
    end: int
    unit: float
    age: bool  # "20 years old" is an age, not how long


def duration_category(weeks: float) -> str:
    """The clinical category of back pain by how long it has lasted."""
    if weeks < 6:
        return ACUTE
    return SUBACUTE if weeks <= 12 else CHRONIC


def parse_duration(text: str, today: date) -> Duration | None:
    """How long the pain has lasted, or None when the text gives no length or start."""
    weeks = _duration_weeks(_normalise(text), today)
    if weeks is None:
        return None
    weeks = round(weeks, 2)
    return Duration(raw=text.strip(), weeks=weeks, category=duration_category(weeks))


def only_a_long_time(text: str, today: date) -> bool:
    """Whether the text says only that it has been a long time ("ages", "forever"), with
    no length or start a clinician could place: worth asking for a rough estimate."""
    normal = _normalise(text)
    tokens = _tokens(normal)
    if _counted_weeks(tokens) is not None or _start_date(tokens, today) is not None:
        return False
    return bool(_VAGUE_LONG_TIME.search(normal))


def _duration_weeks(text: str, today: date) -> float | None:
    """Weeks from the surest reading: a count, then a start date, then vague words."""
    tokens = _tokens(text)
    counted = _counted_weeks(tokens)
    if counted is not None:
        return counted
    start = _start_date(tokens, today)
    if start is not None:
        return max((today - start).days, 0) / 7
    if _JUST_NOW.search(text):
        return 0.1
    if _THIS_WEEK.search(text):
        return 0.5
    if _LONG_TIME.search(text):
        return YEAR
    return _bare_unit_weeks(tokens)


def _unit(tokens: list[str], i: int) -> str | None:
    """The time unit typed at token ``i``, if any."""
    if i >= len(tokens):
        return None
    token = tokens[i]
    if token in _SHORT_UNITS and i > 0 and tokens[i - 1][0].isdigit():
        return _SHORT_UNITS[token]
    return next((name for name, spelling, _ in _UNITS if spelling.fullmatch(token)), None)


def _spans(tokens: list[str]) -> list[_Span]:
    """Every counted length: an amount ("2", "a few", "half a") before a unit."""
    numbers = _numbers(tokens)
    by_end = {number.end: number for number in numbers}
    by_start = {number.start: number for number in numbers}
    spans: list[_Span] = []
    for i in range(len(tokens)):
        unit = _unit(tokens, i)
        amount = _amount_before(tokens, i, by_end) if unit else None
        if unit is None or amount is None:
            continue
        count, end = _amount_after(tokens, i + 1, amount[0], by_start)
        weeks = _UNIT_WEEKS[unit]
        age = tokens[end : end + 1] == ["old"]
        spans.append(_Span(count * weeks, amount[1], end, weeks, age))
    return spans


def _amount_before(
    tokens: list[str], i: int, by_end: dict[int, _Number]
) -> tuple[float, int] | None:
    """The amount typed before the unit at ``i``, and the token it starts at."""
    if tokens[max(i - 3, 0) : i] == _AND_A_HALF and i - 3 in by_end:
        return by_end[i - 3].value + 0.5, by_end[i - 3].start  # "one and a half years"
    if i in by_end:
        return _upper_bound(tokens, by_end[i], by_end)
    for words, value in _VAGUE:
        if tuple(tokens[max(i - len(words), 0) : i]) == words:
            return value, i - len(words)
    if i > 0 and tokens[i - 1] in ("last", "past") and not tokens[i].endswith("s"):
        return 1.0, i - 1  # "since last week"
    return None


def _upper_bound(
    tokens: list[str], number: _Number, by_end: dict[int, _Number]
) -> tuple[float, int]:
    """A range ("2-3", "2 or 3", "between 2 and 3") counts as its upper bound."""
    low = by_end.get(number.start - 1)
    if low is None or tokens[number.start - 1] not in _RANGE_WORDS:
        return number.value, number.start
    start = low.start - 1 if tokens[max(low.start - 1, 0)] == "between" else low.start
    return max(low.value, number.value), max(start, 0)


def _amount_after(
    tokens: list[str], i: int, count: float, by_start: dict[int, _Number]
) -> tuple[float, int]:
    """The amount corrected by what follows the unit: "a year and a half", "a week or two"."""
    if tokens[i : i + 3] == _AND_A_HALF:
        return count + 0.5, i + 3
    other = by_start.get(i + 1)
    if tokens[i : i + 1] == ["or"] and other is not None and _unit(tokens, other.end) is None:
        return max(count, other.value), other.end
    return count, i


def _counted_weeks(tokens: list[str]) -> float | None:
    """The longest length counted in the tokens, parts such as "1 year and 3 months" added."""
    totals: list[float] = []
    last: _Span | None = None
    for span in (span for span in _spans(tokens) if not span.age):
        joined = last is not None and tokens[last.end : span.start] in ([], ["and"], [","])
        if last is not None and joined and span.unit < last.unit:
            totals[-1] += span.weeks
        else:
            totals.append(span.weeks)
        last = span
    return max(totals, default=None)


def _bare_unit_weeks(tokens: list[str]) -> float | None:
    """A rough length for a plural unit typed with no amount: "for months"."""
    counted = {i for span in _spans(tokens) for i in range(span.start, span.end)}
    for i, token in enumerate(tokens):
        unit = _unit(tokens, i)
        if unit is not None and token.endswith("s") and i not in counted:
            return _BARE_WEEKS[unit]
    return None


def _start_date(tokens: list[str], today: date) -> date | None:
    """When the pain started, from a named time such as "since march" or "since christmas"."""
    for find in (_month_start, _season_start, _holiday_start, _year_start, _weekday_start):
        found = find(tokens, today)
        if found is not None:
            return found
    text = " ".join(tokens)
    days = next((days for pattern, days in _DAYS_AGO if pattern.search(text)), None)
    return None if days is None else today - timedelta(days=days)


def _safe_date(year: int, month: int, day: int) -> date:
    """A date with the day cut to the month's length ("february 30" is its last day)."""
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return min(date(year, month, 1) + timedelta(days=day - 1), next_month - timedelta(days=1))


def _occurrence(
    today: date, month: int, day: int, year: int | None, *, last: bool, lasts_months: int
) -> date | None:
    """The date a month or season names: in the year given, else the latest before today.

    "Last" skips a month or season still going on: in late November, "last fall" is the
    previous year's, while "since fall" is this one's.
    """
    if year is not None:
        found = _safe_date(year, month, day)
        return found if found <= today else None
    found = _safe_date(today.year, month, day)
    if found >= today:
        found = _safe_date(today.year - 1, month, day)
    month_index = found.month - 1 + lasts_months
    ends = date(found.year + month_index // 12, month_index % 12 + 1, 1)
    return _safe_date(found.year - 1, month, day) if last and ends > today else found


def _cued(tokens: list[str], i: int) -> bool:
    """Whether an ambiguous word ("may", "fall") is used as a time."""
    cue = i > 0 and _TIME_CUE.fullmatch(tokens[i - 1]) is not None
    return cue or _year_after(tokens, i + 1) is not None


def _after_last(tokens: list[str], i: int) -> bool:
    return "last" in tokens[max(i - 2, 0) : i]


def _year_after(tokens: list[str], i: int) -> int | None:
    """A year typed after a month or season: "march 2025", "summer of 2024"."""
    while i < len(tokens) and tokens[i] in (",", "of"):
        i += 1
    return int(tokens[i]) if i < len(tokens) and _YEAR.fullmatch(tokens[i]) else None


def _day_of_month(tokens: list[str], month_at: int) -> tuple[int, int]:
    """The day a month phrase means, and the token after the phrase.

    A day typed after the month ("march 3rd"), else a part said before it ("late march" is
    the 25th), else the 15th.
    """
    after = month_at + 1
    token = tokens[after] if after < len(tokens) else ""
    if token.isdigit() and len(token) <= 2 and 1 <= int(token) <= 31:
        suffix = tokens[after + 1 : after + 2] in (["st"], ["nd"], ["rd"], ["th"])
        return int(token), after + 1 + suffix
    before = [t for t in tokens[max(month_at - 3, 0) : month_at] if t not in ("-", "of", "the")]
    return _PART_OF_MONTH.get(before[-1] if before else "", 15), after


def _month_start(tokens: list[str], today: date) -> date | None:
    for i, token in enumerate(tokens):
        month = _MONTHS.get(token)
        if month is None or (token == "may" and not _cued(tokens, i)):
            continue
        day, after = _day_of_month(tokens, i)
        year = _year_after(tokens, after)
        last = _after_last(tokens, i)
        return _occurrence(today, month, day, year, last=last, lasts_months=1)
    return None


def _season_start(tokens: list[str], today: date) -> date | None:
    for i, token in enumerate(tokens):
        month = _SEASONS.get(token)
        if month is None or (token == "fall" and not _cued(tokens, i)):
            continue
        year = _year_after(tokens, i + 1)
        last = _after_last(tokens, i)
        return _occurrence(today, month, 15, year, last=last, lasts_months=2)
    return None


def _thanksgiving(year: int) -> date:
    """The fourth Thursday of November."""
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def _holiday_start(tokens: list[str], today: date) -> date | None:
    for i, token in enumerate(tokens):
        if token == "thanksgiving":
            year = _year_after(tokens, i + 1)
            found = _thanksgiving(year or today.year)
            if year is None and found >= today:
                found = _thanksgiving(today.year - 1)
            return found if found <= today else None
        pair = token + "".join(tokens[i + 1 : i + 2]) if token == "new" else token
        if pair in _HOLIDAYS:
            month, day = _HOLIDAYS[pair]
            year = _year_after(tokens, i + (2 if token == "new" else 1))
            return _occurrence(today, month, day, year, last=False, lasts_months=0)
    return None


def _year_start(tokens: list[str], today: date) -> date | None:
    """For "since 2023": the middle of that year, or its start if the middle is still to come."""
    for token in tokens:
        if _YEAR.fullmatch(token) and int(token) <= today.year:
            middle = date(int(token), 7, 1)
            return middle if middle < today else date(int(token), 1, 1)
    return None


def _weekday_start(tokens: list[str], today: date) -> date | None:
    for token in tokens:
        if token in _WEEKDAYS:
            return today - timedelta(days=(today.weekday() - _WEEKDAYS[token]) % 7 or 7)
    return None


# --- pain score ----------------------------------------------------------------------------

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
    normal = _normalise(text)
    tokens = _tokens(normal)
    numbers = _score_numbers(tokens)
    if not numbers:
        return 0.0 if _NO_PAIN.search(normal) else None
    first, value = numbers[0], numbers[0].value
    ranged = len(numbers) > 1 and numbers[1].start == first.end + 1
    if ranged and tokens[first.end] in _RANGE_WORDS:
        value = max(value, numbers[1].value)  # "6 or 7", "6-7", "between 6 and 7"
    before = tokens[first.start - 1] if first.start > 0 else ""
    after_number = first.start > 1 and tokens[first.start - 2][0].isdigit()
    if before == "minus" or (before == "-" and not after_number):
        value = -value
    return value


def _score_numbers(tokens: list[str]) -> list[_Number]:
    """Numbers that could be a score: not a length ("10 days"), a year, the "/10", or
    the pronoun "one" ("skip this one" is not a pain of 1)."""
    taken = {i for span in _spans(tokens) for i in range(span.start, span.end)}
    return [
        number
        for number in _numbers(tokens)
        if number.start not in taken
        and not _YEAR.fullmatch(tokens[number.start])
        and not _is_denominator(tokens, number)
        and not _is_pronoun_one(tokens, number)
    ]


_BEFORE_PRONOUN_ONE = frozenset(
    {"this", "that", "the", "which", "next", "another", "any", "each", "every", "other"}
)


def _is_pronoun_one(tokens: list[str], number: _Number) -> bool:
    """ "one" meaning a question or thing: "this one", "the next one", "one of them"."""
    if tokens[number.start] != "one":
        return False
    before = tokens[number.start - 1] if number.start > 0 else ""
    after = tokens[number.end] if number.end < len(tokens) else ""
    return before in _BEFORE_PRONOUN_ONE or after == "of"


def _is_denominator(tokens: list[str], number: _Number) -> bool:
    """The "10" of "7/10" or "7 out of 10"; "6/7" is a range, so a slash needs a 10."""
    for words in _DENOMINATORS:
        if tokens[max(number.start - len(words), 0) : number.start] == words:
            return number.value == 10 or words == ["out", "of"]
    return False


# --- imaging -------------------------------------------------------------------------------

IMAGING_ORDER = ("mri", "ct", "xray")
_IMAGING: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mri", re.compile(r"\bmris?\b|\bmagnetic resonance\b")),
    ("ct", re.compile(r"\bcts?\b|\bcat ?scans?\b|\bcomput(?:ed|erized) tomography\b")),
    ("xray", re.compile(r"\bx ?-? ?rays?\b|\bradiograph(?:s|y)?\b")),
    ("scan", re.compile(r"\bscans?\b|\bimaging\b|\bimages?\b")),
)
_NO_IMAGING = re.compile(
    r"^(?:no|nope|nah|none|nothing|never)\b|\bnot (?:yet|any|ever|once)\b|\bnone\b"
    r"|\b(?:havent|hasnt|didnt|have not|has not|did not)\b"
)


def parse_imaging(text: str) -> list[str] | None:
    """Kinds of imaging done, ["none"], or None when the text does not say which.

    A scan of no named kind ("i had a scan") is None, so that the caller asks which one.
    """
    normal = _normalise(text)
    reported, denied = _find_terms(normal, _IMAGING)
    kinds = _in_order(reported, IMAGING_ORDER)
    if kinds:
        return kinds
    if "scan" in reported or is_skip(text):
        return None
    return ["none"] if denied or _NO_IMAGING.search(normal) else None


# --- when ----------------------------------------------------------------------------------

_W_QUALIFIER = (
    r"(?:about|around|roughly|approximately|approx|almost|nearly|maybe|probably|just over"
    r"|just under|over|under|more than|less than|at least)"
)
_W_NUMBER = rf"(?:(?:{_NUMBER_WORDS})(?:[\s-]+(?:{_NUMBER_WORDS}))?)"
_W_WORD_AMOUNT = (
    rf"(?:(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few|several|many|half\s+an?"
    rf"|{_W_NUMBER}(?:\s+and\s+a\s+half)?(?:\s*(?:-|to|or)\s*{_W_NUMBER})?|an?)"
)
_W_DIGIT_AMOUNT = r"(?:\d+(?:\.\d+)?(?:\s*(?:-|to|or)\s*\d+(?:\.\d+)?)?)"
_W_UNIT = (
    r"(?:min(?:ute)?s?|h(?:ou)?rs?|days?|w(?:ee?)?ks?|fortnights?|m(?:o|on|n)?ths?|mos?"
    r"|y(?:ea)?rs?|decades?)"
)
_W_LENGTH = rf"(?:(?:{_W_WORD_AMOUNT})\s+|{_W_DIGIT_AMOUNT}\s*){_W_UNIT}\b(?:\s+and\s+a\s+half)?"
_W_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_W_MONTH = (
    r"(?:january|february|febuary|march|april|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_W_PREFIX = (
    rf"(?:(?:{_W_QUALIFIER}|back\s+in|in|on|around|since|during|from|by|before|after|until"
    r"|till|over|early|mid|late|(?:the\s+)?(?:start|beginning|middle|end)\s+of)[\s-]+)"
)
_W_YEAR = r"(?:19|20)\d\d\b"
_W_MONTH_TAIL = (
    rf"(?:\s+\d{{1,2}}(?:st|nd|rd|th)?\b)?(?:,?\s+(?:of\s+)?(?:{_W_YEAR}"
    r"|last\s+year|this\s+year))?"
)
_W_PHRASES = (
    # "2 weeks ago", "a few years back", "a long time ago"
    rf"(?:{_W_QUALIFIER}\s+)?(?:{_W_LENGTH}|(?:days|weeks|months|years|decades)"
    r"|a\s+(?:long\s+)?while|a\s+long\s+time|ages|not\s+(?:too\s+|that\s+|so\s+)?long|long)"
    r"\s+(?:ago|back|before|earlier|prior)\b",
    # "in the last 2 weeks"
    rf"(?:in|within|during|over)\s+the\s+(?:last|past)\s+(?:{_W_LENGTH}|{_W_UNIT}\b)",
    # "last year", "earlier this month", "last summer"
    r"(?:(?:earlier|later)\s+)?(?:last|past|this|previous)\s+(?:week(?:end)?|month|year|summer"
    rf"|winter|spring|fall|autumn|night|{_W_WEEKDAY})\b",
    # "in march", "january 2025", "late may"
    rf"(?:{_W_PREFIX}{{0,3}}{_W_MONTH}|{_W_PREFIX}{{1,3}}may|may(?=\s+{_W_YEAR}))\b{_W_MONTH_TAIL}",
    # "over the summer", "summer 2024", "in the fall"
    rf"(?:{_W_PREFIX}{{0,3}}(?:the\s+)?(?:summer|winter|spring|autumn)|{_W_PREFIX}{{1,3}}"
    rf"(?:the\s+)?fall)\b(?:\s+(?:of\s+)?{_W_YEAR})?",
    # "around christmas"
    rf"{_W_PREFIX}{{0,3}}(?:christmas|xmas|thanksgiving|new\s+years?)\b",
    # "in 2024"
    rf"{_W_PREFIX}{{0,3}}{_W_YEAR}",
    r"(?:the\s+day\s+before\s+)?yesterday\b|today\b|tonight\b|recently\b|lately\b"
    r"|just\s+now\b|this\s+(?:morning|afternoon|evening)\b|the\s+other\s+(?:day|week)\b"
    rf"|(?:on\s+)?{_W_WEEKDAY}\b",
)
_WHEN = re.compile(r"\b(?:" + "|".join(_W_PHRASES) + ")", re.IGNORECASE)
_WHEN_MAY_ALONE = re.compile(r"^\s*may\s*$", re.IGNORECASE)
_WHEN_LENGTH = re.compile(rf"\b(?:{_W_QUALIFIER}\s+)?{_W_LENGTH}", re.IGNORECASE)


def point_in_time(text: str) -> str | None:
    """A time phrase that says when ("last month", "in 2023"), not a bare length ("2 years"):
    in a longer message, what dates a scan or a treatment rather than how long it hurts."""
    found = _WHEN.search(text)
    return " ".join(found.group(0).split()) if found else None


def parse_when(text: str) -> str | None:
    """Roughly when something happened, as the visitor put it ("last year", "in march").

    Falls back on a bare length ("2 years") when no time phrase is found, as visitors often
    leave out "ago".
    """
    found = _WHEN.search(text) or _WHEN_MAY_ALONE.search(text) or _WHEN_LENGTH.search(text)
    return " ".join(found.group(0).split()) if found else None


# --- treatments ----------------------------------------------------------------------------

TREATMENT_ORDER = (
    "medication",
    "antidepressant",
    "physical_therapy",
    "injection",
    "surgery",
    "other",
)
_GENERIC_MEDICATION = "generic_medication"
_TREATMENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "medication",
        re.compile(
            r"\bpain ?killers?\b|\bpain (?:meds|medications?|medicines?|pills|tablets|relievers?)"
            r"\b|\bibuprofen\b|\bibuprophen\b|\badvil\b|\bmotrin\b|\bnaproxen\b|\baleve\b"
            r"|\bnsaids?\b|\banti[\s-]?inflammator(?:y|ies)\b|\btylenol\b|\bacetaminophen\b"
            r"|\bparacetamol\b|\bmuscle relax(?:ant|er)s?\b|\bcyclobenzaprine\b|\bflexeril\b"
            r"|\bmethocarbamol\b|\brobaxin\b|\btizanidine\b|\bgabapentin\b|\bneurontin\b"
            r"|\blyrica\b|\bpregabalin\b|\btramadol\b|\boxycodone\b|\bpercocet\b|\bhydrocodone\b"
            r"|\bvicodin\b|\bcodeine\b|\bmorphine\b|\bopioids?\b|\bopiates?\b|\bnarcotics?\b"
            r"|\bprednisone\b|\bmedrol\b|\bsteroid (?:pills?|tablets?|packs?|dose ?packs?)\b"
            r"|\boral steroids?\b|\bdiclofenac\b|\bvoltaren\b|\bmeloxicam\b|\bcelebrex\b"
            r"|\baspirin\b|\bover the counter\b"
        ),
    ),
    (
        "antidepressant",
        re.compile(
            r"\banti[\s-]?depressants?\b|\bduloxetine\b|\bcymbalta\b|\bamitriptyline\b"
            r"|\belavil\b|\bnortriptyline\b|\bpamelor\b|\bvenlafaxine\b|\beffexor\b|\bsnris?\b"
            r"|\bssris?\b|\btricyclics?\b"
        ),
    ),
    (
        "physical_therapy",
        re.compile(
            r"\bphysical therap(?:y|ist|ies)\b|\bphysio(?:therap(?:y|ist))?s?\b|\bpt\b"
            r"|\bstretch(?:es|ing)?\b|\bexercis(?:e|es|ing)\b|\brehab(?:ilitation)?\b"
        ),
    ),
    (
        "injection",
        re.compile(
            r"\binjections?\b|\binjected\b|\bshots?\b|\bepidurals?\b|\besis?\b|\bcortisone\b"
            r"|\bnerve blocks?\b|\bfacet blocks?\b|\bmedial branch blocks?\b|\brfa\b"
            r"|\bradio ?-?frequency(?: ablation)?\b|\bablations?\b"
        ),
    ),
    (
        "surgery",
        re.compile(
            r"\bsurger(?:y|ies)\b|\boperations?\b|\boperated\b|\bfusions?\b"
            r"|\b(?:micro[\s-]?)?dis[ck]ectom(?:y|ies)\b|\blaminectom(?:y|ies)\b"
            r"|\blaminotomy\b|\bforaminotomy\b|\bdis[ck] replacements?\b"
        ),
    ),
    (
        "other",
        re.compile(
            r"\bchiro(?:practor|practer|practic)?s?\b|\bacupuncture\b|\bdry needling\b"
            r"|\bmassages?\b|\bheat(?:ing)?(?: pads?)?\b|\bice\b|\bicing\b|\btens\b|\byoga\b"
            r"|\bpilates\b|\bosteopath(?:s|y|ic)?\b|\brest(?:ing)?\b|\bbraces?\b"
        ),
    ),
    (
        _GENERIC_MEDICATION,
        re.compile(r"\bmedications?\b|\bmedicines?\b|\bmeds\b|\bpills?\b|\btablets?\b|\bdrugs\b"),
    ),
)
_NOTHING_TRIED = re.compile(
    r"^(?:no|nope|nah|none|nothing|never|not really|not yet|not much|not anything)\b"
    r"|\b(?:nothing|none)\b|\b(?:havent|hasnt|didnt|have not|has not|did not|not) "
    r"(?:tried|done|had|taken|used)\b"
)


def parse_treatments(text: str) -> list[str] | None:
    """Kinds of treatment tried, ["none"], or None when nothing recognisable is said.

    An antidepressant is reported as such, not also as "medication", which needs another
    medicine: "pills" alongside "cymbalta" are taken to be the cymbalta.
    """
    normal = _normalise(text)
    reported, denied = _find_terms(normal, _TREATMENTS)
    if _GENERIC_MEDICATION in reported and "antidepressant" not in reported:
        reported.add("medication")
    kinds = _in_order(reported, TREATMENT_ORDER)
    if kinds:
        return kinds
    if is_skip(text):
        return None
    return ["none"] if denied or _NOTHING_TRIED.search(normal) else None


# --- skip and yes/no -----------------------------------------------------------------------

_SKIP = re.compile(
    r"\bskip|^(?:pass|next)(?: (?:question|one|please))?$|\bmove on\b|\b(?:rather|prefer) not\b"
    r"|\b(?:dont|do not|cant|cannot|can not) (?:know|remember|recall|say)\b|\bnot sure\b"
    r"|\bunsure\b|\bno (?:idea|clue)\b|\bidk\b|\bdunno\b|\bn/a\b|\bnot applicable\b"
    r"|\bi forget\b|\bforgot\b"
)
_YES = re.compile(
    r"^(?:y|ye+s+|yeah?|yah|ya|yep|yup|sure|correct|right|absolutely|definitely|indeed"
    r"|certainly|of course|affirmative|true|thats (?:right|correct|true)|it (?:does|is|did)"
    r"|i (?:do|am|did|have)|uh huh)\b"
)
_NO = re.compile(
    r"^(?:n|no+|nope|nah|never|negative|false|not (?:really|at all|anymore|any more)"
    r"|it (?:doesnt|does not|isnt|is not|didnt|did not)"
    r"|i (?:dont|do not|didnt|did not|havent|have not|am not)|doesnt|dont)\b"
)


def _plain(text: str) -> str:
    """The normalised text without the punctuation around it."""
    return _normalise(text).strip(" .,!?;:")


def is_skip(text: str) -> bool:
    """Whether the visitor passes on the question or doesn't know.

    Also true when a value comes with the doubt ("not sure it was an mri"): callers try the
    value parsers first and use this only when they find nothing.
    """
    return bool(_SKIP.search(_plain(text)))


def parse_yes_no(text: str) -> bool | None:
    """A plain yes (True) or no (False), from its first words; None if neither or unsure."""
    plain = _plain(text)
    if is_skip(plain):
        return None
    if _YES.search(plain):
        return True
    return False if _NO.search(plain) else None
