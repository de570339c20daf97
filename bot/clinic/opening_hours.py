"""The clinic's opening hours as times, for working out when the front desk can call.

The profile's ``hours`` is a sentence for visitors ("Monday to Friday, 8 am to 5 pm");
``opening_hours`` says the same for the code: each weekday's opening and closing time
in the clinic's time zone, one period a day, a day left out being closed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class OpeningHours:
    """``periods[weekday]`` (Monday 0) is (opens, closes), or None when closed."""

    periods: tuple[tuple[time, time] | None, ...]

    def on(self, weekday: int) -> tuple[time, time] | None:
        return self.periods[weekday]

    @property
    def ever_open(self) -> bool:
        return any(self.periods)


def _time(hour: str, minute: str, text: str) -> time:
    try:
        return time(int(hour), int(minute))
    except ValueError:
        raise ValueError(f"{text!r} is not a time of day") from None


def parse_period(text: str) -> tuple[time, time]:
    """ "08:00-17:00" -> (08:00, 17:00); closing must come after opening."""
    match = _PERIOD.match(text or "")
    if not match:
        raise ValueError(f"{text!r}: write opening hours as HH:MM-HH:MM, e.g. 08:00-17:00")
    opens = _time(match[1], match[2], text)
    closes = _time(match[3], match[4], text)
    if closes <= opens:
        raise ValueError(f"{text!r}: the clinic must close after it opens, on the same day")
    return opens, closes


def parse_opening_hours(raw: Mapping[str, str]) -> OpeningHours:
    """Weekday names (any case) to "HH:MM-HH:MM"; unknown days are an error."""
    by_day = {str(day).strip().lower(): period for day, period in raw.items()}
    unknown = sorted(set(by_day) - set(WEEKDAYS))
    if unknown:
        raise ValueError(f"unknown weekday(s) {', '.join(unknown)}: use {', '.join(WEEKDAYS)}")
    periods = tuple(parse_period(str(by_day[day])) if day in by_day else None for day in WEEKDAYS)
    return OpeningHours(periods)
