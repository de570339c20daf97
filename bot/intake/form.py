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
from datetime import date
from typing import Any

from bot.clinic.booking_talk import asks_to_leave, gives_contact_point
from bot.clinic.form_reading import DECLINED_INTENTS, Reading, looks_like_question
from bot.intake.answers.durations import duration_category, only_a_long_time, parse_duration
from bot.intake.answers.imaging import REVIEWED_SCANS, parse_imaging
from bot.intake.answers.pain import pain_score_out_of_range, parse_pain_score
from bot.intake.answers.treatments import TREATMENT_ORDER, parse_treatments
from bot.intake.answers.when import parse_when, point_in_time
from bot.intake.answers.yes_no import is_skip, parse_yes_no
from bot.intake.mentions import SPINE_LOCATIONS, Mentions, mentions
from bot.intake.spelling import clean_answer

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
DERIVED_SLOTS = (
    "duration_category",
    "intake_details",
    "intake_summary",
    "intake_awaiting_change",
    "intake_reasked",
)
# details said in passing that no question asks for, kept for the summary and the lead:
# which side ("left"), and the visitor's own words about treatments tried
DETAILS = "intake_details"
REASKED = "intake_reasked"
NOTED_OTHER = "utter_intake_noted_other"
MOVING_ON = "utter_intake_moving_on"
DURATION = "pain_duration"
ROUGH_DURATION = "utter_intake_ask_rough_duration"
# Requests that leave the intake for the contact form or the booking when the message
# answers nothing ("can i just book the review") or asks for it in so many words ("please
# can my scan be reviewed": its answers are recorded as the contact form starts,
# actions/leads.py); otherwise an answer in it is recorded and the intake goes on.
LEAVING_INTENTS = frozenset({"request_review", "request_callback"})
# Contact details typed while a question is open ("Dana Whitlock 773 555 0100, evenings"):
# the contact form takes them, consent first (data/rules/intake.yml).
CONTACT_DETAILS = "update_contact"
# An urgent sign said within an answer ("no diagnosis, but I had cancer"): the answers
# are recorded and the alarm's response comes first, then the next question. A message
# with no answer in it is declined, and the urgent rule answers it.
ANSWERED_WITH_ALARM = {"urgent_symptom": "utter_urgent"}
GENERIC_CONDITION_OF_LOCATION = {
    "neck": "neck_pain",
    "lower_back": "back_pain",
    "mid_back": "back_pain",
}
GENERIC_CONDITIONS = frozenset(GENERIC_CONDITION_OF_LOCATION.values())
ANTIDEPRESSANTS = frozenset(
    {"antidepressant", "duloxetine", "amitriptyline", "nortriptyline", "venlafaxine"}
)

