"""The intake summary reads the answers back in plain words."""

from __future__ import annotations

from bot.intake.form import NONE, SKIPPED
from bot.intake.summary import intake_summary


def test_a_full_summary():
    text = intake_summary(
        {
            "pain_location": ["lower_back"],
            "condition": ["sciatica"],
            "pain_radiates": ["leg"],
            "below_knee": True,
            "pain_duration": "since last summer",
            "pain_score": 7,
            "neuro_symptoms": ["tingling"],
            "imaging": ["mri"],
            "imaging_when": "last year",
            "treatments": ["antidepressant", "physical_therapy"],
        }
    )
    assert text == (
        "Where: lower back. Condition: sciatica. Spreads into: a leg, below the knee. "
        'For how long: "since last summer". Pain now: 7 out of 10. '
        "Numbness, tingling or weakness: tingling. Scans: MRI (last year). "
        "Tried so far: antidepressants and physical therapy."
    )


def test_skipped_and_none_answers():
    text = intake_summary(
        {
            "pain_location": ["neck", "mid_back"],
            "condition": ["neck_pain"],
            "pain_radiates": [NONE],
            "pain_duration": SKIPPED,
            "pain_score": SKIPPED,
            "neuro_symptoms": [NONE],
            "imaging": [NONE],
            "treatments": [NONE],
        }
    )
    assert "Where: neck and mid back." in text
    assert "Spreads into: no." in text
    assert "For how long: not given." in text
    assert "Pain now: not given." in text
    assert "Scans: no scans." in text
    assert "Tried so far: nothing yet." in text


def test_the_side_said_in_passing_is_in_the_summary():
    summary = intake_summary(
        {"pain_radiates": ["leg"], "below_knee": False, "intake_details": {"side": "right"}}
    )
    assert "Spreads into: the right leg, not below the knee." in summary


def test_a_side_for_both_limbs():
    summary = intake_summary({"pain_radiates": ["arm"], "intake_details": {"side": "both"}})
    assert "Spreads into: both arms." in summary


def test_no_side_without_a_single_limb():
    summary = intake_summary({"pain_radiates": ["leg", "arm"], "intake_details": {"side": "left"}})
    assert "Spreads into: a leg and an arm." in summary


def test_the_treatments_keep_the_visitors_words():
    summary = intake_summary(
        {
            "treatments": ["medication", "other"],
            "intake_details": {"treatments_said": "celebrex and a heat pad"},
        }
    )
    assert 'Tried so far: medicines and other treatments ("celebrex and a heat pad").' in summary


def test_nothing_tried_has_no_words_added():
    summary = intake_summary(
        {"treatments": ["none"], "intake_details": {"treatments_said": "nope"}}
    )
    assert "Tried so far: nothing yet." in summary
