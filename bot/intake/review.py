"""Whether a scan-review request starts with the intake's questions or with consent and
contact details.

The specialist reviewing a scan needs to know about the pain, so a visitor who asks for
a review before answering the intake is asked its questions first; consent and contact
follow the summary, as after any intake, and the review is offered once the lead is
saved. Consent and contact come first when the intake is done, was stopped by the
visitor (they are not asked again), after a crisis, when the visitor asks to be
contacted ("can someone call me about my MRI": they want a person, not questions), or
asks to book ("can i book a review of my ct": they want a time, and the booking steps
are what they asked for).
"""

from __future__ import annotations

import re

# the intake statuses after which a review request goes straight to consent and contact
_ANSWERED_OR_STOPPED = frozenset({"started", "completed", "stopped"})
_WANTS_CONTACT = re.compile(
    r"\b(?:call ?backs?|call(?:ing)? me|ring me|phone me|e-?mail me|text me|contact me"
    r"|get in touch|reach me|get back to me|someone (?:to )?(?:call|contact|ring))\b",
    re.IGNORECASE,
)
_WANTS_BOOKING = re.compile(
    r"\b(?:book|books|booking|booked|appointments?|appts?|schedul\w*|reserv\w*|slots?)\b",
    re.IGNORECASE,
)


def intake_before_review(text: str, intake_status: str | None, in_crisis: bool) -> bool:
    """Whether this review request is answered with the intake's questions first."""
    if in_crisis or intake_status in _ANSWERED_OR_STOPPED:
        return False
    text = text or ""
    return not (_WANTS_CONTACT.search(text) or _WANTS_BOOKING.search(text))
