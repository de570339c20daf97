"""Conversations as staff read them, and their erasure, from Rasa's tracker store.

A lead's ``conversation_id`` is its Rasa sender id: the transcript is that sender's
user and bot events, in the order Rasa stored them. Everything else Rasa records
(actions, slots, sessions, forms) is bookkeeping, not conversation, and is left out.
Nothing here logs what a visitor said or who they are.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from sqlalchemy import and_, delete, func, select
from sqlalchemy.sql.elements import ColumnElement

from bot.db.rasa_events import EVENTS, events_connection
from bot.nlu.payloads import is_button_payload

log = logging.getLogger(__name__)

# what a button click shows when its button is not found in the conversation
CHOSE_AN_OPTION = "(chose an option)"
# payloads the chat widget sends by itself, not from a button
SENT_BY_THE_WIDGET = {"/greet": "(opened the chat)"}
# sender ids per DELETE statement: well under every database's bound-parameter limit
_BATCH = 500


@dataclass(frozen=True)
class Turn:
    """One message: who said it, what it said, when (UTC), the buttons it offered."""

    speaker: Literal["visitor", "assistant"]
    text: str
    at: datetime
    buttons: tuple[str, ...] = ()


def _event(data: str | None) -> dict[str, Any]:
    try:
        event = json.loads(data or "")
    except ValueError:
        return {}
    return event if isinstance(event, dict) else {}


def _moment(column_value: float | None, event: dict[str, Any]) -> datetime:
    value = column_value if column_value is not None else event.get("timestamp")
    try:
        return datetime.fromtimestamp(float(value), timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return datetime.fromtimestamp(0, timezone.utc)


def _buttons(event: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, payload) of the buttons a bot message offered."""
    data = event.get("data")
    buttons = data.get("buttons") if isinstance(data, dict) else None
    offered = []
    for button in buttons or []:
        if isinstance(button, dict) and isinstance(button.get("title"), str):
            offered.append((button["title"], str(button.get("payload") or "")))
    return offered


def _unavailable(error: Exception) -> None:
    # the reason names a file or a database, never a visitor
    log.warning("tracker store unavailable: %s", error)


def read_transcript(tracker_url: str, sender_id: str) -> list[Turn]:
    """The conversation of ``sender_id``, message by message, in the order stored.

    A button click arrives as its payload (``/inform{"pain_location": ...}``): it is
    shown as the title of the button that sent it, the latest one offered with that
    payload, or as a neutral "(chose an option)"; raw payloads never reach staff. A
    missing store or events table gives [] (logged); a database server that can't be
    reached raises, so that "no conversation" and "cannot tell" are not confused.
    """
    try:
        with events_connection(tracker_url) as connection:
            rows = connection.execute(
                select(EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
                .where(EVENTS.c.sender_id == sender_id)
                .where(EVENTS.c.type_name.in_(("user", "bot")))
                .order_by(EVENTS.c.id)
            ).all()
    except (FileNotFoundError, LookupError) as error:
        _unavailable(error)
        return []
    turns = []
    titles: dict[str, str] = {}  # payload -> title, the latest offer winning
    for type_name, timestamp, data in rows:
        event = _event(data)
        at = _moment(timestamp, event)
        text = event.get("text") if isinstance(event.get("text"), str) else ""
        if type_name == "bot":
            offered = _buttons(event)
            titles.update({payload.strip(): title for title, payload in offered})
            if text or offered:
                turns.append(Turn("assistant", text, at, tuple(t for t, _ in offered)))
            continue
        if is_button_payload(text):
            text = titles.get(text.strip()) or SENT_BY_THE_WIDGET.get(text.strip(), CHOSE_AN_OPTION)
        if text:
            turns.append(Turn("visitor", text, at))
    return turns


def _epoch(moment: datetime, name: str) -> float:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime for {name}: give a timezone-aware one")
    return moment.timestamp()


def erase_conversations(
    tracker_url: str,
    sender_ids: Iterable[str],
    *,
    idle_before: datetime | None = None,
    dry_run: bool = False,
) -> int:
    """Delete every event of these senders; how many there were.

    ``idle_before`` spares a sender with any event at or after it (a visitor who came
    back between the purge's look and its delete). ``dry_run`` only counts. A missing
    store or events table holds nothing to erase: 0.
    """
    senders = sorted(set(sender_ids))
    if not senders:
        return 0
    recent = None
    if idle_before is not None:
        recent = select(EVENTS.c.sender_id).where(
            EVENTS.c.timestamp >= _epoch(idle_before, "idle_before")
        )
    erased = 0
    try:
        with events_connection(tracker_url, write=not dry_run) as connection:
            for start in range(0, len(senders), _BATCH):
                condition: ColumnElement = EVENTS.c.sender_id.in_(senders[start : start + _BATCH])
                if recent is not None:
                    condition = and_(condition, EVENTS.c.sender_id.not_in(recent))
                if dry_run:
                    count = select(func.count()).select_from(EVENTS).where(condition)
                    erased += connection.execute(count).scalar_one()
                else:
                    erased += connection.execute(delete(EVENTS).where(condition)).rowcount
    except (FileNotFoundError, LookupError) as error:
        _unavailable(error)
        return 0
    return erased


def conversation_activity(tracker_url: str) -> dict[str, datetime]:
    """Each sender's last event time (UTC): what the purge judges idleness by.

    Senders whose events carry no timestamp are left out (never judged idle).
    """
    try:
        with events_connection(tracker_url) as connection:
            rows = connection.execute(
                select(EVENTS.c.sender_id, func.max(EVENTS.c.timestamp)).group_by(
                    EVENTS.c.sender_id
                )
            ).all()
    except (FileNotFoundError, LookupError) as error:
        _unavailable(error)
        return {}
    return {
        sender: datetime.fromtimestamp(float(last), timezone.utc)
        for sender, last in rows
        if last is not None
    }


def count_conversations(tracker_url: str, start: datetime, end: datetime) -> int:
    """Visitors who wrote at least one message in [start, end): the funnel's first step.

    Conversations where the visitor never wrote (the widget opened, the greeting shown)
    are not counted.
    """
    query = (
        select(func.count(EVENTS.c.sender_id.distinct()))
        .where(EVENTS.c.type_name == "user")
        .where(EVENTS.c.timestamp >= _epoch(start, "start"))
        .where(EVENTS.c.timestamp < _epoch(end, "end"))
    )
    try:
        with events_connection(tracker_url) as connection:
            return connection.execute(query).scalar_one()
    except (FileNotFoundError, LookupError) as error:
        _unavailable(error)
        return 0
