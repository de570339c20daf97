"""Which of the clinic's facts a message asks for: where it is, when it is open, its
phone number.

A visitor asks "phone number and address please" or "are you open saturday" in one go;
each fact asked gets its own short answer, filled from the clinic profile (clinic.yml)
by the response generator. A request for a person that names no fact gets the full
hand-off answer instead.
"""

from __future__ import annotations

import re

# (fact, cue): the order is the order of the answers
FACT_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "address",
        re.compile(
            r"\b(?:address|where (?:r|are) (?:u|you)|where(?:'s| is) (?:the |your |ur )?"
            r"(?:clinic|office|practice)|located|location|directions|find (?:you|the clinic)|"
            r"parking|park\b|drive (?:me )?(?:in|there|over))",
            re.IGNORECASE,
        ),
    ),
    (
        "hours",
        re.compile(
            r"\b(?:hours|opening|open|close|closing|closed|weekends?|saturdays?|sundays?|"
            r"what time|when (?:r|are|do) (?:u|you|they)\b)",
            re.IGNORECASE,
        ),
    ),
    (
        "phone",
        re.compile(
            r"\b(?:phone|number|telephone|ring (?:you|the clinic)|call (?:you|the clinic))\b",
            re.IGNORECASE,
        ),
    ),
)
RESPONSES = {fact: f"utter_clinic_{fact}" for fact, _ in FACT_CUES}
HANDOFF_RESPONSE = "utter_human_handoff"


def asked_facts(text: str) -> list[str]:
    """The clinic facts ``text`` asks for, in answer order (none: a plain hand-off)."""
    return [fact for fact, cue in FACT_CUES if cue.search(text or "")]


def reach_clinic_responses(text: str) -> list[str]:
    """The responses that answer a request to reach the clinic or a person."""
    facts = asked_facts(text)
    return [RESPONSES[fact] for fact in facts] or [HANDOFF_RESPONSE]
