"""Safety screening: which alarm, if any, a message raises, and the conversation's triage.

Pure logic on the clinical concepts that bot/nlu extracts, so that it can be tested on
its own and shared by the NLU component (bot/nlu/triage.py), the action server and the
evaluation (bot/devtools/nlu_eval.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Alarm levels, most severe first. A crisis outranks an emergency because its response
# covers both: call or text 988, and 911 for immediate danger.
ALARM_LEVELS = ("crisis", "emergency", "urgent")
ALARM_INTENTS = {"crisis": "crisis", "emergency": "emergency", "urgent": "urgent_symptom"}
INTENT_ALARMS = {intent: level for level, intent in ALARM_INTENTS.items()}

# The triage level kept on the conversation (and later on the lead).
TRIAGE_LEVELS = ("routine", "urgent", "emergency")
# The slot each level's alarms set (domain.yml: crisis and emergency intents set
# emergency_raised, urgent_symptom sets urgent_raised).
TRIAGE_FLAGS = {"emergency": "emergency_raised", "urgent": "urgent_raised"}


def _asserted(concept: Mapping[str, Any]) -> bool:
    """Said of the visitor themselves, now: not negated, hypothetical, someone else's or
    of the past."""
    flags = ("negated", "hypothetical", "other_experiencer", "historical")
    return not any(concept.get(flag) for flag in flags)


def red_flags(concepts: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The red-flag concepts among everything extracted from a message."""
    return [c for c in concepts if c.get("type") == "red_flag"]


def most_severe(levels: Iterable[str]) -> str | None:
    """The most severe of some alarm levels, or None if there are none."""
    present = set(levels)
    return next((level for level in ALARM_LEVELS if level in present), None)


def alarm_from_concepts(concepts: Iterable[Mapping[str, Any]]) -> str | None:
    """The most severe alarm among the red flags the visitor asserts about themselves.

    Negated ("no trouble peeing") and hypothetical ("can it cause bladder issues?")
    mentions raise nothing.
    """
    return most_severe(c.get("severity", "") for c in red_flags(concepts) if _asserted(c))


CLINICAL_TYPES = ("red_flag", "symptom")


def screen(intent: str | None, concepts: Iterable[Mapping[str, Any]]) -> tuple[str | None, bool]:
    """Decide the alarm for one message: ``(level or None, model_alarm_overruled)``.

    An asserted red flag always raises its alarm, whatever the classifier thought. When
    only the classifier thinks it is an alarm, that stands if the patterns found nothing
    clinical in the message (a wording they don't know); if they did find symptoms or
    signs and judged them (one-sided, someone else's), or found anything denied or
    hypothetical ("not on steroids"), the classifier's alarm is overruled.
    """
    concepts = list(concepts)
    level = alarm_from_concepts(concepts)
    if level:
        return level, False
    model_level = INTENT_ALARMS.get(intent or "")
    if model_level is None:
        return None, False
    judged = any(c.get("type") in CLINICAL_TYPES for c in concepts)
    denied = any(c.get("negated") or c.get("hypothetical") for c in concepts)
    if judged or denied:
        return None, True
    return model_level, False


def conversation_triage(slots: Mapping[str, Any]) -> str:
    """The conversation's triage level: the most severe alarm any of its messages raised.

    Read from the flags that domain.yml's ``from_intent`` mappings set when the safety
    screen (bot/nlu/triage.py) turns a message into an alarm intent, and never clear, so
    the level rises and never falls. Declarative mappings, not a validation action,
    because that action cost an action-server round trip on every message.
    """
    raised = [level for level, slot in TRIAGE_FLAGS.items() if slots.get(slot) is True]
    return max(["routine", *raised], key=TRIAGE_LEVELS.index)
