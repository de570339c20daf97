import pytest

from bot.intake.answers.yes_no import is_skip, parse_yes_no


@pytest.mark.parametrize(
    "text",
    [
        "skip",
        "Skip!",
        "skip it",
        "pass",
        "next",
        "next question",
        "rather not say",
        "i'd rather not say",
        "prefer not to say",
        "dont know",
        "don't know",
        "i don't know",
        "I don’t know",
        "idk",
        "not sure",
        "no idea",
        "cant remember",
        "can't remember",
        "dunno",
        "n/a",
        "N/A",
        # a value and a doubt: callers parse the value before asking is_skip
        "not sure it was an mri, maybe ct",
    ],
)
def test_skips(text):
    assert is_skip(text) is True


@pytest.mark.parametrize(
    "text", ["3 months", "no", "mri", "yes", "next week", "it will pass", "7", ""]
)
def test_real_answers_are_not_skips(text):
    assert is_skip(text) is False


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yes", True),
        ("Yes!", True),
        ("yesss", True),
        ("yeah", True),
        ("yep", True),
        ("yup", True),
        ("sure", True),
        ("correct", True),
        ("it does", True),
        ("right", True),
        ("y", True),
        ("Y", True),
        ("absolutely", True),
        ("definitely", True),
        ("yes it does", True),
        ("yes below the knee", True),
        ("no", False),
        ("Nope.", False),
        ("nope", False),
        ("nah", False),
        ("n", False),
        ("it doesn't", False),
        ("it doesnt", False),
        ("not really", False),
        ("no it stays", False),
        ("never", False),
        ("actually yes", True),
        ("Actually, yes you can keep my details", True),
        ("well no", False),
        ("ok, no not really", False),
    ],
)
def test_yes_no(text, answer):
    assert parse_yes_no(text) is answer


@pytest.mark.parametrize(
    "text", ["maybe", "not sure", "no idea", "i don't know", "asdf", "", "ok", "actually"]
)
def test_neither_yes_nor_no(text):
    assert parse_yes_no(text) is None
