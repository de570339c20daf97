"""Passing on a question ("skip", "not sure") and plain yes or no answers."""

from __future__ import annotations

import re

from bot.intake.answers.text import normalise

_SKIP = re.compile(
    r"\bskip|^(?:pass|next)(?: (?:question|one|please))?$|\bmove on\b|\b(?:rather|prefer) not\b"
    r"|\b(?:dont|do not|cant|cannot|can not) (?:know|remember|recall|say)\b|\bnot sure\b"
    r"|\bunsure\b|\bno (?:idea|clue)\b|\bidk\b|\bdunno\b|\bn/a\b|\bnot applicable\b"
    r"|\bi forget\b|\bforgot\b"
)
_YES = re.compile(
    r"^(?:y|ye+s+|yeah?|yah|ya|yep|yup|sure|correct|right|absolutely|definitely|indeed"
    r"|certainly|of course|affirmative|true|thats (?:right|correct|true)|it (?:does|is|did)"
    r"|i (?:do|am|did|have)|uh huh)\b"
)
_NO = re.compile(
    r"^(?:n|no+|nope|nah|never|negative|false|not (?:really|at all|anymore|any more)"
    r"|it (?:doesnt|does not|isnt|is not|didnt|did not)"
    r"|i (?:dont|do not|didnt|did not|havent|have not|am not)|doesnt|dont)\b"
)

# words a changed mind or a pause starts with ("actually yes", "well, no"); "oh" is left
# out, "oh no" being an exclamation as often as an answer
_LEAD_IN = re.compile(r"^(?:(?:actually|well|ok|okay|so|wait|sorry|um+|uh+|erm+|hm+)[\s,.!-]+)+")


def _plain(text: str) -> str:
    """The normalised text without the punctuation around it."""
    return normalise(text).strip(" .,!?;:")


def is_skip(text: str) -> bool:
    """Whether the visitor passes on the question or doesn't know.

    Also true when a value comes with the doubt ("not sure it was an mri"): callers try the
    value parsers first and use this only when they find nothing.
    """
    return bool(_SKIP.search(_plain(text)))


def parse_yes_no(text: str) -> bool | None:
    """A plain yes (True) or no (False), from its first words after a lead-in ("actually");
    None if neither or unsure."""
    plain = _LEAD_IN.sub("", _plain(text))
    if is_skip(plain):
        return None
    if _YES.search(plain):
        return True
    return False if _NO.search(plain) else None
