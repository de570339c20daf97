"""Rasa's SQL tracker store for tests: conversations stored the way the assistant does."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa


def save_conversations(path: Path, conversations: dict[str, list]) -> None:
    """Store conversations (sender id -> Rasa events) in a SQLite tracker store at ``path``,
    through Rasa's own SQLTrackerStore, so the ``events`` rows are exactly Rasa's."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(dialect="sqlite", db=str(path))
    try:
        for sender_id, events in conversations.items():
            tracker = DialogueStateTracker.from_events(sender_id, events, slots=[])
            asyncio.run(store.save(tracker))
    finally:
        store.engine.dispose()


def chat_at(at: datetime, text: str = "my back hurts") -> list:
    """A short conversation whose events all happened at ``at``: session start, the
    assistant's greeting, one visitor message and a slot (5 events)."""
    from rasa.shared.core.events import (
        ActionExecuted,
        BotUttered,
        SessionStarted,
        SlotSet,
        UserUttered,
    )

    stamp = at.timestamp()
    return [
        ActionExecuted("action_session_start", timestamp=stamp),
        SessionStarted(timestamp=stamp),
        BotUttered("Hello! How can I help?", timestamp=stamp),
        UserUttered(text, {"name": "describe_pain", "confidence": 1.0}, timestamp=stamp),
        SlotSet("condition", ["back_pain"], timestamp=stamp),
    ]


def event_counts(path: Path) -> dict[str, int]:
    """Rows per sender in a SQLite tracker store, read directly."""
    engine = sa.create_engine(f"sqlite:///{path}", future=True, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT sender_id, count(*) FROM events GROUP BY sender_id"
            ).all()
    finally:
        engine.dispose()
    return dict(rows)
