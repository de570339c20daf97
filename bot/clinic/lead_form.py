"""How the consent and contact form reads each message.

Pure logic, called by actions/leads.py. Consent comes first and nothing personal is read
before it; a "no" ends the form. Contact details are validated by bot/clinic/contact.py. As in
the intake (bot/intake/form.py), an empty reading hands the message to the rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.clinic.consent import CONSENT_NOTICE_VERSION
from bot.clinic.contact import (
    CONTACT_METHODS,
    find_email,
    find_phone,
    looks_like_email,
    parse_contact_method,
    parse_contact_time,
    phone_attempt,
    stated_methods,
    without_contact_points,
)
from bot.clinic.contact_name import find_name, names_with_cue
from bot.clinic.form_reading import DECLINED_INTENTS, Reading, looks_like_question
from bot.intake.answers.yes_no import is_skip, parse_yes_no

# The order of the questions: consent, the name (with the call/text opt-in offered as
# buttons), how to reach the visitor, the opt-in if a phone's use is still open, the
# way only when there is a choice, the time.
LEAD_FORM_SLOTS = (
    "consent_given",
    "contact_name",
    "contact_point",
    "contact_opt_in",
    "contact_method",
    "contact_time",
)
# Alarms, "stop" and goodbyes always go to the rules; these others only when the
# message gives no contact detail (a name can read as another language, "email
# please" as a request for a person).
ALWAYS_DECLINED = frozenset({"stop", "emergency", "urgent_symptom", "crisis", "goodbye"})
LEAD_DECLINED_INTENTS = DECLINED_INTENTS | {"consent_question"}
CONTACT_SLOTS = ("contact_name", "contact_email", "contact_phone")
_AGREE = re.compile(
    r"\b(i agree|agree|agreed|accept|consent|ok|okay|fine|sure|yes|yeah|yep|yea|yup|"
    r"go ahead|happy|keep|store|take my|no problem|no worries)\b",
    re.IGNORECASE,
)
_DISAGREE = re.compile(
    r"\b(no|not|don'?t|dont|never|nah|nope|decline|disagree|rather not|refuse)\b", re.I
)
_NOT_A_REFUSAL = re.compile(r"\bno (problem|worries)\b|\bnot a problem\b", re.I)
_ADDRESS_ATTEMPT = re.compile(r"\S*@\S*")
_CORRECTING = re.compile(
    r"\b(sorry|typo|oops|actually|i meant|correction|spelt|spelled|spelling|wrong)\b", re.I
)
_EMAIL_ONLY = re.compile(r"\b(email only|only email|just email|e-?mail me)\b", re.IGNORECASE)
# Asked for a name, a message is taken as leaving only if it says so: the classifier
# reads some names as goodbyes ("Visitor Be", from its "bye" letters), which ended the
# form and lost the lead.
_FAREWELL = re.compile(
    r"\b(bye|goodbye|good night|see (?:you|ya)|gotta go|got to go|i'?m off|leaving|later)\b",
    re.IGNORECASE,
)


def contact_methods(values: Mapping[str, Any]) -> list[str]:
    """The ways the team may use: calls and texts need a number and the opt-in."""
    methods = []
    if values.get("contact_phone") and values.get("contact_opt_in"):
        methods += ["call", "text"]
    if values.get("contact_email"):
        methods.append("email")
    return [m for m in CONTACT_METHODS if m in methods]


def required_slots(values: Mapping[str, Any]) -> list[str]:
    """The questions still to ask, in order; none once the visitor declined consent.

    The name comes first; its question also offers the call/text opt-in as buttons
    (action_ask_contact_name), so one tap answers it. The opt-in is asked on its own
    only for a phone number whose use the visitor's words did not settle ("text me" is
    an opt-in, "no calls" is not); the way only when there is a choice not yet stated;
    the time of day only for a call or a text.
    """
    if values.get("consent_given") is False:
        return []
    wanted = ["consent_given", "contact_name", "contact_point"]
    chose_email = values.get("contact_method") == "email"
    if values.get("contact_phone") and values.get("contact_opt_in") is None and not chose_email:
        wanted.append("contact_opt_in")
    if len(contact_methods(values)) > 1:
        wanted.append("contact_method")
    if chose_email:
        return wanted  # an email is read when the visitor likes: no time of day to ask
    return wanted + ["contact_time"]


def offer_opt_in_with_name(values: Mapping[str, Any]) -> bool:
    """Whether the name question also offers the call/text opt-in buttons."""
    return values.get("contact_opt_in") is None and values.get("contact_method") != "email"


def read_message(
    text: str,
    intent: str | None,
    requested_slot: str | None,
    values: Mapping[str, Any],
    now: datetime,
    region: str,
) -> Reading:
    """Read one message while the form runs; nothing is read before it has asked."""
    text = text or ""
    if requested_slot == "contact_name" and intent == "goodbye" and not _FAREWELL.search(text):
        intent = None  # a name, not a farewell
    if requested_slot is None or intent in ALWAYS_DECLINED:
        return Reading()
    if requested_slot == "consent_given":
        if intent in LEAD_DECLINED_INTENTS - {"consent_question"}:
            return Reading()
        if looks_like_question(text) and intent in ("consent_question", "faq"):
            return Reading()
        return read_consent(text, intent, now)
    reading = read_contact(text, intent, requested_slot, values, region)
    gave_details = any(value is not None for value in reading.slots.values())
    if intent in LEAD_DECLINED_INTENTS | {"faq"} and not gave_details:
        return Reading()  # a question or a request: a rule answers, the form asks again
    return reading


def _yes_no(text: str, intent: str | None) -> bool | None:
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    return parse_yes_no(text)


def parse_consent(text: str, intent: str | None = None) -> bool | None:
    """An answer to the privacy notice in words: "ok i agree now", "yeah thats fine go
    ahead" (True), "nah", "i dont want to give my number" (False), else None."""
    plain = _NOT_A_REFUSAL.sub("", text or "")
    if _DISAGREE.search(plain):
        return False
    if _AGREE.search(text or ""):
        return True
    return _yes_no(text, intent)


