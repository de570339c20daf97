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
            r"when (?:r|are|do) (?:u|you|they)\b)",
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
# what makes a message mentioning a fact a request for it: a question, a "give me", a
# short message ("number?"), or the visitor saying they will call the clinic themselves
ASKING = re.compile(
    r"\?|^\W*(?:\w+[\s,.!]+){0,3}?(?:what|whats|where|wheres|when|which|how|is there|are (?:u|you)|"
    r"do (?:u|you)|can i (?:have|get)|could i (?:have|get)|give me|send me|tell me|need)\b|"
    r"\bi'?(?:ll| will) (?:call|ring|phone)\b",
    re.IGNORECASE,
)
# the visitor's own details or a request to be called: the lead form's business
THEIR_OWN = re.compile(
    r"\b(?:my|take (?:my|your)|(?:call|ring|phone|text|contact|email|e-mail|message|reach|"
    r"get back to|get hold of|get in touch with) me|me back)\b|\d{3}|@",
    re.IGNORECASE,
)
# a choice of a review time ("number two please") is not a question about the clinic
ORDINAL = re.compile(
    r"\bnumber (?:one|two|three|four|five|\d)\b|\b(?:first|second|third|last) one\b",
    re.IGNORECASE,
)
MAX_SHORT_WORDS = 3
# a longer question must be about the clinic ("what's your address"), not about phones or
# places in general ("directions to the mall", "best phone to buy")
ABOUT_THE_CLINIC = re.compile(
    r"\b(?:clinic|office|practice|reception|front desk|you|your|ur|u|y'?all|you guys|they|"
    r"the (?:phone )?number|the address|the phone|parking)\b",
    re.IGNORECASE,
)
# a complaint about not getting through to the clinic: "nobody picks up", "no one ever
# called me back", "they never rang back"
NOT_GETTING_THROUGH = re.compile(
    r"\b(?:nobody|no one|noone|no-one|none of you)\s+(?:\w+\s+){0,3}?(?:ever\s+)?"
    r"(?:picks? up|picked up|answers?|answered|calls?(?: me)? back|called(?: me)? back|"
    r"rings?(?: me)? back|rang(?: me)? back|gets? back|got back|returns?|returned|responds?|"
    r"responded|replies|replied)\b|"
    r"\b(?:never|didn'?t|did not|hasn'?t|has not|haven'?t|have not)\s+(?:\w+\s+){0,2}?"
    r"(?:called|rung|rang|phoned|got|gotten|heard)(?: me)?\s+back\b",
    re.IGNORECASE,
)
# paperwork and other matters of the office, not of health: the team answers them
ADMIN_MATTER = re.compile(
    r"\b(?:paperwork|billing|invoices?|insurance (?:claims?|forms?|paperwork)|sick note|"
    r"work note|medical records|fmla|disability (?:claims?|forms?)|"
    r"(?:a|the|my|some) forms? (?:for|from|to|that))\b",
    re.IGNORECASE,
)
RESPONSES = {
    "address": "utter_clinic_address",
    "hours": "utter_clinic_hours",
    "phone": "utter_clinic_phone",
}
HANDOFF_RESPONSE = "utter_human_handoff"


def asked_facts(text: str) -> list[str]:
    """The clinic facts ``text`` asks for, in answer order (none: a plain hand-off)."""
    return [fact for fact, cue in FACT_CUES if cue.search(text or "")]


# a request for a person names one, or a way to reach the clinic
REACHING_SOMEONE = re.compile(
    r"\b(?:person|people|human|someone|somebody|anyone|anybody|staff|nurse|doctor|dr|"
    r"receptionist|reception|front desk|desk|agent|representative|operator|team|real|live|"
    r"talk|speak|chat|call|calls|called|phone|ring|rang|rung|number|email|e-mail|message|"
    r"contact|reach|ahold|hold|voicemail|line|transfer|connect|put me through|hours|open|"
    r"close|closed|address|street|office|clinic|scheduling|answer|answers|back)\b",
    re.IGNORECASE,
)


def mentions_reaching_someone(text: str) -> bool:
    """Whether ``text`` names a person, the clinic or a way to reach it: a request for
    a person without any of these ("which one is best") was misread."""
    return bool(REACHING_SOMEONE.search(text or "") or asked_facts(text))


def names_a_choice(text: str) -> bool:
    """Whether ``text`` picks one of the offered options ("number two please")."""
    return bool(ORDINAL.search(text or ""))


def asks_for_facts(text: str) -> bool:
    """Whether ``text`` asks for the clinic's address, hours or phone (not for a call
    back, and not giving the visitor's own details)."""
    text = text or ""
    if not asked_facts(text) or THEIR_OWN.search(text) or names_a_choice(text):
        return False
    if len(text.split()) <= MAX_SHORT_WORDS:
        return True
    return bool(ASKING.search(text) and ABOUT_THE_CLINIC.search(text))


def complains_of_not_getting_through(text: str) -> bool:
    """Whether ``text`` complains that the clinic doesn't answer or call back: an
    apology and the ways to reach a person are the answer, not an alarm."""
    return bool(NOT_GETTING_THROUGH.search(text or ""))


def is_admin_matter(text: str) -> bool:
    """Whether ``text`` is about paperwork or billing (a claim form, an invoice): the
    clinic's team handles it, so the answer is how to reach them."""
    return bool(ADMIN_MATTER.search(text or ""))


def reach_clinic_responses(text: str) -> list[str]:
    """The responses that answer a request to reach the clinic or a person."""
    facts = asked_facts(text)
    return [RESPONSES[fact] for fact in facts] or [HANDOFF_RESPONSE]
