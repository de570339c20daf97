"""Which of the clinic's facts a message asks for, and complaints of not getting through."""

from __future__ import annotations

import pytest

from bot.faq.clinic_facts import (
    asked_facts,
    asks_for_facts,
    complains_of_not_getting_through,
    mentions_reaching_someone,
    reach_clinic_responses,
)


def test_each_fact_asked_gets_its_answer_in_order():
    text = "what's your street address and when do you close"
    assert asked_facts(text) == ["address", "hours"]
    assert reach_clinic_responses(text) == ["utter_clinic_address", "utter_clinic_hours"]


def test_a_request_for_a_person_without_a_fact_gets_the_hand_off():
    assert reach_clinic_responses("put me through to somebody who works there") == [
        "utter_human_handoff"
    ]


@pytest.mark.parametrize(
    "text",
    ["address?", "tel number pls", "where's your office", "so can i have the number for them"],
)
def test_requests_for_the_clinics_details(text):
    assert asks_for_facts(text)


@pytest.mark.parametrize(
    "text",
    [
        "my number is 555 0199 8812",
        "please call me back on my mobile",
        "could the office email me instead? phone calls are hard at work",
        "number two please",
        "directions to the train station",
        "which phone has the best camera for the money",
    ],
)
def test_not_requests_for_the_clinics_details(text):
    assert not asks_for_facts(text)


@pytest.mark.parametrize(
    "text",
    [
        "tried phoning twice and nobody ever answered",
        "no one has called me back since tuesday",
        "your office never rang me back like they said",
    ],
)
def test_complaints_of_not_getting_through(text):
    assert complains_of_not_getting_through(text)


@pytest.mark.parametrize("text", ["nobody would notice if i was gone", "no one cares anymore"])
def test_despair_is_not_a_complaint_about_the_phones(text):
    assert not complains_of_not_getting_through(text)


def test_a_request_for_a_person_names_someone_or_a_way_to_reach_them():
    assert mentions_reaching_someone("get me the front desk")
    assert not mentions_reaching_someone("which of them works best")
