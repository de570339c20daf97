"""The readers of requests for the scan review, a call back, a booking's state and
contact details (bot/clinic/booking_talk.py)."""

from __future__ import annotations

import pytest

from bot.clinic.booking_talk import (
    asks_about_the_booking,
    asks_for_callback,
    asks_for_review,
    asks_to_leave,
    find_reference,
    gives_contact_point,
    recalls_a_booking,
    refers_to_a_booking,
)


@pytest.mark.parametrize(
    "text",
    [
        "lumbar mri from june, pain 7, would a specialist read the images? id like to book",
        "could i have my ct scan reviewed please",
        "i want the doctor to see my mri",
        "book me in for the review",
        "id love to make an appointment",
        "what times do you have free",
        "any openings next month?",
    ],
)
def test_a_request_for_the_review(text):
    assert asks_for_review(text)


@pytest.mark.parametrize(
    "text",
    [
        "had an mri in june, tried physio",
        "the surgeon reviewed my mri last week",
        "i really dont want to book anything yet",
        "please cancel my appointment",
        "can i move my booking to friday",
        "what times are you open",
        "lower back, 4 months, pain 5",
    ],
)
def test_no_request_for_the_review(text):
    assert not asks_for_review(text)


def test_a_request_for_a_call_back():
    assert asks_for_callback("ring me back on 773 555 0100 when you can")
    assert asks_for_callback("could you get someone to phone me about my neck")
    assert not asks_for_callback("Sam Ortiz, 773 555 0100, call me after 3")
    assert not asks_for_callback("dont call me back, email is better")


@pytest.mark.parametrize(
    "text",
    [
        "so is the review still on?",
        "is it really cancelled now",
        "it's cancelled then?",
        "is my review confirmed",
        "what day am i booked for",
        "whats my ref again",
        "do i have an appointment",
    ],
)
def test_a_question_about_the_booking(text):
    assert asks_about_the_booking(text)


@pytest.mark.parametrize(
    "text",
    [
        "is it ok to stay on duloxetine",
        "is it on the list of side effects",
        "is it safe",
        "the mri, its booked for next week",
    ],
)
def test_no_question_about_the_booking(text):
    assert not asks_about_the_booking(text)


def test_a_booking_mentioned():
    assert refers_to_a_booking("my husband booked it over the phone")
    assert not refers_to_a_booking("my back hurts when i sit")


@pytest.mark.parametrize(
    "text",
    [
        "Dana Whitlock 312 555 0177",
        "+44 20 7946 0958 please",
        "dana@example.org",
        "write to me (dana@example.org) please",
        "x@dana@example.org",
    ],
)
def test_contact_details_given(text):
    assert gives_contact_point(text)


@pytest.mark.parametrize(
    "text", ["mri on 12/03/2024", "l4-l5, pain 6, 3 months", "call me", "½" * 2000, "a@b"]
)
def test_no_contact_details_given(text):
    assert not gives_contact_point(text)


def test_leaving_the_intake_takes_a_request_in_so_many_words():
    assert asks_to_leave("can the specialist go over my scan")
    assert asks_to_leave("have somebody call me")
    assert not asks_to_leave("about 3 months now")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("my reference is ABCD2345", "ABCD2345"),
        ("ref abcd 2345 please", "ABCD2345"),
        ("it's ABCD-2345", "ABCD2345"),
        ("ABCD0345", None),  # 0 is not in the alphabet
        ("call me on 3125550142", None),
        ("", None),
    ],
)
def test_a_reference_is_read_from_a_message(text, found):
    assert find_reference(text) == found


@pytest.mark.parametrize(
    ("text", "recalls"),
    [
        ("change my booking ABCD2345, my email is name@example.com", True),
        ("cancel K7MP3QX9 312 555 0142", True),
        ("ref K7MP 3QX9 ana@example.com", True),
        ("call me thursday at ana@example.com", False),  # THURSDAY is no booking
        ("my booking ABCD2345", False),  # no contact to check it with
        ("my email is name@example.com", False),
    ],
)
def test_a_booking_made_elsewhere_is_named_by_reference_and_contact(text, recalls):
    assert recalls_a_booking(text) is recalls
