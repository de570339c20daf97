"""RulePolicy reads only as much of the conversation as its longest rule can match.

For each prediction (2-3 a turn) Rasa's RulePolicy turns the whole session into dialogue
states: it replays the session's events into a fresh tracker and builds a state (slots,
user message, previous action, active loop) at every action, then matches its rules
against them from the end. A rule of n states only ever compares the last n states of
the conversation (``RulePolicy._is_rule_applicable`` accepts every rule at a position
past its length, and a rule's "conversation start" marker is compared with the state at
its own position), so states older than the longest rule change nothing, yet they were
built, and matched, and deep-copied for a debug log, every time: the cost of a turn
grew with the conversation.

Here the events are still replayed (slots set long ago are part of recent states), but
a state is built only for the last positions the rules can reach, and the replay is
kept with the tracker and continued from where it stopped when events are added
(``StateReplay``). The
prediction is the same; the only other use of the states, a key naming the
conversation when no rule applies, names its recent part instead (it is compared only
with rule keys).
"""

from __future__ import annotations

import functools
import operator
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

# Rule keys remembered per table for this many distinct recent histories; past it the
# memory starts again (conversations go through a few hundred, see test_rule_states).
REMEMBERED_MATCHES = 20_000


class RuleTable(NamedTuple):
    """A rule lookup's rules with their states last first, the longest rule's length, and
    the keys found so far for each recent history (the last ``longest`` states, frozen)."""

    lookup: dict[str, str]
    size: int
    rules: list[tuple[str, list[State]]]
    longest: int
    matches: dict[tuple, frozenset[str]]


def rule_table(policy: Any, lookup: dict[str, str]) -> RuleTable:
    """``lookup``'s table, worked out once per lookup: training replaces a lookup, and
    only removes keys from one, so its size is checked too (a stale, longer length would
    only keep more states than needed)."""
    remembered = policy.__dict__.setdefault("_rule_tables", {})
    table = remembered.get(id(lookup))
    if table is None or table.lookup is not lookup or table.size != len(lookup):
        rules = [(key, list(reversed(policy._rule_key_to_state(key)))) for key in lookup]
        longest = max((len(states) for _, states in rules), default=0)
        table = remembered[id(lookup)] = RuleTable(lookup, len(lookup), rules, longest, {})
    return table


def frozen_states(states: list[State]) -> tuple:
    """``states`` as a hashable value, equal exactly when the states are: a state's parts
    are dicts of strings and tuples (``Domain.get_active_state``)."""
    return tuple(
        tuple(sorted((name, tuple(sorted(part.items()))) for name, part in state.items()))
        for state in states
    )


def longest_rule(policy: Any) -> int:
    """How many states the policy's longest rule (or loop unhappy-path rule) has."""
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH

    return max(
        rule_table(policy, policy.lookup.get(name, {})).longest
        for name in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH)
    )