# questions a rule answers mid-intake (about the medicines, about privacy), after which
# the form asks its question again
QUESTION_INTENTS = frozenset({"faq", "consent_question"})
_LINKING_WORD = re.compile(r"^\s*(?:and|but|so|also|plus|then|or)\s+", re.IGNORECASE)
_CORRECTION = re.compile(
    r"\b(actually|sorry|i meant|i mean|correction|wait|oops|my mistake|instead|rather|not my|"
    r"make (?:that|it)|change (?:that|it))\b",
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
# said in passing, in a message that answers other questions too
_NO_DIAGNOSIS = re.compile(
    r"\b(no|not|never|nothing|without( a)?|undiagnosed)\b( been| yet| really| official)?"
    r"\s*(diagnos\w*|name for it)|\bno one (has )?(told|said)\b",
    re.IGNORECASE,
)
_NO_SPREAD = re.compile(
    r"\bno (leg|arm) (pain|symptoms)\b|\bdoes ?n'?t (spread|go|travel|radiate)\b"
    r"|\bnot? (spreading|spread|radiating)\b|\bstays? (in|put)\b"
    r"|\b(?:not|never) (in|into|down)? ?(my |the )?(arms?|legs?)\b",
    re.IGNORECASE,
)
_BELOW_KNEE = re.compile(
    r"\b(calf|calves|shins?|ankles?|foot|feet|toes?|heels?|below the knee)\b", re.IGNORECASE
)
_ABOVE_KNEE = re.compile(
    r"\b(thigh|above the knee|to the knee|down to my knee|hip)\b", re.IGNORECASE
)
_NOT_BELOW_KNEE = re.compile(
    r"\b(?:not|never|doesn'?t go|does not go)\s+(?:past|below|under|beyond|go past)"
    r"\s+(?:the|my)\s+knee",
    re.IGNORECASE,
)
_NONE_OF_THESE = re.compile(
    r"^\s*(no|nope|none|none of (these|them|those)|neither|nothing)\b", re.IGNORECASE
)
_INTERVAL_AFTER = re.compile(
    r"\b(?:days?|weeks?|months?|years?|yrs?)\s+(?:later|after(?:wards)?|on)\b", re.IGNORECASE
)
# an injury or operation dated in passing ("a fall in 2019", "surgery last may"): the
# date is the event's; how long the pain has lasted is asked, unless "since", "for"...
# tie the time to the pain
_DATED_EVENT = re.compile(
    r"\b(?:whiplash|accident|crash|collision|fall|fell|injur\w*|surgery|operation)\b",
    re.IGNORECASE,
)
_TIED_TO_THE_PAIN = re.compile(r"\b(?:since|for|ago|start\w*|began|begun|ever)\b", re.IGNORECASE)
_NEXT_STATEMENT = re.compile(r"\s(?:and|but|so|which|because|cos|comma|period)\s", re.IGNORECASE)
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
_NUMBER = r"(?:\d{1,2}|zero|one|two|three|four|five|six|seven|eight|nine|ten)"
# a message that is only a number ("5ish", "maybe 6 or 7"): a pain score, if anything
_BARE_NUMBER = re.compile(
    r"^\s*(?:(?:about|around|maybe|like|roughly|prob(?:ably)?|say|an?|ok(?:ay)?|so|um+|uh+)"
    rf",?\s+)*{_NUMBER}"
    rf"(?:\s*(?:-|to|or)\s*{_NUMBER})?\s*(?:ish)?\s*[.!]*\s*$",
    re.IGNORECASE,
)
# "make that 6 not 8", "6, not 8": the number said before "not" replaces the other
_NUMBER_SWAP = re.compile(
    rf"\b({_NUMBER})\s*(?:/\s*10|out of 10)?\s*,?\s*(?:and\s+)?not\s+(?:an?\s+)?({_NUMBER})\b",
    re.IGNORECASE,
)
# a number said of good and bad days is a rating of the pain ("eight on a bad day")
_PAIN_DAYS = re.compile(
    r"\b(?:bad|good|worst|best|normal|typical|average)\s+days?\b|\bmost days\b"
    r"|\bat (?:its|it'?s) (?:worst|best)\b|\bon average\b",
    re.IGNORECASE,
)
# where one answer ends and the next begins in a message that gives several
# how many parts of one message are read for intake facts (bounded work per message)
MAX_FACT_CLAUSES = 40
_CLAUSE_BREAK = re.compile(r"[,;.!?\n]+|\s(?:but|plus|while|although|though)\s", re.IGNORECASE)
_TREATMENT_CUE = re.compile(
    r"\b(tried|trying|taking|take|took|taken|done|did|doing|using|used|been on|on|"
    r"prescribed|given|gave me|started|had|have had|went to|see|seeing|saw)\b",
    re.IGNORECASE,
)
_STRONG_TREATMENT = re.compile(
    r"\b(physio\w*|physical therap\w*|injections?|injected|epidurals?|surger(y|ies)|"
    r"operations?|chiropract\w*|acupuncture|cortisone|nerve blocks?)\b",
    re.IGNORECASE,
)
# treatments that name a medicine, which is never anything else
_MEDICINE_KINDS = frozenset({"medication", "antidepressant"})
_BODY_PART = (
    r"(?:legs?|arms?|sides?|buttocks?|butt|hips?|thighs?|calf|calves|foot|feet|knees?|"
    r"shoulders?|hands?|glutes?|shins?|ankles?|toes?|fingers?)"
)
_SIDE = re.compile(
    rf"\b(left|right)\b(?=(?:\s+\w+){{0,2}}\s+{_BODY_PART}\b)|\bon the (left|right)\b",
    re.IGNORECASE,
)
_SIDE_DENIED = re.compile(r"\bnot\s+(?:the\s+|my\s+|on the\s+)?(left|right)\b", re.IGNORECASE)


def required_slots(values: Mapping[str, Any]) -> list[str]:
    """The questions that apply, in order: no "below the knee" without leg pain. The
    scan question invites its date; "when" is asked on its own only of an MRI or CT
    scan, the scans the clinic reviews (an X-ray's date is kept when said)."""
    skip: set[str] = set()
    if "leg" not in _as_list(values.get("pain_radiates")):
        skip.add("below_knee")
    if not set(_as_list(values.get("imaging"))) & set(REVIEWED_SCANS):
        skip.add("imaging_when")
    return [slot for slot in FORM_SLOTS if slot not in skip]


def asks_something(text: str) -> bool:
    """Whether any part of a message is a question ("neck pain 3 weeks, will it help"),
    not only its start or its end."""
    return looks_like_question(text) or any(
        looks_like_question(_LINKING_WORD.sub("", part)) for part in clauses(text)
    )


def read_message(
    text: str,
    intent: str | None,
    requested_slot: str | None,
    values: Mapping[str, Any],
    today: date,
) -> Reading:
    """Read one visitor message while the intake runs (``requested_slot`` is None on the
    message that started it, whose facts pre-fill the questions).

    Whatever question was asked, every answer the message states is recorded: visitors
    answer ahead, several questions at once, or correct an earlier answer in passing. A
    question the message does not answer is asked again once; after a second miss it is
    skipped, so the intake never loops on it. Typing slips and emoji are read through
    (bot/intake/spelling.py); the safety screen has already read the message as typed.
    """
    text = clean_answer(text or "")
    if intent in ANSWERED_WITH_ALARM:
        return _with_alarm(ANSWERED_WITH_ALARM[intent], text, requested_slot, values, today)
    if intent in DECLINED_INTENTS:
        return Reading()
    said = mentions(text)
    stated = stated_answers(text, said, values, today, asked=requested_slot)
    if intent in LEAVING_INTENTS and (not stated or asks_to_leave(text)):
        return Reading()
    if intent == CONTACT_DETAILS and gives_contact_point(text):
        return Reading()
    if requested_slot is None:
        return Reading(slots=_news(stated, values, correcting=False))
    if requested_slot == "intake_confirmed":
        if intent in QUESTION_INTENTS and looks_like_question(text):
            return Reading()
        return _read_confirmation(text, intent, said, values, today)
    answer = READERS[requested_slot](text, intent, said, values, today)
    if not answer.slots and requested_slot in stated:
        answer = _stated_reading(requested_slot, stated)
    if intent in QUESTION_INTENTS and (looks_like_question(text) or not (answer.slots or stated)):
        return Reading()
    correcting = bool(_CORRECTION.search(text) or _NUMBER_SWAP.search(text))
    others = _news(
        {k: v for k, v in stated.items() if k not in answer.slots and k != requested_slot},
        values,
        correcting,
    )
    if _CORRECTION.search(text) or _ADDITION.search(text):
        others.update(_mentioned_changes(text, said, values, exclude=requested_slot))
    if answer.slots:
        slots = {**others, **answer.slots, **_clear_reask(values)}
        if DETAILS in others and DETAILS in answer.slots:
            slots[DETAILS] = {**others[DETAILS], **answer.slots[DETAILS]}
        return Reading(slots=slots, responses=answer.responses)
    return _missed(requested_slot, answer, others, values)


def _with_alarm(
    response: str,
    text: str,
    requested_slot: str | None,
    values: Mapping[str, Any],
    today: date,
) -> Reading:
    """The answers of a message that also raised an alarm, the alarm's response first;
    nothing when it answers nothing (the alarm's rule answers it alone)."""
    reading = read_message(text, None, requested_slot, values, today)
    answered = [v for k, v in reading.slots.items() if k != REASKED and v is not None]
    if not answered or requested_slot is None:
        return Reading()
    return Reading(slots=reading.slots, responses=[response, *reading.responses])


def _stated_reading(slot: str, stated: Mapping[str, Any]) -> Reading:
    """The asked question answered in words its own reader does not know but the reading
    of the whole message does ("no one told me anything", "into my shoulder, not the
    arm")."""
    slots = {slot: stated[slot]}
    if slot == "pain_duration" and "duration_category" in stated:
        slots["duration_category"] = stated["duration_category"]
    return Reading(slots=slots)


def _missed(
    requested_slot: str, answer: Reading, others: dict[str, Any], values: Mapping[str, Any]
) -> Reading:
    """The asked question went unanswered: keep what else the message said and ask it
    once more (with the reader's hint when nothing at all was understood); after a
    second miss it is skipped, so that a visitor answering ahead is never stuck on it.
    A message that only corrects earlier answers is no miss: the question comes again."""
    if others and all(values.get(slot) not in (None, SKIPPED) for slot in others):
        return Reading(slots=others, responses=["utter_intake_noted"])
    if values.get(REASKED) == requested_slot:
        slots = {**others, **skipped_answer(requested_slot, values), REASKED: None}
        return Reading(slots=slots, responses=[NOTED_OTHER if others else MOVING_ON])
    if others:
        return Reading(slots={**others, REASKED: requested_slot}, responses=[NOTED_OTHER])
    return Reading(
        slots={requested_slot: None, REASKED: requested_slot}, responses=answer.responses
    )


def _clear_reask(values: Mapping[str, Any]) -> dict[str, Any]:
    """The re-ask mark, cleared once its question is answered or skipped."""
    return {REASKED: None} if values.get(REASKED) else {}


def skipped_answer(slot: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """What a skipped question records: no name given reads as plain back or neck pain."""
    if slot == "condition":
        return {"condition": generic_conditions(values.get("pain_location"))}
    if slot == "pain_duration":
        return {"pain_duration": SKIPPED, "duration_category": SKIPPED}
    return {slot: SKIPPED}


def _news(stated: Mapping[str, Any], values: Mapping[str, Any], correcting: bool) -> dict[str, Any]:
    """The stated answers to record: those not given yet, or all of them when the visitor
    corrects ("actually..."); details said in passing are added to those kept."""
    found: dict[str, Any] = {}
    for slot, value in stated.items():
        if slot == "duration_category":
            continue  # follows pain_duration, below
        if slot == DETAILS:
            merged = {**(values.get(DETAILS) or {}), **value}
            if merged != values.get(DETAILS):
                found[DETAILS] = merged
        elif values.get(slot) in (None, SKIPPED) or (correcting and values.get(slot) != value):
            found[slot] = value
    if "pain_duration" in found and "duration_category" in stated:
        found["duration_category"] = stated["duration_category"]
    return found


# --- what a message says, whichever question was asked ------------------------------------


def clauses(text: str) -> list[str]:
    """The parts of a message that each say one thing ("lower back, 2 months, mri")."""
    return [part.strip() for part in _CLAUSE_BREAK.split(text) if part and part.strip()]


def _topic(clause: str, previous: str) -> str:
    """What a clause is about: a scan, a treatment, or the pain itself. A clause that only
    dates something ("last one in 2023") goes with the clause before it."""
    if _SCAN_WORDS.search(clause):
        return "scan"
    if _names_treatment(clause):
        return "treatment"
    if previous != "pain" and point_in_time(clause) and not mentions_pain(clause):
        return previous
    return "pain"


def _names_treatment(clause: str) -> bool:
    """A treatment tried, not a word that only looks like one ("worse at rest"): a
    treatment with a verb of trying or taking, or one that is never anything else, a
    medicine included ("ibuprofen doesn't help") unless the clause asks about it ("does
    duloxetine cause ...")."""
    found = parse_treatments(clause)
    if not found or found == [NONE]:
        return False
    if _MEDICINE_KINDS.intersection(found) and not looks_like_question(clause):
        return True
    return bool(_TREATMENT_CUE.search(clause) or _STRONG_TREATMENT.search(clause))


def mentions_pain(clause: str) -> bool:
    """Whether a clause speaks of the pain itself ("pain 6", "it hurts")."""
    return bool(re.search(r"\b(pain|hurts?|hurting|aches?|aching|sore)\b", clause, re.I))


def _by_topic(text: str) -> dict[str, str]:
    """The message's clauses joined by topic: {"pain": ..., "scan": ..., "treatment": ...}.

    Only the first MAX_FACT_CLAUSES are read for facts: each costs a few parses, and a
    message of hundreds of fragments ("a@b.co a@b.co ...") is no description of pain.
    """
    parts: dict[str, list[str]] = {}
    previous = "pain"
    for clause in clauses(text)[:MAX_FACT_CLAUSES]:
        previous = _topic(clause, previous)
        parts.setdefault(previous, []).append(clause)
    return {topic: ", ".join(found) for topic, found in parts.items()}


def stated_answers(
    text: str, said: Mentions, values: Mapping[str, Any], today: date, asked: str | None = None
) -> dict[str, Any]:
    """Every intake answer ``text`` states plainly, for any question (``asked`` is the
    question on screen: a bare number is a pain score unless a length or date was asked)."""
    found: dict[str, Any] = {}
    if said.locations:
        found["pain_location"] = _in_order(list(said.locations), SPINE_LOCATIONS)
    named = [c for c in said.conditions if c not in GENERIC_CONDITIONS]
    if named:  # "back pain" says where, not whether a doctor named it
        found["condition"] = named
    elif _NO_DIAGNOSIS.search(text):
        found["condition"] = generic_conditions(
            found.get("pain_location") or values.get("pain_location")
        )
    if said.limbs:
        found["pain_radiates"] = list(said.limbs)
    elif said.limbs_denied or _NO_SPREAD.search(text):
        found["pain_radiates"] = [NONE]
    below_knee = _below_knee_in_passing(text, said)
    if below_knee is not None:
        found["below_knee"] = below_knee
    if said.neuro:
        found["neuro_symptoms"] = list(said.neuro)
    elif said.neuro_denied:
        found["neuro_symptoms"] = [NONE]
    topics = _by_topic(text)
    pain_text = topics.get("pain", "")
    found.update(_stated_duration(pain_text, today))
    score = _stated_pain_score(text, pain_text, values, asked)
    if score is not None:
        found["pain_score"] = score
    found.update(_stated_imaging(topics.get("scan", "")))
    treatments = treatments_of(topics.get("treatment", ""), said) if "treatment" in topics else None
    details = _details(text, topics)
    if treatments and treatments != [NONE]:
        found["treatments"] = treatments
    if details:
        found[DETAILS] = details
    return found


def _below_knee_in_passing(text: str, said: Mentions) -> bool | None:
    """Below the knee or not, said of a leg ("down to my calf", "not past the knee")."""
    if said.below_knee is not None:
        return said.below_knee
    if "leg" not in said.limbs:
        return None
    if _NOT_BELOW_KNEE.search(text) or _ABOVE_KNEE.search(text):
        return False
    return True if _BELOW_KNEE.search(text) else None


def _stated_duration(pain_text: str, today: date) -> dict[str, Any]:
    """How long it hurts, from the first part of the message that says it; a time
    between two events ("hurts now, 30 years later") says when, not how long, and so
    does the date of an injury told in passing."""
    for clause in clauses(pain_text):
        if _INTERVAL_AFTER.search(clause):
            continue
        if _DATED_EVENT.search(clause) and not _TIED_TO_THE_PAIN.search(clause):
            continue
        found = read_duration(clause, today, in_passing=True)
        if found:
            return found
    return {}


def _stated_pain_score(
    text: str, pain_text: str, values: Mapping[str, Any], asked: str | None
) -> int | None:
    """A pain score said with its cue ("pain 6", "7/10"), a correction of the one given
    ("6 not 8"), or a bare number when neither a length nor a date was asked."""
    swap = _NUMBER_SWAP.search(text)
    if swap and values.get("pain_score") == parse_pain_score(swap.group(2)):
        return parse_pain_score(swap.group(1))
    cued = _PAIN_NUMBER.search(pain_text)
    if cued:
        return parse_pain_score(cued.group(0))
    for clause in clauses(pain_text):
        if _PAIN_DAYS.search(clause) and parse_pain_score(clause) is not None:
            return parse_pain_score(clause)
    if _BARE_NUMBER.match(text) and asked not in ("pain_duration", "imaging_when"):
        return parse_pain_score(text)
    return None


def _stated_imaging(scan_text: str) -> dict[str, Any]:
    """The scans a message names and, if it says, when."""
    kinds = parse_imaging(scan_text) if scan_text else None
    if not kinds:
        return {}
    slots: dict[str, Any] = {"imaging": kinds}
    when = point_in_time(scan_text) or parse_when(scan_text)
    if when and NONE not in kinds:
        slots["imaging_when"] = when
    return slots


def pain_side(text: str) -> str | None:
    """Which side the visitor says hurts ("left", "right", "both"), a denied side left
    out ("my left leg, not the right")."""
    denied = {m.group(1).lower() for m in _SIDE_DENIED.finditer(text)}
    sides = {(m.group(1) or m.group(2)).lower() for m in _SIDE.finditer(text)} - denied
    if not sides:
        return None
    return "both" if len(sides) > 1 else sides.pop()


def _details(text: str, topics: Mapping[str, str]) -> dict[str, str]:
    """Details the questions don't ask for but the clinic's review needs: the side, and the
    visitor's own words about treatments (which medicines, an injection last month)."""
    details: dict[str, str] = {}
    side = pain_side(text)
    if side:
        details["side"] = side
    if topics.get("treatment"):
        details["treatments_said"] = topics["treatment"]
    return details


# --- one reader per question -------------------------------------------------------------

Reader = Callable[[str, "str | None", Mentions, Mapping[str, Any], date], Reading]


def _help(response: str) -> Reading:
    return Reading(responses=[response])


def _skipped(text: str, intent: str | None) -> bool:
    return intent == "skip" or is_skip(text)


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
    no = intent == "deny" or parse_yes_no(text) is False or _STAYS.search(text)
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
    yes_no = parse_yes_no(text)
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
    duration = parse_duration(text, today)
    if duration is None:
        return {}
    weeks = duration.weeks
    if _UNDER.search(text):
        weeks = max(weeks - 0.5, 0.0)  # "under 6 weeks" is acute
    raw = duration_phrase(text, today) if in_passing else duration.raw
    return {"pain_duration": raw, "duration_category": duration_category(weeks)}


def duration_phrase(text: str, today: date) -> str:
    """The part of a sentence that says how long: from the last "for" / "since" / ...
    whose rest still reads as a duration (up to the next "and ...", when what comes
    before it says it alone), else the time phrase, else the whole text."""
    for cue in reversed(list(_DURATION_CUE.finditer(text))):
        tail = text[cue.start() :].strip()
        if parse_duration(tail, today) is not None:
            head = _NEXT_STATEMENT.split(tail, maxsplit=1)[0].strip()
            return head if parse_duration(head, today) is not None else tail
    return parse_when(text) or text.strip()


def _read_duration(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    pain_text = _by_topic(text).get("pain") or text
    slots = read_duration(pain_text, today)
    if slots and only_a_long_time(pain_text, today) and values.get(REASKED) != DURATION:
        # "ages": asked once for a rough figure; said again, it stands (over a year)
        return Reading(slots={DURATION: None, REASKED: DURATION}, responses=[ROUGH_DURATION])
    if slots:
        return Reading(slots=slots)
    if _skipped(text, intent):
        return Reading(slots={"pain_duration": SKIPPED, "duration_category": SKIPPED})
    return _help("utter_intake_help_duration")


def _read_pain_score(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    score = parse_pain_score(text)
    if score is not None:
        return Reading(slots={"pain_score": score})
    if pain_score_out_of_range(text):
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
    kinds = parse_imaging(text)
    if kinds:
        slots: dict[str, Any] = {"imaging": kinds}
        when = parse_when(text)
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
    when = parse_when(text)
    if when is None and parse_duration(text, today) is not None:
        when = text.strip()
    if when:
        return Reading(slots={"imaging_when": when})
    if _skipped(text, intent):
        return Reading(slots={"imaging_when": SKIPPED})
    return _help("utter_intake_help_when")


def treatments_of(text: str, said: Mentions) -> list[str] | None:
    """Treatments named in ``text``, medicines found by the concept patterns included."""
    found = parse_treatments(text) or []
    medicines = {"antidepressant" if m in ANTIDEPRESSANTS else "medication" for m in said.medicines}
    values = [v for v in found if v != NONE] + sorted(medicines)
    if values:
        return _in_order(values, TREATMENT_ORDER)
    return [NONE] if found else None


def _read_treatments(
    text: str, intent: str | None, said: Mentions, values: Mapping[str, Any], today: date
) -> Reading:
    found = treatments_of(text, said)
    if found == [NONE]:
        return Reading(slots={"treatments": found})
    if found:
        details = {**(values.get(DETAILS) or {}), "treatments_said": text.strip()}
        return Reading(slots={"treatments": found, DETAILS: details})
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
    yes_no = parse_yes_no(text)
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
    """Every answer a message changes, for "change something" after the summary: what
    it states replaces what was noted (a scan's date stays unless a new one is given)."""
    stated = stated_answers(text, said, values, today, asked="intake_confirmed")
    if stated.get("treatments") is None:
        found = treatments_of(text, said)
        if found and found != [NONE]:
            stated["treatments"] = found
    changes = {**_news(stated, values, correcting=True)}
    changes.update(_mentioned_changes(text, said, values, exclude=None))
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
