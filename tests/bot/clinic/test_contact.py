"""Contact details found in what visitors type, validated and normalised."""

from __future__ import annotations

import pytest

from bot.clinic.contact import (
    find_email,
    find_phone,
    looks_like_email,
    parse_contact_method,
    parse_contact_time,
    without_contact_points,
)


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("ana.lopez@Example.COM", "ana.lopez@example.com"),
        ("sorry, my email is joe+back@mail.example.org.", "joe+back@mail.example.org"),
        ("it's <sam@example.net>", "sam@example.net"),
    ],
)
def test_emails_are_found_and_normalised(text, email):
    assert find_email(text) == email


@pytest.mark.parametrize("text", ["ana@", "ana@example", "no email", "a b@c"])
def test_invalid_emails_are_not_accepted(text):
    assert find_email(text) is None


def test_a_broken_address_still_looks_like_one():
    assert looks_like_email("ana@example") and not looks_like_email("my name is ana")


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("(312) 555-0142", "+13125550142"),
        ("312.555.0142", "+13125550142"),
        ("sorry my number is 312-555-0142 not the other one", "+13125550142"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_numbers_are_found_in_e164(text, e164):
    assert find_phone(text, "US") == e164


@pytest.mark.parametrize("text", ["12345", "555-0142", "(555) 010-0177", "call me"])
def test_invalid_numbers_are_not_accepted(text):
    assert find_phone(text, "US") is None


def test_the_default_region_is_configurable():
    assert find_phone("020 7946 0958", "GB") == "+442079460958"
    assert find_phone("020 7946 0958", "US") is None


@pytest.mark.parametrize(
    ("text", "method"),
    [("a call is best", "call"), ("text me", "text"), ("email please", "email"), ("dunno", None)],
)
def test_contact_methods(text, method):
    assert parse_contact_method(text) == method


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("mornings", "morning"),
        ("after lunch", "afternoon"),
        ("after work", "evening"),
        ("any time", "any"),
        ("tuesday", None),
    ],
)
def test_contact_times(text, time):
    assert parse_contact_time(text) == time


def test_ways_of_contact_asked_for_and_refused():
    from bot.clinic.contact import parse_contact_method, stated_methods

    assert stated_methods("no texts please, ring me instead") == (["call"], {"text"})
    assert stated_methods("mail is fine, i never pick up the phone") == (["email"], {"call"})
    # a label of the detail given is not a preference
    assert stated_methods("mobile 415 555 0100, email wen@example.org") == ([], set())
    assert parse_contact_method("call or text, either") is None


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("after 4pm suits", "afternoon"),
        ("before 11 if you can", "morning"),
        ("any weekday evening", "evening"),
        ("at 9 am", "morning"),
        ("whenever", "any"),
        ("for 6 weeks now", None),
    ],
)
def test_times_of_day_from_hours_and_words(text, time):
    from bot.clinic.contact import parse_contact_time

    assert parse_contact_time(text) == time


def test_a_bad_number_is_an_attempt_and_a_good_one_is_not():
    from bot.clinic.contact import phone_attempt

    assert phone_attempt("its 415 55 01", "US")
    assert phone_attempt("800-FLOWERS", "US")
    assert not phone_attempt("415 555 0100", "US")
    assert not phone_attempt("pain for 3 weeks", "US")


def test_a_mistyped_address_leaves_nothing_to_read_as_a_name():
    assert "com" not in without_contact_points("jess.t@example,com", "US")
    assert "Comfort" in without_contact_points("ana@example.com, Comfort", "US")
