"""Masking contact details: the lead's own, and those written in its conversation."""

from __future__ import annotations

import pytest

from bot.staff.masking import mask_contact_points, mask_email, mask_phone


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("ana.lopez@example.com", "a•••@example.com"),
        ("b@clinic.example", "b•••@clinic.example"),
        ("no-at-sign", "•••"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_email(email, masked):
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+15550123456", "••• ••56"),
        ("(312) 555-0142", "••• ••42"),
        ("7", "•••"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked
    assert "0123" not in mask_phone(phone)


@pytest.mark.parametrize(
    ("said", "hidden", "shown"),
    [
        ("call me on (312) 555-0142 please", "555-0142", "••• ••42"),
        ("my number is +1 312 555 0142", "555 0142", "••• ••42"),
        ("email ana.lopez@example.com thanks", "ana.lopez@", "a•••@example.com"),
        ("it's jess@example,com", "jess@", "j•••@example,com"),
        ("312 555 01 is my cell", "555 01", "•••"),  # not a valid number, still hidden
    ],
)
def test_contact_points_in_a_message_are_masked(said, hidden, shown):
    masked = mask_contact_points(said, "US")
    assert hidden not in masked
    assert shown in masked


@pytest.mark.parametrize(
    "said",
    [
        "the pain is 7 out of 10 since 2019",
        "I tried 600 mg ibuprofen for 3 weeks",
        "",
    ],
)
def test_other_numbers_are_left_alone(said):
    assert mask_contact_points(said, "US") == said
