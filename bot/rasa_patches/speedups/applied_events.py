"""``DialogueStateTracker.applied_events`` with each event's type tested once.

Why: a tracker's applied events (its events without the reverted ones, and without a
form's earlier executions on its happy path) are worked out several times a turn: for
each of RulePolicy's predictions, for each action server call, for the session check.
Rasa's method tests each event with ``isinstance`` against up to nine event classes,
and Rasa's event classes are abstract base classes, whose ``isinstance`` goes through
``ABCMeta.__instancecheck__`` in Python: ~8% of the Rasa process's CPU under load.

Here the same algorithm (Rasa's steps, in Rasa's order) asks, for each event, which of
those classes its type is a subclass of, a set worked out once per event type with
``issubclass`` (so a subclass, or a class registered with an ABC, counts as Rasa counts
it). tests/bot/rasa_patches/speedups/test_applied_events.py compares the result with Rasa's at
every point of the test stories and on thousands of random event sequences. Asked again before
another event is added, the tracker's answer is remembered (``typed_once``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

# each event type: the classes below that it is a subclass of
_KINDS: dict[type, frozenset[type]] = {}


@functools.cache
def _classes() -> tuple[type, ...]:
    """The event classes Rasa's ``applied_events`` and its helpers test for."""
    from rasa.shared.core import events

    return (
        events.Restarted,
        events.SessionStarted,
        events.ActionReverted,
        events.UserUtteranceReverted,
        events.ActionExecuted,
        events.ActiveLoop,
        events.UserUttered,
        events.ActionExecutionRejected,
        events.DefinePrevUserUtteredFeaturization,
    )


def kinds(event: Any) -> frozenset[type]:
    """The classes of ``_classes()`` that ``event`` is an instance of."""
    cls = event.__class__
    known = _KINDS.get(cls)
    if known is None:
        known = _KINDS[cls] = frozenset(c for c in _classes() if issubclass(cls, c))
    return known


def _undo_till_previous(event_class: type, done: list[Any]) -> None:
    """Rasa's ``_undo_till_previous``: drop events from the end up to and including
    the last instance of ``event_class``."""
    while done:
        event = done.pop()
        if event_class in kinds(event):
            break


def _first_loop_execution_or_unhappy_path(loop_name: str, applied: list[Any]) -> bool:
    """Rasa's ``_first_loop_execution_or_unhappy_path`` (with ``_is_within_unhappy_path``)."""
    (_, _, _, _, executed, active_loop, uttered, rejected, _) = _classes()
    next_action = None
    for event in reversed(applied):
        kind = kinds(event)
        if active_loop in kind and event.name is None:
            return True
        if rejected in kind and event.action_name == loop_name:
            return True
        if uttered in kind and next_action is not None and next_action != loop_name:
            return True
        if executed in kind:
            if event.action_name == loop_name:
                return False
            next_action = event.action_name
    return True


def _undo_till_previous_loop_execution(loop_name: str, done: list[Any]) -> None:
    """Rasa's ``_undo_till_previous_loop_execution``: back to the loop's previous
    execution, drop the actions and user messages, keep the other events."""
    (_, _, _, _, executed, _, uttered, _, featurization) = _classes()
    offset = 0
    for event in reversed(done[:]):
        kind = kinds(event)
        if executed in kind and event.action_name == loop_name:
            break
        if executed in kind or uttered in kind or featurization in kind:
            del done[-1 - offset]
        else:
            offset += 1


def applied_events(tracker: Any) -> list[Any]:
    """What Rasa's ``tracker.applied_events()`` returns."""
    (restarted, started, action_reverted, utterance_reverted, executed, loop, uttered, *_) = (
        _classes()
    )
    events = list(tracker.events)
    event_kinds = [kinds(event) for event in events]
    loop_names = [
        event.name
        for event, kind in zip(events, event_kinds, strict=True)
        if loop in kind and event.name
    ]
    applied: list[Any] = []
    for event, kind in zip(events, event_kinds, strict=True):
        if restarted in kind or started in kind:
            applied = []
        elif action_reverted in kind:
            _undo_till_previous(executed, applied)
        elif utterance_reverted in kind:
            _undo_till_previous(uttered, applied)
            _undo_till_previous(executed, applied)
        elif (
            executed in kind
            and event.action_name in loop_names
            and not _first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            _undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


# the attribute on a tracker: its applied events, and what they were worked out from
REMEMBERED = "_remembered_applied_events"


def typed_once(original: Callable[[Any], list[Any]]) -> Callable[[Any], list[Any]]:
    """``DialogueStateTracker.applied_events`` through :func:`applied_events` for Rasa's
    own tracker class; a subclass (which may change the helpers) keeps Rasa's.

    The result is remembered on the tracker with what it was worked out from, its number
    of events and its last event (events are only ever appended to a tracker), and a
    new list is handed out each time: between two events, Rasa asks for the same list
    several times (the session check twice, RulePolicy, the forms)."""
    from rasa.shared.core.trackers import DialogueStateTracker

    @functools.wraps(original)
    def applied(self: Any) -> list[Any]:
        if type(self) is not DialogueStateTracker:
            return original(self)
        events = self.events
        built_from = (len(events), id(events[-1]) if events else None)
        remembered = self.__dict__.get(REMEMBERED)
        if remembered is None or remembered[0] != built_from:
            remembered = self.__dict__[REMEMBERED] = (built_from, applied_events(self))
        return list(remembered[1])

    return applied
