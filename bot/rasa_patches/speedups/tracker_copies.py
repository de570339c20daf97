"""A conversation's tracker copied as it stands, not rebuilt by replaying its events.

Why: before running each action of a turn (2-4 a turn), Rasa's processor copies the
tracker (``DialogueStateTracker.copy``) so that a rejected action's policy events can be
dropped. That copy makes a fresh tracker and replays every event of the session into
it: ~3.5% of the Rasa process's CPU under load, growing with the conversation.

A tracker's state is what its events made it, so the copy here takes that state
directly: the same events in a new deque, each slot copied (its value shared, as the
replay shares the event's value), the active loop and the latest action in new objects
(events change those in place), the latest messages shared (events are not changed by
applying them). The rest is as the replay leaves it: no model or assistant id and no
sender source, which ``init_copy`` does not carry over.
tests/bot/rasa_patches/speedups/test_tracker_copies.py compares both copies at every point of the
test stories and of conversations with restarts, reverts, pauses and loops.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

from bot.rasa_patches.speedups.slot_copies import copy_slot


def copy_as_it_stands(tracker: Any) -> Any:
    """What ``tracker.copy()`` makes by replaying its events, made from its state."""
    cls = tracker.__class__
    copied = cls.__new__(cls)
    state = copied.__dict__
    state.update(tracker.__dict__)
    state["events"] = tracker._create_events(list(tracker.events))
    state["slots"] = {name: copy_slot(slot) for name, slot in tracker.slots.items()}
    state["active_loop"] = copy.copy(tracker.active_loop)
    state["latest_action"] = None if tracker.latest_action is None else dict(tracker.latest_action)
    state["sender_source"] = None
    state["model_id"] = None
    state["assistant_id"] = None
    return copied


def direct_copies(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``DialogueStateTracker.copy`` for Rasa's own tracker class with plain slot dicts.

    A subclass (training's trackers with cached states), a tracker without a domain's
    slots, and one that has dropped events for its ``max_event_history`` (its replay
    starts from the oldest event kept, so it differs from its state) keep the replay."""
    from rasa.shared.core.trackers import DialogueStateTracker

    @functools.wraps(original)
    def copy(self: Any) -> Any:
        limit = self.events.maxlen
        if (
            type(self) is not DialogueStateTracker
            or type(self.slots) is not dict
            or (limit is not None and len(self.events) >= limit)
        ):
            return original(self)
        return copy_as_it_stands(self)

    return copy
