from datetime import date

import pytest

from bot.intake.answers.durations import (
    ACUTE,
    CHRONIC,
    SUBACUTE,
    Duration,
    duration_category,
    only_a_long_time,
    parse_duration,
)

TODAY = date(2026, 11, 27)  # a Friday, the day after Thanksgiving


def weeks_since(start, today=TODAY):
    return round((today - start).days / 7, 2)


@pytest.mark.parametrize(
    ("weeks", "category"),
    [
        (0.0, ACUTE),
        (5.99, ACUTE),
        (6.0, SUBACUTE),
        (12.0, SUBACUTE),
        (12.01, CHRONIC),
        (52.18, CHRONIC),
    ],
)
def test_duration_category_boundaries(weeks, category):
    assert duration_category(weeks) == category


@pytest.mark.parametrize(
    ("text", "weeks", "category"),
    [
        ("3 months", 13.05, CHRONIC),
        ("three months", 13.05, CHRONIC),
        ("3months", 13.05, CHRONIC),
        ("3 m", 13.05, CHRONIC),
        ("2 yrs", 104.36, CHRONIC),
        ("6 wks", 6.0, SUBACUTE),
        ("10 days", 1.43, ACUTE),
        ("1 week", 1.0, ACUTE),
        ("a year", 52.18, CHRONIC),
        ("an hour", 0.01, ACUTE),
        ("18 months", 78.27, CHRONIC),
        ("1.5 years", 78.27, CHRONIC),
        ("one and a half years", 78.27, CHRONIC),
        ("a year and a half", 78.27, CHRONIC),
        ("half a year", 26.09, CHRONIC),
        ("2-3 weeks", 3.0, ACUTE),
        ("2 or 3 weeks", 3.0, ACUTE),
        ("between 2 and 3 weeks", 3.0, ACUTE),
        ("a week or two", 2.0, ACUTE),
        ("about 4 months", 17.39, CHRONIC),
        ("over a year", 52.18, CHRONIC),
        ("more than 2 years", 104.36, CHRONIC),
        ("almost 3 months", 13.05, CHRONIC),
        ("for the past 5 weeks", 5.0, ACUTE),
        ("for 2 months now", 8.7, SUBACUTE),
        ("since 3 weeks", 3.0, ACUTE),
        ("started 2 weeks ago", 2.0, ACUTE),
        ("1 year and 3 months", 65.23, CHRONIC),
        ("twenty five years", 1304.5, CHRONIC),
        ("twenty-five years", 1304.5, CHRONIC),
        ("thirty days", 4.29, ACUTE),
        ("a fortnight", 2.0, ACUTE),
        ("8 weeks", 8.0, SUBACUTE),
        ("exactly 12 weeks", 12.0, SUBACUTE),
        ("13 weeks", 13.0, CHRONIC),
        ("6 weeks", 6.0, SUBACUTE),
        ("6 Weeks", 6.0, SUBACUTE),
    ],
)
def test_counted_durations(text, weeks, category):
    assert parse_duration(text, TODAY) == Duration(text, weeks, category)


@pytest.mark.parametrize(
    ("text", "weeks", "category"),
    [
        ("a couple of weeks", 2.0, ACUTE),
        ("couple weeks", 2.0, ACUTE),
        ("a few days", 0.43, ACUTE),
        ("few months", 13.05, CHRONIC),
        ("several weeks", 4.0, ACUTE),
        ("many years", 156.54, CHRONIC),
        ("a long time", 52.18, CHRONIC),
        ("forever", 52.18, CHRONIC),
        ("ages", 52.18, CHRONIC),
        ("for ages now", 52.18, CHRONIC),
        ("years", 104.36, CHRONIC),
        ("for years", 104.36, CHRONIC),
        ("months", 9.0, SUBACUTE),
        ("for months now", 9.0, SUBACUTE),
        ("weeks", 3.0, ACUTE),
        ("days", 0.5, ACUTE),
        ("today", 0.1, ACUTE),
        ("this morning", 0.1, ACUTE),
        ("since this morning", 0.1, ACUTE),
        ("just started", 0.1, ACUTE),
    ],
)
def test_vague_durations(text, weeks, category):
    assert parse_duration(text, TODAY) == Duration(text, weeks, category)


