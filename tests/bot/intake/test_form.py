"""The intake form's reading of messages: answers, skips, corrections, re-asks, declines."""

from __future__ import annotations

from datetime import date

import pytest

from bot.intake.form import (
    FORM_SLOTS,
    NONE,
    SKIPPED,
    pain_side,
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
        "intake_details": {"side": "right"},
    }
    assert reading.responses == []


def test_a_neck_description_gives_the_location_and_leaves_the_diagnosis_question():
    reading = read("the back of my neck aches every day", None, "describe_symptoms")
    assert "condition" not in reading.slots
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


@pytest.mark.parametrize(
    "text",
    ["my back went after a fall off my bike in 2021 and it is still sore",
     "had an operation on my neck last may, it aches"],
)  # fmt: skip
def test_the_date_of_an_injury_said_in_passing_is_not_the_pains_length(text):
    assert "pain_duration" not in read(text, None, "describe_symptoms").slots


def test_an_injury_tied_to_the_pain_by_since_gives_its_length():
    reading = read("lower back pain ever since a fall in 2021", None, "describe_symptoms")
    assert reading.slots["duration_category"] == "chronic"


def test_prefill_never_overwrites_an_answer():
    reading = read("my neck hurts", None, "start_intake", pain_location=["lower_back"])
    assert "pain_location" not in reading.slots


# --- which questions apply ----------------------------------------------------------------


def test_below_the_knee_is_asked_only_for_leg_pain():
    assert "below_knee" not in required_slots({"pain_radiates": ["arm"]})
    assert "below_knee" not in required_slots({"pain_radiates": SKIPPED})
    assert "below_knee" in required_slots({"pain_radiates": ["leg", "arm"]})


def test_when_is_asked_only_of_a_scan_the_clinic_reviews():
    assert "imaging_when" not in required_slots({"imaging": [NONE]})
    assert "imaging_when" not in required_slots({"imaging": ["xray"]})
    assert "imaging_when" in required_slots({"imaging": ["ct"]})
    assert "imaging_when" in required_slots({"imaging": ["xray", "mri"]})
    assert required_slots({"pain_radiates": ["leg"], "imaging": ["mri"]}) == list(FORM_SLOTS)


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
    assert reading.slots == {"pain_location": None, "intake_reasked": "pain_location"}
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
    assert reading.slots == {"condition": None, "intake_reasked": "condition"}


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
    assert reading.slots == {"pain_score": None, "intake_reasked": "pain_score"}


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


# --- answers to another question than the one asked, several at once --------------------


def test_a_whole_description_fills_every_question_it_answers():
    reading = read(
        "neck and right arm, pinched nerve, for about 5 weeks, pain 7/10, "
        "pins and needles in my fingers, x-ray two weeks ago, seeing a chiropractor",
        None,
        "describe_symptoms",
    )
    slots = reading.slots
    assert slots["pain_location"] == ["neck"]
    assert slots["condition"] == ["pinched_nerve"]
    assert slots["pain_radiates"] == ["arm"]
    assert slots["pain_duration"] == "about 5 weeks"
    assert slots["pain_score"] == 7
    assert slots["imaging"] == ["xray"]
    assert slots["imaging_when"] == "two weeks ago"
    assert slots["treatments"] == ["other"]
    assert slots["intake_details"]["side"] == "right"


def test_a_scan_date_is_not_read_as_how_long_it_hurts():
    slots = read("mid back, ct scan in march", None, "describe_symptoms").slots
    assert slots["imaging"] == ["ct"]
    assert slots["imaging_when"] == "in march"
    assert "pain_duration" not in slots


def test_a_date_on_its_own_goes_with_the_scan_before_it():
    slots = read("an mri and a ct, the second in 2024", "below_knee", pain_radiates=["leg"]).slots
    assert slots["imaging"] == ["mri", "ct"]
    assert slots["imaging_when"] == "in 2024"
    assert "pain_duration" not in slots


def test_how_long_a_treatment_lasted_is_not_how_long_it_hurts():
    slots = read("lower back, did physio for 3 weeks", None, "describe_symptoms").slots
    assert slots["treatments"] == ["physical_therapy"]
    assert "pain_duration" not in slots


def test_an_answer_to_another_question_is_kept_and_the_question_asked_once_more():
    reading = read("roughly three weeks now", "pain_location")
    assert reading.slots == {
        "pain_duration": "roughly three weeks",
        "duration_category": "acute",
        "intake_reasked": "pain_location",
    }
    assert reading.responses == ["utter_intake_noted_other"]


