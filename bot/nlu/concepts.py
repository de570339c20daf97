"""Clinical concept extraction on a blank spaCy English pipeline.

``build_pipeline()`` assembles, from the data files in ``patterns/``:

1. ``clinical_fuzzy_norm`` (:mod:`bot.nlu.fuzzy`): corrects misspellings into
   ``token.norm_``;
2. ``clinical_concept_ruler`` (this module): matches EntityRuler-format JSONL patterns on
   NORM. It is a small span ruler rather than spaCy's EntityRuler because one phrase is
   often several concepts at once ("numbness in both legs" is a symptom, a body location
   and a red flag) and ``doc.ents`` cannot hold overlapping spans (spaCy 3.5's SpanRuler
   can; 3.4 has none);
3. ``clinical_assertion`` (:mod:`bot.nlu.assertion`): negated / hypothetical flags.

``extract(nlp, text)`` runs it and applies the message-level rules: mention-only patterns
("bowels" alone) count only when negated or asked about; a red flag that needs a cue
(osteoporosis needs a minor injury) is dropped without it; ``back_pain`` / ``neck_pain``
are dropped when a named condition is asserted in the same message.

Pattern files (``*.jsonl``) follow spaCy's EntityRuler format, one object per line:
``{"label": <type>, "pattern": <phrase or token list>, "id": <canonical value>}``, plus
the optional ``"mention_only": true``. Besides the five concept types two internal labels
exist: ``exclude`` (the id names the value to drop when the exclusion span contains the
concept span, ``*`` for any: "fell asleep" is not trauma) and ``cue`` (helper concepts that
red flags can require, never returned).
"""

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from bot.nlu.assertion import (
    ASSERTION_COMPONENT,
    MATCHES_KEY,
    AssertionDetector,
    ConceptMatch,
    load_assertion_rules,
)
from bot.nlu.first_words import FirstWordMatcher
from bot.nlu.fuzzy import FUZZY_COMPONENT, FuzzyNormalizer, load_word_list
from bot.nlu.unseen_words import replace_unseen, strings_in, tokenizer_words, words_of

CONCEPT_TYPES = ("condition", "symptom", "body_location", "medication", "red_flag")
EXCLUDE_LABEL = "exclude"
CUE_LABEL = "cue"
INTERNAL_LABELS = (EXCLUDE_LABEL, CUE_LABEL)
SEVERITIES = ("emergency", "urgent", "crisis")
RULER_COMPONENT = "clinical_concept_ruler"
SPAN_KEY = "clinical_concepts"

# labels where one phrase has one reading: of overlapping matches the longest wins
# ("shoulder blade" is mid_back, not shoulder). Elsewhere overlaps of different values
# are kept, so that no red flag or symptom is lost to a longer neighbour.
EXCLUSIVE_LABELS = frozenset({"condition", "body_location", "medication"})
# shown when no other condition is named; a named condition replaces them
GENERIC_CONDITIONS = frozenset({"back_pain", "neck_pain"})

ASSERTION_FILE = "assertion.yml"
RED_FLAGS_FILE = "red_flags.yml"
COMMON_WORDS_FILE = "common_words.txt"


