"""Assertion status of clinical concepts: negated, hypothetical, or about someone else.

A ConText-style algorithm (Harkema et al., J Biomed Inform 2009) with hand-written trigger
lists kept as data in ``patterns/assertion.yml``. Hand rules were chosen over negspacy /
medspacy because the safety rules of this product need behaviour those packages do not
give out of the box: a trigger inside a concept's own span is part of the symptom
("can't hold my urine", "no feeling down there") and is ignored; a list continues a
negation only when it is really a list ("no numbness, tingling or weakness"), never across
a new clause ("no tingling at all and peeing is normal"); and a red flag that the visitor
reports is never negated by a trigger from a neighbouring clause.

Rules, per concept:

- a *pre* trigger (``no``, ``denies``, ``what if``...) covers the concepts that start
  within ``window`` tokens after it, up to a clause boundary: a hard terminator
  (``.``, ``but``, ``although``...), a first-person pronoun (a new report: "no, I can't
  pee"), or a soft terminator (``,``, ``and``) unless what follows is the next item of a
  list (a concept followed by another list joiner or the end of the clause; a red flag
  at the end of a clause never continues the list, erring towards raising the alarm);
- a *post* trigger (``is normal``, ``are fine``, ``as a side effect``) covers the concept
  just before it when only linking words ("is", "are", "feels"...) stand between them; it
  may reach back over a list of concepts joined by ``,``/``and``/``or``, except onto a
  reported red flag;
- a *question opener* (a modal or "do/does" followed by a third-person subject: "could the
  pills...", "can it...", "does duloxetine...") makes its clause hypothetical, until a
  first-person pronoun or a subordinate clause ("that", "because") starts a report;
- *pseudo* triggers ("not sure", "can't stop", "is it normal") contain a trigger word but
  are not triggers, and cancel the triggers they overlap.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

ASSERTION_COMPONENT = "clinical_assertion"
MATCHES_KEY = "clinical_matches"

NEG_PRE = "negation_pre"
NEG_POST = "negation_post"
HYP_PRE = "hypothetical_pre"
HYP_POST = "hypothetical_post"
OTHER_PRE = "experiencer_pre"
OTHER_POST = "experiencer_post"
PSEUDO = "pseudo"
TERMINATOR = "terminator"
GENERAL = "general"
FIRST_TIME = "first_time"
PAST = "past"
PRESENT = "present"
_TRIGGER_KINDS = (
    NEG_PRE, NEG_POST, HYP_PRE, HYP_POST, OTHER_PRE, OTHER_POST, PSEUDO, TERMINATOR, GENERAL,
    FIRST_TIME, PAST, PRESENT,
)  # fmt: skip
# trigger kinds that mark a whole clause rather than reach a concept in a window
_CLAUSE_KINDS = (TERMINATOR, GENERAL, FIRST_TIME, PAST, PRESENT)


@dataclass
class ConceptMatch:
    """A concept found in a doc (token offsets), with its assertion status.

    Shared by the ruler (which creates them) and this component (which fills in the
    flags); ``bot.nlu.concepts.extract`` turns them into public ``Concept`` objects.
    """

    start: int
    end: int
    label: str
    value: str
    mention_only: bool = False
    negated: bool = False
    hypothetical: bool = False
    other_experiencer: bool = False
    historical: bool = False

    @property
    def asserted(self) -> bool:
        """Reported by the visitor about themself, now."""
        return not (self.negated or self.hypothetical or self.other_experiencer or self.historical)


@dataclass(frozen=True)
class AssertionRules:
    """Trigger phrases and scope settings, loaded from ``assertion.yml``."""

    triggers: dict[str, tuple[str, ...]]
    soft_terminators: frozenset[str]
    list_joiners: frozenset[str]
    list_skip: frozenset[str]
    post_linking: frozenset[str]
    first_person: frozenset[str]
    experiencer_stops: frozenset[str]
    subordinators: frozenset[str]
    question_modals: frozenset[str]
    question_subjects: frozenset[str]
    question_examples: frozenset[str]
    discourse: frozenset[str]
    hypothetical_exempt: frozenset[str] = frozenset()
    mention_negation_exclude: frozenset[str] = frozenset()
    capacity_words: frozenset[str] = frozenset()
    loss_words: frozenset[str] = frozenset()
    history_exempt: frozenset[str] = frozenset()
    window: int = 8
    post_window: int = 6
    report_labels: frozenset[str] = field(default_factory=lambda: frozenset({"red_flag"}))


def load_assertion_rules(path: Path) -> AssertionRules:
    """Read ``assertion.yml``; unknown keys are an error so that typos do not pass silently."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data.get(key, []))

    triggers = {
        NEG_PRE: data["negation"]["pre"],
        NEG_POST: data["negation"]["post"],
        HYP_PRE: data["hypothetical"]["pre"],
        HYP_POST: data["hypothetical"]["post"],
        OTHER_PRE: data["experiencer"]["pre"],
        OTHER_POST: data["experiencer"].get("post", []),
        PSEUDO: data["pseudo"],
        TERMINATOR: data["terminators"],
        GENERAL: data.get("general", []),
        FIRST_TIME: data.get("first_time", []),
        PAST: data.get("history", {}).get("past", []),
        PRESENT: data.get("history", {}).get("present", []),
    }
    known = {
        "negation",
        "hypothetical",
        "experiencer",
        "pseudo",
        "terminators",
        "soft_terminators",
        "list_joiners",
        "list_skip",
        "post_linking",
        "first_person",
        "experiencer_stops",
        "subordinators",
        "question_openers",
        "discourse",
        "hypothetical_exempt_labels",
        "mention_negation_exclude",
        "window",
        "post_window",
        "general",
        "first_time",
        "capacity_loss",
        "history",
    }
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
    openers = data.get("question_openers", {})
    capacity = data.get("capacity_loss", {})
    return AssertionRules(
        triggers={k: tuple(str(p).lower() for p in v) for k, v in triggers.items()},
        soft_terminators=words("soft_terminators"),
        list_joiners=words("list_joiners"),
        list_skip=words("list_skip"),
        post_linking=words("post_linking"),
        first_person=words("first_person"),
        experiencer_stops=words("experiencer_stops"),
        subordinators=words("subordinators"),
        question_modals=frozenset(str(w).lower() for w in openers.get("modals", [])),
        question_subjects=frozenset(str(w).lower() for w in openers.get("subjects", [])),
        question_examples=frozenset(str(w).lower() for w in openers.get("examples", [])),
        discourse=words("discourse"),
        hypothetical_exempt=words("hypothetical_exempt_labels"),
        mention_negation_exclude=words("mention_negation_exclude"),
        capacity_words=frozenset(str(w).lower() for w in capacity.get("capacities", [])),
        loss_words=frozenset(str(w).lower() for w in capacity.get("losses", [])),
        history_exempt=frozenset(data.get("history", {}).get("exempt_values", [])),
        window=int(data.get("window", 8)),
        post_window=int(data.get("post_window", 6)),
    )


