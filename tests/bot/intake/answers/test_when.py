import pytest

from bot.intake.answers.when import parse_when, point_in_time


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("MRI last year", "last year"),
        ("an mri in march", "in march"),
        ("An MRI in March", "in March"),
        ("had a ct 2 weeks ago", "2 weeks ago"),
        ("mri two years ago", "two years ago"),
        ("about 6 months ago", "about 6 months ago"),
        ("a year and a half ago", "a year and a half ago"),
        ("in 2024", "in 2024"),
        ("back in 2019", "back in 2019"),
        ("last month", "last month"),
        ("earlier this year", "earlier this year"),
        ("yesterday", "yesterday"),
        ("a few years back", "a few years back"),
        ("a while ago", "a while ago"),
        ("january 2025", "january 2025"),
        ("in may 2024", "in may 2024"),
        ("late march", "late march"),
        ("march 3rd, 2025", "march 3rd, 2025"),
        ("over the summer", "over the summer"),
        ("in the last 2 weeks", "in the last 2 weeks"),
        ("recently", "recently"),
        ("  about   6 months ago ", "about 6 months ago"),
        ("2 years", "2 years"),
    ],
)
def test_when(text, when):
    assert parse_when(text) == when


@pytest.mark.parametrize("text", ["mri", "asdf", "", "i may have had one", "yes"])
def test_no_when(text):
    assert parse_when(text) is None


@pytest.mark.parametrize(
    ("text", "when"),
    [("the last one in 2021", "in 2021"), ("back in may", "back in may"), ("for 2 years", None)],
)
def test_point_in_time_is_a_date_not_a_length(text, when):
    assert point_in_time(text) == when
