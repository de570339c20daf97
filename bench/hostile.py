"""Messages built to cost the most: what the worst-case figure of `make bench` and the
fuzz run (bench/fuzz.py) send. Each is at most ``limit`` characters, the channels' own
limit, so each is a message a visitor's browser could send.

Shapes: one long token (letters, a pattern word repeated, mixed case), thousands of short
tokens (single letters, trigger words, pattern words, punctuation), runs of one
character, phrases that make many concepts and triggers at once (negated red flags,
questions about medicines, lists), every Unicode general category, emoji with joiners,
right-to-left and combining marks, numbers and spinal levels.
"""

from __future__ import annotations

import random
import sys
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

REPEATED = {
    "letters": "a",
    "long_word": "sciatica",
    "mixed_case": "aB",
    "single_letters": "a ",
    "trigger_words": "no ",
    "not_words": "not ",
    "pattern_words": "back pain ",
    "negated_flags": "no numbness in my groin, ",
    "red_flags": "numbness in both legs and ",
    "questions": "can duloxetine cause numbness in my legs? ",
    "question_clause": "could it ",
    "exclusions": "fell asleep and numb legs ",
    "list": "numbness, tingling, weakness or ",
    "misspellings": "siatica duloxitine herniatd ",
    "hyphens": "a-",
    "slashes": "l4/l5/",
    "levels": "L4-L5 ",
    "contractions": "don't ",
    "commas": "pain, ",
    "newlines": "no\n",
    "exclamations": "!",
    "spaced_marks": "! ",
    "dots": "a.",
    "digits": "12345 ",
    "emoji": "😀",
    "spaced_emoji": "😀 ",
    "family_emoji": "👨\u200d👩\u200d👧",
    "combining": "a\u0301",
    "arabic": "ألم ",
    "cjk": "背痛",
    "url": "http://x.co/a",
    "email": "a@b.co ",
}


@lru_cache(maxsize=1)
def _by_category() -> dict[str, list[str]]:
    """Assigned code points of each Unicode general category (no surrogates: a JSON
    body can't carry a lone one as text)."""
    found: dict[str, list[str]] = {}
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        category = unicodedata.category(char)
        if category in ("Cs", "Cn"):
            continue
        found.setdefault(category, []).append(char)
    return found


def hostile_messages(limit: int = 2000, seed: int = 2718) -> Iterator[tuple[str, str]]:
    """(name, text) pairs, each of at most ``limit`` characters, the same for a seed."""
    rng = random.Random(seed)
    for name, unit in REPEATED.items():
        yield name, (unit * (limit // len(unit) + 1))[:limit]
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield "random_long_word", "".join(rng.choice(letters) for _ in range(limit))
    words = (" ".join("".join(rng.choice(letters) for _ in range(9)) for _ in range(limit)))[:limit]
    yield "random_words", words
    for category, chars in sorted(_by_category().items()):
        yield f"category_{category}", "".join(rng.choice(chars) for _ in range(limit))
        spaced = " ".join(rng.choice(chars) for _ in range(limit // 2))
        yield f"category_{category}_spaced", spaced[:limit]
    everything = [c for chars in _by_category().values() for c in chars]
    yield "all_categories", "".join(rng.choice(everything) for _ in range(limit))
