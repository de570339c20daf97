"""Roughly when something happened (a scan, a treatment), in the visitor's words."""

from __future__ import annotations

import re

from bot.intake.answers.text import NUMBER_WORDS

_W_QUALIFIER = (
    r"(?:about|around|roughly|approximately|approx|almost|nearly|maybe|probably|just over"
    r"|just under|over|under|more than|less than|at least)"
)
_W_NUMBER = rf"(?:(?:{NUMBER_WORDS})(?:[\s-]+(?:{NUMBER_WORDS}))?)"
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