@dataclass(frozen=True)
class Concept:
    """One clinical concept mentioned in a message.

    ``start``/``end`` are character offsets into the original text and ``text`` the
    matched span; ``value`` is the canonical value. ``severity`` is set for red flags only.
    ``other_experiencer`` marks concepts about someone else ("my mum had cancer").
    """

    type: str
    value: str
    text: str
    start: int
    end: int
    negated: bool = False
    hypothetical: bool = False
    severity: str | None = None
    other_experiencer: bool = False
    historical: bool = False

    @property
    def asserted(self) -> bool:
        """Reported by the visitor about themself, now: not negated, hypothetical, someone
        else's or a red flag of the past ("a bad fall years ago")."""
        return not (self.negated or self.hypothetical or self.other_experiencer or self.historical)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for messages and logs (``severity`` only for red flags)."""
        data = {f.name: getattr(self, f.name) for f in _CONCEPT_FIELDS}
        if data["severity"] is None:
            del data["severity"]
        data["asserted"] = self.asserted
        return data


# read once: dataclasses.asdict deep-copies each field, and a long message holds
# hundreds of concepts
_CONCEPT_FIELDS = fields(Concept)


@dataclass(frozen=True)
class Combination:
    """A red flag that no single phrase says but a sentence does: an asserted symptom of
    one of ``symptoms`` with an asserted cue of one of ``cues`` ("my legs are numb, both
    of them": numbness and both legs; "the weakness is getting worse": weakness and a
    worsening)."""

    red_flag: str
    symptoms: frozenset[str]
    cues: frozenset[str]


@dataclass(frozen=True)
class RedFlagSpec:
    """Severity class of each red-flag value, the cues some of them require and the
    combinations of symptom and cue that raise some of them."""

    severity: dict[str, str]
    requires: dict[str, tuple[str, ...]]
    combinations: tuple[Combination, ...] = ()


def default_patterns_dir() -> Path:
    """The pattern data shipped with the package."""
    return Path(__file__).resolve().parent / "patterns"


def _data_file(patterns_dir: Path, name: str) -> Path:
    """A data file from ``patterns_dir``, falling back to the packaged default."""
    path = patterns_dir / name
    return path if path.exists() else default_patterns_dir() / name


def load_patterns(patterns_dir: Path) -> list[dict[str, Any]]:
    """Read every ``*.jsonl`` file of ``patterns_dir`` (sorted by name) and validate it."""
    files = sorted(patterns_dir.glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"no *.jsonl pattern files in {patterns_dir}")
    patterns: list[dict[str, Any]] = []
    for path in files:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{lineno}"
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: invalid JSON: {exc}") from exc
            label, pattern, id_ = entry.get("label"), entry.get("pattern"), entry.get("id")
            if label not in CONCEPT_TYPES + INTERNAL_LABELS:
                raise ValueError(f"{where}: unknown label {label!r}")
            if not isinstance(id_, str) or not id_:
                raise ValueError(f"{where}: every pattern needs an 'id' (canonical value)")
            if not isinstance(pattern, (str, list)) or not pattern:
                raise ValueError(f"{where}: 'pattern' must be a phrase or a token list")
            patterns.append(entry)
    return patterns


def load_red_flags(path: Path) -> RedFlagSpec:
    """Read ``red_flags.yml``: ``{red_flags: {value: {severity, requires_cue?}},
    combinations: [{red_flag, symptoms, cues}]}``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    severity: dict[str, str] = {}
    requires: dict[str, tuple[str, ...]] = {}
    for value, spec in (data.get("red_flags") or {}).items():
        if spec.get("severity") not in SEVERITIES:
            raise ValueError(f"{path}: {value}: severity must be one of {SEVERITIES}")
        severity[value] = spec["severity"]
        if spec.get("requires_cue"):
            requires[value] = tuple(spec["requires_cue"])
    combinations = []
    for entry in data.get("combinations") or []:
        if entry.get("red_flag") not in severity:
            raise ValueError(f"{path}: combination of unknown red flag {entry.get('red_flag')!r}")
        combinations.append(
            Combination(entry["red_flag"], frozenset(entry["symptoms"]), frozenset(entry["cues"]))
        )
    return RedFlagSpec(severity=severity, requires=requires, combinations=tuple(combinations))


def pattern_vocabulary(nlp: Language, patterns: Iterable[dict[str, Any]]) -> set[str]:
    """Every alphabetic word the patterns match on: the targets of fuzzy correction."""
    words: set[str] = set()
    for entry in patterns:
        if entry["label"] == EXCLUDE_LABEL:
            continue
        pattern = entry["pattern"]
        if isinstance(pattern, str):
            words.update(t.norm_ for t in nlp.make_doc(pattern.lower()))
            continue
        for token in pattern:
            for key, spec in token.items():
                if key.upper() not in ("NORM", "LOWER", "ORTH", "TEXT"):
                    continue
                if isinstance(spec, str):
                    words.add(spec.lower())
                elif isinstance(spec, dict):
                    words.update(str(w).lower() for w in spec.get("IN", []))
    return {w for w in words if w.isalpha()}