def test_a_visitor_answering_ahead_is_not_stuck_on_the_question():
    reading = read("roughly three weeks now", "pain_location", intake_reasked="pain_location")
    assert reading.slots["pain_location"] == SKIPPED
    assert reading.slots["pain_duration"] == "roughly three weeks"
    assert reading.slots["intake_reasked"] is None
    assert reading.responses == ["utter_intake_noted_other"]


def test_an_answer_given_again_is_a_miss():
    reading = read("3 weeks", "pain_location", pain_duration="3 weeks")
    assert reading.slots == {"pain_location": None, "intake_reasked": "pain_location"}
    assert reading.responses == ["utter_intake_help_location"]


@pytest.mark.parametrize(
    ("text", "below"),
    [
        ("sciatica into my left leg, right down to the ankle", True),
        ("pain into the right leg but not past the knee", False),
        ("it goes into my leg", None),
    ],
)
def test_below_the_knee_said_of_a_leg_in_passing(text, below):
    assert read(text, None, "describe_symptoms").slots.get("below_knee") == below


def test_a_bare_number_with_fillers_is_a_pain_score():
    assert read("um maybe a six", "pain_radiates").slots["pain_score"] == 6


def test_a_second_message_not_understood_moves_on():
    reading = read("zzzz", "neuro_symptoms", intake_reasked="neuro_symptoms")
    assert reading.slots == {"neuro_symptoms": SKIPPED, "intake_reasked": None}
    assert reading.responses == ["utter_intake_moving_on"]


def test_moving_on_from_the_condition_reads_as_no_name_given():
    reading = read("qwerty", "condition", intake_reasked="condition", pain_location=["neck"])
    assert reading.slots["condition"] == ["neck_pain"]


def test_an_answer_clears_the_re_ask():
    reading = read("my neck", "pain_location", intake_reasked="pain_location")
    assert reading.slots == {"pain_location": ["neck"], "intake_reasked": None}


def test_a_bare_number_answers_the_pain_question_even_asked_another():
    reading = read("maybe 4", "below_knee", pain_radiates=["leg"])
    assert reading.slots["pain_score"] == 4


@pytest.mark.parametrize("slot", ["pain_duration", "imaging_when"])
def test_a_bare_number_is_no_pain_score_when_a_length_or_date_is_asked(slot):
    assert "pain_score" not in read("4", slot, imaging=["mri"]).slots


def test_an_answer_given_already_is_not_overwritten_in_passing():
    slots = read("the mri was last spring", "neuro_symptoms", imaging=["xray"]).slots
    assert "imaging" not in slots


def test_a_scan_answer_at_the_below_knee_question_is_kept():
    reading = read("had an mri and x rays too", "below_knee", pain_radiates=["leg"])
    assert reading.slots == {"imaging": ["mri", "xray"], "intake_reasked": "below_knee"}


def test_a_generic_back_pain_does_not_answer_the_diagnosis_question():
    slots = read("my lower back is sore", None, "describe_symptoms").slots
    assert slots == {"pain_location": ["lower_back"]}


def test_a_number_of_good_and_bad_days_is_a_pain_score_at_any_question():
    assert read("nine on bad days, three on good days", "below_knee").slots["pain_score"] == 9


def test_a_treatment_answer_read_as_a_question_about_medicines_is_still_an_answer():
    reading = read("stretches every day and nortriptyline", "treatments", "faq")
    assert reading.slots["treatments"] == ["antidepressant", "physical_therapy"]


def test_treatments_at_another_question_are_recorded_even_read_as_faq():
    reading = read("an epidural and duloxetine", "imaging", "faq")
    assert reading.slots["treatments"] == ["antidepressant", "injection"]


def test_a_question_about_medicines_mid_intake_is_still_answered_by_the_faq():
    assert read("can i take duloxetine with ibuprofen?", "imaging", "faq").declined


@pytest.mark.parametrize(
    "text",
    ["skip this one", "I'd prefer not to give it a number", "pass on that one"],
)
def test_skipping_the_pain_question_records_no_number(text):
    assert read(text, "pain_score", "skip").slots == {"pain_score": SKIPPED}


@pytest.mark.parametrize(
    ("text", "score"),
    [("seven most days, three when resting", 7), ("somewhere between five and seven", 7)],
)
def test_pain_in_words_and_ranges(text, score):
    assert read(text, "pain_score").slots["pain_score"] == score


def test_numbness_answer_with_a_denial_keeps_what_is_there():
    reading = read("pins and needles in my heel, strength is fine, no weakness", "neuro_symptoms")
    assert reading.slots["neuro_symptoms"] == ["tingling"]


# --- corrections inside an answer and at the summary -------------------------------------


