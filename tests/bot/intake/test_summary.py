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
