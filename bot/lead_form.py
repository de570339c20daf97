"""How the consent and contact form reads each message.

Pure logic, called by actions/leads.py. Consent comes first and nothing personal is read
before it; a "no" ends the form. Contact details are validated by bot/contact.py. As in
the intake (bot/intake/form.py), an empty reading hands the message to the rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.contact import (
    CONTACT_METHODS,
    clean_name,
    find_email,
    find_phone,
    looks_like_email,
    looks_like_phone,
    parse_contact_method,
    parse_contact_time,
)
from bot.intake.answers import is_skip, parse_yes_no
from bot.intake.form import DECLINED_INTENTS, Reading, looks_like_question
from bot.leads import CONSENT_NOTICE_VERSION

LEAD_FORM_SLOTS = (
    "consent_given",
    "contact_opt_in",
    "contact_name",
    "contact_point",
    "contact_method",
    "contact_time",
)
LEAD_DECLINED_INTENTS = DECLINED_INTENTS | {"consent_question"}
_AGREE = re.compile(r"\b(i agree|agree|agreed|accept|consent|ok|okay|fine)\b", re.IGNORECASE)
_EMAIL_ONLY = re.compile(r"\b(email only|only email|just email|e-?mail me)\b", re.IGNORECASE)
_NAME_CUE = re.compile(r"\b(my name is|my name's|call me)\b", re.IGNORECASE)
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
    """All the questions, or none once the visitor declined consent (the form ends)."""
    if values.get("consent_given") is False:
        return []
    return list(LEAD_FORM_SLOTS)


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
    if intent in LEAD_DECLINED_INTENTS or requested_slot is None:
        return Reading()
    if intent == "faq" and looks_like_question(text):
        return Reading()
    if requested_slot == "consent_given":
        return _read_consent(text, intent, now)
    answer = READERS[requested_slot](text, intent, values, region)
    if answer.slots.get(requested_slot) is None and requested_slot != "contact_point":
        correction = contact_changes(text, values, region)
        if correction:
            return Reading(slots=correction, responses=["utter_contact_updated"])
    return answer


def _yes_no(text: str, intent: str | None) -> bool | None:
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    return parse_yes_no(text)


def _read_consent(text: str, intent: str | None, now: datetime) -> Reading:
    answer = _yes_no(text, intent)
    if answer is None and _AGREE.search(text) and not re.search(r"\bnot?\b", text, re.I):
        answer = True
    if answer is None:
        return Reading(slots={"consent_given": None}, responses=["utter_consent_help"])
    return Reading(
        slots={
            "consent_given": answer,
            "consent_version": CONSENT_NOTICE_VERSION,
            "consent_at": now.isoformat(),
        }
    )


def _read_opt_in(text: str, intent: str | None, values: Mapping[str, Any], region: str) -> Reading:
    answer = False if _EMAIL_ONLY.search(text) else _yes_no(text, intent)
    if answer is None:
        return Reading(slots={"contact_opt_in": None}, responses=["utter_contact_help_opt_in"])
    return Reading(slots={"contact_opt_in": answer})


def _read_name(text: str, intent: str | None, values: Mapping[str, Any], region: str) -> Reading:
    name = None if (looks_like_email(text) or looks_like_phone(text)) else clean_name(text)
    # "yes", "no thanks", "skip" are not names; "Noah Davis" or "Ben Wright", which the
    # classifier may read as deny or affirm, are: the words decide, not the intent alone
    said_yes_no = parse_yes_no(text) is not None or is_skip(text)
    if name is None or (intent in ("affirm", "deny", "skip") and said_yes_no):
        return Reading(slots={"contact_name": None}, responses=["utter_contact_help_name"])
    return Reading(slots={"contact_name": name})


def _with_method(values: Mapping[str, Any], slots: dict[str, Any]) -> dict[str, Any]:
    """When only one way to reach the visitor is left, it is their preferred one."""
    methods = contact_methods({**values, **slots})
    if len(methods) == 1:
        slots["contact_method"] = methods[0]
    return slots


def _read_contact_point(
    text: str, intent: str | None, values: Mapping[str, Any], region: str
) -> Reading:
    phone, email = find_phone(text, region), find_email(text)
    opted_in = bool(values.get("contact_opt_in"))
    if email or (phone and opted_in):
        slots: dict[str, Any] = {"contact_point": "given"}
        if email:
            slots["contact_email"] = email
        if phone and opted_in:
            slots["contact_phone"] = phone
        return Reading(slots=_with_method(values, slots))
    if phone:
        return Reading(slots={"contact_point": None}, responses=["utter_contact_need_email"])
    if looks_like_email(text) or not opted_in:
        return Reading(slots={"contact_point": None}, responses=["utter_contact_help_email"])
    return Reading(slots={"contact_point": None}, responses=["utter_contact_help_phone"])


def _read_method(text: str, intent: str | None, values: Mapping[str, Any], region: str) -> Reading:
    method = parse_contact_method(text)
    if method in contact_methods(values):
        return Reading(slots={"contact_method": method})
    return Reading(slots={"contact_method": None}, responses=["utter_contact_help_method"])


def _read_time(text: str, intent: str | None, values: Mapping[str, Any], region: str) -> Reading:
    time = parse_contact_time(text) or ("any" if intent == "skip" or is_skip(text) else None)
    if time is None:
        return Reading(slots={"contact_time": None}, responses=["utter_contact_help_time"])
    return Reading(slots={"contact_time": time})


READERS = {
    "contact_opt_in": _read_opt_in,
    "contact_name": _read_name,
    "contact_point": _read_contact_point,
    "contact_method": _read_method,
    "contact_time": _read_time,
}


def contact_changes(text: str, values: Mapping[str, Any], region: str) -> dict[str, Any]:
    """New contact details in a message after consent ("sorry, my email is ..."): a name
    (with "my name is"), an
    email address, a phone number (only with the call/text opt-in)."""
    if values.get("consent_given") is not True:
        return {}
    changes: dict[str, Any] = {}
    email = find_email(text)
    if email and email != values.get("contact_email"):
        changes["contact_email"] = email
    phone = find_phone(text, region)
    if phone and values.get("contact_opt_in") and phone != values.get("contact_phone"):
        changes["contact_phone"] = phone
    if _NAME_CUE.search(text) and not (email or phone):
        name = clean_name(text)
        if name and name != values.get("contact_name"):
            changes["contact_name"] = name
    if changes:
        changes["contact_point"] = "given"
    return changes