def test_a_number_swap_corrects_the_pain_score_at_any_question():
    reading = read("oh and it's 5 not 9", "imaging", pain_score=9)
    assert reading.slots["pain_score"] == 5


def test_a_number_swap_that_is_not_the_score_changes_nothing():
    reading = read("3 not 4", "neuro_symptoms", pain_score=9)
    assert "pain_score" not in reading.slots


def test_a_scan_correction_at_the_summary_replaces_it_and_keeps_its_date():
    reading = read(
        "sorry it was a ct scan, not an mri",
        "intake_confirmed",
        imaging=["mri"],
        imaging_when="in june",
    )
    assert reading.slots["imaging"] == ["ct"]
    assert "imaging_when" not in reading.slots
    assert reading.responses == ["utter_intake_noted"]


def test_a_side_correction_at_the_summary_replaces_the_side():
    reading = read(
        "oops, the right leg, not the left one",
        "intake_confirmed",
        pain_radiates=["leg"],
        intake_details={"side": "left"},
    )
    assert reading.slots["intake_details"] == {"side": "right"}


def test_a_pain_correction_at_the_summary():
    reading = read("change it to 4, not 7", "intake_confirmed", pain_score=7)
    assert reading.slots["pain_score"] == 4


def test_a_treatment_correction_at_the_summary_keeps_the_words():
    reading = read("I also had a nerve block", "intake_confirmed", treatments=["medication"])
    assert reading.slots["treatments"] == ["injection"]


def test_a_correction_of_an_earlier_answer_is_not_a_miss():
    reading = read("actually it was an x-ray", "treatments", imaging=["mri"])
    assert reading.slots == {"imaging": ["xray"]}
    assert reading.responses == ["utter_intake_noted"]


# --- details said in passing --------------------------------------------------------------


def test_the_treatment_answer_keeps_the_visitors_words():
    words = "ibuprofen, then pregabalin, and a cortisone shot in october"
    reading = read(words, "treatments")
    assert reading.slots["treatments"] == ["medication", "injection"]
    assert reading.slots["intake_details"] == {"treatments_said": words}


def test_details_are_added_to_those_kept():
    reading = read("it's my left buttock and leg", "pain_radiates", intake_details={"x": "y"})
    assert reading.slots["intake_details"] == {"x": "y", "side": "left"}


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("down the left leg", "left"),
        ("my right hip and thigh", "right"),
        ("pain on the left", "left"),
        ("both, left and right legs", "both"),
        ("the left leg not the right", "left"),
        ("i left work early", None),
        ("it's right there in my back", None),
    ],
)
def test_pain_side(text, side):
    assert pain_side(text) == side


@pytest.mark.parametrize(
    "text",
    [
        "upper back, never been diagnosed, it stays put",
        "my neck, nothing diagnosed yet, doesn't go anywhere",
        "low back ache, no leg pain, no diagnosis",
    ],
)
def test_no_diagnosis_and_no_spread_said_in_passing_are_answers(text):
    slots = read(text, None, "describe_symptoms").slots
    assert slots["condition"] in (["back_pain"], ["neck_pain"])
    assert slots["pain_radiates"] == [NONE]


def test_a_named_limb_wins_over_a_denied_one():
    slots = read("lower back, it goes down my leg but not my arm", None, "describe_symptoms").slots
    assert slots["pain_radiates"] == ["leg"]


# --- answers the asked question's reader misses, alarms within answers -------------------


@pytest.mark.parametrize(
    "text",
    [
        "it reaches my shoulder blade, never the arm",
        "a bit into the hip but not into my legs at all",
    ],
)
def test_a_spread_that_stops_short_of_the_limb_is_no_spread(text):
    assert read(text, "pain_radiates").slots["pain_radiates"] == [NONE]


def test_nobody_naming_it_answers_the_diagnosis_question():
    reading = read(
        "hmm not really, no one has said what it is", "condition", pain_location=["neck"]
    )
    assert reading.slots["condition"] == ["neck_pain"]


def test_a_time_between_two_events_is_not_how_long_it_hurts():
    reading = read("hurt my back at school and it came back twenty years later", None)
    assert "pain_duration" not in reading.slots


def test_an_urgent_sign_within_an_answer_keeps_the_answer_and_warns_first():
    reading = read(
        "not diagnosed, and i was treated for lymphoma last year",
        "condition",
        "urgent_symptom",
        pain_location=["lower_back"],
    )
    assert reading.slots["condition"] == ["back_pain"]
    assert reading.responses[0] == "utter_urgent"


def test_an_urgent_sign_with_no_answer_is_left_to_its_rule():
    assert read("i have had a fever all week", "condition", "urgent_symptom").declined


