"""A visitor's name, found in a message that may say much else.

Visitors answer "what name should the team use?" with "its dev raman", "Pat Greene.
my mum had cancer...", "tom baker 312 555 0134 ..." or "name J.R. Okafor": the name is
a run of name-like words (letters of any script, hyphens, apostrophes, initials) that
is either a whole phrase of the message, or follows a cue ("my name is", "i'm"). Words
of everyday English (spaCy's stop words) and of the contact form's own topics (times,
ways of contact, thanks) are never part of a name, so "no email, mornings" is not one.
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_NAME_WORDS = 4
MAX_NAME_LENGTH = 100
# What the contact form talks about: never a name, whatever the capitals.
_FORM_WORDS = """
    phone telephone cell cellphone mobile number numbers tel email e-mail mail text texts
    texting sms message messages call calls calling ring contact details info detail
    morning mornings afternoon afternoons evening evenings night nights noon midday lunch
    lunchtime weekday weekdays weekend weekends am pm asap today tomorrow time times
    monday tuesday wednesday thursday friday saturday sunday week day days
    best fine good ok okay great perfect easiest easier preferred prefer better work
    thanks thank thx ty cheers pls plz please sorry yes yeah yep yea yup nope nah lol
    hi hello hey sure agree agreed consent typo oops wait actually wrong correction
    pain back neck leg legs arm mri ct scan scans review booking appointment doctor
    clinic team number's name's it's i'm thats that's dont don't cant can't wont won't
    skip pass none anonymous
"""
_TOKEN = re.compile(r"^[^\W\d_]+(?:[.'’-][^\W\d_]*)*\.?$")
_INITIAL = re.compile(r"^(?:[^\W\d_]\.)+$")
# cues that introduce a name anywhere ("... and my name is Ana"); the name is the run
# of name-like words that follows
_STRONG_CUE = re.compile(
    r"\b(?:my name is|my names|my name's|name is|name's|names|name|"
    r"you can call me|call me|i go by)\s*[:\-]?\s+",
    re.IGNORECASE,
)
# cues that introduce a name only when all that follows in the phrase is the name
# ("its dev raman", not "im a bit worried")
_WEAK_CUE = re.compile(
    r"\b(?:i'm|i’m|im|i am|it's|it’s|its|it is|this is)\s+(?:(?:just|only|actually)\s+)*",
    re.IGNORECASE,
)
_HERE = re.compile(r"\s+here$", re.IGNORECASE)
# a phrase ends at punctuation; a full stop ends one too, unless it closes an initial
# of a name ("name J.R. Okafor", but "its John with an h. John Smith" is two phrases)
_PHRASE_BREAK = re.compile(r"[,;!?()\[\]\n/|]+|\s+-\s+")
_BEFORE_INITIAL = frozenset({"name", "is", "i'm", "im", "am", "its", "it's", "me", "by"})
_LEADING_FILLERS = re.compile(
    r"^(?:(?:ok|okay|oh|and|so|well|yes|yeah|sure|hi|hello|hey|sorry|fine|right)\b[\s,.]*)+",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _form_words() -> frozenset[str]:
    """The contact form's own words (times, ways of contact, thanks), as a set."""
    return frozenset(_FORM_WORDS.split())


@lru_cache(maxsize=1)
def _not_name_words() -> frozenset[str]:
    """spaCy's English stop words and the form's own words, read when first needed."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | _form_words()


def is_name_word(word: str) -> bool:
    """A word that can be part of a name: letters (any script), inner hyphens and
    apostrophes, or an initial ("J.", "J.R."); not an everyday or contact-form word."""
    if not _TOKEN.match(word) and not _INITIAL.match(word):
        return False
    plain = word.lower().strip(".")
    return plain not in _not_name_words()


def _as_name(words: list[str]) -> str | None:
    if not words or len(words) > MAX_NAME_WORDS:
        return None
    name = " ".join(words).strip(" .")
    if len(name) > MAX_NAME_LENGTH or len(name.replace(".", "").replace(" ", "")) < 2:
        return None
    return name


def _capitalised_name(words: list[str]) -> bool:
    """ "Visitor Be", "Will Smith": capitalised words may be everyday ones, as long as
    one of them is not and none is one of the form's own words."""
    if not all(w[:1].isupper() for w in words):
        return False
    plain = [w.lower().strip(".") for w in words]
    if any(p in _form_words() for p in plain):
        return False
    return all(_TOKEN.match(w) or _INITIAL.match(w) for w in words) and any(
        is_name_word(w) for w in words
    )


def _leading_run(words: list[str]) -> list[str]:
    run: list[str] = []
    for word in words:
        if not is_name_word(word):
            break
        run.append(word)
    return run


def _phrase_name(phrase: str, whole_phrase_words: int | None) -> str | None:
    """The name a phrase gives, by the strongest cue it has."""
    phrase = _HERE.sub("", phrase.strip())
    strong = list(_STRONG_CUE.finditer(phrase))
    if strong:
        name = _as_name(_leading_run(phrase[strong[-1].end() :].split()))
        if name:
            return name
    weak = list(_WEAK_CUE.finditer(phrase))
    if weak:
        rest = phrase[weak[-1].end() :].split()
        if rest and all(is_name_word(w) for w in rest):
            return _as_name(rest)
    words = _LEADING_FILLERS.sub("", phrase).split()
    if not words or not (all(is_name_word(w) for w in words) or _capitalised_name(words)):
        return None
    if whole_phrase_words is not None and len(words) >= whole_phrase_words:
        return _as_name(words)
    # out of turn, only a capitalised name of two words or more ("John Smith")
    if len(words) > 1 and all(w[0].isupper() for w in words):
        return _as_name(words)
    return None


def _ends_phrase(word: str, previous: str | None) -> bool:
    """Whether a word ending in a full stop ends its phrase (an initial does not)."""
    if not word.endswith(".") or not _INITIAL.match(word):
        return word.endswith(".")
    return not (
        previous is None
        or previous.lower().strip(":-") in _BEFORE_INITIAL
        or _INITIAL.match(previous)
        or is_name_word(previous)
    )


def _phrases(text: str) -> list[str]:
    """The message cut into phrases at punctuation and at sentence-ending full stops."""
    phrases: list[str] = []
    for part in _PHRASE_BREAK.split(text):
        words: list[str] = []
        for word in part.split():
            previous = words[-1] if words else None
            words.append(word)
            if _ends_phrase(word, previous):
                phrases.append(" ".join(words))
                words = []
        phrases.append(" ".join(words))
    return [p for p in phrases if p.strip()]


def names_with_cue(text: str) -> bool:
    """Whether the message says a name as one ("my name is...", "call me..."), rather
    than a word that may be one ("i'm retired")."""
    return any(
        _STRONG_CUE.search(phrase) and _phrase_name(phrase, None) for phrase in _phrases(text)
    )


def find_name(text: str, whole_phrase_words: int | None = None) -> str | None:
    """The name the message gives, or None; the last one wins ("jon, sorry, John").

    ``whole_phrase_words``: a phrase of at least that many words that is nothing but a
    name counts without a cue (1 when the name was asked for or the message also gives a
    phone or an email; 2 for an answer to another question); None: only with a cue, or
    capitalised.
    Phone numbers and email addresses should be cut out of ``text`` first.
    """
    found = None
    for phrase in _phrases(text or ""):
        name = _phrase_name(phrase, whole_phrase_words)
        if name:
            found = name
    return found