class ConceptRuler:
    """Matches EntityRuler-format patterns on NORM into ``ConceptMatch`` objects.

    Results go to ``doc.user_data["clinical_matches"]`` (for the assertion component and
    ``extract``) and, for inspection, to ``doc.spans["clinical_concepts"]``.
    """

    def __init__(self, nlp: Language, name: str = RULER_COMPONENT) -> None:
        self.name = name
        self._nlp = nlp
        self._matcher = FirstWordMatcher(nlp.vocab)
        self._phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        self.red_flags = RedFlagSpec(severity={}, requires={})

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        """Add EntityRuler-style entries (phrase or token-list patterns)."""
        phrases: dict[str, list[Doc]] = {}
        tokens: dict[str, list[list[dict[str, Any]]]] = {}
        for entry in patterns:
            key = "\t".join(
                (entry["label"], entry["id"], "1" if entry.get("mention_only") else "0")
            )
            if isinstance(entry["pattern"], str):
                doc = self._nlp.make_doc(entry["pattern"].lower())
                phrases.setdefault(key, []).append(doc)
            else:
                tokens.setdefault(key, []).append(entry["pattern"])
        for key, docs in phrases.items():
            self._phrases.add(key, docs)
        self._matcher.add(tokens)

    def __call__(self, doc: Doc) -> Doc:
        strings = self._nlp.vocab.strings
        found: list[ConceptMatch] = []
        excludes: list[ConceptMatch] = []
        raw = self._matcher(doc)
        # an empty matcher warns (W036); a custom patterns dir may use only one kind
        if len(self._phrases):
            raw.extend(self._phrases(doc))
        for key, start, end in raw:
            label, value, mention = strings[key].split("\t")
            match = ConceptMatch(start, end, label, value, mention_only=mention == "1")
            (excludes if label == EXCLUDE_LABEL else found).append(match)
        found = _without_excluded(found, excludes)
        found = _resolve_overlaps(found)
        doc.user_data[MATCHES_KEY] = found
        doc.spans[SPAN_KEY] = [
            Span(doc, m.start, m.end, label=m.label, kb_id=m.value)
            for m in found
            if m.label != CUE_LABEL
        ]
        return doc


@Language.factory(RULER_COMPONENT)
def make_concept_ruler(nlp: Language, name: str) -> ConceptRuler:
    """spaCy factory; patterns are added afterwards with ``add_patterns``."""
    return ConceptRuler(nlp, name)


class _Spans:
    """Spans by value, to ask whether one reaches over a position: a bisection and a
    running maximum instead of a look at every span, so that a message repeating a
    phrase hundreds of times costs hundreds of steps, not their square."""

    def __init__(self, spans: Iterable[ConceptMatch]) -> None:
        by_value: dict[str, list[tuple[int, int]]] = {}
        for span in spans:
            by_value.setdefault(span.value, []).append((span.start, span.end))
        self._starts: dict[str, list[int]] = {}
        self._max_ends: dict[str, list[int]] = {}
        for value, pairs in by_value.items():
            pairs.sort()
            self._starts[value] = [start for start, _ in pairs]
            self._max_ends[value] = list(accumulate((end for _, end in pairs), max))

    def reach(self, value: str, before: int) -> int:
        """The furthest end of the spans of ``value`` that start at or before ``before``
        (-1 if none)."""
        starts = self._starts.get(value)
        if not starts:
            return -1
        k = bisect_right(starts, before)
        return self._max_ends[value][k - 1] if k else -1


def _without_excluded(
    matches: list[ConceptMatch], excludes: Sequence[ConceptMatch]
) -> list[ConceptMatch]:
    """The matches that no exclusion span of their value (or of ``*``) contains."""
    spans = _Spans(excludes)
    return [
        m
        for m in matches
        if spans.reach(m.value, m.start) < m.end and spans.reach("*", m.start) < m.end
    ]


