"""The conversations a Rasa process served last, kept in memory between their messages.

Why: for every message, Rasa reads the conversation back from the tracker store and
rebuilds its tracker from the stored events: the query, decoding each event's JSON and
replaying the events were ~10% of a Rasa process's CPU under load, though in one process
the tracker rebuilt is the one it saved a moment before. The tracker store
(bot/rasa_plugins/tracker_store.py) keeps the trackers it saved here and reuses one only after
checking with the database that nothing else has written or erased that conversation
since (another replica, staff erasure).

A kept tracker is handed out once (``take`` removes it): two requests for the same
conversation never share one object, and a message that fails before its tracker is
saved leaves nothing behind, so the next one reads the store. Trackers not used for
``idle_seconds`` are dropped, so that a process holds no conversation in memory much
longer than its visitor is chatting (and not past a staff erasure of idle
conversations); at most ``size`` are kept, least recently saved dropped first. A
conversation not kept is read from the store, as before: the cache changes how fast a
message is served, never what is served.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Rasa is not imported by what only reads the settings (bot/processes/launch.py)
    from rasa.shared.core.trackers import DialogueStateTracker

# How many conversations a process keeps, and for how long one not used (a visitor who
# stopped chatting). Few: every kept tracker is thousands of live objects that each of
# the garbage collector's full collections walks. Keeping every conversation of a
# benchmark run (1,000) made those collections ~135 ms each and the process no cheaper
# a message under load; 64 (three times the benchmark's 20 visitors) made it ~9%
# cheaper (interleaved A/B of two single-process set-ups, 20 visitors).
KEPT_CONVERSATIONS = 64
KEPT_IDLE_SECONDS = 120.0


class KeptTrackers:
    """Trackers by conversation id, with the domain they were made for."""

    def __init__(
        self,
        size: int = KEPT_CONVERSATIONS,
        idle_seconds: float = KEPT_IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.size = size
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._kept: OrderedDict[str, tuple[DialogueStateTracker, Any, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def take(self, sender_id: str, domain: Any) -> DialogueStateTracker | None:
        """The conversation's kept tracker, removed from here, if it was kept for this
        domain (a model loaded since has other slots) and not idle too long."""
        self._drop_idle()
        kept = self._kept.pop(sender_id, None)
        if kept is None or kept[1] is not domain:
            return None
        return kept[0]

    def keep(self, tracker: DialogueStateTracker, domain: Any) -> None:
        """Keep ``tracker`` (just saved) for its conversation's next message."""
        self._kept[tracker.sender_id] = (tracker, domain, self.clock())
        self._kept.move_to_end(tracker.sender_id)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        self._drop_idle()

    def drop(self, sender_id: str) -> None:
        """Forget the conversation's tracker, if kept."""
        self._kept.pop(sender_id, None)

    def _drop_idle(self) -> None:
        """Drop the trackers kept longer than ``idle_seconds`` (the oldest come first)."""
        limit = self.clock() - self.idle_seconds
        while self._kept:
            _, _, kept_at = next(iter(self._kept.values()))
            if kept_at > limit:
                break
            self._kept.popitem(last=False)
