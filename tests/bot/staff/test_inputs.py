"""The one check of typed numbers and dates (pure logic: no database needed)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.staff.inputs import MAX_ID, InputError, day, plain_text, record_id, whole_number


@pytest.mark.parametrize("text", ["1", " 42 ", str(MAX_ID)])
def test_record_ids_the_database_can_hold(text):
    assert record_id(text) == int(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0",
        "-1",
        "+5",
        "1.0",
        "1e3",
        "abc",
        "²",  # str.isdigit() says yes, int() says no
        "٣",  # int() reads it, the URL never should
        str(MAX_ID + 1),  # PostgreSQL's INTEGER ends here
        str(2**63),
        "9" * 5000,  # longer than int() converts by default
        "0" * 11 + "7",
    ],
)
def test_anything_else_is_refused_with_the_reason(text):
    with pytest.raises(InputError, match=f"the lead must be a whole number from 1 to {MAX_ID}"):
        record_id(text, "the lead")


def test_whole_numbers_within_bounds():
    assert whole_number("52", "weeks", 1, 52) == 52
    with pytest.raises(InputError, match="weeks must be a whole number from 1 to 52"):
        whole_number("53", "weeks", 1, 52)
    assert isinstance(InputError("x"), ValueError)  # callers that catch ValueError see it


@pytest.mark.parametrize("text", ["2026-11-27", " 2000-01-01", "2999-12-31 "])
def test_days_in_range(text):
    assert day(text, "from") == date.fromisoformat(text.strip())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("9999-12-31", "from must be a date from 2000-01-01 to 2999-12-31"),
        ("0001-01-01", "from must be a date from 2000-01-01 to 2999-12-31"),
        ("1999-12-31", "from must be a date from 2000-01-01 to 2999-12-31"),
        ("2026-02-30", "from must be a date like 2026-11-27"),
        ("27/11/2026", "from must be a date like 2026-11-27"),
        ("", "from must be a date like 2026-11-27"),
    ],
)
def test_out_of_range_and_malformed_days_are_refused(text, reason):
    with pytest.raises(InputError, match=reason):
        day(text, "from")


def test_plain_text_drops_nul_characters_only():
    assert plain_text("Ana\x00 Lopez\t\n") == "Ana Lopez\t\n"
