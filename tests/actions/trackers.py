"""Trackers as the action server receives them between two messages, for the action
tests: one helper, so that each test module states only what its tests vary."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker


def listening_tracker(
    sender_id: str,
    slots: dict[str, Any],
    latest_message: dict[str, Any],
    events: Iterable[dict[str, Any]] = (),
    active_loop: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker waiting on the visitor, after ``latest_message``."""
    return Tracker(
        sender_id=sender_id,
        slots=slots,
        latest_message=latest_message,
        events=list(events),
        paused=False,
        followup_action=None,
        active_loop=active_loop or {},
        latest_action_name="action_listen",
    )
