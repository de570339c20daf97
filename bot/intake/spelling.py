"""The intake's answers read through typing slips, chat shorthand and emoji.

Visitors answer on phones: "lowr back", "pinchd nerve", "abt 6", "lower 👇 back". The
readers in bot/intake/ match words exactly, so a slip made the visitor be asked again.
``clean_answer`` rewrites a message into the spelling the readers know, once, before they
read it; it is used only for reading intake answers. The safety screen (bot/nlu/) always
reads the visitor's own text, so no correction can hide or invent an alarm.

A word is corrected only to a word of the intake's own vocabulary (``vocabulary.txt``:
the words its questions and readers use), by RapidFuzz's Damerau-Levenshtein distance:

- words of 5-7 letters by at most 1 edit, of 8 or more by 2; words of 3-4 letters by 1
  edit, keeping their first letter ("nek" -> "neck", "lowr" -> "lower");
- a known word is never corrected: spaCy's English stop words, the fuzzy normaliser's
  list of ordinary words near clinical ones (bot/nlu/patterns/common_words.txt) and
  ``known_words.txt`` ("let" is not "left", "bad" is not "back");
- chat shorthand that is no slip of a word ("abt", "rite") is looked up in
  ``shorthand.txt``.

Work per message is bounded whatever it holds: only the first ``MAX_CHARS`` characters
and ``MAX_WORDS`` words are corrected (the rest is kept as typed), a word longer than
``MAX_WORD_LENGTH`` is never looked up, and lookups are cached.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Indel

from bot.nlu.fuzzy import _same_stem as same_stem
from bot.nlu.fuzzy import load_word_list, max_edits

MAX_CHARS = 1000
MAX_WORDS = 120
MAX_WORD_LENGTH = 20
MIN_WORD_LENGTH = 3
_CACHE_LIMIT = 20_000
_HERE = Path(__file__).parent
_PATTERNS = _HERE.parent / "nlu" / "patterns"
# pictographs, symbols and the joiners and selectors that build emoji from them
_SYMBOL_CATEGORIES = frozenset({"So", "Sk", "Cs", "Co", "Cn"})
_JOINERS = frozenset({"\u200d", "\ufe0e", "\ufe0f", "\u20e3"})
# a word, with its apostrophe if it has one ("doesn't" is one word, left as typed)
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


def strip_symbols(text: str) -> str:
    """``text`` with emoji and other pictographs replaced by spaces ("lower 👇 back")."""
    if text.isascii():
        return text
    kept = [
        " " if ch in _JOINERS or unicodedata.category(ch) in _SYMBOL_CATEGORIES else ch
        for ch in text
    ]
    return " ".join("".join(kept).split())


class Speller:
    """Corrects words to a vocabulary, leaving known words and short ones alone."""

    def __init__(
        self, vocabulary: Iterable[str], known: Iterable[str], shorthand: dict[str, str]
    ) -> None:
        self.vocabulary = tuple(sorted({w.lower() for w in vocabulary}))
        self.known = frozenset(w.lower() for w in known) | frozenset(self.vocabulary)
        self.shorthand = dict(shorthand)
        self._cache: dict[str, str | None] = {}

    def correct(self, word: str) -> str:
        """The vocabulary word ``word`` stands for, or ``word`` itself."""
        lower = word.lower()
        if not lower.isalpha():
            return word
        if lower in self.shorthand:
            return self.shorthand[lower]
        if lower in self.known or len(lower) > MAX_WORD_LENGTH:
            return word
        if lower not in self._cache:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[lower] = self._closest(lower)
        found = self._cache[lower]
        return found if found is not None else word

    def _closest(self, word: str) -> str | None:
        limit = max_edits(len(word), MIN_WORD_LENGTH)
        if limit == 0:
            return None
        matches = process.extract(
            word,
            self.vocabulary,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=limit,
            limit=None,
        )
        short = len(word) < 5
        best: tuple[int, bool, int, int, str] | None = None
        for candidate, distance, _ in matches:
            if short and (candidate[0] != word[0] or len(candidate) < MIN_WORD_LENGTH):
                continue
            if same_stem(word, candidate):
                continue  # "year" is no slip of "years": the readers know both
            # closest first; then the same first letter; then a letter dropped or doubled
            # rather than a wrong one ("legg" is "leg", not "legs"); then the longer word
            # (a dropped letter is the commonest slip); then alphabetical, so ties are stable
            key = (
                int(distance),
                candidate[0] != word[0],
                Indel.distance(word, candidate),
                -len(candidate),
                candidate,
            )
            if best is None or key < best:
                best = key
        return best[-1] if best else None

    def clean(self, text: str) -> str:
        """``text`` without emoji, its words (up to the bounds) in the vocabulary's
        spelling; everything else as typed."""
        text = strip_symbols(text or "")
        head, tail = text[:MAX_CHARS], text[MAX_CHARS:]
        count = 0

        def fix(match: re.Match[str]) -> str:
            nonlocal count
            count += 1
            return self.correct(match.group()) if count <= MAX_WORDS else match.group()

        return _WORD.sub(fix, head) + tail


def _word_file(name: str) -> set[str]:
    return load_word_list(_HERE / name)


def _shorthand() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for line in (_HERE / "shorthand.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            short, _, full = line.partition(" ")
            pairs[short] = full.strip()
    return pairs


@lru_cache(maxsize=1)
def speller() -> Speller:
    """The intake's speller, built on first use (never at import)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    vocabulary = _word_file("vocabulary.txt")
    known = (
        {w.replace("'", "") for w in STOP_WORDS}
        | load_word_list(_PATTERNS / "common_words.txt")
        | _word_file("known_words.txt")
    )
    return Speller(vocabulary, known, _shorthand())


def clean_answer(text: str) -> str:
    """A visitor's answer in the spelling the intake's readers know."""
    return speller().clean(text)


def collisions(speller_: Speller, words: Iterable[str]) -> list[tuple[str, str]]:
    """Words the speller would change: candidates for ``known_words.txt`` when they are
    real words."""
    found = []
    for word in sorted({w.lower() for w in words}):
        fixed = speller_.correct(word)
        if fixed != word:
            found.append((word, fixed))
    return found


def main(argv: list[str] | None = None) -> int:
    """Print the words of the given files that the speller would correct."""
    import sys

    for word, fixed in collisions(speller(), _WORD.findall(_read_all(argv or sys.argv[1:]))):
        print(f"{word} -> {fixed}")
    return 0


def _read_all(paths: Iterable[str]) -> str:
    return "\n".join(Path(p).read_text(encoding="utf-8", errors="ignore") for p in paths)


if __name__ == "__main__":
    raise SystemExit(main())
