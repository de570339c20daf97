"""The pipeline step that reads requests for the clinic's details as human_handoff."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT

from bot.nlu.clinic_question import ClinicQuestion
from tests.bot.nlu.ranked_messages import parsed


def intent_after(message):
    ClinicQuestion().process([message])
    return message.get(INTENT)["name"]


def test_a_request_for_the_number_mistaken_for_a_callback_becomes_a_hand_off():
    assert intent_after(parsed("number pls?", "request_callback", "faq")) == "human_handoff"


def test_the_visitors_own_number_stays_with_the_contact_form():
    message = parsed("my number is 555 201 7788", "update_contact", "human_handoff")
    assert intent_after(message) == "update_contact"


def test_an_intake_answer_is_left_alone():
    assert intent_after(parsed("open", "inform", "human_handoff")) == "inform"


def test_a_complaint_of_not_getting_through_is_a_hand_off_whatever_was_predicted():
    message = parsed("rang all week and no one picked up", "crisis", "human_handoff")
    assert intent_after(message) == "human_handoff"


def test_a_hand_off_that_names_no_one_to_reach_gives_way_to_the_next_intent():
    assert intent_after(parsed("which of them is better", "human_handoff", "faq")) == "faq"


def test_a_pick_of_an_offered_time_is_not_a_hand_off():
    assert (
        intent_after(parsed("number two please", "human_handoff", "choose_slot")) == "choose_slot"
    )


def test_paperwork_is_for_the_team_whatever_was_predicted():
    message = parsed("its about some forms for my employer, nothing medical", "faq", "inform")
    assert intent_after(message) == "human_handoff"


def test_a_medicine_question_that_says_form_is_left_alone():
    message = parsed("does duloxetine come in liquid form", "faq", "human_handoff")
    assert intent_after(message) == "faq"