def _resolve_overlaps(matches: list[ConceptMatch]) -> list[ConceptMatch]:
    """Merge overlapping or touching matches of one value into one span ("sciatic" +
    "pain running down my calf"); a mention-only match yields to a real one of its value;
    in exclusive labels, of overlapping spans of different values the longest wins.
    """
    by_value: dict[tuple[str, str, bool], list[ConceptMatch]] = {}
    for m in matches:
        by_value.setdefault((m.label, m.value, m.mention_only), []).append(m)
    merged: list[ConceptMatch] = []
    for (label, value, mention), group in by_value.items():
        group.sort(key=lambda m: (m.start, m.end))
        current = ConceptMatch(group[0].start, group[0].end, label, value, mention)
        for m in group[1:]:
            if m.start <= current.end:
                current.end = max(current.end, m.end)
            else:
                merged.append(current)
                current = ConceptMatch(m.start, m.end, label, value, mention)
        merged.append(current)
    real = [m for m in merged if not m.mention_only]
    real_spans = _Spans(real)
    # a real match of the value overlaps: one starts before this ends and ends after it starts
    mentions = [
        m for m in merged if m.mention_only and real_spans.reach(m.value, m.end - 1) <= m.start
    ]
    kept: list[ConceptMatch] = []
    for label in {m.label for m in merged}:
        for pool in (real, mentions):
            same = [m for m in pool if m.label == label]
            kept.extend(_longest(same) if label in EXCLUSIVE_LABELS else same)
    kept.sort(key=lambda m: (m.start, -m.end, m.label, m.value))
    return kept


def _longest(matches: list[ConceptMatch]) -> list[ConceptMatch]:
    """Non-overlapping subset, longest (then earliest) first, as spaCy's filter_spans."""
    ordered = sorted(matches, key=lambda m: (-(m.end - m.start), m.start, m.value))
    taken: set[int] = set()
    out: list[ConceptMatch] = []
    for m in ordered:
        if any(i in taken for i in range(m.start, m.end)):
            continue
        taken.update(range(m.start, m.end))
        out.append(m)
    return out


def build_pipeline(patterns_dir: Path | None = None) -> Language:
    """Build the concept pipeline on ``spacy.blank("en")``: nothing is downloaded.

    ``patterns_dir`` must hold the ``*.jsonl`` pattern files; ``assertion.yml``,
    ``red_flags.yml`` and ``common_words.txt`` are taken from it when present, else from
    the packaged defaults.
    """
    patterns_dir = Path(patterns_dir) if patterns_dir else default_patterns_dir()
    patterns = load_patterns(patterns_dir)
    nlp = spacy.blank("en")
    fuzzy: FuzzyNormalizer = nlp.add_pipe(FUZZY_COMPONENT)
    common_words = load_word_list(_data_file(patterns_dir, COMMON_WORDS_FILE))
    fuzzy.set_vocabulary(
        pattern_vocabulary(nlp, patterns),
        common_words,
        read_words(nlp, patterns, patterns_dir) | common_words,
    )
    ruler: ConceptRuler = nlp.add_pipe(RULER_COMPONENT)
    ruler.add_patterns(patterns)
    ruler.red_flags = load_red_flags(_data_file(patterns_dir, RED_FLAGS_FILE))
    unknown = {
        p["id"] for p in patterns if p["label"] == "red_flag"
    } - ruler.red_flags.severity.keys()
    if unknown:
        raise ValueError(f"red flags without a severity in {RED_FLAGS_FILE}: {sorted(unknown)}")
    assertion: AssertionDetector = nlp.add_pipe(ASSERTION_COMPONENT)
    assertion.set_rules(load_assertion_rules(_data_file(patterns_dir, ASSERTION_FILE)))
    return nlp