_NOTICE_AGREEMENT = re.compile(
    r"\b(agree|agreed|consent|accept)\b|\b(keep|store|save|take|have|hold)\b.{0,20}"
    r"\b(details|info|information|informations|data|number|contact)\b",
    re.IGNORECASE,
)


def agrees_to_notice(text: str) -> bool:
    """Agreement in words to the privacy notice shown earlier ("actually fine, you can
    keep my details"), as opposed to a bare "ok", which may answer anything."""
    return bool(_NOTICE_AGREEMENT.search(text or "")) and parse_consent(text) is True


def consent_slots(agreed: bool, now: datetime) -> dict[str, Any]:
    """The answer to the notice, with the notice's version and the time."""
    return {
        "consent_given": agreed,
        "consent_version": CONSENT_NOTICE_VERSION,
        "consent_at": now.isoformat(),
    }


def read_consent(text: str, intent: str | None, now: datetime) -> Reading:
    """The answer to the consent question; unclear answers are asked again."""
    if intent == "affirm" and text.startswith("/"):
        answer: bool | None = True
    elif intent == "deny" and text.startswith("/"):
        answer = False
    else:
        answer = parse_consent(text, intent)
    if answer is None:
        return Reading(slots={"consent_given": None}, responses=["utter_consent_help"])
    return Reading(slots=consent_slots(answer, now))


def read_details(
    text: str, values: Mapping[str, Any], region: str, asked: str | None
) -> tuple[dict[str, Any], list[str]]:
    """Every contact detail a message states, in any order: name, phone, email, the
    call/text opt-in, the way and the time; with the re-asks its faulty details need."""
    found: dict[str, Any] = {}
    problems: list[str] = []
    if text.lstrip().startswith("/"):
        return found, problems  # a button's payload ("/affirm"), not typed details
    email, phone = find_email(text), find_phone(text, region)
    if email:
        found["contact_email"] = email
    elif looks_like_email(text):
        problems.append("utter_contact_help_email")
    if phone:
        found["contact_phone"] = phone
    elif phone_attempt(text, region):
        problems.append("utter_contact_help_phone")
    # what is left of an address the reader could not use ("jess.t@example,com") is no
    # name either
    rest = without_contact_points(_ADDRESS_ATTEMPT.sub(" ", text), region)
    gave_point = bool(email or phone or problems)
    if asked == "contact_name" or gave_point:
        name = find_name(rest, whole_phrase_words=1)
    else:
        name = find_name(rest, whole_phrase_words=2 if asked == "contact_opt_in" else None)
    if name and values.get("contact_name") and asked != "contact_name" and not gave_point:
        # a name given changes only when said as one ("my name is...") or corrected
        # ("sorry, typo: Jon"), never from "any time, i'm retired" answering another question
        name = name if names_with_cue(rest) or _CORRECTING.search(rest) else None
    if name and not (is_skip(name) or parse_yes_no(name) is not None and " " not in name):
        found["contact_name"] = name
    wanted, refused = stated_methods(text)
    phone_known = bool(phone or values.get("contact_phone"))
    if {"call", "text"} & set(wanted):
        found["contact_opt_in"] = True
    elif {"call", "text"} & refused:
        found["contact_opt_in"] = False
    elif "email" in refused and phone_known:
        found["contact_opt_in"] = True  # "no email" beside a number: the phone it is
    method = parse_contact_method(text)
    if method is None and {"call", "text"} == set(wanted):
        method = wanted[0]  # "text or call": either will do, so the first named is kept
    if method:
        found["contact_method"] = method
    time = parse_contact_time(rest)
    if time:
        found["contact_time"] = time
    return found, problems


