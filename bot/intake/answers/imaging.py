"""Which scans the visitor has had."""

from __future__ import annotations

import re

from bot.intake.answers.text import find_terms, in_order, normalise
from bot.intake.answers.yes_no import is_skip

IMAGING_ORDER = ("mri", "ct", "xray")
# the scans the clinic reviews: only for these is the date asked and a review offered
REVIEWED_SCANS = ("mri", "ct")
_IMAGING: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mri", re.compile(r"\bmris?\b|\bmagnetic resonance\b")),
    ("ct", re.compile(r"\bcts?\b|\bcat ?scans?\b|\bcomput(?:ed|erized) tomography\b")),
    ("xray", re.compile(r"\bx ?-? ?rays?\b|\bradiograph(?:s|y)?\b")),
    ("scan", re.compile(r"\bscans?\b|\bimaging\b|\bimages?\b")),
)
_NO_IMAGING = re.compile(
    r"^(?:no|nope|nah|none|nothing|never)\b|\bnot (?:yet|any|ever|once)\b|\bnone\b"
    r"|\b(?:havent|hasnt|didnt|have not|has not|did not)\b"
)


def parse_imaging(text: str) -> list[str] | None:
    """Kinds of imaging done, ["none"], or None when the text does not say which.

    A scan of no named kind ("i had a scan") is None, so that the caller asks which one.
    """
    normal = normalise(text)
    reported, denied = find_terms(normal, _IMAGING)
    kinds = in_order(reported, IMAGING_ORDER)
    if kinds:
        return kinds
    if "scan" in reported or is_skip(text):
        return None
    return ["none"] if denied or _NO_IMAGING.search(normal) else None
