"""What a visitor's message says about the intake questions, from the clinical concepts.

The action server reads messages with the same spaCy concept pipeline as the NLU
component (bot/nlu/concepts.py), so that an answer is understood the same way the safety
screen understood it, negation included ("no tingling" is not tingling).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

    from bot.nlu.concepts import Concept

SPINE_LOCATIONS = ("lower_back", "mid_back", "neck")
NEURO_SYMPTOMS = ("numbness", "tingling", "weakness")
LIMBS = ("leg", "arm")
# body parts and symptoms that say where pain spreads
LIMB_OF_LOCATION = {"leg": "leg", "buttock": "leg", "foot": "leg", "arm": "arm", "hand": "arm"}
LIMB_OF_SYMPTOM = {"radiating_leg": "leg", "radiating_arm": "arm", "below_knee": "leg"}
# a condition named without a diagnosis also says where it hurts
LOCATION_OF_CONDITION = {"neck_pain": "neck"}


# words that name a condition, as opposed to describing a symptom
_CONDITION_NAME = re.compile(
    r"sciati|dis[ck]|herniat|slipped|bulg|prolaps|protrud|ruptur|nerve|radicul|stenos|"
    r"narrow|degenerat|\bddd\b|arthrit|spondyl|wear and tear|\b[lcst]\d",
    re.IGNORECASE,
)


# "the doctor said it might be...", "they think maybe...", said shortly before a condition
_CLINICIAN_SAID = re.compile(
    r"\b(doctors?|dr|gp|physio\w*|specialists?|surgeons?|consultants?|chiro\w*|nurses?|"
    r"they|theyve|he|she)\b.{0,25}\b(said|says|say|think|thinks|thought|told|reckons?|"
    r"suspects?|called it|mentioned)\b",
    re.IGNORECASE,
)
CLINICIAN_REACH = 60


@dataclass(frozen=True)
class Mentions:
    """Intake facts stated in one message; tuples keep the visitor's order, no repeats."""

    conditions: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    limbs: tuple[str, ...] = ()
    limbs_denied: tuple[str, ...] = ()
    below_knee: bool | None = None
    neuro: tuple[str, ...] = ()
    neuro_denied: tuple[str, ...] = ()
    medicines: tuple[str, ...] = ()


def concept_pipeline() -> Language:
    """The concept pipeline, built once per process on first use (never at import) and
    shared with the NLU component (bot.nlu.concepts.shared_pipeline)."""
    from bot.nlu.concepts import shared_pipeline

    return shared_pipeline()


def concepts_of(text: str | None) -> list[Concept]:
    """Concepts of one message; none for a button's payload such as "/affirm"."""
    from bot.nlu.concepts import message_concepts

    return message_concepts(concept_pipeline(), text)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def named_condition(condition: Concept, concepts: Iterable[Concept], text: str = "") -> bool:
    """Whether the visitor names a condition ("sciatica down my leg") rather than
    describes where the pain goes ("it goes down my left leg"), which the patterns also
    read as a condition: the intake's diagnosis question asks for a name a doctor gave,
    never one inferred from symptoms. A message that names one in words the patterns
    don't place ("the doctor said it's a disc thing") keeps their reading; one whose
    name they do place ("a disc hernia, pain goes to my leg") is that name alone."""
    concepts = list(concepts)
    if _CONDITION_NAME.search(condition.text):
        return True
    placed = any(
        c.type == "condition" and c is not condition and _CONDITION_NAME.search(c.text)
        for c in concepts
    )
    if not placed and _CONDITION_NAME.search(text):
        return True
    return not any(
        c.type == "symptom"
        and c.value in LIMB_OF_SYMPTOM
        and c.start < condition.end
        and condition.start < c.end
        for c in concepts
    )


def _tentative_diagnosis(condition: Concept, text: str) -> bool:
    """A condition a clinician said it might be ("the doctor said it might be a slipped
    disc"): hypothetical for the safety screen, a diagnosis for the intake (``text`` is
    the message the concept came from)."""
    if condition.negated or condition.other_experiencer or not condition.hypothetical:
        return False
    before = text[max(condition.start - CLINICIAN_REACH, 0) : condition.start]
    return bool(_CLINICIAN_SAID.search(before))


def mentions_from(concepts: Iterable[Concept], text: str = "") -> Mentions:
    """Fold concepts into intake facts; only what the visitor asserts counts as present,
    and a condition a clinician said it might be (found in ``text``, the message)."""
    concepts = list(concepts)
    asserted = [c for c in concepts if c.asserted]
    negated = [c for c in concepts if c.negated]
    conditions = _unique(
        c.value
        for c in concepts
        if c.type == "condition"
        and (c.asserted or _tentative_diagnosis(c, text))
        and named_condition(c, concepts, text)
    )
    locations = _unique(
        [c.value for c in asserted if c.type == "body_location" and c.value in SPINE_LOCATIONS]
        + [LOCATION_OF_CONDITION[v] for v in conditions if v in LOCATION_OF_CONDITION]
    )
    limbs = _unique(
        [LIMB_OF_SYMPTOM[c.value] for c in asserted if c.value in LIMB_OF_SYMPTOM]
        + [
            LIMB_OF_LOCATION[c.value]
            for c in asserted
            if c.type == "body_location" and c.value in LIMB_OF_LOCATION
        ]
    )
    limbs_denied = _unique(LIMB_OF_SYMPTOM[c.value] for c in negated if c.value in LIMB_OF_SYMPTOM)
    below_knee: bool | None = None
    if any(c.value == "below_knee" for c in asserted):
        below_knee = True
    elif any(c.value == "below_knee" for c in negated):
        below_knee = False
    return Mentions(
        conditions=conditions,
        locations=locations,
        limbs=tuple(limb for limb in LIMBS if limb in limbs),
        limbs_denied=tuple(limb for limb in LIMBS if limb in limbs_denied),
        below_knee=below_knee,
        neuro=tuple(s for s in NEURO_SYMPTOMS if any(c.value == s for c in asserted)),
        neuro_denied=tuple(s for s in NEURO_SYMPTOMS if any(c.value == s for c in negated)),
        medicines=_unique(c.value for c in asserted if c.type == "medication"),
    )


def mentions(text: str | None) -> Mentions:
    """Intake facts stated in ``text``."""
    return mentions_from(concepts_of(text), text or "")


def mentions_from_parse(concepts: Iterable[Mapping[str, Any]], text: str = "") -> Mentions:
    """Intake facts from the concepts the NLU component left in the parse data (dicts),
    so that a pipeline step reads them without running the patterns again."""
    from bot.nlu.concepts import Concept

    names = {f.name for f in fields(Concept)}
    return mentions_from(
        (Concept(**{k: v for k, v in c.items() if k in names}) for c in concepts), text
    )
