"""The intake actions on real rasa-sdk Trackers: events and responses they produce."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.intake import (
    INTAKE_SLOTS,
    ActionAskIntakeConfirmed,
    ActionEndIntake,
    ActionOfferIntake,
    ActionRouteReview,
    ActionStartIntake,
    ValidateIntakeForm,
    answers_said,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain():
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def tracker(text="", intent="inform", requested=None, active=True, **slots):
    values = {slot: None for slot in INTAKE_SLOTS}
    values.update({"in_crisis": False, "intake_status": None, "requested_slot": requested})
    values.update(slots)
    return Tracker(
        sender_id="visitor",
        slots=values,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "intake_form"} if active else {},
        latest_action_name="action_listen",
    )


def run(action, t, domain):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, domain))
    return events, [m.get("response") for m in dispatcher.messages]


def slots_of(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_activation_prefills_and_requests_the_first_open_question(domain):
    events, responses = run(
        ValidateIntakeForm(),
        tracker("sciatic pain running down my right calf", "describe_symptoms"),
        domain,
    )
    slots = slots_of(events)
    assert slots["condition"] == ["sciatica"]
    assert slots["below_knee"] is True
    assert slots["requested_slot"] == "pain_location"
    assert "Condition: sciatica." in slots["intake_summary"]
    assert responses == []


def test_an_answer_moves_to_the_next_question_that_applies(domain):
    events, _ = run(
        ValidateIntakeForm(),
        tracker(
            "no, it stays in my back",
            "deny",
            requested="pain_radiates",
            pain_location=["lower_back"],
            condition=["back_pain"],
        ),
        domain,
    )
    slots = slots_of(events)
    assert slots["pain_radiates"] == ["none"]
    assert slots["requested_slot"] == "pain_duration"  # below_knee does not apply


def test_nonsense_is_re_asked_without_moving_on(domain):
    answered = {
        "pain_location": ["neck"],
        "condition": ["neck_pain"],
        "pain_radiates": ["none"],
        "pain_duration": "2 weeks",
    }
    events, responses = run(
        ValidateIntakeForm(), tracker("banana", requested="pain_score", **answered), domain
    )
    assert responses == ["utter_intake_help_pain_score"]
    assert SlotSet("pain_score", None) in events
    assert slots_of(events)["requested_slot"] == "pain_score"


def test_a_question_is_declined_so_that_rasa_rejects_the_form(domain):
    events, responses = run(
        ValidateIntakeForm(),
        tracker("is cymbalta addictive?", "faq", requested="pain_score"),
        domain,
    )
    assert [e for e in events if e["name"] != "requested_slot"] == []
    assert responses == []


def test_confirming_the_summary_ends_the_form(domain):
    filled = {
        "pain_location": ["neck"],
        "condition": ["neck_pain"],
        "pain_radiates": ["none"],
        "pain_duration": "2 weeks",
        "duration_category": "acute",
        "pain_score": 4,
        "neuro_symptoms": ["none"],
        "imaging": ["none"],
        "treatments": ["none"],
    }
    events, _ = run(
        ValidateIntakeForm(),
        tracker("/affirm", "affirm", requested="intake_confirmed", **filled),
        domain,
    )
    slots = slots_of(events)
    assert slots["intake_confirmed"] is True
    assert slots["requested_slot"] is None


def test_the_summary_is_not_repeated_right_after_asking_what_to_change(domain):
    ask = ActionAskIntakeConfirmed()
    assert run(ask, tracker(intake_awaiting_change=False), domain) == (
        [],
        ["utter_ask_intake_confirmed"],
    )
    assert run(ask, tracker(intake_awaiting_change=True), domain) == ([], [])


def test_the_offer_is_made_once_and_never_after_a_crisis(domain):
    events, responses = run(ActionOfferIntake(), tracker(active=False), domain)
    assert responses == ["utter_offer_intake"]
    assert events == [SlotSet("intake_status", "offered")]
    assert run(ActionOfferIntake(), tracker(active=False, intake_status="offered"), domain) == (
        [],
        [],
    )
    assert run(ActionOfferIntake(), tracker(active=False, in_crisis=True), domain) == ([], [])


def test_starting_again_asks_for_confirmation_again(domain):
    events, _ = run(ActionStartIntake(), tracker(active=False, intake_confirmed=True), domain)
    assert events == [SlotSet("intake_status", "started"), SlotSet("intake_confirmed", None)]


def test_a_completed_intake_keeps_its_answers(domain):
    events, _ = run(ActionEndIntake(), tracker(intake_confirmed=True, pain_score=5), domain)
    assert events == [SlotSet("intake_status", "completed")]


def test_a_stopped_intake_clears_its_answers(domain):
    events, _ = run(ActionEndIntake(), tracker(pain_score=5, pain_location=["neck"]), domain)
    slots = slots_of(events)
    assert slots.pop("intake_status") == "stopped"
    assert set(slots) == set(INTAKE_SLOTS)
    assert all(value is None for value in slots.values())


def test_every_response_the_form_names_exists(domain):
    from bot.devtools.data_check import responses_named_in_code

    named = responses_named_in_code(ROOT)
    assert named, "the scan found no responses"
    responses = set(domain["responses"])
    # a retrieval intent's responses are named by their prefix: utter_faq/<topic>
    retrieval = {name.split("/", 1)[0] for name in responses if "/" in name}
    assert named <= responses | retrieval, named - responses - retrieval


def test_a_review_before_the_intake_is_routed_to_its_questions(domain):
    route = ActionRouteReview()
    events, responses = run(route, tracker("please check my mri", "request_review"), domain)
    assert (events, responses) == ([SlotSet("review_intake_first", True)], [])
    done = tracker("please check my mri", "request_review", intake_status="completed")
    assert run(route, done, domain)[0] == [SlotSet("review_intake_first", False)]


def test_a_visitor_who_asked_for_the_review_is_told_it_follows(domain):
    t = tracker("lower back 2 months, pain 5, mri in may, can i book a review", active=False)
    _, responses = run(ActionStartIntake(), t, domain)
    assert responses == ["utter_intake_review_after"]
    _, responses = run(ActionStartIntake(), tracker("lower back 2 months", active=False), domain)
    assert responses == []


def test_the_answers_of_a_message_that_leaves_for_the_contact_form_are_recorded():
    slots = {
        e["name"]: e["value"]
        for e in answers_said(tracker("about 3 weeks in my neck, can i book a review"))
    }
    assert slots["pain_location"] == ["neck"]
    assert slots["duration_category"] == "acute"
    assert "Where: neck" in slots["intake_summary"]
    assert answers_said(tracker("/request_review", "request_review")) == []