@pytest.mark.parametrize(
    ("text", "start", "category"),
    [
        ("since yesterday", date(2026, 11, 26), ACUTE),
        ("last night", date(2026, 11, 26), ACUTE),
        ("the day before yesterday", date(2026, 11, 25), ACUTE),
        ("since monday", date(2026, 11, 23), ACUTE),
        ("since the weekend", date(2026, 11, 21), ACUTE),
        ("since thanksgiving", date(2026, 11, 26), ACUTE),
        ("since last summer", date(2026, 7, 15), CHRONIC),
        ("since summer", date(2026, 7, 15), CHRONIC),
        ("since i had a fall last summer", date(2026, 7, 15), CHRONIC),
        ("last winter", date(2026, 1, 15), CHRONIC),
        ("since last spring", date(2026, 4, 15), CHRONIC),
        ("since the fall", date(2026, 10, 15), SUBACUTE),
        # fall is still going on in late November: "last fall" is the previous one
        ("since last fall", date(2025, 10, 15), CHRONIC),
        ("last autumn", date(2025, 10, 15), CHRONIC),
        ("since march", date(2026, 3, 15), CHRONIC),
        ("since March 2025", date(2025, 3, 15), CHRONIC),
        ("since late march", date(2026, 3, 25), CHRONIC),
        ("since march 3rd", date(2026, 3, 3), CHRONIC),
        ("since november", date(2026, 11, 15), ACUTE),
        ("since december", date(2025, 12, 15), CHRONIC),
        ("since the accident in may", date(2026, 5, 15), CHRONIC),
        ("since 2023", date(2023, 7, 1), CHRONIC),
        ("since 2026", date(2026, 7, 1), CHRONIC),
        ("since christmas", date(2025, 12, 25), CHRONIC),
        ("since new year", date(2026, 1, 1), CHRONIC),
        ("since New Year's", date(2026, 1, 1), CHRONIC),
    ],
)
def test_durations_from_a_start(text, start, category):
    assert parse_duration(text, TODAY) == Duration(text, weeks_since(start), category)


@pytest.mark.parametrize(
    ("text", "weeks", "category"),
    [
        ("since last week", 1.0, ACUTE),
        ("since last month", 4.35, ACUTE),
        ("since last year", 52.18, CHRONIC),
    ],
)
def test_last_unit_counts_one_unit(text, weeks, category):
    assert parse_duration(text, TODAY) == Duration(text, weeks, category)


@pytest.mark.parametrize(
    ("text", "today", "start"),
    [
        ("since summer", date(2026, 8, 1), date(2026, 7, 15)),
        ("since last summer", date(2026, 8, 1), date(2025, 7, 15)),
        ("since last summer", date(2026, 7, 1), date(2025, 7, 15)),
        ("since last march", date(2026, 3, 20), date(2025, 3, 15)),
        ("since march", date(2026, 3, 20), date(2026, 3, 15)),
        ("since march", date(2026, 3, 10), date(2025, 3, 15)),
        ("since last winter", date(2027, 1, 20), date(2026, 1, 15)),
    ],
)
def test_seasons_and_months_depend_on_today(text, today, start):
    found = parse_duration(text, today)
    assert found is not None
    assert found.weeks == weeks_since(start, today)


def test_raw_keeps_the_visitors_words_stripped():
    found = parse_duration("  About 4 Months \n", TODAY)
    assert found == Duration("About 4 Months", 17.39, CHRONIC)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "asdfgh",
        "it hurts",
        "bad",
        "since i was 20",
        "i was 20 years old when it started",
        "i may have hurt it",
        "since my fall",
        "dont know",
        "since march 2027",
    ],
)
def test_no_duration(text):
    assert parse_duration(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "vague"),
    [
        ("ages", True),
        ("for a long time now", True),
        ("forever honestly", True),
        ("ages, maybe 2 years", False),
        ("since last spring", False),
        ("since childhood", False),
        ("3 weeks", False),
    ],
)
def test_only_a_long_time(text, vague):
    assert only_a_long_time(text, TODAY) is vague
