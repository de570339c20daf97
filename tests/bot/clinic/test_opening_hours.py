from __future__ import annotations

from datetime import time

import pytest

from bot.clinic.opening_hours import parse_opening_hours, parse_period


def test_days_left_out_are_closed():
    hours = parse_opening_hours({"Monday": "08:00-17:00", "saturday": " 9:00 - 12:30 "})
    assert hours.on(0) == (time(8), time(17))
    assert hours.on(5) == (time(9), time(12, 30))
    assert hours.on(1) is None and hours.on(6) is None
    assert hours.ever_open
    assert not parse_opening_hours({}).ever_open


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("8-5", "HH:MM-HH:MM"),
        ("08:00", "HH:MM-HH:MM"),
        ("25:00-26:00", "not a time of day"),
        ("08:70-17:00", "not a time of day"),
        ("17:00-08:00", "close after it opens"),
        ("09:00-09:00", "close after it opens"),
    ],
)
def test_a_bad_period_says_what_to_write(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_period(text)


def test_an_unknown_day_is_named():
    with pytest.raises(ValueError, match="unknown weekday.*funday"):
        parse_opening_hours({"funday": "08:00-17:00"})