@dataclass(frozen=True)
class _Trigger:
    kind: str
    start: int
    end: int


class AssertionDetector:
    """Sets ``negated``, ``hypothetical`` and ``other_experiencer`` on each ConceptMatch."""

    def __init__(self, nlp: Language, name: str = ASSERTION_COMPONENT) -> None:
        self.name = name
        self._nlp = nlp
        self.rules: AssertionRules | None = None
        self._matcher = PhraseMatcher(nlp.vocab, attr="NORM")

    def set_rules(self, rules: AssertionRules) -> None:
        """Install trigger lists (tokenised like the text, so "don't" matches "dont")."""
        self.rules = rules
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="NORM")
        for kind in _TRIGGER_KINDS:
            phrases = rules.triggers.get(kind, ())
            self._matcher.add(kind, [self._nlp.make_doc(p) for p in phrases])

    def __call__(self, doc: Doc) -> Doc:
        matches: list[ConceptMatch] = doc.user_data.get(MATCHES_KEY, [])
        if self.rules is None or not matches:
            return doc
        annotate(doc, matches, self._triggers(doc, matches), self.rules)
        return doc

    def _triggers(self, doc: Doc, concepts: Sequence[ConceptMatch]) -> list[_Trigger]:
        found = [
            _Trigger(self._nlp.vocab.strings[key], start, end)
            for key, start, end in self._matcher(doc)
        ]
        # token positions, not pairs of spans, so that the work grows with the message
        inside = {i for c in concepts for i in range(c.start, c.end)}
        # position -> length of the longest pseudo trigger there: a pseudo trigger cancels
        # the triggers it overlaps unless they are longer, and so more specific ("don't
        # think" is no denial, "don't think i've had" is)
        pseudo: dict[int, int] = {}
        for t in found:
            if t.kind == PSEUDO:
                for i in range(t.start, t.end):
                    pseudo[i] = max(pseudo.get(i, 0), t.end - t.start)
        kept: list[_Trigger] = []
        for t in found:
            if t.kind == PSEUDO or t.kind in _CLAUSE_KINDS:
                if t.kind != PSEUDO:
                    kept.append(t)
                continue
            # a trigger word inside a concept is part of the symptom: "can't pee"
            length = t.end - t.start
            if any(i in inside or pseudo.get(i, 0) >= length for i in range(t.start, t.end)):
                continue
            kept.append(t)
        # of overlapping triggers keep the longest ("no sign of" over "no"); triggers of
        # equal length all stay ("never" is both a pre and a post trigger)
        kept.sort(key=lambda t: (t.start, -(t.end - t.start)))
        out: list[_Trigger] = []
        longest_at: dict[int, int] = {}  # position -> longest kept trigger covering it
        for t in kept:
            length = t.end - t.start
            if t.kind in _CLAUSE_KINDS:
                out.append(t)
                continue
            if any(longest_at.get(i, 0) > length for i in range(t.start, t.end)):
                continue
            out.append(t)
            for i in range(t.start, t.end):
                longest_at[i] = max(longest_at.get(i, 0), length)
        return out


