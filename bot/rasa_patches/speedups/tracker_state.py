"""A tracker's current state with its active loop copied one level deep, not deep-copied.

Why: for each custom action (2-3 a turn in a form), Rasa sends the action server the
tracker's ``current_state``, which turns the active loop into a dictionary with
``dataclasses.asdict``. That deep-copies, item by item, the loop's ``trigger_message``:
the whole parse of the message that started the form (intent ranking, the FAQ
selector's ranking, entities, tokens). It was ~2% of the Rasa process's CPU under load,
for a dictionary that is encoded as JSON straight away.

Here the loop's fields are copied one level deep (the trigger message a new dictionary
whose values are shared with the tracker's), so a caller that sets or removes a key of
the state's loop or trigger message leaves the tracker as it was; the values are the
same as ``asdict``'s. Everything else in the state is Rasa's own.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Callable
from typing import Any

from rasa.shared.core.constants import ACTIVE_LOOP


def loop_state(loop: Any) -> dict[str, Any]:
    """The active loop's fields as a dictionary, each value copied one level deep."""
    return {field.name: copy.copy(getattr(loop, field.name)) for field in dataclasses.fields(loop)}


def shallow_loop_states(original: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """``DialogueStateTracker.current_state`` with :func:`loop_state` for the active loop.

    Rasa's method reads the active loop only to convert it, so it runs with the loop
    hidden (no await in between: nothing else sees the tracker meanwhile), and the loop's
    dictionary is added after."""

    @functools.wraps(original)
    def current_state(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        loop = self.active_loop
        if loop is None:
            return original(self, *args, **kwargs)
        self.active_loop = None
        try:
            state = original(self, *args, **kwargs)
        finally:
            self.active_loop = loop
        state[ACTIVE_LOOP] = loop_state(loop)
        return state

    return current_state