@lru_cache(maxsize=1)
def shared_pipeline() -> Language:
    """The pipeline of the packaged patterns, built once per process on first use.

    The NLU component and the intake's readers (bot/intake/mentions.py) both read
    concepts; one pipeline serves both, so that a process builds it once (2-3 s) when
    the model loads, not again on the first message that reaches the intake's readers.
    """
    return build_pipeline()


def read_words(nlp: Language, patterns: Iterable[dict[str, Any]], patterns_dir: Path) -> set[str]:
    """Every word some rule reads: the words of the patterns, of the assertion rules and
    red flags, and of the tokenizer's exceptions. Any other word is only a token to them."""
    data = [
        yaml.safe_load(_data_file(patterns_dir, name).read_text(encoding="utf-8"))
        for name in (ASSERTION_FILE, RED_FLAGS_FILE)
    ]
    return words_of(strings_in([list(patterns), data])) | tokenizer_words(nlp.tokenizer)


# a run of punctuation or symbols (emoji included) longer than this is cut to its first
# characters, the rest blanked: no pattern reads more than a few of them
_SYMBOL_RUN = re.compile(r"([^\w\s]{3})[^\w\s]+")


def _blank_tail(match: re.Match[str]) -> str:
    return match.group(1) + " " * (match.end() - match.start() - 3)


# no pattern reads a word this long; spaCy's affix and URL expressions, run again on
# what is left each time a piece is split off, cost ~50 ms on one 1,700-character word
LONGEST_WORD = 64
_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD + 1},}}")


def _split_long(match: re.Match[str]) -> str:
    """Every 64th character of a very long word becomes a space (the length kept)."""
    chars = list(match.group())
    for i in range(LONGEST_WORD - 1, len(chars), LONGEST_WORD):
        chars[i] = " "
    return "".join(chars)


def make_doc_text(text: str, keep: Callable[[str], bool] | None = None) -> str:
    """The text spaCy tokenises: the same length, so that every offset still points into
    the visitor's text.

    Lower-cased when that keeps the length (spaCy's English tokenizer splits "can't" but
    not "CAN'T", and patterns are lower-case anyway). Runs of punctuation or symbols keep
    their first three characters and the rest becomes spaces: spaCy strips suffixes one
    at a time, rescanning the rest of the token each time, so 2,000 "!" took half a
    second and made 2,000 tokens for the matchers. Likewise a word of more than
    LONGEST_WORD characters is cut into pieces of that length. With ``keep``, a word it
    refuses becomes a placeholder that is cut into the same tokens
    (bot/nlu/unseen_words.py)."""
    lowered = text.lower()
    text = lowered if len(lowered) == len(text) else text
    text = _LONG_WORD.sub(_split_long, _SYMBOL_RUN.sub(_blank_tail, text))
    return replace_unseen(text, keep) if keep is not None else text


def extract(nlp: Language, text: str) -> list[Concept]:
    """All clinical concepts of ``text`` in order, with assertion flags."""
    if not text or not text.strip():
        return []
    fuzzy: FuzzyNormalizer = nlp.get_pipe(FUZZY_COMPONENT)
    doc = nlp(make_doc_text(text, fuzzy.reads))
    matches: list[ConceptMatch] = doc.user_data.get(MATCHES_KEY, [])
    spec: RedFlagSpec = nlp.get_pipe(RULER_COMPONENT).red_flags

    def asserted(m: ConceptMatch) -> bool:
        return m.asserted

    cues = {m.value for m in matches if m.label == CUE_LABEL and asserted(m)}
    matches = matches + _combined(doc, matches, spec.combinations, asserted)
    kept: list[ConceptMatch] = []
    for m in matches:
        if m.label == CUE_LABEL:
            continue
        if m.mention_only and asserted(m):
            continue  # "bladder" alone reports nothing
        needed = spec.requires.get(m.value) if m.label == "red_flag" else None
        if needed and not cues.intersection(needed):
            continue
        kept.append(m)
    if any(
        m.label == "condition" and m.value not in GENERIC_CONDITIONS and asserted(m) for m in kept
    ):
        kept = [m for m in kept if not (m.label == "condition" and m.value in GENERIC_CONDITIONS)]
    kept = _dedupe(kept)
    out = []
    for m in kept:
        span = doc[m.start : m.end]
        start, end = span.start_char, span.end_char
        out.append(
            Concept(
                type=m.label,
                value=m.value,
                text=text[start:end],
                start=start,
                end=end,
                negated=m.negated,
                hypothetical=m.hypothetical,
                severity=spec.severity.get(m.value) if m.label == "red_flag" else None,
                other_experiencer=m.other_experiencer,
                historical=m.historical,
            )
        )
    return out


