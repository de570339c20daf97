"""What a visitor's words say about the scan review, a call back, a booking and their
contact details, read without the classifier.

A long first message that describes the pain and also asks for the scan to be looked
at reads to the classifier as a list of intake answers; a short "could i get a review
booked" or "my wife made the appointment" falls below its confidence. These readers
find the request itself, so that the product honours it (bot/nlu/booking_request.py,
bot/intake/form.py): the review path (consent, contact, times), a call back, the state
of a booking, or the contact form for details typed mid-intake. Pure regexes: no Rasa
imports, tested alone.
"""

from __future__ import annotations

import re

# booking references (made by bot/clinic/booking.py): no 0/O, 1/I/L, read over the phone
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8

# something the clinic may look at for the visitor: a scan, or "it" / "them" after one
_SCAN = r"(?:mri|mris|ct|cat scan|scans?|x-?rays?|imaging|images|results?|films?|it|them|that)"
# a wish or a request: "could you", "i'd like", "please", "i need"
_WISH = (
    r"(?:can|could|may|would|will|shall)\s+(?:i|you|we|someone|somebody|the \w+)\b"
    r"|\b(?:i'?d|i would|would) (?:like|love)\b|\bi (?:need|wish|hope)\b|\bwan(?:t|na)\b"
    r"|\bplease\b|\bpls\b"
    r"|\bplz\b|\bhow (?:do|can) i\b|\bis it possible\b|\blet me\b|\bget\b|\bhelp me\b"
)
_TO_BOOK = re.compile(
    r"\b(?:book(?:ing)?|make (?:a |an )?(?:booking|appointment|appt|reservation)|"
    r"schedule|reserve|appointment|appt|sign (?:me )?up|slot)\b",
    re.IGNORECASE,
)
_LOOKED_AT = re.compile(
    rf"\b(?:review(?:ed|ing)?|look(?:ed)? (?:at|over)|go(?:ne)? (?:over|through)|check(?:ed)?"
    rf"(?: out)?|see|read|assess(?:ed)?|examin(?:e|ed))\s+(?:\w+\s+){{0,3}}?{_SCAN}\b"
    rf"|\b{_SCAN}\s+(?:\w+\s+){{0,2}}?(?:review(?:ed)?|looked at|checked|assessed|read)\b"
    rf"|\b(?:scan|mri|ct) review\b|\breview of (?:my |the )?{_SCAN}\b",
    re.IGNORECASE,
)
_WISHED = re.compile(_WISH, re.IGNORECASE)
# the review's times asked for ("what slots are free", "any openings in june")
_TIMES_ASKED = re.compile(
    r"\b(?:which|what) (?:times?|slots?|days?|dates?|openings?)\b(?! (?:are|is) (?:you|the "
    r"(?:clinic|office)) open)|\b(?:free|available|open) (?:times?|slots?|spots?|appointments?)\b"
    r"|\bany (?:openings?|slots?|availability)\b|\bwhen can (?:i|you) (?:come|see|fit)\b",
    re.IGNORECASE,
)
_REFUSED = re.compile(
    r"\b(?:don'?t|dont|do not|won'?t|not|never|no need to|rather not)\s+(?:\w+\s+){0,3}?"
    r"(?:book|want|need|schedule|review|look|call|ring|phone|contact)",
    re.IGNORECASE,
)
_CALL_BACK = re.compile(
    r"\b(?:call|ring|phone|text|contact)(?:ing)?\s+(?:me\s+)?back\b|\bcall-?backs?\b"
    r"|\b(?:have|get|ask|need|want)\s+(?:someone|somebody|a person|the (?:team|clinic|office|"
    r"doctor|nurse|staff))\s+(?:to\s+)?(?:call|ring|phone|contact|reach)\b"
    r"|\b(?:someone|somebody)\s+(?:to\s+|can\s+|could\s+|should\s+)?(?:call|ring|phone|contact)"
    r"\s+me\b",
    re.IGNORECASE,
)
# a change to a booking already made: cancelling or moving it is not a new request
_CHANGE = re.compile(
    r"\b(?:cancel\w*|move|moving|change|reschedul\w*|postpone|push back|still on)\b",
    re.IGNORECASE,
)
# a booking the visitor refers to, made here or elsewhere ("we made one", "my appointment")
_A_BOOKING = re.compile(
    r"\b(?:booked|booking|appointment|appt|reservation|reserved|scheduled)\b", re.IGNORECASE
)


