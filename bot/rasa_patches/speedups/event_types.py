"""Event type names resolved once.

Why: every message, Rasa reads the conversation back from the tracker store and turns
each stored event into an Event object; for each one ``Event.resolve_by_type`` walks the
whole tree of Event subclasses again (~9% of the Rasa process's CPU in a profile under
load). Here a type name is looked up once and remembered; a name not found yet is still
resolved by Rasa's own method (and remembered only once found).
"""

from __future__ import annotations

from collections.abc import Callable


def remembered_event_types(original: Callable[..., type | None]) -> Callable[..., type | None]:
    """``Event.resolve_by_type`` that remembers each type name it found a class for.

    Event classes are only ever added (at import), so a name's first match never
    changes; unknown names and defaults still go through Rasa's own method each time."""
    found: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            if cls is not None and cls is not default:
                found[type_name] = cls
        return cls

    return resolve_by_type
