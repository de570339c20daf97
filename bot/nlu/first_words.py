"""spaCy's Matcher, run only where a pattern can start.

spaCy 3.4's Matcher starts every pattern at every token. With the concept patterns split
by their first words (``first_token_classes``) that is ~1,500 starts a token, ~35 µs, even
for a token no pattern starts with, so a message's matching cost grew with its length
times the number of patterns. Here the patterns are dealt into ``BUCKETS`` matchers by
the words they start with, and each matcher runs only when the message holds one of its
words, from the first of them on: a message costs the starts of the patterns its words
can begin, and never more than one matcher of all of them would. The matches are the
same as that one matcher's (tests/bot/nlu/test_first_words.py).
"""

from __future__ import annotations

from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

# more buckets start fewer patterns at each token but cost one matcher call each
BUCKETS = 16


def _first_words(spec: dict[str, Any]) -> frozenset[str] | None:
    """The words a pattern's first token may be, when it is a plain NORM (or NORM IN)."""
    if set(spec) != {"NORM"}:
        return None
    norm = spec["NORM"]
    if isinstance(norm, str):
        return frozenset({norm})
    if isinstance(norm, dict) and set(norm) == {"IN"}:
        return frozenset(norm["IN"])
    return None


def _without_optional_start(pattern: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """A pattern whose first token is optional ("?") as the two it stands for."""
    first = pattern[0]
    if first.get("OP") != "?" or len(pattern) == 1:
        return [pattern]
    required = {key: value for key, value in first.items() if key != "OP"}
    return [[required, *pattern[1:]], *_without_optional_start(pattern[1:])]


def first_token_classes(
    patterns: dict[str, list[list[dict[str, Any]]]],
) -> tuple[dict[str, list[list[dict[str, Any]]]], dict[str, str]]:
    """The token patterns rewritten to start with a literal TAG, and each first word's tag.

    spaCy's Matcher tries every pattern at every token, and a first token of ``NORM IN
    [...]`` is a Python call each time (~130 ns; ~55 µs a token for these patterns). Here
    the words the patterns can start with are put in classes of words that start exactly
    the same patterns; the ruler tags each token with its word's class, and a pattern
    starts with one literal TAG per class its first word may be in (a C comparison).
    Patterns whose first token is optional are split in two first. The matches are the
    same; patterns starting otherwise (a regular expression, a number) are kept as they
    are."""
    expanded = [
        (key, variant)
        for key, pats in patterns.items()
        for pattern in pats
        for variant in _without_optional_start(pattern)
    ]
    starts: dict[str, set[int]] = {}
    for index, (_, pattern) in enumerate(expanded):
        for word in _first_words(pattern[0]) or ():
            starts.setdefault(word, set()).add(index)
    names: dict[frozenset[int], str] = {}
    classes = {
        word: names.setdefault(frozenset(which), f"first{len(names)}")
        for word, which in sorted(starts.items())
    }
    rewritten: dict[str, list[list[dict[str, Any]]]] = {}
    for key, pattern in expanded:
        words = _first_words(pattern[0])
        if words is None:
            rewritten.setdefault(key, []).append(pattern)
            continue
        for tag in sorted({classes[word] for word in words}):
            rewritten.setdefault(key, []).append([{"TAG": tag}, *pattern[1:]])
    return rewritten, classes


class FirstWordMatcher:
    """Token patterns (EntityRuler format, by match key), matched where they can start."""

    def __init__(self, vocab: Vocab, buckets: int = BUCKETS) -> None:
        self._vocab = vocab
        self._buckets = buckets
        self._classes: dict[str, str] = {}
        self._bucket_of: dict[str, int] = {}
        self._matchers: list[Matcher] = []
        self._anywhere = Matcher(vocab, validate=True)
        # patterns in each bucket, and in the matcher run everywhere (a Matcher's len()
        # counts its keys)
        self._sizes: list[int] = []
        self._anywhere_size = 0

    def __len__(self) -> int:
        """The number of patterns, as rewritten to start with their first words' class."""
        return sum(self._sizes) + self._anywhere_size

    def add(self, patterns: dict[str, list[list[dict[str, Any]]]]) -> None:
        """Install ``patterns`` (replacing any added before)."""
        rewritten, self._classes = first_token_classes(patterns)
        by_tag: dict[str, list[tuple[str, list[dict[str, Any]]]]] = {}
        self._anywhere = Matcher(self._vocab, validate=True)
        self._anywhere_size = 0
        for key, pats in rewritten.items():
            for pattern in pats:
                tag = pattern[0].get("TAG") if set(pattern[0]) == {"TAG"} else None
                if tag in self._classes.values():
                    by_tag.setdefault(tag, []).append((key, pattern))
                else:
                    self._anywhere.add(key, [pattern])
                    self._anywhere_size += 1
        # the largest classes first, each to the least loaded bucket
        loads = [0] * self._buckets
        self._bucket_of = {}
        self._matchers = [Matcher(self._vocab, validate=True) for _ in range(self._buckets)]
        for tag in sorted(by_tag, key=lambda t: (-len(by_tag[t]), t)):
            bucket = loads.index(min(loads))
            self._bucket_of[tag] = bucket
            loads[bucket] += len(by_tag[tag])
            for key, pattern in by_tag[tag]:
                self._matchers[bucket].add(key, [pattern])
        self._sizes = loads

    def runs(self, doc: Doc) -> dict[int, int]:
        """Which buckets run, each from which token: the buckets of the words in ``doc``.
        Tags each such token with its word's class, which the patterns start with."""
        first_at: dict[int, int] = {}
        for i, token in enumerate(doc):
            tag = self._classes.get(token.norm_)
            if tag is None:
                continue
            # the tags are the matcher's own: no tagger ran, which spaCy would refuse
            token.tag_ = tag
            first_at.setdefault(self._bucket_of[tag], i)
        return first_at

    def starts(self, doc: Doc) -> int:
        """How many pattern starts matching ``doc`` costs (the work, for tests)."""
        runs = self.runs(doc)
        return self._anywhere_size * len(doc) + sum(
            self._sizes[bucket] * (len(doc) - first) for bucket, first in runs.items()
        )

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """(match key, start, end) of every match, each once, in order of start."""
        first_at = self.runs(doc)
        found = list(self._anywhere(doc, allow_missing=True)) if self._anywhere_size else []
        for bucket, first in first_at.items():
            matches = self._matchers[bucket](doc[first:], allow_missing=True)
            found.extend((key, start + first, end + first) for key, start, end in matches)
        return sorted(set(found), key=lambda m: (m[1], m[2], m[0]))
