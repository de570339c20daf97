"""How the intake form reads each message: answers, skips, corrections and re-asks.

Pure logic, called by the thin form validator in actions/intake.py, so that every path
can be tested without Rasa. ``read_message`` returns the slots to set and the responses
to send; an empty reading means "not an answer" (a question, "stop", an alarm), which
makes Rasa reject the form for this turn so that a rule answers it, after which the form
asks its question again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.intake import answers
from bot.intake.mentions import SPINE_LOCATIONS, Mentions, mentions

SKIPPED = "skipped"
NONE = "none"
FORM_SLOTS = (
    "pain_location",
    "condition",
    "pain_radiates",
    "below_knee",
    "pain_duration",
    "pain_score",
    "neuro_symptoms",
    "imaging",
    "imaging_when",
    "treatments",
    "intake_confirmed",
)
# slots the form fills besides its required ones
DERIVED_SLOTS = ("duration_category", "intake_summary", "intake_awaiting_change")
# Intents the form never reads as an answer: rules answer them (stop, alarms first).
DECLINED_INTENTS = frozenset(
    {
        "stop",
        "emergency",
        "urgent_symptom",
        "crisis",
        "human_handoff",
        "bot_challenge",
        "goodbye",
        "other_language",
    }
)
GENERIC_CONDITION_OF_LOCATION = {
    "neck": "neck_pain",
    "lower_back": "back_pain",
    "mid_back": "back_pain",
}
GENERIC_CONDITIONS = frozenset(GENERIC_CONDITION_OF_LOCATION.values())
IMAGING_KINDS = ("mri", "ct", "xray")
ANTIDEPRESSANTS = frozenset(
    {"antidepressant", "duloxetine", "amitriptyline", "nortriptyline", "venlafaxine"}
)

_QUESTION = re.compile(
    r"\?\s*$|^\s*(what|how|why|when|can|could|does|do|is|are|will|should|would|which|who|where)\b",
    re.IGNORECASE,
)
_CORRECTION = re.compile(
    r"\b(actually|sorry|i meant|i mean|correction|wait|oops|my mistake|instead|rather|not my)\b",
    re.IGNORECASE,
)
_ADDITION = re.compile(r"\b(also|too|as well)\b", re.IGNORECASE)
_NO_NAME = re.compile(
    r"^\s*(no|nope|none|nothing|no name|not diagnosed|never diagnosed|no diagnosis|"
    r"they didn'?t say|nobody said)\b",
    re.IGNORECASE,
)
# something the visitor names that the patterns don't know ("kyphosis", "Tarlov cyst")
_MEDICAL_NAME = re.compile(
    r"\b\w{3,}(osis|itis|opathy|algia|esis|oma|cele)\b|\b(syndrome|disease|disorder|fracture|"
    r"cyst|tumou?r|injury|deformity|curvature)\b",
    re.IGNORECASE,
)
_EVERYWHERE = re.compile(r"\b(all (of them|three|over)|everywhere|whole spine)\b", re.IGNORECASE)
_WHOLE_BACK = re.compile(r"\b(whole|entire) back\b", re.IGNORECASE)
_BOTH = re.compile(r"^\s*both\b", re.IGNORECASE)
_STAYS = re.compile(
    r"\b(stays?|just|only)\b.*\b(back|neck|spine)\b|\bdoesn'?t (spread|go|travel)\b|\bneither\b",
    re.IGNORECASE,
)
_BELOW_KNEE = re.compile(
    r"\b(calf|calves|shins?|ankles?|foot|feet|toes?|heels?|below the knee)\b", re.IGNORECASE
)
_ABOVE_KNEE = re.compile(
    r"\b(thigh|above the knee|to the knee|down to my knee|hip)\b", re.IGNORECASE
)
_NONE_OF_THESE = re.compile(
    r"^\s*(no|nope|none|none of (these|them|those)|neither|nothing)\b", re.IGNORECASE
)
_UNDER = re.compile(r"\b(under|less than|fewer than|not quite|not even)\b", re.IGNORECASE)
_DURATION_CUE = re.compile(r"\b(for|since|over|about|almost|nearly|past)\b", re.IGNORECASE)
_SCAN_WORDS = re.compile(r"\b(scans?|mri|ct|x-?rays?|imaging)\b", re.IGNORECASE)
_PAIN_NUMBER = re.compile(
    r"\b(?:pain|score|it'?s|it is)\s+(?:is\s+|was\s+|now\s+|about\s+|around\s+|more like\s+|"
    r"an?\s+)*(\d{1,2}|zero|one|two|three|four|five|six|seven|eight|nine|ten)\b"
    r"(?!\s*(?:days?|weeks?|wks?|months?|mos?|years?|yrs?))"
    r"|\b\d{1,2}\s*(?:/|out of)\s*10\b",
    re.IGNORECASE,
)


@dataclass
class Reading:
    """What one message does to the intake: slots to set and responses to send."""

    slots: dict[str, Any] = field(default_factory=dict)
    responses: list[str] = field(default_factory=list)

    @property
    def declined(self) -> bool:
        """Nothing read: Rasa rejects the form for this turn and a rule answers."""
        return not self.slots and not self.responses


def required_slots(values: Mapping[str, Any]) -> list[str]:
    """The questions that apply, in order: no "below the knee" without leg pain, no
    "when" without imaging."""
    skip: set[str] = set()
    if "leg" not in _as_list(values.get("pain_radiates")):
        skip.add("below_knee")
    if not set(_as_list(values.get("imaging"))) & set(IMAGING_KINDS):
        skip.add("imaging_when")
    return [slot for slot in FORM_SLOTS if slot not in skip]


def looks_like_question(text: str) -> bool:
    """A question rather than an answer ("does it cause weight gain?")."""
    return bool(_QUESTION.search(text))


def read_message(
    text: str,
    intent: str | None,
    requested_slot: str | None,
    values: Mapping[str, Any],
    today: date,
) -> Reading:
    """Read one visitor message while the intake runs (``requested_slot`` is None on the
    message that started it, whose facts pre-fill the questions)."""
    text = text or ""
    if intent in DECLINED_INTENTS:
        return Reading()
    said = mentions(text)
    if requested_slot is None:
        return Reading(slots=_prefill(text, said, values, today))
    if requested_slot == "intake_confirmed":
        if intent == "faq" and looks_like_question(text):
            return Reading()
        return _read_confirmation(text, intent, said, values, today)
    reader = READERS[requested_slot]
    answer = reader(text, intent, said, values, today)
    if intent == "faq" and (looks_like_question(text) or not answer.slots):
        return Reading()
    if answer.slots:
        slots = {**_prefill(text, said, {**values, **answer.slots}, today), **answer.slots}
        if _CORRECTION.search(text) or _ADDITION.search(text):
            slots.update(_mentioned_changes(text, said, values, exclude=requested_slot))
        return Reading(slots=slots, responses=answer.responses)
    changes = _mentioned_changes(text, said, values, exclude=requested_slot)
    if changes:
        return Reading(slots=changes, responses=["utter_intake_noted"])
    if answer.responses:
        return Reading(slots={requested_slot: None}, responses=answer.responses)
    return Reading()


# --- one reader per question -------------------------------------------------------------

Reader = Callable[[str, "str | None", Mentions, Mapping[str, Any], date], Reading]


def _help(response: str) -> Reading:
    return Reading(responses=[response])


def _skipped(text: str, intent: str | None) -> bool:
    return intent == "skip" or answers.is_skip(text)


def _read_location(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    if _EVERYWHERE.search(text):
        return Reading(slots={"pain_location": list(SPINE_LOCATIONS)})
    locations = list(said.locations)
    if _WHOLE_BACK.search(text):
        locations = list(dict.fromkeys([*locations, "lower_back", "mid_back"]))
    if locations:
        return Reading(slots={"pain_location": _in_order(locations, SPINE_LOCATIONS)})
    return _help("utter_intake_help_location")


def _read_condition(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    if said.conditions:
        return Reading(slots={"condition": list(said.conditions)})
    if _skipped(text, intent) or intent == "deny" or _NO_NAME.search(text):
        return Reading(slots={"condition": generic_conditions(values.get("pain_location"))})
    if _MEDICAL_NAME.search(text):
        return Reading(slots={"condition": ["other"]})
    return _help("utter_intake_help_condition")


def _read_radiates(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    slots: dict[str, Any] = {}
    if said.below_knee is not None:
        slots["below_knee"] = said.below_knee
    if said.limbs:
        return Reading(slots={**slots, "pain_radiates": list(said.limbs)})
    if _BOTH.search(text):
        return Reading(slots={"pain_radiates": ["leg", "arm"]})
    no = intent == "deny" or answers.parse_yes_no(text) is False or _STAYS.search(text)
    if no or said.limbs_denied:
        return Reading(slots={"pain_radiates": [NONE]})
    if _skipped(text, intent):
        return Reading(slots={"pain_radiates": SKIPPED})
    return _help("utter_intake_help_radiates")


def _read_below_knee(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    if said.below_knee is not None:
        return Reading(slots={"below_knee": said.below_knee})
    if _ABOVE_KNEE.search(text):
        return Reading(slots={"below_knee": False})
    if _BELOW_KNEE.search(text):
        return Reading(slots={"below_knee": True})
    yes_no = answers.parse_yes_no(text)
    if yes_no is None and intent in ("affirm", "deny"):
        yes_no = intent == "affirm"
    if yes_no is not None:
        return Reading(slots={"below_knee": yes_no})
    if _skipped(text, intent):
        return Reading(slots={"below_knee": SKIPPED})
    return _help("utter_intake_help_yes_no")


def read_duration(text: str, today: date, in_passing: bool = False) -> dict[str, Any]:
    """``pain_duration`` (the visitor's words) and its category, or nothing.

    An answer to the question is kept whole; a duration said ``in_passing`` ("my back
    has hurt since March") keeps only its phrase ("since March").
    """
    duration = answers.parse_duration(text, today)
    if duration is None:
        return {}
    weeks = duration.weeks
    if _UNDER.search(text):
        weeks = max(weeks - 0.5, 0.0)  # "under 6 weeks" is acute
    raw = duration_phrase(text, today) if in_passing else duration.raw
    return {"pain_duration": raw, "duration_category": answers.duration_category(weeks)}


def duration_phrase(text: str, today: date) -> str:
    """The part of a sentence that says how long: from the last "for" / "since" / ...
    whose rest still reads as a duration, else the time phrase, else the whole text."""
    for cue in reversed(list(_DURATION_CUE.finditer(text))):
        tail = text[cue.start() :].strip()
        if answers.parse_duration(tail, today) is not None:
            return tail
    return answers.parse_when(text) or text.strip()


def _read_duration(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    slots = read_duration(text, today)
    if slots:
        return Reading(slots=slots)
    if _skipped(text, intent):
        return Reading(slots={"pain_duration": SKIPPED, "duration_category": SKIPPED})
    return _help("utter_intake_help_duration")


def _read_pain_score(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    score = answers.parse_pain_score(text)
    if score is not None:
        return Reading(slots={"pain_score": score})
    if answers.pain_score_out_of_range(text):
        return _help("utter_intake_help_pain_range")
    if _skipped(text, intent):
        return Reading(slots={"pain_score": SKIPPED})
    return _help("utter_intake_help_pain_score")


def _read_neuro(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    if said.neuro:
        return Reading(slots={"neuro_symptoms": list(said.neuro)})
    if said.neuro_denied or intent == "deny" or _NONE_OF_THESE.search(text):
        return Reading(slots={"neuro_symptoms": [NONE]})
    if _skipped(text, intent):
        return Reading(slots={"neuro_symptoms": SKIPPED})
    return _help("utter_intake_help_neuro")


def _read_imaging(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    kinds = answers.parse_imaging(text)
    if kinds:
        slots: dict[str, Any] = {"imaging": kinds}
        when = answers.parse_when(text)
        if when and NONE not in kinds:
            slots["imaging_when"] = when
        return Reading(slots=slots)
    if intent == "deny":
        return Reading(slots={"imaging": [NONE]})
    if _SCAN_WORDS.search(text):
        return _help("utter_intake_help_imaging")
    if _skipped(text, intent):
        return Reading(slots={"imaging": SKIPPED})
    return _help("utter_intake_help_imaging")


def _read_imaging_when(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    when = answers.parse_when(text)
    if when is None and answers.parse_duration(text, today) is not None:
        when = text.strip()
    if when:
        return Reading(slots={"imaging_when": when})
    if _skipped(text, intent):
        return Reading(slots={"imaging_when": SKIPPED})
    return _help("utter_intake_help_when")


def treatments_of(text: str, said: Mentions) -> list[str] | None:
    """Treatments named in ``text``, medicines found by the concept patterns included."""
    found = answers.parse_treatments(text) or []
    medicines = {"antidepressant" if m in ANTIDEPRESSANTS else "medication" for m in said.medicines}
    values = [v for v in found if v != NONE] + sorted(medicines)
    if values:
        return _in_order(values, answers.TREATMENT_ORDER)
    return [NONE] if found else None


def _read_treatments(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    found = treatments_of(text, said)
    if found:
        return Reading(slots={"treatments": found})
    if intent == "deny":
        return Reading(slots={"treatments": [NONE]})
    if _skipped(text, intent):
        return Reading(slots={"treatments": SKIPPED})
    return _help("utter_intake_help_treatments")


READERS: dict[str, Reader] = {
    "pain_location": _read_location,
    "condition": _read_condition,
    "pain_radiates": _read_radiates,
    "below_knee": _read_below_knee,
    "pain_duration": _read_duration,
    "pain_score": _read_pain_score,
    "neuro_symptoms": _read_neuro,
    "imaging": _read_imaging,
    "imaging_when": _read_imaging_when,
    "treatments": _read_treatments,
}


# --- pre-filling, corrections and confirmation --------------------------------------------


def _prefill(text: str, said: Mentions, values: Mapping[str, Any], today: date) -> dict[str, Any]:
    """Facts stated in passing fill the questions not answered yet, so they aren't asked."""
    found: dict[str, Any] = {}
    if said.locations:
        found["pain_location"] = _in_order(list(said.locations), SPINE_LOCATIONS)
    if said.conditions:
        found["condition"] = list(said.conditions)
    if said.limbs:
        found["pain_radiates"] = list(said.limbs)
    if said.below_knee is not None:
        found["below_knee"] = said.below_knee
    if said.neuro:
        found["neuro_symptoms"] = list(said.neuro)
    found.update(read_duration(text, today, in_passing=True))
    return {slot: value for slot, value in found.items() if values.get(slot) is None}


def _mentioned_changes(
    text: str, said: Mentions, values: Mapping[str, Any], exclude: str | None
) -> dict[str, Any]:
    """A correction of where it hurts or of the condition ("actually it's my neck");
    with "also" / "too" the new values are added instead of replacing the old ones."""
    adding = bool(_ADDITION.search(text))
    changes: dict[str, Any] = {}
    if said.locations and exclude != "pain_location":
        locations = list(said.locations)
        if adding:
            locations = _as_list(values.get("pain_location")) + locations
        locations = _in_order(locations, SPINE_LOCATIONS)
        if locations != _as_list(values.get("pain_location")):
            changes["pain_location"] = locations
            condition = _as_list(values.get("condition"))
            if condition and set(condition) <= GENERIC_CONDITIONS:
                changes["condition"] = generic_conditions(locations)
    if said.conditions and exclude != "condition":
        conditions = list(said.conditions)
        if adding:
            conditions = list(dict.fromkeys(_as_list(values.get("condition")) + conditions))
        if conditions != _as_list(values.get("condition")):
            changes["condition"] = conditions
    return changes


def _read_confirmation(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    """Yes confirms; no asks what to change; anything else is read as a correction."""
    changes = corrections(text, said, values, today)
    waiting = {"intake_awaiting_change": False}
    if changes:
        return Reading(
            slots={**changes, **waiting, "intake_confirmed": None},
            responses=["utter_intake_noted"],
        )
    yes_no = answers.parse_yes_no(text)
    if intent == "affirm" or (yes_no is True and intent != "deny"):
        return Reading(slots={**waiting, "intake_confirmed": True})
    if intent == "deny" or yes_no is False:
        return Reading(
            slots={"intake_confirmed": None, "intake_awaiting_change": True},
            responses=["utter_intake_ask_change"],
        )
    return Reading(
        slots={**waiting, "intake_confirmed": None}, responses=["utter_intake_help_change"]
    )


def corrections(
    text: str, said: Mentions, values: Mapping[str, Any], today: date
) -> dict[str, Any]:
    """Every answer a message changes, for "change something" after the summary."""
    changes = _mentioned_changes(text, said, values, exclude=None)
    if said.limbs:
        changes["pain_radiates"] = list(said.limbs)
    if said.below_knee is not None:
        changes["below_knee"] = said.below_knee
    if said.neuro:
        changes["neuro_symptoms"] = list(said.neuro)
    elif said.neuro_denied:
        changes["neuro_symptoms"] = [NONE]
    pain = _PAIN_NUMBER.search(text)
    if pain and answers.parse_pain_score(pain.group(0)) is not None:
        changes["pain_score"] = answers.parse_pain_score(pain.group(0))
    else:
        changes.update(read_duration(text, today, in_passing=True))
    if _SCAN_WORDS.search(text):
        kinds = answers.parse_imaging(text)
        if kinds:
            changes["imaging"] = kinds
            when = answers.parse_when(text)
            changes["imaging_when"] = when if when and NONE not in kinds else None
    treatments = treatments_of(text, said)
    if treatments and treatments != [NONE]:
        changes["treatments"] = treatments
    return {slot: value for slot, value in changes.items() if values.get(slot) != value}


def generic_conditions(locations: Any) -> list[str]:
    """``back_pain`` / ``neck_pain`` for pain without a named condition, by where it is."""
    found = [
        GENERIC_CONDITION_OF_LOCATION[loc]
        for loc in _as_list(locations)
        if loc in GENERIC_CONDITION_OF_LOCATION
    ]
    return list(dict.fromkeys(found)) or ["back_pain"]


def _as_list(value: Any) -> list[Any]:
    if value is None or value == SKIPPED:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _in_order(values: list[str], order: tuple[str, ...]) -> list[str]:
    present = set(values)
    return [v for v in order if v in present] + [v for v in dict.fromkeys(values) if v not in order]
