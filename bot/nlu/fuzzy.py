"""Misspelling tolerance for the clinical concept patterns.

spaCy 3.4's Matcher has no FUZZY operator (it arrived in 3.5), so this module supplies a
pipeline component that runs before the concept ruler and rewrites ``token.norm_`` of a
misspelt token to the closest word of the patterns' own vocabulary ("siatica" ->
"sciatica", "duloxitine" -> "duloxetine"). Patterns match on NORM, so they then match the
misspelling too, while ``token.text`` (and so every character offset) stays untouched.

Guards against false corrections, which matter more than misses here ("never" must not
become "fever", "cancel" must not become "cancer"):

- only alphabetic tokens of 5 letters or more are corrected, by at most 1 edit for 5-7
  letters and 2 edits for 8 or more (Damerau-Levenshtein, optimal string alignment);
- tokens in the known-words list (``common_words.txt``) are never corrected. That list
  holds ordinary English words that lie within that distance of a pattern word; it is
  generated with :func:`find_collisions` (see ``python -m bot.nlu.fuzzy --help``) from a
  dictionary and reviewed, so it stays data, not code.

Candidates are found with a symmetric-deletion index (as in SymSpell), so a lookup costs a
few dozen set probes instead of a scan of the whole vocabulary; results are cached.

Every lookup's work is bounded whatever the message holds: a token longer than the
longest vocabulary word plus the edits allowed cannot be a misspelling of any of them and
is not looked up at all, so the deletions probed for one token never exceed
:meth:`FuzzyIndex.max_probes` (211 with the packaged patterns). Without that bound the
2-letter deletions of a 2,000-letter token were two million strings: one such message
held the Rasa process for minutes.
"""

import argparse
import sys
from collections.abc import Callable, Iterable
from itertools import combinations
from math import comb
from pathlib import Path

from spacy.attrs import LIKE_NUM
from spacy.language import Language
from spacy.tokens import Doc

FUZZY_COMPONENT = "clinical_fuzzy_norm"
MIN_LENGTH = 5
MAX_EDITS = 2  # for words of 8 letters or more; fewer below (max_edits)
_CACHE_LIMIT = 20_000


def max_edits(length: int, min_length: int = MIN_LENGTH) -> int:
    """How many edits a word of ``length`` letters may be away from its correction: none
    below ``min_length`` (the intake's speller corrects shorter words than the concept
    patterns do, bot/intake/spelling.py)."""
    if length < min_length:
        return 0
    if length < 8:
        return 1
    return MAX_EDITS