def recent_prediction_states(original: Callable[..., list[State]]) -> Callable[..., list[State]]:
    """``RulePolicy._prediction_states`` building only the states its rules can reach.

    Anything but RulePolicy's own set-up (a featurizer that keeps every state, rule-only
    turns kept) goes through Rasa's method."""
    from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
    from rasa.core.policies.policy import SupportedData

    @functools.wraps(original)
    def _prediction_states(
        self: Any,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        featurizer = self.featurizer
        if (
            type(featurizer) is not MaxHistoryTrackerFeaturizer
            or featurizer.max_history is not None
            or self.supported_data() == SupportedData.ML_DATA
        ):
            return original(self, tracker, domain, use_text_for_last_user_input, rule_only_data)
        states = remembered_recent_states(tracker, domain, max(1, longest_rule(self)))
        featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states

    return _prediction_states


# the attribute on a tracker: the replay of its events for RulePolicy's states
REPLAY = "_rule_states_replay"


class StateReplay:
    """A tracker's applied events replayed into a fresh tracker, continued as events are
    added, with the states before its last few actions.

    Right after a visitor's message RulePolicy looks for rules twice on the same tracker
    (by text, then by intent), and each action of the turn adds a few events before the
    next prediction: replaying the whole session each time cost ~10% of the Rasa
    process's CPU under load. The replay goes on from where it stopped as long as the
    tracker's applied events begin with those already replayed (the same objects);
    when they don't (a form's earlier execution undone, a rewind, a new session), it
    starts again from the first event. It belongs to one tracker: a copy of that tracker
    (which shares its attributes) starts its own."""

    def __init__(self, tracker: DialogueStateTracker, domain: Domain, count: int) -> None:
        self.owner = weakref.ref(tracker)
        self.domain = domain
        self.count = count
        self.replayed: list[Any] = []
        self.replay = tracker.init_copy()
        # the states before each of the last count - 1 actions (the current state is
        # the count-th)
        self.past: deque[State] = deque(maxlen=max(0, count - 1))

    def serves(self, tracker: DialogueStateTracker, domain: Domain, count: int) -> bool:
        """Whether this replay is ``tracker``'s, for this domain and count."""
        return self.owner() is tracker and self.domain is domain and self.count == count

    def advance(self, applied: list[Any]) -> bool:
        """Replay the events of ``applied`` not replayed yet; False (and nothing done) if
        ``applied`` does not begin with the events replayed."""
        done = len(self.replayed)
        if len(applied) < done or not all(map(operator.is_, applied, self.replayed)):
            return False
        for event in applied[done:]:
            if isinstance(event, ActionExecuted):
                self.past.append(self.domain.get_active_state(self.replay))
            self.replay.update(event)
        self.replayed = applied
        return True

    def states(self) -> list[State]:
        """The last ``count`` states: before each of the last actions, and now."""
        return [*self.past, self.domain.get_active_state(self.replay)]


def recent_states(tracker: DialogueStateTracker, domain: Domain, count: int) -> list[State]:
    """The last ``count`` states of ``domain.states_for_tracker_history(tracker)``
    (one before each action, and the current one), from a replay of its own."""
    replay = StateReplay(tracker, domain, count)
    replay.advance(tracker.applied_events())
    return replay.states()


def remembered_recent_states(
    tracker: DialogueStateTracker, domain: Domain, count: int
) -> list[State]:
    """``recent_states(tracker, domain, count)`` from the tracker's :class:`StateReplay`,
    handed out as a copy each time (the featurizer then drops parts of the last
    state)."""
    applied = tracker.applied_events()
    replay = tracker.__dict__.get(REPLAY)
    if replay is None or not replay.serves(tracker, domain, count) or not replay.advance(applied):
        replay = StateReplay(tracker, domain, count)
        replay.advance(applied)
        tracker.__dict__[REPLAY] = replay
    return [{name: dict(part) for name, part in state.items()} for state in replay.states()]


def possible_rule_keys(original: Callable[..., set[str]]) -> Callable[..., set[str]]:
    """``RulePolicy._get_possible_keys``: the same rule keys, from states reversed once,
    and remembered.

    Rasa's method asks ``_is_rule_applicable`` about every remaining rule at each state
    from the end, and that reverses the rule's states anew each time (~8% of the Rasa
    process's CPU under load); the test of each rule against each state is Rasa's own.
    Only the last ``longest`` states can decide (see ``recent_states``), and visitors'
    conversations go through the same few hundred of those over and over, so the keys
    found for them are remembered with the table (a new or changed lookup starts empty).
    A policy class with its own ``_is_rule_applicable`` goes through Rasa's method."""
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.constants import PREVIOUS_ACTION

    rasas_check = RulePolicy._is_rule_applicable

    @functools.wraps(original)
    def _get_possible_keys(self: Any, lookup: dict[str, str], states: list[State]) -> set[str]:
        if type(self)._is_rule_applicable is not rasas_check:
            return original(self, lookup, states)
        table = rule_table(self, lookup)
        history: tuple | None = frozen_states(states[-table.longest :] if table.longest else [])
        try:
            remembered = table.matches.get(history)  # type: ignore[arg-type]
        except TypeError:  # a part that is not a string or a tuple: not remembered
            history = remembered = None
        if remembered is not None:
            return set(remembered)
        candidates = table.rules
        for index, state in enumerate(reversed(states)):
            if not candidates:
                break
            current_previous_action = state.get(PREVIOUS_ACTION)
            kept = []
            for key, rule_states in candidates:
                # as _is_rule_applicable, step by step
                if index >= len(rule_states):
                    kept.append((key, rule_states))
                    continue
                rule_previous_action = rule_states[index].get(PREVIOUS_ACTION)
                if not rule_previous_action and not current_previous_action:
                    kept.append((key, rule_states))
                elif not rule_previous_action or not current_previous_action:
                    continue
                elif self._does_rule_match_state(rule_states[index], state):
                    kept.append((key, rule_states))
            candidates = kept
        keys = frozenset(key for key, _ in candidates)
        if history is not None:
            if len(table.matches) >= REMEMBERED_MATCHES:
                table.matches.clear()
            table.matches[history] = keys
        return set(keys)

    return _get_possible_keys
