"""Contact details masked on back-office pages until someone deliberately reveals them:
the lead's own phone and email, and any number or address written in its conversation.

Masked values are enough to tell two leads apart on a shared screen, not enough to
contact anyone.
"""

from __future__ import annotations

import re

import phonenumbers

from bot.clinic.contact import EMAIL_IN_TEXT

# a run of digits this long may be a phone number phonenumbers does not call valid
# (a slip, a fictional 555 number): "(555) 012-3456", "312 555 01"
MIN_MASKED_DIGITS = 6
_NUMBER_RUN = re.compile(r"\+?\(?\d[\d\s().-]{3,}\d")
HIDDEN = "•••"


def mask_email(email: str | None) -> str:
    """ "ana.lopez@example.com" -> "a•••@example.com"."""
    if not email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}{HIDDEN}@{domain}" if domain else HIDDEN


def mask_phone(phone: str | None) -> str:
    """The last two digits only: "+15550123456" -> "••• ••56"."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    return f"{HIDDEN} ••{digits[-2:]}" if len(digits) >= 2 else HIDDEN


def _masked_run(match: re.Match[str]) -> str:
    run = match.group()
    return mask_phone(run) if len(re.sub(r"\D", "", run)) >= MIN_MASKED_DIGITS else run


def mask_contact_points(text: str, region: str) -> str:
    """``text`` with every email address and phone number in it masked like the lead's
    own, and so is any other run of six or more digits (a number typed with a slip is
    still a number; a date written in digits is masked too, and shown on reveal)."""
    text = EMAIL_IN_TEXT.sub(lambda match: mask_email(match.group()), text or "")
    spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, region)]
    for start, end in reversed(spans):
        text = text[:start] + mask_phone(text[start:end]) + text[end:]
    return _NUMBER_RUN.sub(_masked_run, text)