def osa_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance, optimal string alignment variant.

    Counts insertions, deletions, substitutions and transpositions of two adjacent
    letters ("myslef" -> "myself" is one edit), which covers most typing slips.
    """
    if a == b:
        return 0
    if not a:
        return len(b)
    if not b:
        return len(a)
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _deletions(word: str, depth: int) -> set[str]:
    """All strings made by deleting up to ``depth`` (at most 2) letters from ``word``
    (never all of them), each pair of positions once, by slicing."""
    n = len(word)
    out = {word}
    if depth >= 1 and n > 1:
        out.update([word[:i] + word[i + 1 :] for i in range(n)])
    if depth >= 2 and n > 2:
        out.update(
            [word[:i] + word[i + 1 : j] + word[j + 1 :] for i, j in combinations(range(n), 2)]
        )
    return out


class FuzzyIndex:
    """Finds the closest vocabulary word to a misspelt word, or None."""

    def __init__(self, vocabulary: Iterable[str], known_words: Iterable[str] = ()) -> None:
        self.vocabulary = frozenset(w.lower() for w in vocabulary if w and w.isalpha())
        self.known_words = frozenset(w.lower() for w in known_words)
        self._deletes: dict[str, set[str]] = {}
        for word in self.vocabulary:
            # a token of 5+ letters is at most 1 edit from a word of 4-6 letters when it has
            # 5-7 letters itself, so short words need one deletion level, longer ones two
            if len(word) < MIN_LENGTH - 1:
                continue
            depth = 1 if len(word) <= MIN_LENGTH else 2
            for variant in _deletions(word, depth):
                self._deletes.setdefault(variant, set()).add(word)
        # no word longer than this is within the allowed edits of a vocabulary word
        self.longest = max((len(w) for w in self.vocabulary), default=0) + MAX_EDITS
        self._cache: dict[str, str | None] = {}
        self.probes = 0  # deletion variants looked up so far: the work done, for tests

    def max_probes(self) -> int:
        """The most deletion variants one lookup may probe (for the longest token looked up)."""
        n = self.longest
        return sum(comb(n, k) for k in range(max_edits(n) + 1))

    def correct(self, word: str) -> str | None:
        """The vocabulary word ``word`` is a misspelling of, or None if it is not one."""
        word = word.lower()
        if (
            len(word) < MIN_LENGTH
            or len(word) > self.longest
            or not word.isalpha()
            or word in self.vocabulary
            or word in self.known_words
        ):
            return None
        if word in self._cache:
            return self._cache[word]
        result = self._lookup(word)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = result
        return result

    def _lookup(self, word: str) -> str | None:
        limit = max_edits(len(word))
        candidates: set[str] = set()
        variants = _deletions(word, limit)
        self.probes += len(variants)
        for variant in variants:
            candidates |= self._deletes.get(variant, set())
        best: tuple[int, bool, int, str] | None = None
        for cand in candidates:
            if abs(len(cand) - len(word)) > limit:
                continue
            dist = osa_distance(word, cand)
            if dist > limit:
                continue
            # closest first; then same first letter; then the longer word (a dropped letter
            # is the commonest slip: "herniatd" -> "herniated"); then alphabetical
            key = (dist, cand[0] != word[0], -len(cand), cand)
            if best is None or key < best:
                best = key
        return best[3] if best else None


class FuzzyNormalizer:
    """Pipeline component: sets ``token.norm_`` of misspelt tokens to their correction."""

    def __init__(self, name: str = FUZZY_COMPONENT) -> None:
        self.name = name
        self.index = FuzzyIndex(())
        self.read_words: frozenset[str] = frozenset()
        self._like_num: Callable[[str], bool] = lambda word: False

    def set_vocabulary(
        self, vocabulary: Iterable[str], known_words: Iterable[str], read_words: Iterable[str] = ()
    ) -> None:
        """Words the patterns use, ordinary words that must never be corrected, and every
        word some rule of the pipeline reads."""
        self.index = FuzzyIndex(vocabulary, known_words)
        self.read_words = frozenset(read_words) | self.index.vocabulary

    def reads(self, word: str) -> bool:
        """Whether the pipeline reads this (lower-case) word: one of its rules' words, a
        misspelling of one, or a number word (patterns match numbers). Any other word is
        only a token to it (bot/nlu/unseen_words.py)."""
        return (
            word in self.read_words or self._like_num(word) or self.index.correct(word) is not None
        )

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            if not token.is_alpha:
                continue
            # tokenizer exceptions ("n't" -> "not") already carry a deliberate norm
            if token.norm_ != token.lower_:
                continue
            fixed = self.index.correct(token.lower_)
            if fixed is not None:
                token.norm_ = fixed
        return doc


@Language.factory(FUZZY_COMPONENT)
def make_fuzzy_normalizer(nlp: Language, name: str) -> FuzzyNormalizer:
    """spaCy factory; the vocabulary is set afterwards with ``set_vocabulary``."""
    normalizer = FuzzyNormalizer(name)
    normalizer._like_num = nlp.vocab.lex_attr_getters.get(LIKE_NUM, normalizer._like_num)
    return normalizer


def load_word_list(path: Path) -> set[str]:
    """Read a one-word-per-line list; blank lines and ``#`` comments are skipped."""
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            words.add(line)
    return words


_INFLECTIONS = ("s", "es", "ed", "d", "ing", "er", "ers", "ly", "y", "ness", "ies", "ied")


def _same_stem(a: str, b: str) -> bool:
    """True for inflections of one word ("tingles"/"tingle"), which are fine to correct."""
    short, long_ = sorted((a, b), key=len)
    stems = {short}
    if short[-1] in "ey":
        stems.add(short[:-1])  # "tingle" -> "tingling", "achy" -> "achiness"
    return any(long_.startswith(stem) and long_[len(stem) :] in _INFLECTIONS for stem in stems)


def find_collisions(vocabulary: Iterable[str], dictionary: Iterable[str]) -> list[str]:
    """Dictionary words that the fuzzy index would wrongly correct to a pattern word.

    Used to regenerate ``common_words.txt`` when patterns change: every such word is a
    real English word ("never", "cancel", "injection") and must be left alone.
    Inflections of the pattern word itself are not listed: correcting them is harmless.
    """
    index = FuzzyIndex(vocabulary)
    out = []
    for word in sorted({w.strip().lower() for w in dictionary}):
        if not word.isalpha():
            continue
        fixed = index.correct(word)
        if fixed is not None and not _same_stem(word, fixed):
            out.append(word)
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the dictionary words that collide with the pattern vocabulary."""
    from bot.nlu.concepts import default_patterns_dir, load_patterns, pattern_vocabulary

    parser = argparse.ArgumentParser(
        prog="python -m bot.nlu.fuzzy",
        description="List dictionary words within fuzzy distance of a pattern word "
        "(candidates for common_words.txt).",
    )
    parser.add_argument("dictionary", nargs="+", type=Path, help="e.g. /usr/share/dict/words")
    parser.add_argument("--patterns-dir", type=Path, default=default_patterns_dir())
    args = parser.parse_args(argv)
    import spacy

    vocabulary = pattern_vocabulary(spacy.blank("en"), load_patterns(args.patterns_dir))
    words: set[str] = set()
    for path in args.dictionary:
        words |= set(path.read_text(encoding="utf-8", errors="ignore").split())
    for word in find_collisions(vocabulary, words):
        print(word)
    return 0


if __name__ == "__main__":
    sys.exit(main())
