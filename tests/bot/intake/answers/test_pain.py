import pytest

from bot.intake.answers.pain import pain_score_out_of_range, parse_pain_score


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("7", 7),
        ("7/10", 7),
        ("7 out of 10", 7),
        ("7ish", 7),
        ("about a 6", 6),
        ("seven", 7),
        ("Seven", 7),
        ("its an 8", 8),
        ("it's an 8", 8),
        ("8 today", 8),
        ("0", 0),
        ("zero", 0),
        ("no pain right now", 0),
        ("ten", 10),
        ("10", 10),
        ("10/10", 10),
        ("6 or 7", 7),
        ("6-7", 7),
        ("6 - 7", 7),
        ("between 6 and 7", 7),
        ("6 or 7 out of 10", 7),
        ("6.5", 7),
        ("5.4", 5),
        ("a 7 for 3 weeks", 7),
        ("8 out of 10 for 2 weeks", 8),
        ("since 2023 its a 6", 6),
    ],
)
def test_pain_scores(text, score):
    assert parse_pain_score(text) == score
    assert pain_score_out_of_range(text) is False


@pytest.mark.parametrize("text", ["11", "15", "-2", "100", "twenty", "minus 3", "10.5", "9-11"])
def test_pain_scores_off_the_scale(text):
    assert parse_pain_score(text) is None
    assert pain_score_out_of_range(text) is True


@pytest.mark.parametrize(
    "text", ["bad", "a lot", "asdf", "", "3 weeks", "for 2 years", "10 days", "out of 10"]
)
def test_no_pain_score(text):
    assert parse_pain_score(text) is None
    assert pain_score_out_of_range(text) is False


@pytest.mark.parametrize("text", ["skip this one", "next one please", "which one do you mean"])
def test_the_pronoun_one_is_no_pain_score(text):
    assert parse_pain_score(text) is None


@pytest.mark.parametrize(("text", "score"), [("one", 1), ("about one", 1), ("one or two", 2)])
def test_one_as_a_number_is_still_a_score(text, score):
    assert parse_pain_score(text) == score
