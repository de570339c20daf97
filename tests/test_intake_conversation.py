"""The symptom intake with the real Rasa server and action server, over REST.

Each test is one visitor typing as visitors do; what they get back is checked against
domain.yml's responses, and the answers kept on the conversation against the tracker
store.
"""

from __future__ import annotations

import uuid

import pytest

from tests.live import expected, latest_slots, say
from tests.visitors import texts


@pytest.fixture
def visitor(servers, domain, clinic):
    """A fresh conversation: ``visitor(text)`` returns the replies' texts and buttons."""
    sender = uuid.uuid4().hex

    def send(text: str) -> list[dict]:
        return say(servers, sender, text)

    send.sender = sender
    send.response = lambda name: expected(domain, clinic, name)
    return send


def test_a_full_intake_from_a_description(servers, visitor):
    r = visitor.response
    first = visitor("sciatic pain running down my right calf")
    assert texts(first) == [r("utter_intake_start"), r("utter_ask_pain_location")]
    assert [b["title"] for b in first[1]["buttons"]] == ["Lower back", "Mid back", "Neck"]
    # condition, leg and below the knee came with the description: not asked again
    assert texts(visitor("lower back")) == [r("utter_ask_pain_duration")]
    assert texts(visitor("since last summer")) == [r("utter_ask_pain_score")]
    assert texts(visitor("about a 7")) == [r("utter_ask_neuro_symptoms")]
    assert texts(visitor("some tingling in my foot but no numbness")) == [r("utter_ask_imaging")]
    # "last year" answers the "when" question too
    assert texts(visitor("an mri last year")) == [r("utter_ask_treatments")]
    (summary,) = visitor("physio and cymbalta")
    assert summary["text"].startswith(
        "Here is what I noted: Where: lower back. Condition: sciatica."
    )
    assert "Spreads into: the right leg, below the knee." in summary["text"]
    assert "Scans: MRI (last year)." in summary["text"]
    assert [b["payload"] for b in summary["buttons"]] == ["/affirm", "/deny"]
    assert texts(visitor("/affirm")) == [r("utter_intake_done"), r("utter_ask_consent_given")]
    slots = latest_slots(servers, visitor.sender)
    assert slots["condition"] == ["sciatica"]
    assert slots["pain_location"] == ["lower_back"]
    assert slots["pain_duration"] == "since last summer"
    assert slots["duration_category"] == "chronic"
    assert slots["pain_score"] == 7
    assert slots["neuro_symptoms"] == ["tingling"]
    assert slots["imaging"] == ["mri"] and slots["imaging_when"] == "last year"
    assert slots["treatments"] == ["antidepressant", "physical_therapy"]
    assert slots["intake_status"] == "completed"
    assert not slots.get("emergency_raised") and not slots.get("urgent_raised")


def test_the_offer_after_an_answer_starts_the_intake(visitor):
    r = visitor.response
    replies = visitor("how long does duloxetine take to work")
    assert texts(replies)[-1] == r("utter_offer_intake")
    assert texts(visitor("/start_intake")) == [
        r("utter_intake_start"),
        r("utter_ask_pain_location"),
    ]


def test_skip_nonsense_and_a_question_mid_form(visitor):
    r = visitor.response
    # a generic "neck aches" says where, not whether a doctor named it
    assert texts(visitor("the back of my neck aches every day"))[-1] == r("utter_ask_condition")
    assert texts(visitor("/skip")) == [r("utter_ask_pain_radiates")]
    assert texts(visitor("no")) == [r("utter_ask_pain_duration")]
    assert texts(visitor("banana")) == [
        r("utter_intake_help_duration"),
        r("utter_ask_pain_duration"),
    ]
    assert texts(visitor("is cymbalta addictive?")) == [
        r("utter_faq/addictive"),
        r("utter_ask_pain_duration"),
    ]
    assert texts(visitor("a couple of weeks")) == [r("utter_ask_pain_score")]
    assert texts(visitor("15")) == [r("utter_intake_help_pain_range"), r("utter_ask_pain_score")]