@Language.factory(ASSERTION_COMPONENT)
def make_assertion_detector(nlp: Language, name: str) -> AssertionDetector:
    """spaCy factory; rules are installed afterwards with ``set_rules``."""
    return AssertionDetector(nlp, name)


def annotate(
    doc: Doc,
    concepts: Sequence[ConceptMatch],
    triggers: Iterable[_Trigger],
    rules: AssertionRules,
) -> None:
    """Fill in the assertion flags of ``concepts`` in place."""
    triggers = list(triggers)
    hard = {i for t in triggers if t.kind == TERMINATOR for i in range(t.start, t.end)}
    for tok in doc:
        if tok.is_space and "\n" in tok.text:
            hard.add(tok.i)
    ctx = _Context(doc, concepts, hard, rules)
    clause = _clause_numbers(len(doc), hard)
    general = _general_clauses(doc, triggers, clause, rules)
    # the past reaches only its own part of a clause: "i can't pee, i had a fall years ago"
    soft = {tok.i for tok in doc if tok.norm_ in rules.soft_terminators}
    segment = _clause_numbers(len(doc), hard | soft)
    past = _past_clauses(doc, triggers, segment, clause)
    first_time = [t for t in triggers if t.kind == FIRST_TIME]
    # a pre trigger reaches the concepts that start at most `window` tokens after its end,
    # a post trigger those that end at most `post_window` tokens before its start: each
    # concept looks only at the triggers within those distances, not at every trigger
    ending: dict[int, list[_Trigger]] = {}
    starting: dict[int, list[_Trigger]] = {}
    for t in triggers:
        if t.kind in (NEG_PRE, HYP_PRE, OTHER_PRE):
            ending.setdefault(t.end, []).append(t)
        elif t.kind in (NEG_POST, HYP_POST, OTHER_POST):
            starting.setdefault(t.start, []).append(t)
    for c in concepts:
        near = [t for i in range(c.start - rules.window, c.start + 1) for t in ending.get(i, ())]
        near += [
            t for i in range(c.end, c.end + rules.post_window + 1) for t in starting.get(i, ())
        ]
        for t in near:
            if (
                t.kind == NEG_PRE
                and c.mention_only
                and all(
                    doc[i].norm_ in rules.mention_negation_exclude for i in range(t.start, t.end)
                )
            ):
                continue
            if t.kind == NEG_PRE and _first_time(doc, t, c, first_time, clause):
                continue
            if t.kind == NEG_POST and _capacity_lost(doc, t, c, rules):
                continue
            if t.kind in (NEG_PRE, HYP_PRE, OTHER_PRE):
                stops = _PRE_STOPS[t.kind](rules)
                if not ctx.pre_scope(t, c, stops=stops):
                    continue
            elif t.kind in (NEG_POST, HYP_POST, OTHER_POST):
                extra = _HYP_POST_LINKS if t.kind == HYP_POST else frozenset()
                if not ctx.post_scope(t, c, extra=extra):
                    continue
            else:
                continue
            if t.kind in (NEG_PRE, NEG_POST):
                c.negated = True
            elif t.kind in (HYP_PRE, HYP_POST):
                c.hypothetical = True
            else:
                c.other_experiencer = True
        if ctx.in_question(c) or clause[c.start] in general:
            c.hypothetical = True
        if c.label in rules.hypothetical_exempt:
            c.hypothetical = False
        if c.label == "red_flag" and c.value not in rules.history_exempt:
            c.historical = segment[c.start] in past


