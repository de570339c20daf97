"""The intake form's reading of messages: answers, skips, corrections, re-asks, declines."""

from __future__ import annotations

from datetime import date

import pytest

from bot.intake.form import (
    FORM_SLOTS,
    NONE,
    SKIPPED,
    looks_like_question,
    read_message,
    required_slots,
)

TODAY = date(2026, 11, 27)


def read(text, slot, intent="inform", **values):
    return read_message(text, intent, slot, values, TODAY)


# --- pre-filling from the message that starts the intake ---------------------------------


def test_the_opening_description_prefills_what_it_says():
    reading = read("sciatic pain running down my right calf", None, "describe_symptoms")
    assert reading.slots == {
        "condition": ["sciatica"],
        "pain_radiates": ["leg"],
        "below_knee": True,
    }
    assert reading.responses == []


def test_a_neck_description_gives_condition_and_location():
    reading = read("the back of my neck aches every day", None, "describe_symptoms")
    assert reading.slots["condition"] == ["neck_pain"]
    assert reading.slots["pain_location"] == ["neck"]


def test_a_duration_in_the_description_is_not_asked_again():
    reading = read("my lower back has hurt for 3 months", None, "describe_symptoms")
    assert reading.slots["pain_location"] == ["lower_back"]
    assert reading.slots["pain_duration"] == "for 3 months"
    assert reading.slots["duration_category"] == "chronic"


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("my lower back has been aching for months", "for months"),
        ("sciatica since last summer", "since last summer"),
        ("it started 2 months ago", "2 months ago"),
    ],
)
def test_a_duration_said_in_passing_keeps_its_phrase(text, phrase):
    assert read(text, None, "describe_symptoms").slots["pain_duration"] == phrase


def test_prefill_never_overwrites_an_answer():
    reading = read("my neck hurts", None, "start_intake", pain_location=["lower_back"])
    assert "pain_location" not in reading.slots


# --- which questions apply ----------------------------------------------------------------


def test_below_the_knee_is_asked_only_for_leg_pain():
    assert "below_knee" not in required_slots({"pain_radiates": ["arm"]})
    assert "below_knee" not in required_slots({"pain_radiates": SKIPPED})
    assert "below_knee" in required_slots({"pain_radiates": ["leg", "arm"]})


def test_when_is_asked_only_after_imaging():
    assert "imaging_when" not in required_slots({"imaging": [NONE]})
    assert "imaging_when" in required_slots({"imaging": ["mri"]})
    assert required_slots({"pain_radiates": ["leg"], "imaging": ["ct"]}) == list(FORM_SLOTS)


# --- answers to each question -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lower back", ["lower_back"]),
        ("Neck", ["neck"]),
        ("my neck and lower back", ["lower_back", "neck"]),
        ("between the shoulder blades", ["mid_back"]),
        ("all three", ["lower_back", "mid_back", "neck"]),
    ],
)
def test_location_answers(text, expected):
    assert read(text, "pain_location").slots["pain_location"] == expected


@pytest.mark.parametrize("text", ["asdfgh", "it hurts", "skip"])
def test_location_is_required_and_re_asked_helpfully(text):
    reading = read(text, "pain_location", "skip" if text == "skip" else "inform")
    assert reading.slots == {"pain_location": None}
    assert reading.responses == ["utter_intake_help_location"]


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("herniated disc", {}, ["herniated_disc"]),
        ("my doc said ddd", {}, ["degenerative_disc_disease"]),
        ("stenossis", {}, ["spinal_stenosis"]),
        ("not sure", {"pain_location": ["neck"]}, ["neck_pain"]),
        ("no", {"pain_location": ["lower_back", "neck"]}, ["back_pain", "neck_pain"]),
        ("they called it kyphosis", {}, ["other"]),
    ],
)
def test_condition_answers(text, values, expected):
    assert read(text, "condition", **values).slots["condition"] == expected


def test_nonsense_condition_is_re_asked():
    reading = read("blorp", "condition")
    assert reading.responses == ["utter_intake_help_condition"]
    assert reading.slots == {"condition": None}


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("it goes into my leg", "inform", ["leg"]),
        ("down my right arm to the fingers", "inform", ["arm"]),
        ("both", "inform", ["leg", "arm"]),
        ("no", "deny", [NONE]),
        ("it stays in my back", "inform", [NONE]),
        ("skip", "skip", SKIPPED),
    ],
)
def test_radiation_answers(text, intent, expected):
    assert read(text, "pain_radiates", intent).slots["pain_radiates"] == expected


def test_radiation_below_the_knee_is_kept_too():
    reading = read("all the way down to my foot", "pain_radiates")
    assert reading.slots["pain_radiates"] == ["leg"]
    assert reading.slots["below_knee"] is True


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("yes", "affirm", True),
        ("no", "deny", False),
        ("just to the thigh", "inform", False),
        ("into my calf", "inform", True),
        ("/skip", "skip", SKIPPED),
    ],
)
def test_below_knee_answers(text, intent, expected):
    assert read(text, "below_knee", intent).slots["below_knee"] == expected


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("3 months", "chronic"),
        ("a couple of weeks", "acute"),
        ("since last summer", "chronic"),
        ("under 6 weeks", "acute"),
        ("6 to 12 weeks", "subacute"),
        ("more than 3 months", "chronic"),
    ],
)
def test_duration_answers_keep_the_words_and_the_category(text, category):
    slots = read(text, "pain_duration").slots
    assert slots["pain_duration"] == text
    assert slots["duration_category"] == category


def test_duration_nonsense_is_re_asked_and_skip_is_kept():
    assert read("purple", "pain_duration").responses == ["utter_intake_help_duration"]
    assert read("skip", "pain_duration", "skip").slots == {
        "pain_duration": SKIPPED,
        "duration_category": SKIPPED,
    }


