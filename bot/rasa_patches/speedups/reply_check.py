"""Checking an action server's reply against Rasa's schema, fast.

Why: Rasa 3.6 checks every reply of the action server with
``jsonschema.validate(reply, schema)``, which validates the schema itself against the
JSON Schema meta-schema and builds a new validator every time: ~36 ms of CPU a reply,
2-3 replies a turn. Even with one validator built once, jsonschema took ~0.5 ms a reply
(~6% of the Rasa process's CPU under load), and the schema compiled to Python code
(fastjsonschema) as it stands was slower still: each event is tried against all 24
event sub-schemas of a ``oneOf``, and every branch that fails raises and formats an
error.

Each of those sub-schemas fixes ``event`` to its own constant, and ``event`` is a
required string, so an event can only ever match the one sub-schema named by its
``event``. Here each event is checked against the common part and that one sub-schema,
compiled once; the rest of the reply against the schema without the event sub-schemas.
The result is the same as the whole schema's (tests/bot/rasa_patches/speedups/test_reply_check.py
compares them on every event of the test stories, and on broken variants of each). If Rasa's
schema ever stops having that shape, the whole schema is compiled and used as it is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import fastjsonschema

Check = Callable[[Any], Any]


def reply_schema() -> dict[str, Any]:
    """Rasa's schema for an action server's reply, checked against the meta-schema."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_for(schema).check_schema(schema)
    return schema


def split_by_event(schema: dict[str, Any]) -> tuple[dict, dict[str, dict]] | None:
    """The reply schema without the events' ``oneOf``, and for each event name the schema
    an event of that name must meet; None if the schema is not of that shape."""
    events = schema.get("properties", {}).get("events", {})
    items = events.get("items")
    if not isinstance(items, dict) or "event" not in items.get("required", []):
        return None
    if items.get("properties", {}).get("event") != {"type": "string"}:
        return None
    common = {key: value for key, value in items.items() if key != "oneOf"}
    by_event: dict[str, dict] = {}
    for branch in items.get("oneOf", []):
        name = branch.get("properties", {}).get("event", {}).get("const")
        if not isinstance(name, str) or name in by_event:
            return None
        by_event[name] = {"allOf": [common, branch]}
    outer = {
        **schema,
        "properties": {**schema["properties"], "events": {**events, "items": common}},
    }
    return outer, by_event


@functools.cache
def _compiled() -> tuple[Check, dict[str, Check]] | Check:
    schema = reply_schema()
    split = split_by_event(schema)
    if split is None:
        return fastjsonschema.compile(schema)
    outer, by_event = split
    return fastjsonschema.compile(outer), {
        name: fastjsonschema.compile(branch) for name, branch in by_event.items()
    }


def reply_is_valid(reply: Any) -> bool:
    """Whether an action server reply meets Rasa's schema (as ``jsonschema.validate``)."""
    compiled = _compiled()
    try:
        if not isinstance(compiled, tuple):
            compiled(reply)
            return True
        outer, by_event = compiled
        outer(reply)  # events is a list of objects, each with an "event" string
        for event in reply.get("events") or []:
            check = by_event.get(event["event"])
            if check is None:
                return False  # no sub-schema names it: none of the oneOf matches
            check(event)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def cached_reply_check(original: Callable[[Any, dict[str, Any]], bool]) -> Callable[..., bool]:
    """``RemoteAction._validate_action_result`` with the validator built once."""

    @functools.wraps(original)
    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        if reply_is_valid(result):
            return True
        return original(self, result)  # raises Rasa's ValidationError with its message

    return _validate_action_result
