"""What a message says for the intake: named conditions versus described symptoms."""

from __future__ import annotations

import pytest

from bot.intake.mentions import mentions


@pytest.mark.parametrize(
    "text",
    [
        "the ache travels down my right leg into the foot",
        "pain running from my neck into my hand",
    ],
)
def test_where_the_pain_goes_is_no_diagnosis(text):
    said = mentions(text)
    assert said.conditions == ()
    assert said.limbs


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("sciatica all the way down my left leg", "sciatica"),
        ("a bulging disc in my lower back", "herniated_disc"),
    ],
)
def test_a_named_condition_is_kept(text, condition):
    assert condition in mentions(text).conditions


def test_a_condition_a_doctor_said_it_might_be_is_a_diagnosis():
    assert "sciatica" in mentions("my physio reckons it could be sciatica").conditions


def test_a_condition_the_visitor_only_wonders_about_is_not():
    assert mentions("could this be a slipped disc?").conditions == ()


@pytest.mark.parametrize(
    "text",
    ["a disc hernia and the pain goes to my left leg", "l5 disc hernias, pain down my leg"],
)
def test_a_placed_disc_name_is_not_also_sciatica(text):
    assert mentions(text).conditions == ("herniated_disc",)