@pytest.mark.parametrize(("text", "score"), [("7", 7), ("about a 6", 6), ("eight", 8), ("0", 0)])
def test_pain_score_answers(text, score):
    assert read(text, "pain_score").slots["pain_score"] == score


def test_pain_score_out_of_range_says_the_scale():
    reading = read("11", "pain_score")
    assert reading.responses == ["utter_intake_help_pain_range"]
    assert reading.slots == {"pain_score": None}


def test_pain_score_words_are_re_asked():
    assert read("really bad", "pain_score").responses == ["utter_intake_help_pain_score"]


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("numbness and tingling", "inform", ["numbness", "tingling"]),
        ("tingling but no weakness", "inform", ["tingling"]),
        ("no numbness or tingling at all", "inform", [NONE]),
        ("none of these", "inform", [NONE]),
        ("nope", "deny", [NONE]),
    ],
)
def test_neuro_answers_respect_negation(text, intent, expected):
    assert read(text, "neuro_symptoms", intent).slots["neuro_symptoms"] == expected


def test_a_bare_yes_to_the_neuro_question_asks_which():
    assert read("yes", "neuro_symptoms", "affirm").responses == ["utter_intake_help_neuro"]


def test_imaging_with_a_time_fills_both_questions():
    slots = read("an mri last year", "imaging").slots
    assert slots["imaging"] == ["mri"]
    assert slots["imaging_when"] == "last year"


def test_imaging_none_and_unclear_scan():
    assert read("no scans", "imaging").slots["imaging"] == [NONE]
    assert read("i had a scan", "imaging").responses == ["utter_intake_help_imaging"]


def test_imaging_when_answers():
    assert read("about 6 months ago", "imaging_when").slots["imaging_when"] == "about 6 months ago"
    assert read("can't remember", "imaging_when", "skip").slots["imaging_when"] == SKIPPED
    assert read("blue", "imaging_when").responses == ["utter_intake_help_when"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ibuprofen and physical therapy", ["medication", "physical_therapy"]),
        ("cymbalta", ["antidepressant"]),
        ("an epidural and then surgery", ["injection", "surgery"]),
        ("nothing yet", [NONE]),
    ],
)
def test_treatment_answers(text, expected):
    assert read(text, "treatments").slots["treatments"] == expected


# --- corrections, questions, declines -------------------------------------------------------


def test_a_correction_mid_form_changes_the_earlier_answer_and_asks_again():
    reading = read(
        "actually it's my neck",
        "pain_duration",
        pain_location=["lower_back"],
        condition=["back_pain"],
    )
    assert reading.slots == {"pain_location": ["neck"], "condition": ["neck_pain"]}
    assert reading.responses == ["utter_intake_noted"]


def test_a_correction_keeps_a_named_condition():
    reading = read(
        "sorry, it's my neck",
        "pain_score",
        pain_location=["lower_back"],
        condition=["herniated_disc"],
    )
    assert reading.slots == {"pain_location": ["neck"]}


def test_also_adds_instead_of_replacing():
    reading = read(
        "it's in my neck too", "pain_score", pain_location=["lower_back"], condition=["sciatica"]
    )
    assert reading.slots["pain_location"] == ["lower_back", "neck"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("does duloxetine cause weight gain?", "faq"),
        ("how long does it take to work", "faq"),
        ("never mind", "stop"),
        ("i can't control my bladder", "emergency"),
        ("i want to die", "crisis"),
        ("can i talk to a person", "human_handoff"),
        ("are you a bot", "bot_challenge"),
    ],
)
def test_questions_stop_and_alarms_are_left_to_the_rules(text, intent):
    assert read(text, "pain_score", intent).declined


def test_an_answer_classified_as_a_question_is_still_read():
    assert read("a couple of weeks", "pain_duration", "faq").slots["duration_category"] == "acute"


def test_looks_like_question():
    assert looks_like_question("is it safe with tramadol?")
    assert looks_like_question("what about the side effects")
    assert not looks_like_question("3 months")


# --- the summary step -------------------------------------------------------------------------


def test_yes_confirms_the_summary():
    confirmed = {"intake_confirmed": True, "intake_awaiting_change": False}
    assert read("yes", "intake_confirmed", "affirm").slots == confirmed
    assert read("/affirm", "intake_confirmed", "affirm").slots == confirmed


def test_no_asks_what_to_change():
    reading = read("/deny", "intake_confirmed", "deny")
    assert reading.slots == {"intake_confirmed": None, "intake_awaiting_change": True}
    assert reading.responses == ["utter_intake_ask_change"]


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("pain is 6 not 8", {"pain_score": 8}, {"pain_score": 6}),
        (
            "it's my neck",
            {"pain_location": ["lower_back"], "condition": ["sciatica"]},
            {"pain_location": ["neck"]},
        ),
        (
            "I had an MRI in march",
            {"imaging": [NONE]},
            {"imaging": ["mri"], "imaging_when": "in march"},
        ),
        (
            "it started 2 months ago",
            {"pain_duration": "3 weeks"},
            {"duration_category": "subacute"},
        ),
    ],
)
def test_corrections_at_the_summary(text, values, expected):
    reading = read(text, "intake_confirmed", "inform", **values)
    assert reading.slots["intake_confirmed"] is None
    for slot, value in expected.items():
        assert reading.slots[slot] == value
    assert reading.responses == ["utter_intake_noted"]


def test_unclear_change_gets_help():
    reading = read("hmm", "intake_confirmed", "nlu_fallback")
    assert reading.responses == ["utter_intake_help_change"]
