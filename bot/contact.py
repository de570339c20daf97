"""Contact details as visitors type them: found in a sentence, validated, normalised.

Maintained libraries do the validation (email-validator for addresses, phonenumbers for
numbers in the clinic's default region), so that "sorry, my email is ..." and
"(312) 555-0142" end up as one canonical value the front desk can use.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

CONTACT_METHODS = ("call", "text", "email")
CONTACT_TIMES = ("morning", "afternoon", "evening", "any")

_EMAIL_CANDIDATE = re.compile(r"[^\s<>(),;:\"']+@[^\s<>(),;:\"']+")
_NAME_PREFIX = re.compile(
    r"^\s*(?:(?:hi|hello|hey|ok|okay|sure|sorry|yes|yeah)[,!.]?\s+)*"
    r"(?:my name is|my name's|name is|name's|i am|i'm|im|it's|its|this is|call me|"
    r"you can call me|it is)\s+",
    re.IGNORECASE,
)
_NAME = re.compile(r"^[^\W\d_]+(?:(?:\.?[ '’-]+|\.)[^\W\d_]+)*\.?$")
_METHODS = {
    "text": re.compile(r"\b(text|texts|texting|sms|message|msg)\b", re.IGNORECASE),
    "email": re.compile(r"\b(e-?mail|mail)\b", re.IGNORECASE),
    "call": re.compile(r"\b(call|calls|calling|phone|ring|rang)\b", re.IGNORECASE),
}
_TIMES = {
    "morning": re.compile(r"\b(morning|mornings|am|a\.m\.|before (noon|lunch))\b", re.IGNORECASE),
    "afternoon": re.compile(r"\b(afternoon|afternoons|after lunch|pm|p\.m\.)\b", re.IGNORECASE),
    "evening": re.compile(
        r"\b(evening|evenings|after work|night|after 5|after five)\b", re.IGNORECASE
    ),
    "any": re.compile(
        r"\b(any ?time|whenever|any time|doesn'?t matter|don'?t mind|either|all day)\b",
        re.IGNORECASE,
    ),
}
MAX_NAME_LENGTH = 100


def find_email(text: str) -> str | None:
    """The first valid email address in ``text``, normalised (domain lower-cased)."""
    for candidate in _EMAIL_CANDIDATE.findall(text or ""):
        email = normalise_email(candidate.rstrip("."))
        if email:
            return email
    return None


def normalise_email(text: str) -> str | None:
    """A syntactically valid address, normalised; no DNS lookup (it must work offline)."""
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def looks_like_email(text: str) -> bool:
    """Something with an @ that was meant as an address, valid or not."""
    return bool(_EMAIL_CANDIDATE.search(text or ""))


def find_phone(text: str, region: str) -> str | None:
    """The first valid phone number in ``text`` in E.164 ("+13125550142")."""
    for match in phonenumbers.PhoneNumberMatcher(text or "", region):
        if phonenumbers.is_valid_number(match.number):
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None


def looks_like_phone(text: str) -> bool:
    """Enough digits to have been meant as a phone number."""
    return len(re.sub(r"\D", "", text or "")) >= 6


def display_phone(e164: str, region: str) -> str:
    """A number as people in the clinic's region write it, for reading back."""
    number = phonenumbers.parse(e164, region)
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def clean_name(text: str) -> str | None:
    """The name in "my name is Ana López": letters, spaces, hyphens, apostrophes; else None."""
    name = _NAME_PREFIX.sub("", (text or "").strip()).strip(" .,!")
    name = re.sub(r"\s+", " ", name)
    if not name or len(name) > MAX_NAME_LENGTH or not _NAME.match(name):
        return None
    if len(name.split()) > 5:
        return None  # a sentence, not a name
    return name


def parse_contact_method(text: str) -> str | None:
    """call / text / email, from what the visitor prefers."""
    found = [method for method, pattern in _METHODS.items() if pattern.search(text or "")]
    return found[0] if len(found) == 1 else None


def parse_contact_time(text: str) -> str | None:
    """morning / afternoon / evening / any, from when the visitor prefers to be reached."""
    found = [time for time, pattern in _TIMES.items() if pattern.search(text or "")]
    return found[0] if len(found) == 1 else None