def _clause_numbers(length: int, hard: set[int]) -> list[int]:
    """The number of the clause (between hard terminators) of each token."""
    numbers, n = [], 0
    for i in range(length):
        if i in hard:
            n += 1
        numbers.append(n)
    return numbers


def _general_clauses(
    doc: Doc, triggers: Sequence[_Trigger], clause: Sequence[int], rules: AssertionRules
) -> set[int]:
    """Clauses that ask in general ("in general", "what counts as", "for the form") and
    hold no first-person word: their concepts are not the visitor's report. A clause
    with "I", "me"... is a report whatever else it says."""
    marked = {clause[t.start] for t in triggers if t.kind == GENERAL}
    if not marked:
        return set()
    personal = {clause[tok.i] for tok in doc if tok.norm_ in rules.first_person}
    return marked - personal


# a year that dates an event: "in 2015", "back in 1998"
_YEAR = re.compile(r"^(19|20)[0-9]{2}$")
_YEAR_LEADS = frozenset({"in", "back", "around", "circa"})


def _past_clauses(
    doc: Doc, triggers: Sequence[_Trigger], segment: Sequence[int], clause: Sequence[int]
) -> set[int]:
    """The parts of clauses (``segment`` numbers them) told of the past: "years ago", "as a
    teenager", "in 2015", in a clause with nothing of the present ("again", "today"). A
    red flag there is history ("a bad fall years ago"), not the visitor's state now."""
    this_year = date.today().year
    marked = {segment[t.start] for t in triggers if t.kind == PAST}
    for tok in doc:
        if (
            _YEAR.match(tok.text)
            and int(tok.text) < this_year
            and tok.i > 0
            and doc[tok.i - 1].norm_ in _YEAR_LEADS
        ):
            marked.add(segment[tok.i])
    if not marked:
        return set()
    now = {clause[t.start] for t in triggers if t.kind == PRESENT}
    return {segment[i] for i in range(len(doc)) if segment[i] in marked and clause[i] not in now}


def _first_time(
    doc: Doc, t: _Trigger, c: ConceptMatch, first_time: Sequence[_Trigger], clause: Sequence[int]
) -> bool:
    """Whether a "never" trigger tells of a first time, not an absence: "never wet the bed
    in my life", "never had that before" report it now; "never had any..." denies it."""
    if not any(doc[i].norm_ == "never" for i in range(t.start, t.end)):
        return False
    if any(doc[i].norm_ == "any" for i in range(t.end, c.start)):
        return False
    return any(f.start >= t.end and clause[f.start] == clause[t.start] for f in first_time)


def _capacity_lost(doc: Doc, t: _Trigger, c: ConceptMatch, rules: AssertionRules) -> bool:
    """Whether a post trigger such as "gone" follows a capacity ("bladder control gone",
    "the feeling is gone"): then it tells of a loss, which is the sign, not its absence."""
    return doc[c.end - 1].norm_ in rules.capacity_words and all(
        doc[i].norm_ in rules.loss_words for i in range(t.start, t.end)
    )


# extra words that end a pre trigger's scope, by trigger kind: a hypothetical ends at a
# subordinate clause ("is it bad that I can't pee"), an experiencer at the visitor's own
# words ("my wife noticed my legs are numb")
_PRE_STOPS = {
    NEG_PRE: lambda rules: frozenset(),
    HYP_PRE: lambda rules: rules.subordinators,
    OTHER_PRE: lambda rules: rules.experiencer_stops,
}

# words that may stand between a concept and "a side effect": "is numbness from
# duloxetine a side effect"
_HYP_POST_LINKS = frozenset({"from", "of", "on", "with", "due", "to", "by", "caused", "just"})