# a question about the state of a booking ("is my review confirmed", "it's cancelled
# then?", "what day was i booked for", "what is the reference")
_STATE = r"(?:still on|on|confirmed|cancell?ed|cancel|booked|happening|going ahead|still booked)"
_STATUS_ASKED = re.compile(
    rf"\b(?:is|it'?s|it is|its)\s+(?:it\s+|my \w+\s+|the \w+\s+)?(?:definitely\s+|really\s+"
    rf"|now\s+|still\s+)?{_STATE}(?=\s*(?:[?.!,]|$|(?:for|now|then|yet|right)\b))"
    r"|\bwhat (?:time|day|date) (?:am i|is my|was i|did i)\b"
    r"|\b(?:what'?s|what is|whats) (?:my|the) (?:ref\w*|booking (?:number|code))\b"
    r"|\bdo i (?:still )?have (?:a|an|any) (?:booking|appointment|appt|review)s?\b",
    re.IGNORECASE,
)


def asks_about_the_booking(text: str) -> bool:
    """A question about the state of the visitor's booking ("is my review confirmed",
    "it's cancelled then?"): what is booked here is the answer, or that nothing is. A
    statement ("its booked for next week", of a scan) asks nothing."""
    found = _STATUS_ASKED.search(text or "")
    if not found:
        return False
    return "?" in text or not found.group(0).lower().startswith("it")


def asks_for_review(text: str) -> bool:
    """The message asks to book the scan review, for its times, or to have a scan looked
    at ("could a specialist read my ct", "id like the mri checked, can i book"), not
    declining it."""
    text = text or ""
    if _REFUSED.search(text) or _CHANGE.search(text):
        return False
    if _TO_BOOK.search(text) and (_WISHED.search(text) or _imperative_book(text)):
        return True
    if _TIMES_ASKED.search(text):
        return True
    return bool(_LOOKED_AT.search(text) and _WISHED.search(text))


def _imperative_book(text: str) -> bool:
    """ "book me in", "book the review": an order, at the start of a sentence."""
    return bool(re.search(r"(?:^|[.,;!?]\s*)book\b", text, re.IGNORECASE))


def asks_for_callback(text: str) -> bool:
    """The message asks the clinic to call the visitor back ("ring me back at ...",
    "get somebody to phone me")."""
    text = text or ""
    return bool(_CALL_BACK.search(text)) and not _REFUSED.search(text)


def refers_to_a_booking(text: str) -> bool:
    """The message speaks of a booking or an appointment ("my husband made the
    appointment", "the booking i made"): its state is what to answer."""
    return bool(_A_BOOKING.search(text or ""))


# a phone number (ten digits or more in one run) or an email address typed; an address
# is looked for only from the start of a run of non-spaces (the lookbehind), so that a
# long run without "@" costs one pass, not one pass from each of its characters
_PHONE_LIKE = re.compile(r"\+?\d[\d\s().-]{8,}\d")
_EMAIL_LIKE = re.compile(r"(?<![^\s@])[^\s@]+@[^\s@]+\.\w{2,}")


def gives_contact_point(text: str) -> bool:
    """The message carries a phone number or an email address ("Dana Whitlock 773 555
    0100, evenings"): the visitor is giving their details, whatever was asked."""
    text = text or ""
    if "@" in text and _EMAIL_LIKE.search(text):
        return True
    return any(len(re.sub(r"\D", "", run)) >= 10 for run in _PHONE_LIKE.findall(text))


def asks_to_leave(text: str) -> bool:
    """The message asks, in so many words, for the review or a call back: the intake
    gives way to the contact form."""
    return asks_for_review(text) or asks_for_callback(text)


# a reference as people write it: one word, or two groups of four
_REFERENCE_WRITTEN = re.compile(r"\b[A-Z0-9]{4}[ -]?[A-Z0-9]{4}\b")
_REFERENCE_CUE = re.compile(
    r"\bref(?:erence)?\b|\b(?:booking|confirmation) (?:number|code)\b", re.IGNORECASE
)


def find_reference(text: str) -> str | None:
    """A booking reference written in ``text`` ("my ref is abcd 2345" too): eight of
    the reference alphabet's characters, as one word or two groups of four."""
    for match in _REFERENCE_WRITTEN.finditer((text or "").upper()):
        candidate = match.group(0).replace(" ", "").replace("-", "")
        if len(candidate) == REFERENCE_LENGTH and set(candidate) <= set(REFERENCE_ALPHABET):
            return candidate
    return None


def recalls_a_booking(text: str) -> bool:
    """A booking made in another conversation, named by its reference with the phone or
    email it was made with ("cancel my booking ABCD2345, ana@example.com"): to be found
    again, not read as new contact details. A word that looks like a reference
    ("THURSDAY") counts only beside talk of a booking, a change or a reference."""
    text = text or ""
    if not (gives_contact_point(text) and find_reference(text)):
        return False
    return bool(_CHANGE.search(text) or _A_BOOKING.search(text) or _REFERENCE_CUE.search(text))
