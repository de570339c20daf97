"""The body Rasa sends the action server, with each stored event put in as stored.

Why: for every custom action (about one a message, two or three a turn in a form), Rasa
sends the action server the whole conversation session: it turns each event into a
dictionary and encodes them all as JSON again, though every event but the current turn's
was encoded when the tracker store wrote it, or read back from that same JSON. In a
profile under load, encoding the body was ~5% of the Rasa process's CPU and building
the events' dictionaries ~2% (a booking conversation's session is 35-65 KB of JSON,
and the form validators also get the 28 KB domain each time).

Here an event the tracker store wrote or read carries its stored JSON
(:func:`remember_json`, bot/rasa_plugins/tracker_store.py), and that text goes into the body
unchanged (bot/rasa_patches/speedups/fast_json.py's ``RawJson``), as does the domain's JSON,
encoded once per
domain. Events of the current turn, not stored yet, are Rasa's dictionaries as before.
The action server gets the same data: a stored event's JSON is its ``as_dict()`` when it
was stored, which is also what any replica reading the conversation would send.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from bot.rasa_patches.speedups.fast_json import RawJson, dumps
from bot.rasa_patches.speedups.remembered import remembered

STORED_JSON = "_stored_json"
DOMAIN_JSON = "_encoded_json"


def remember_json(event: Any, data: str) -> None:
    """Note ``data`` as the JSON the tracker store holds for ``event``."""
    event.__dict__[STORED_JSON] = data


def events_payload(events: Iterable[Any]) -> RawJson:
    """The events as one JSON array: each stored event's JSON as stored, the others
    encoded from Rasa's dictionaries."""
    parts = []
    for event in events:
        stored = event.__dict__.get(STORED_JSON)
        parts.append(stored if stored is not None else dumps(event.as_dict()))
    return RawJson("[" + ",".join(parts) + "]")


def domain_payload(domain: Any) -> RawJson:
    """The domain's dictionary as JSON, encoded the first time it is sent (a loaded
    domain is not changed: Rasa makes a new one to merge or update)."""
    return remembered(domain, DOMAIN_JSON, lambda: RawJson(dumps(domain.as_dict())))


def stored_event_bodies(original: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """``RemoteAction._action_call_format`` (Rasa 3.6) with the events and the domain
    put in as JSON already encoded: once encoded, the same body as Rasa's."""
    import rasa
    from rasa.shared.core.trackers import EventVerbosity

    @functools.wraps(original)
    def _action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
        state = tracker.current_state(EventVerbosity.NONE)
        state["events"] = events_payload(tracker.events)
        result = {
            "next_action": self._name,
            "sender_id": tracker.sender_id,
            "tracker": state,
            "version": rasa.__version__,
        }
        if not self._is_selective_domain_enabled() or (
            domain.does_custom_action_explicitly_need_domain(self.name())
        ):
            result["domain"] = domain_payload(domain)
        return result

    return _action_call_format
