"""How long the pain has lasted: counted lengths ("2 or 3 weeks"), vague ones ("for
months"), and lengths from a start ("since march", "since christmas")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.intake.answers.text import YEAR_NUMBER, Number, find_numbers, normalise, tokenise

ACUTE, SUBACUTE, CHRONIC = "acute", "subacute", "chronic"

DAY = 1 / 7
MONTH = 30.44 / 7
YEAR = 52.18


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
RANGE_WORDS = frozenset({"-", "to", "or", "and", "/"})
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
    weeks = _duration_weeks(normalise(text), today)
    if weeks is None:
        return None
    weeks = round(weeks, 2)
    return Duration(raw=text.strip(), weeks=weeks, category=duration_category(weeks))


def only_a_long_time(text: str, today: date) -> bool:
    """Whether the text says only that it has been a long time ("ages", "forever"), with
    no length or start a clinician could place: worth asking for a rough estimate."""
    normal = normalise(text)
    tokens = tokenise(normal)
    if _counted_weeks(tokens) is not None or _start_date(tokens, today) is not None:
        return False
    return bool(_VAGUE_LONG_TIME.search(normal))


def _duration_weeks(text: str, today: date) -> float | None:
    """Weeks from the surest reading: a count, then a start date, then vague words."""
    tokens = tokenise(text)
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


def length_spans(tokens: list[str]) -> list[_Span]:
    """Every counted length: an amount ("2", "a few", "half a") before a unit."""
    numbers = find_numbers(tokens)
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
    tokens: list[str], i: int, by_end: dict[int, Number]
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


def _upper_bound(tokens: list[str], number: Number, by_end: dict[int, Number]) -> tuple[float, int]:
    """A range ("2-3", "2 or 3", "between 2 and 3") counts as its upper bound."""
    low = by_end.get(number.start - 1)
    if low is None or tokens[number.start - 1] not in RANGE_WORDS:
        return number.value, number.start
    start = low.start - 1 if tokens[max(low.start - 1, 0)] == "between" else low.start
    return max(low.value, number.value), max(start, 0)


def _amount_after(
    tokens: list[str], i: int, count: float, by_start: dict[int, Number]
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
    for span in (span for span in length_spans(tokens) if not span.age):
        joined = last is not None and tokens[last.end : span.start] in ([], ["and"], [","])
        if last is not None and joined and span.unit < last.unit:
            totals[-1] += span.weeks
        else:
            totals.append(span.weeks)
        last = span
    return max(totals, default=None)


def _bare_unit_weeks(tokens: list[str]) -> float | None:
    """A rough length for a plural unit typed with no amount: "for months"."""
    counted = {i for span in length_spans(tokens) for i in range(span.start, span.end)}
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
    return int(tokens[i]) if i < len(tokens) and YEAR_NUMBER.fullmatch(tokens[i]) else None


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
        if YEAR_NUMBER.fullmatch(token) and int(token) <= today.year:
            middle = date(int(token), 7, 1)
            return middle if middle < today else date(int(token), 1, 1)
    return None


def _weekday_start(tokens: list[str], today: date) -> date | None:
    for token in tokens:
        if token in _WEEKDAYS:
            return today - timedelta(days=(today.weekday() - _WEEKDAYS[token]) % 7 or 7)
    return None