def test_a_correction_mid_form_and_at_the_summary(servers, visitor):
    r = visitor.response
    visitor("my lower back has been aching for months")
    assert texts(visitor("not sure")) == [r("utter_ask_pain_radiates")]
    assert texts(visitor("actually it's my neck")) == [
        r("utter_intake_noted"),
        r("utter_ask_pain_radiates"),
    ]
    assert latest_slots(servers, visitor.sender)["pain_location"] == ["neck"]
    for answer in ["no", "8", "none of these", "no scans", "nothing yet"]:
        replies = visitor(answer)
    assert "Pain now: 8 out of 10." in replies[-1]["text"]
    assert texts(visitor("/deny")) == [r("utter_intake_ask_change")]
    (noted, summary) = visitor("pain is 6 not 8")
    assert noted["text"] == r("utter_intake_noted")
    assert "Pain now: 6 out of 10." in summary["text"]
    assert "Condition: neck pain, no name given." in summary["text"]
    assert texts(visitor("yes that's right")) == [
        r("utter_intake_done"),
        r("utter_ask_consent_given"),
    ]


def test_stop_ends_the_intake_politely_and_clears_it(servers, visitor):
    r = visitor.response
    visitor("my disc is bulging")
    visitor("lower back")
    assert texts(visitor("never mind")) == [r("utter_intake_stopped")]
    slots = latest_slots(servers, visitor.sender)
    assert slots["intake_status"] == "stopped"
    assert slots["condition"] is None and slots["pain_location"] is None


def test_an_emergency_mid_form_sends_to_911_and_asks_nothing_more(servers, visitor):
    r = visitor.response
    visitor("i have sciatica in my left leg")
    assert texts(visitor("lost feeling down there and can't hold my urine")) == [
        r("utter_emergency")
    ]
    assert latest_slots(servers, visitor.sender)["emergency_raised"] is True
    # the form is over: a later answer is not taken as the next question's
    assert r("utter_ask_pain_duration") not in texts(visitor("thanks"))


def test_a_crisis_mid_form_gives_988_and_no_more_intake_questions(visitor):
    r = visitor.response
    visitor("i have a pinched nerve in my neck")
    assert texts(visitor("i keep thinking everyone would be better off without me")) == [
        r("utter_crisis")
    ]
    # every later reply ends with the crisis line's reminder (bot/rasa_plugins/nlg.py
    # alarm_reminder)
    replies = texts(visitor("my lower back hurts all the time"))
    assert replies[0].startswith(r("utter_describe_ack"))
    assert r("utter_crisis_reminder") in "\n\n".join(replies)
    assert not any(r(f"utter_ask_{slot}") in replies for slot in ("pain_duration", "pain_score"))


def test_a_negated_symptom_mid_form_is_an_answer_not_an_alarm(servers, visitor):
    r = visitor.response
    visitor("i have sciatica")
    visitor("lower back")
    visitor("it goes down my leg")
    visitor("no")
    visitor("6 weeks")
    visitor("5")
    assert texts(visitor("no numbness, bladder and bowels are normal")) == [r("utter_ask_imaging")]
    slots = latest_slots(servers, visitor.sender)
    assert slots["neuro_symptoms"] == ["none"]
    assert not slots.get("emergency_raised") and not slots.get("urgent_raised")


def test_a_list_of_answers_starts_the_intake_with_all_of_them(servers, visitor):
    r = visitor.response
    replies = visitor(
        "mid back and left arm, pinched nerve, 4 months, pain 5, weakness in my grip, "
        "ct in may, tried gabapentin"
    )
    assert texts(replies)[0] == r("utter_intake_start")
    assert replies[-1]["text"].startswith("Here is what I noted: Where: mid back.")
    assert "Spreads into: the left arm." in replies[-1]["text"]
    assert "Scans: CT scan (in may)." in replies[-1]["text"]


def test_answers_ahead_of_the_question_are_kept_and_only_the_rest_asked(servers, visitor):
    r = visitor.response
    visitor("my lower back hurts")
    assert texts(visitor("for six weeks or so")) == [
        r("utter_intake_noted_other"),
        r("utter_ask_condition"),
    ]
    assert texts(visitor("3 out of 10")) == [
        r("utter_intake_noted_other"),
        r("utter_ask_pain_radiates"),
    ]  # asked once more, then left: the condition was skipped
    assert texts(visitor("xyzzy")) == [
        r("utter_intake_help_radiates"),
        r("utter_ask_pain_radiates"),
    ]
    assert texts(visitor("xyzzy")) == [r("utter_intake_moving_on"), r("utter_ask_neuro_symptoms")]
