"""Rebuilding leads from Rasa's tracker store.

If saving a lead failed (the database was down, the action server crashed), the
conversation still holds everything: its slot events are in the tracker store. This
replays them through the same mapping the action server uses (``draft_from_slots``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clinic.leads import draft_from_slots, save_lead
from bot.db.models import Lead
from bot.db.rasa_events import EVENTS, events_connection, tracker_store_url

__all__ = ["conversation_slots", "recover_leads", "tracker_store_url"]

log = logging.getLogger(__name__)


def _slot_event(data: str | None) -> tuple[str, Any] | None:
    try:
        event = json.loads(data or "")
    except ValueError:
        return None
    if not isinstance(event, dict) or not isinstance(event.get("name"), str):
        return None
    return event["name"], event.get("value")


def _read_slots(tracker_url: str) -> dict[str, dict[str, Any]]:
    """Every sender's final slot values, read in one pass and one short read, so that a
    live Rasa writing to the same SQLite file is not held up by recovery's own writes."""
    conversations: dict[str, dict[str, Any]] = {}
    with events_connection(tracker_url) as connection:
        rows = connection.execution_options(stream_results=True).execute(
            select(EVENTS.c.sender_id, EVENTS.c.data)
            .where(EVENTS.c.type_name == "slot")
            .order_by(EVENTS.c.id)
        )
        for sender_id, data in rows:
            slot = _slot_event(data)
            if slot is not None:
                conversations.setdefault(sender_id, {})[slot[0]] = slot[1]
    return conversations


def conversation_slots(tracker_url: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each conversation's final slot values, its slot events replayed in order.

    Restarts and new sessions are not replayed (slots carry over): what a visitor
    consented to and gave stays theirs to be called back about. Read-only; a missing
    SQLite file is an error, not a new empty database.
    """
    yield from _read_slots(tracker_url).items()


def recover_leads(session: Session, tracker_url: str) -> list[str]:
    """Save every consenting conversation that has no lead yet; their conversation ids.

    Idempotent: conversations that already have a lead are left as they are (the action
    server keeps those up to date).
    """
    known = set(session.execute(select(Lead.conversation_id)).scalars())
    recovered = []
    for conversation_id, slots in conversation_slots(tracker_url):
        if conversation_id in known:
            continue
        try:
            draft = draft_from_slots(conversation_id, slots)
        except ValueError as error:
            log.warning("conversation %s not recovered: %s", conversation_id, error)
            continue
        if draft is not None:
            save_lead(session, draft)
            recovered.append(conversation_id)
    return recovered
