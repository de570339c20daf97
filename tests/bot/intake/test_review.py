"""Whether a scan-review request begins with the intake or with consent and contact."""

from __future__ import annotations

import pytest

from bot.intake.review import intake_before_review


@pytest.mark.parametrize("status", [None, "offered"])
def test_a_review_asked_for_before_the_intake_starts_with_its_questions(status):
    assert intake_before_review("could the specialist look over my ct", status, False)


@pytest.mark.parametrize("status", ["started", "completed", "stopped"])
def test_after_the_intake_or_once_it_was_stopped_contact_comes_first(status):
    assert not intake_before_review("please check my mri", status, False)


@pytest.mark.parametrize(
    "text",
    [
        "can someone call me about my mri",
        "i want a call back about the scan",
        "just email me about a review",
        "please get in touch about my x-ray results",
    ],
)
def test_a_visitor_who_asks_to_be_contacted_gives_contact_first(text):
    assert not intake_before_review(text, None, False)


def test_never_questions_after_a_crisis():
    assert not intake_before_review("please check my mri", None, True)


@pytest.mark.parametrize(
    "text",
    ["i'd like to book a review of my mri", "can i get an appointment for the scan review"],
)
def test_a_visitor_who_asks_to_book_gets_the_booking_steps(text):
    assert not intake_before_review(text, None, False)
