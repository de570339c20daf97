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
# an address with its last dot mistyped ("jess@example,com"): the ending is part of it
_MISTYPED_ENDING = r"(?:[,;](?:com|org|net|edu|gov|co|us|uk|ca|io|info)\b)?"
EMAIL_IN_TEXT = re.compile(_EMAIL_CANDIDATE.pattern + _MISTYPED_ENDING)
_METHODS = {
    "text": re.compile(r"\b(text|texts|texting|sms|message|msg)\b", re.IGNORECASE),
    "email": re.compile(r"\b(e-?mail|mail)\b", re.IGNORECASE),
    "call": re.compile(
        r"\b(call|calls|calling|phone|telephone|ring|rang|ringing)\b", re.IGNORECASE
    ),
}
# "no email", "i don't really use email", "i won't answer the phone", "no calls"
_REFUSAL = re.compile(
    r"\b(no|not|don'?t|dont|never|won'?t|wont|hate|rather not|without|can'?t|cant)\b"
    r"(?:\W+\w+){0,3}\W*$",
    re.IGNORECASE,
)
# "email lan@example.com", "telephone is 773 555 0129": a label, not a preference
_LABEL = re.compile(r"^\W*(?:(?:is|number|no\.?|#|address)\W*)*[\d+(@]|^\W*\S+@", re.I)
_PHRASE_START = re.compile(r"[.,;!?\n]")
_TIMES = {
    "morning": re.compile(
        r"\b(morning|mornings|a\.m\.|before (noon|lunch)|early)\b", re.IGNORECASE
    ),
    "afternoon": re.compile(
        r"\b(afternoon|afternoons|after lunch|lunch ?time|lunch|noon|midday|mid-day)\b",
        re.IGNORECASE,
    ),
    "evening": re.compile(r"\b(evening|evenings|after work|night|nights|tonight)\b", re.IGNORECASE),
    "any": re.compile(
        r"\b(any ?time|whenever|doesn'?t matter|don'?t mind|either|all day|any)\b",
        re.IGNORECASE,
    ),
}
_HOUR = re.compile(
    r"\b(?:(after|before|around|about|at|from|by|between)\s+)?(\d{1,2})(?::\d\d)?\s*"
    r"(am|pm|a\.m\.|p\.m\.)?(?!\d)(?!\s*(?:weeks?|months?|days?|years?|out|/))",
    re.IGNORECASE,
)
# "555-CALL-NOW": a number spelt in letters, which the team can't dial as typed
_SPELT_NUMBER = re.compile(r"\b\d{3}[-. ][A-Za-z]{3,}(?:[-. ][A-Za-z0-9]+)*\b")
_DIGIT_RUN = re.compile(r"\+?\d[\d\s().-]{3,}\d")


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
    """The last valid phone number in ``text`` in E.164 ("+13125550142"): a second
    number in one message is the visitor correcting the first ("no wait, it's ...")."""
    phones = find_phones(text, region)
    return phones[-1] if phones else None


def find_phones(text: str, region: str) -> list[str]:
    """Every valid phone number in ``text``, in E.164, in the order written."""
    return [
        phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        for match in phonenumbers.PhoneNumberMatcher(text or "", region)
        if phonenumbers.is_valid_number(match.number)
    ]


def without_contact_points(text: str, region: str) -> str:
    """The message with its phone numbers, email addresses and other long digit runs
    replaced by a comma, so that what is left can be read for a name (not the ending of
    a mistyped address: "jess@example,com" leaves no "com")."""
    text = EMAIL_IN_TEXT.sub(",", text or "")
    spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, region)]
    for start, end in reversed(spans):
        text = text[:start] + "," + text[end:]
    return _DIGIT_RUN.sub(",", _SPELT_NUMBER.sub(",", text))


def phone_attempt(text: str, region: str) -> bool:
    """Digits meant as a phone number that are not a valid one ("312 555 01",
    "555-CALL-NOW")."""
    if find_phones(text, region):
        return False
    runs = _DIGIT_RUN.findall(text or "")
    return any(len(re.sub(r"\D", "", run)) >= 6 for run in runs) or bool(
        _SPELT_NUMBER.search(text or "")
    )


def stated_methods(text: str) -> tuple[list[str], set[str]]:
    """The ways of contact a message asks for, in the order said, and those it refuses
    ("no email, phone is fine" -> ["call"], {"email"}); labels of a number or an
    address given ("email ana@example.com") are neither."""
    wanted: list[str] = []
    refused: set[str] = set()
    found = sorted(
        (match.start(), match.end(), method)
        for method, pattern in _METHODS.items()
        for match in pattern.finditer(text or "")
    )
    for start, end, method in found:
        before = _PHRASE_START.split(text[:start])[-1]
        if _REFUSAL.search(before):
            refused.add(method)
        elif not _LABEL.match(text[end:]) and method not in wanted:
            wanted.append(method)
    return [m for m in wanted if m not in refused], refused


def parse_contact_method(text: str) -> str | None:
    """call / text / email: the first way of contact the visitor asks for; None when
    they name none, or only "call or text" (either will do)."""
    wanted, _ = stated_methods(text)
    if not wanted or set(wanted) == {"call", "text"}:
        return None
    return wanted[0]


def _hour_time(match: re.Match[str]) -> str | None:
    """ "after 3pm" -> afternoon, "before 10" -> morning, "at 6" -> evening."""
    word, hour, half = (match.group(1) or "").lower(), int(match.group(2)), match.group(3)
    if hour > 23 or (half and hour > 12):
        return None
    if half:
        hour = hour % 12 + (12 if half.lower().startswith("p") else 0)
    elif not word:
        return None  # a bare number is not a time
    elif hour < 7:
        hour += 12  # "after 2": clinic hours, so the afternoon
    if word == "before":
        return "morning" if hour <= 12 else None
    if hour < 12:
        return "morning"
    return "afternoon" if hour < 17 else "evening"


def parse_contact_time(text: str) -> str | None:
    """morning / afternoon / evening / any, from when the visitor prefers to be reached;
    a part of the day beats "any" ("any weekday morning")."""
    found = {time for time, pattern in _TIMES.items() if pattern.search(text or "")}
    found |= {t for t in (_hour_time(m) for m in _HOUR.finditer(text or "")) if t}
    specific = found - {"any"}
    if len(specific) == 1:
        return specific.pop()
    return "any" if found == {"any"} else None