def test_an_emergency_within_an_answer_is_still_declined():
    assert read("for 2 weeks and now both legs are numb", "pain_duration", "emergency").declined


def test_a_side_corrected_at_the_summary_keeps_the_spread():
    reading = read(
        "no hang on, its my right arm not the left",
        "intake_confirmed",
        pain_radiates=["arm"],
        intake_details={"side": "left"},
    )
    assert reading.slots["intake_details"] == {"side": "right"}
    assert "pain_radiates" not in reading.slots


def test_a_request_to_book_with_no_answer_leaves_the_intake():
    assert read("can we just book the review now", "pain_radiates", "request_review").declined
    assert read("could someone phone me instead", "pain_score", "request_callback").declined


def test_a_request_to_book_in_so_many_words_leaves_even_with_an_answer_in_it():
    # the answer is recorded as the contact form starts (actions/intake.py answers_said)
    reading = read("about 3 months, can i book a review", "pain_duration", "request_review")
    assert reading.declined


# --- typing slips and emoji ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slot", "expected"),
    [
        ("lowr \U0001f447 back", "pain_location", {"pain_location": ["lower_back"]}),
        ("nothing diagnsed", "condition", {"condition": ["back_pain"]}),
        ("it doesnt go dwn my arm", "pain_radiates", {"pain_radiates": [NONE]}),
        ("abt 4", "pain_score", {"pain_score": 4}),
    ],
)
def test_answers_with_slips_are_read(text, slot, expected):
    assert read(text, slot, pain_location=["lower_back"]).slots == expected


def test_a_long_time_without_a_figure_is_asked_once_for_a_rough_estimate():
    first = read("oh ages", "pain_duration")
    assert first.slots == {"pain_duration": None, "intake_reasked": "pain_duration"}
    assert first.responses == ["utter_intake_ask_rough_duration"]
    again = read("honestly forever", "pain_duration", intake_reasked="pain_duration")
    assert again.slots["duration_category"] == "chronic"
    assert again.responses == []


@pytest.mark.parametrize("text", ["since i was a teenager", "ages, about 3 years", "5 months"])
def test_a_length_a_clinician_can_place_is_not_asked_again(text):
    assert read(text, "pain_duration").responses == []


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("before i go on, who gets to see all this", "consent_question"),
        ("ok so does duloxetine make you sleepy", "faq"),
        ("hey, can amitriptyline help nerve pain", "faq"),
    ],
)
def test_a_question_mid_intake_is_left_to_the_rules(text, intent):
    assert read(text, "condition", intent, pain_location=["lower_back"]).declined


def test_an_answer_the_classifier_took_for_a_request_is_recorded():
    reading = read("had an mri in march", "imaging", "request_review")
    assert reading.slots["imaging"] == ["mri"]


def test_contact_details_typed_at_a_question_leave_the_intake():
    text = "Dana Whitlock 312 555 0177, texts are fine"
    assert read(text, "pain_location", "update_contact").declined


def test_an_answer_the_classifier_took_for_contact_details_is_recorded():
    reading = read("lower back", "pain_location", "update_contact")
    assert reading.slots["pain_location"] == ["lower_back"]


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("7, ibuprofen doesn't help", "pain_score"),
        ("about a 6. the advil takes the edge off", "pain_score"),
        ("no scans, gabapentin does nothing for it", "imaging"),
    ],
)
def test_a_medicine_said_with_another_answer_is_a_treatment_tried(text, slot):
    reading = read(text, slot)
    assert reading.slots["treatments"] == ["medication"]
    assert reading.slots["intake_details"]["treatments_said"]
    assert slot in reading.slots


def test_worse_at_rest_is_still_not_a_treatment():
    assert "treatments" not in read("6, it's worse at rest", "pain_score").slots


def test_a_changed_mind_after_no_at_the_summary_confirms_it():
    assert read("no thanks", "intake_confirmed").slots["intake_awaiting_change"] is True
    reading = read(
        "actually yes you can keep my details", "intake_confirmed", intake_awaiting_change=True
    )
    assert reading.slots["intake_confirmed"] is True


def test_only_the_first_parts_of_a_message_are_read_for_facts():
    from bot.intake.form import MAX_FACT_CLAUSES

    filler = "ok, " * MAX_FACT_CLAUSES
    assert read("3 weeks, " + filler, "pain_score").slots.get("pain_duration") == "3 weeks"
    assert "pain_duration" not in read(filler + "3 weeks", "pain_score").slots


def test_a_question_about_a_medicine_is_not_a_treatment_tried():
    reading = read("wait, can cymbalta cause weight gain? that worries me", "pain_radiates", "faq")
    assert reading.declined
