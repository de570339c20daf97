"""The intake summary shown to the visitor for confirmation, in plain words.

Sentences rather than a table, so that it reads well in a chat bubble and to a screen
reader. It repeats what the visitor said; it never interprets it (no diagnosis).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.intake.form import DETAILS, NONE, SKIPPED

LABELS = {
    "lower_back": "lower back",
    "mid_back": "mid back",
    "neck": "neck",
    "sciatica": "sciatica",
    "herniated_disc": "a herniated (slipped) disc",
    "pinched_nerve": "a pinched nerve",
    "degenerative_disc_disease": "degenerative disc disease (wear and tear)",
    "spinal_stenosis": "spinal stenosis",
    "neck_pain": "neck pain, no name given",
    "back_pain": "back pain, no name given",
    "other": "another condition",
    "leg": "a leg",
    "arm": "an arm",
    "numbness": "numbness",
    "tingling": "tingling",
    "weakness": "weakness",
    "mri": "MRI",
    "ct": "CT scan",
    "xray": "X-ray",
    "medication": "medicines",
    "antidepressant": "antidepressants",
    "physical_therapy": "physical therapy",
    "injection": "injections",
    "surgery": "surgery",
}
# the same value means another thing in another answer ("other" treatment: not a condition)
TREATMENT_LABELS = {**LABELS, "other": "other treatments"}
NOT_GIVEN = "not given"


def _words(values: Any, none: str = "none", labels: Mapping[str, str] = LABELS) -> str:
    """A readable list: "lower back and neck"."""
    if values is None or values == SKIPPED:
        return NOT_GIVEN
    items = list(values) if isinstance(values, (list, tuple)) else [values]
    if items == [NONE]:
        return none
    words = [labels.get(str(v), str(v).replace("_", " ")) for v in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _details(values: Mapping[str, Any]) -> Mapping[str, Any]:
    details = values.get(DETAILS)
    return details if isinstance(details, Mapping) else {}


def _sided(radiates: Any, side: Any) -> str | None:
    """ "the left leg", "both arms": the side said in passing, for a single limb."""
    if side not in ("left", "right", "both") or not isinstance(radiates, list):
        return None
    if len(radiates) != 1 or radiates[0] not in ("leg", "arm"):
        return None
    return f"both {radiates[0]}s" if side == "both" else f"the {side} {radiates[0]}"


def _spread(values: Mapping[str, Any]) -> str:
    radiates = values.get("pain_radiates")
    text = _words(radiates, none="no")
    text = _sided(radiates, _details(values).get("side")) or text
    if isinstance(radiates, list) and "leg" in radiates:
        below = values.get("below_knee")
        if below is True:
            text += ", below the knee"
        elif below is False:
            text += ", not below the knee"
    return text


def _duration(values: Mapping[str, Any]) -> str:
    raw = values.get("pain_duration")
    return NOT_GIVEN if raw in (None, SKIPPED) else f'"{raw}"'


def _pain(values: Mapping[str, Any]) -> str:
    score = values.get("pain_score")
    return NOT_GIVEN if score in (None, SKIPPED) else f"{score} out of 10"


def _imaging(values: Mapping[str, Any]) -> str:
    text = _words(values.get("imaging"), none="no scans")
    when = values.get("imaging_when")
    if when not in (None, SKIPPED) and text not in (NOT_GIVEN, "no scans"):
        text += f" ({when})"
    return text


def _tried(values: Mapping[str, Any]) -> str:
    """The kinds of treatment, with the visitor's own words (which medicines, when)."""
    text = _words(values.get("treatments"), none="nothing yet", labels=TREATMENT_LABELS)
    said = _details(values).get("treatments_said")
    if said and text not in (NOT_GIVEN, "nothing yet"):
        text += f' ("{said}")'
    return text


def intake_summary(values: Mapping[str, Any]) -> str:
    """One line per answer, as the visitor gave it."""
    lines = [
        f"Where: {_words(values.get('pain_location'))}.",
        f"Condition: {_words(values.get('condition'))}.",
        f"Spreads into: {_spread(values)}.",
        f"For how long: {_duration(values)}.",
        f"Pain now: {_pain(values)}.",
        f"Numbness, tingling or weakness: {_words(values.get('neuro_symptoms'))}.",
        f"Scans: {_imaging(values)}.",
        f"Tried so far: {_tried(values)}.",
    ]
    return " ".join(lines)
