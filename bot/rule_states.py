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

Here the events are still replayed in full (slots set long ago are part of recent
states), but a state is built only for the last positions the rules can reach. The
prediction is the same; the only other use of the states, a key naming the
conversation when no rule applies, names its recent part instead (it is compared only
with rule keys).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker


def recent_states(tracker: DialogueStateTracker, domain: Domain, count: int) -> list[State]:
    """The last ``count`` states of ``domain.states_for_tracker_history(tracker)``
    (one before each action, and the current one), building no other."""
    events = tracker.applied_events()
    total = 1 + sum(isinstance(event, ActionExecuted) for event in events)
    first = total - count
    replay = tracker.init_copy()
    states: list[State] = []
    position = 0
    for event in events:
        if isinstance(event, ActionExecuted):
            if position >= first:
                states.append(domain.get_active_state(replay))
            position += 1
        replay.update(event)
    states.append(domain.get_active_state(replay))
    return states


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


# the attribute on a tracker: its recent states, and what they were built from
RECENT_STATES = "_recent_states"


def remembered_recent_states(
    tracker: DialogueStateTracker, domain: Domain, count: int
) -> list[State]:
    """``recent_states``, built once for the same tracker, events and domain, and handed
    out as a copy each time (the featurizer then drops parts of the last state).

    Right after a visitor's message, RulePolicy looks for rules twice on the same
    tracker (matching the message's text, then its intent), so the events were
    replayed twice. The states are remembered on the tracker with what they were
    built from: its number of events and its last event (events are only ever
    appended to a tracker as it is served), the domain and the count."""
    events = tracker.events
    built_from = (len(events), id(events[-1]) if events else None, id(domain), count)
    remembered = tracker.__dict__.get(RECENT_STATES)
    if remembered is None or remembered[0] != built_from:
        remembered = (built_from, recent_states(tracker, domain, count))
        tracker.__dict__[RECENT_STATES] = remembered
    return [{name: dict(part) for name, part in state.items()} for state in remembered[1]]


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