# what ends a sentence for a combination: a symptom and a cue count together only
# within one sentence ("both legs are fine. the left one is numb" is not both legs)
_SENTENCE_ENDS = frozenset({".", "!", "?", ";"})


def _sentence_numbers(doc: Doc) -> list[int]:
    """The number of the sentence each token of ``doc`` is in."""
    numbers, n = [], 0
    for tok in doc:
        numbers.append(n)
        if tok.text in _SENTENCE_ENDS or (tok.is_space and "\n" in tok.text):
            n += 1
    return numbers


def _combined(
    doc: Doc,
    matches: Sequence[ConceptMatch],
    combinations: Sequence[Combination],
    asserted: Callable[[ConceptMatch], bool],
) -> list[ConceptMatch]:
    """The red flags that combinations raise: an asserted symptom (or red flag) of the
    combination with an asserted cue of it in the same sentence, one span over both.
    Linear in the matches: the first cue of each sentence is looked up, not paired."""
    if not combinations or not any(m.label == CUE_LABEL for m in matches):
        return []
    sentence = _sentence_numbers(doc)
    out: list[ConceptMatch] = []
    for combo in combinations:
        first_cue: dict[int, ConceptMatch] = {}
        for m in matches:
            if m.label == CUE_LABEL and m.value in combo.cues and asserted(m):
                first_cue.setdefault(sentence[m.start], m)
        if not first_cue:
            continue
        for m in matches:
            if m.label not in ("symptom", "red_flag") or m.value not in combo.symptoms:
                continue
            cue = first_cue.get(sentence[m.start])
            if cue is None or m.mention_only or not asserted(m):
                continue
            start, end = min(m.start, cue.start), max(m.end, cue.end)
            out.append(ConceptMatch(start, end, "red_flag", combo.red_flag))
            break
    return out


def message_concepts(nlp: Language, text: str | None) -> list[Concept]:
    """The concepts of a visitor's message: none for empty text or a button's payload
    ("/affirm"); any other text is read, whatever it starts with (bot/nlu/payloads.py)."""
    from bot.nlu.payloads import is_button_payload

    if not text or is_button_payload(text):
        return []
    return extract(nlp, text)


def distinct_concepts(concepts: Iterable[Concept]) -> list[Concept]:
    """Each concept once, as first mentioned: what a message says, not how often. The
    safety screen and the features read only which concepts there are; a 2,000-character
    message repeating one phrase held hundreds of copies, each stored in the conversation
    and sent to the action server with every call."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for c in concepts:
        key = (c.type, c.value, c.negated, c.hypothetical, c.other_experiencer, c.severity)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _dedupe(matches: list[ConceptMatch]) -> list[ConceptMatch]:
    """One concept per (type, value, span); a mention-only match never doubles a real one."""
    seen: set[tuple[str, str, int, int]] = set()
    out = []
    for m in matches:
        key = (m.label, m.value, m.start, m.end)
        if key in seen:
            continue
        seen.add(key)
        out.append(m)
    return out


__all__ = [
    "CONCEPT_TYPES",
    "Concept",
    "RedFlagSpec",
    "build_pipeline",
    "default_patterns_dir",
    "distinct_concepts",
    "extract",
    "load_patterns",
    "load_red_flags",
    "message_concepts",
    "pattern_vocabulary",
    "shared_pipeline",
]