def _answer(text: str, intent: str | None, asked: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """What a short answer means for the question asked ("yes", "skip", a button); at
    the name question, a yes or no answers the opt-in offered with it."""
    if asked == "contact_name" and offer_opt_in_with_name(values):
        answer = None if find_name(text, whole_phrase_words=2) else _yes_no(text, intent)
        return {} if answer is None else {"contact_opt_in": answer}
    if asked == "contact_opt_in":
        if _EMAIL_ONLY.search(text):
            return {"contact_opt_in": False}
        _, refused = stated_methods(text)
        if "email" in refused and values.get("contact_phone"):
            return {"contact_opt_in": True}  # "no email": the phone it is
        answer = _yes_no(text, intent)
        return {} if answer is None else {"contact_opt_in": answer}
    if asked == "contact_time" and (intent == "skip" or is_skip(text)):
        return {"contact_time": "any"}
    return {}


HELP = {
    "contact_name": "utter_contact_help_name",
    "contact_opt_in": "utter_contact_help_opt_in",
    "contact_method": "utter_contact_help_method",
    "contact_time": "utter_contact_help_time",
}


def read_contact(
    text: str,
    intent: str | None,
    asked: str,
    values: Mapping[str, Any],
    region: str,
) -> Reading:
    """A message while a contact question is open: every detail it gives is kept,
    whichever question was asked; the question is asked again only if nothing was."""
    found, problems = read_details(text, values, region, asked)
    found = {**_answer(text, intent, asked, values), **found}
    slots, responses = settled_details(found, problems, values)
    if not slots and not problems:
        if asked == "contact_point":
            return Reading(slots={asked: None}, responses=["utter_contact_help_phone"])
        return Reading(slots={asked: None}, responses=[HELP[asked]])
    return Reading(slots=slots, responses=responses)


def settled_details(
    found: Mapping[str, Any], problems: list[str], values: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The slots the details found change, with what follows from them (a way to reach
    the visitor given, the only way left chosen) and the responses they call for."""
    found = dict(found)
    merged = {**values, **found}
    if found.get("contact_method") not in (*contact_methods(merged), None):
        found.pop("contact_method")
    slots = {k: v for k, v in found.items() if v != values.get(k)}
    responses = list(problems)
    if any(values.get(k) and k in slots for k in CONTACT_SLOTS):
        responses.append("utter_contact_updated")
    merged = {**values, **slots}
    if (merged.get("contact_email") or merged.get("contact_phone")) and not values.get(
        "contact_point"
    ):
        slots["contact_point"] = "given"
    phone_only = merged.get("contact_phone") and not merged.get("contact_email")
    if phone_only and merged.get("contact_opt_in") is False:
        slots["contact_point"] = None  # no calls or texts: the team needs an email
        responses.append("utter_contact_need_email")
    methods = contact_methods(merged)
    if not merged.get("contact_method") and len(methods) == 1:
        slots["contact_method"] = methods[0]
    return slots, list(dict.fromkeys(responses))


def details_before_consent(texts: list[str], values: Mapping[str, Any], region: str) -> Reading:
    """Contact details typed before the visitor agreed to the notice ("ring me at
    773 ...", or a name and number with the request): nothing personal is read before
    consent, so they are read once the visitor agrees, and not asked for again."""
    said = "\n".join(t for t in texts if t.strip() and not t.lstrip().startswith("/"))
    if not said:
        return Reading()
    found, _ = read_details(said, values, region, asked=None)
    if not any(found.get(slot) for slot in CONTACT_SLOTS):
        return Reading()  # no name, number or email: "mornings" alone may be the pain's
    slots, responses = settled_details(found, [], values)
    return Reading(slots=slots, responses=responses)


def contact_changes(text: str, values: Mapping[str, Any], region: str) -> dict[str, Any]:
    """New contact details in a message after consent ("sorry, my email is ..."): a name
    (with a cue, or beside a phone or email), an email address, a phone number."""
    if values.get("consent_given") is not True:
        return {}
    found, _ = read_details(text, values, region, asked=None)
    changes = {k: v for k, v in found.items() if k in CONTACT_SLOTS and v and v != values.get(k)}
    if changes.get("contact_phone") and values.get("contact_opt_in") is None:
        changes["contact_opt_in"] = found.get("contact_opt_in")
    if changes:
        changes["contact_point"] = "given"
    return changes