class _Context:
    """Token-level view of a doc for scope checks."""

    def __init__(
        self,
        doc: Doc,
        concepts: Sequence[ConceptMatch],
        hard: set[int],
        rules: AssertionRules,
    ) -> None:
        self.doc = doc
        self.rules = rules
        self.hard = hard
        self.concepts = [c for c in concepts if c.label != "cue"]
        self.starting: dict[int, list[ConceptMatch]] = {}
        self.covered: set[int] = set()
        for c in self.concepts:
            self.starting.setdefault(c.start, []).append(c)
            self.covered.update(range(c.start, c.end))
        self._clause_starts: list[int] | None = None
        self._next_report: list[int] | None = None
        self._openers: dict[int, int] = {}

    def norm(self, i: int) -> str:
        return self.doc[i].norm_

    def _clause_end(self, i: int) -> bool:
        return i >= len(self.doc) or i in self.hard

    def continues_list(self, i: int) -> bool:
        """Whether the soft terminator at ``i`` only joins items of a list."""
        j = i + 1
        while j < len(self.doc) and self.norm(j) in self.rules.list_skip:
            j += 1
        items = self.starting.get(j)
        if not items:
            return False
        after = max(c.end for c in items)
        if after < len(self.doc) and self.norm(after) in self.rules.list_joiners:
            return True
        if self._clause_end(after):
            # a reported red flag closing a clause is more likely a new statement
            return not any(
                c.label in self.rules.report_labels and not c.mention_only for c in items
            )
        return False

    def pre_scope(self, t: _Trigger, c: ConceptMatch, stops: frozenset[str] = frozenset()) -> bool:
        if t.end > c.start or c.start - t.end > self.rules.window:
            return False
        for i in range(t.end, c.start):
            n = self.norm(i)
            if i in self.hard or n in self.rules.first_person or n in stops:
                return False
            if n in self.rules.soft_terminators and not (
                self.continues_list(i) and self.covers_any(t.end, i)
            ):
                return False
        return True

    def covers_any(self, start: int, end: int) -> bool:
        """Whether a concept lies within tokens ``start``..``end``: a list goes on only
        from a negated item ("no numbness, tingling"), never from a negated other word
        ("a seat that's not there, numb bum and thighs")."""
        return any(i in self.covered for i in range(start, end))

    def post_scope(self, t: _Trigger, c: ConceptMatch, extra: frozenset[str] = frozenset()) -> bool:
        if c.end > t.start or t.start - c.end > self.rules.post_window:
            return False
        reported = c.label in self.rules.report_labels and not c.mention_only
        for i in range(c.end, t.start):
            n = self.norm(i)
            if i in self.hard:
                return False
            if n in self.rules.post_linking or n in extra:
                continue
            if n in self.rules.list_joiners or i in self.covered:
                # reaching back over a list onto a reported red flag is not allowed:
                # "my bladder is leaking and my bowels are fine"
                if reported:
                    return False
                continue
            return False
        return True

    def clause_opener(self, i: int) -> int:
        """The first word of the clause holding token ``i`` (discourse words such as
        "so" or "well", punctuation and spaces skipped), worked out once per clause."""
        if self._clause_starts is None:
            starts: list[int] = []
            for j in range(len(self.doc)):
                starts.append(j if j == 0 or (j - 1) in self.hard else starts[-1])
            self._clause_starts = starts
        start = self._clause_starts[i]
        if start not in self._openers:
            s = start
            while s < len(self.doc) and (
                self.norm(s) in self.rules.discourse or self.doc[s].is_punct or self.doc[s].is_space
            ):
                s += 1
            self._openers[start] = s
        return min(self._openers[start], i)

    def next_report(self, i: int) -> int:
        """The first token from ``i`` on that starts a report of the visitor's own (a
        first-person pronoun, a subordinate clause, a clause-ending soft terminator), or
        the length of the message; one pass from the end, once per message."""
        if self._next_report is None:
            found = [len(self.doc)] * (len(self.doc) + 1)
            for j in range(len(self.doc) - 1, -1, -1):
                n = self.norm(j)
                report = (
                    n in self.rules.first_person
                    or n in self.rules.subordinators
                    or (n in self.rules.soft_terminators and not self.continues_list(j))
                )
                found[j] = j if report else found[j + 1]
            self._next_report = found
        return self._next_report[min(i, len(self.doc))]

    def in_question(self, c: ConceptMatch) -> bool:
        """Whether ``c`` lies in a clause opened by "could the pills / can it / does it...",
        or in an example that follows such a question ("can it affect the bladder? like
        trouble peeing?")."""
        s = self.clause_opener(c.start)
        if s < c.start and self.norm(s) in self.rules.question_examples and s > 0:
            before = self.clause_opener(s - 1)
            if before < s - 1 and self._asks(before):
                return self.next_report(s + 1) >= c.start
        if s + 1 >= c.start or not self._asks(s):
            return False
        return self.next_report(s + 2) >= c.start

    def _asks(self, s: int) -> bool:
        """Whether the clause opened at ``s`` asks in the third person: a modal and then
        a subject such as "it", "the pills" or a medicine's name."""
        if self.norm(s) not in self.rules.question_modals or s + 1 >= len(self.doc):
            return False
        subject = s + 1
        return self.norm(subject) in self.rules.question_subjects or any(
            m.label == "medication" for m in self.starting.get(subject, [])
        )
