"""Which FAQ answers a message asks for: every question of it, and follow-ups.

The FAQ classifier picks one answer for a whole message. Visitors often ask two things
at once ("how long does it take and will it make me sleepy") or follow an answer up
with a few words that only make sense after it ("and what about driving?"). This module
splits a message into its questions, finds the topic of each from cue words
(bot/faq/cues.yml), and reads a short follow-up against the last topic answered. Pure
logic: the action (actions/faq.py) sends the answers and keeps the last topic in a slot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.intake.form import ANTIDEPRESSANTS

CUES_FILE = Path(__file__).with_name("cues.yml")
# the faq retrieval intent's responses (utter_faq/<topic>): this code sends them, no
# rule does (data/rules/faq.yml runs action_answer_faq)
RETRIEVAL_RESPONSES = "utter_faq"
# topics answered from cue words only, by a response of their own rather than a trained
# utter_faq/<topic> one (no held-out examples exist for them to be trained and measured)
OWN_RESPONSES = {
    "boxed_warning": "utter_faq_boxed_warning",
    "serious_causes": "utter_faq_serious_causes",
    "needs_a_scan": "utter_faq_needs_a_scan",
    # the answer to "can you diagnose me", whoever asks it and however
    "asks_for_a_verdict": f"{RETRIEVAL_RESPONSES}/can_you_diagnose",
}
# answers sent for one message at most: enough for "X and Y and Z", short on a phone
MAX_ANSWERS = 3
# the topic of combining medicines
MIXING = "mixing"
# below this, the classifier's pick for a one-question message gives way to a cue
WEAK_CONFIDENCE = 0.5
# a follow-up is short; a longer message is a question in its own right
MAX_FOLLOW_UP_WORDS = 14

QUESTION_START = (
    r"(?:will|would|is|are|does|do|did|can|could|should|what|whats|what's|how|why|when|"
    r"where|which|who|any|and|also)"
)
# "... work and will it make me sleepy": a new question after "and" / "also" / "plus";
# "?" and sentence ends always separate questions
SPLIT = re.compile(
    rf"\?+|[.;!]+\s+|\s+(?:and|also|plus|,)\s+(?=(?:also\s+)?{QUESTION_START}\b)", re.IGNORECASE
)
FOLLOW_UP_OPENER = re.compile(
    r"^\W*(?:and|but|so|or|also|what about|how about|why|is that|is it|does it|does that|"
    r"will it|would it|can it|could it|just|ok|okay|lol|hmm|then)\b",
    re.IGNORECASE,
)
ANAPHORA = re.compile(r"\b(?:it|that|this|those|them|they|then)\b", re.IGNORECASE)
QUESTION_LIKE = re.compile(rf"\?|^\W*(?:{QUESTION_START})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Cues:
    """Cue patterns by topic, in the order they are tried, the topics whose cues win
    over the classifier's pick, and those whose cues ask by themselves (no question
    mark or question word needed: "come on, just yes or no")."""

    patterns: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    decisive: frozenset[str] = frozenset()
    asking: frozenset[str] = frozenset()

    def topics_in(self, text: str) -> list[str]:
        """The topics whose cues occur in ``text``, in the cue file's order."""
        return [
            topic
            for topic, patterns in self.patterns
            if any(pattern.search(text) for pattern in patterns)
        ]

    def response(self, topic: str) -> str:
        """The response that answers ``topic``."""
        return OWN_RESPONSES.get(topic) or f"{RETRIEVAL_RESPONSES}/{topic}"


def read_cues(path: Path) -> Cues:
    """Compile a cue file (see bot/faq/cues.yml for its shape)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    patterns = tuple(
        (topic, tuple(re.compile(rf"\b(?:{p})\b", re.IGNORECASE) for p in expressions))
        for topic, expressions in (data.get("topics") or {}).items()
    )
    return Cues(
        patterns, frozenset(data.get("decisive") or []), frozenset(data.get("asking") or [])
    )


@lru_cache(maxsize=1)
def default_cues() -> Cues:
    """The project's cue file, compiled once per process."""
    return read_cues(CUES_FILE)


def split_questions(text: str) -> list[str]:
    """The questions of a message: split at question marks and sentence ends, and at
    "and" / "also" when a new question starts after it."""
    parts = (part.strip(" ,") for part in SPLIT.split(text or ""))
    return [part for part in parts if part]


def is_follow_up(text: str) -> bool:
    """Whether a message reads as a follow-up to the last answer: short, and opening
    like one ("and...", "what about...") or pointing back at it ("is that bad")."""
    words = (text or "").split()
    if not words or len(words) > MAX_FOLLOW_UP_WORDS:
        return False
    return bool(FOLLOW_UP_OPENER.search(text) or ANAPHORA.search(text))


def mixes_medicines(concepts: Iterable[Mapping[str, Any]] | None) -> bool:
    """Whether a message names an antidepressant together with another medicine (the
    concept patterns' reading, so "ibuprofeno" or "tylenol" count as well): whatever it
    asks, the answer it needs is the one about combining them."""
    named = {c.get("value") for c in concepts or () if c.get("type") == "medication"}
    return bool(named & ANTIDEPRESSANTS) and bool(named - ANTIDEPRESSANTS)


def answer_topics(
    text: str,
    classified: str | None,
    confidence: float,
    previous: str | None = None,
    cues: Cues | None = None,
    mixed: bool = False,
) -> list[str]:
    """The topics to answer for a message the classifier read as a FAQ question.

    The classifier's topic answers the question it fits; each other question of the
    message adds the topic its cues name. For a message of one question, a decisive
    topic's cues win over any pick ("tramadol with my cymbalta?"); the topic its cues
    name wins over a weak pick ("i take warfarin too, does that matter") and over any
    pick when the message follows up on another answer ("and is it approved?"). A
    message that ``mixed`` medicines (``mixes_medicines``) is asked about combining them.
    """
    cues = cues or default_cues()
    questions = split_questions(text)
    topics: list[str] = [classified] if classified else []
    if len(questions) <= 1:
        found = cues.topics_in(text)
        if mixed and MIXING not in found:
            found.insert(0, MIXING)
        weak = confidence < WEAK_CONFIDENCE or bool(previous and is_follow_up(text))
        decisive = [topic for topic in found if topic in cues.decisive]
        if decisive and classified not in decisive:
            return [decisive[0]]
        if found and (not classified or (weak and classified not in found)):
            topics = [found[0]]
        return topics
    for question in questions:
        found = cues.topics_in(question)
        if not found or set(found) & set(topics):
            continue
        if QUESTION_LIKE.search(question) or not topics:
            topics.append(found[0])
    if mixed and MIXING not in topics:
        topics = [MIXING, *topics]
    return topics[:MAX_ANSWERS]


def follow_up_topics(text: str, previous: str | None, cues: Cues | None = None) -> list[str]:
    """The topic a message after an answer asks about, when the classifier could not
    place it: a short message naming a topic by its cues ("what about driving"), or
    one that reads as a follow-up to the last topic ("is that bad?"); none otherwise, or
    when no answer came before."""
    if not previous or len((text or "").split()) > MAX_FOLLOW_UP_WORDS:
        return []
    found = (cues or default_cues()).topics_in(text)
    if found:
        return [found[0]]
    return [previous] if is_follow_up(text) else []
