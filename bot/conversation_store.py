"""The tracker store Rasa uses (endpoints.yml): Rasa's SQL tracker store, with less work
on every message. Same table, same rows, same URLs (SQLite or PostgreSQL).

Why: in a profile under load, saving and reading back the conversation were about a
third of the Rasa process's CPU. Two parts of that are avoidable:

- Before writing a turn's new events, Rasa's store counts the conversation's stored
  events with a query (7% of the CPU), to know which of the tracker's events are new.
  The tracker it writes was read from this store (or created, when nothing was
  stored) while the conversation was locked, so the count is known: it is remembered
  on the tracker when it is read or created, and after each save. A tracker the
  store did not read itself, or one that caps its history (``max_event_history``),
  still gets Rasa's query.
- Rasa reads and writes events as ORM objects. Reading, each row became an object in
  the session's identity map only for its ``data`` to be read; writing, each event
  was an object flushed by the unit of work, which on PostgreSQL is one INSERT ...
  RETURNING round trip per event (a turn writes 5-15) to learn ids nobody reads.
  Here the same query selects only ``data``, and a turn's events are written with one
  multi-row INSERT, in order (ids still follow the events' order). Rasa also built its
  query anew through the ORM for every read (~5% of the CPU); here the same SQL is one
  statement, built once, run with the conversation's id as its parameter.
- SQLite (the embedded default) syncs the file to disk on every commit, and the
  server's event loop waits for it. In write-ahead-log mode with ``synchronous=NORMAL``
  a commit survives the Rasa process crashing or being killed, and only a power loss
  or an operating-system crash can lose the last commits; that is what SQLite
  recommends for WAL. (PostgreSQL's durability is left as configured on the server;
  its pooled connections are checked before use, so a restarted server costs no turn.)
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterator
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import bindparam, create_engine, event, func, insert, or_, pool, select
from sqlalchemy.orm import sessionmaker

from bot import fast_json
from bot.tracker_store import SQLITE_BUSY_TIMEOUT

# the attribute on a tracker: how many of its events are in the store
STORED_EVENTS = "_stored_event_count"


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL with NORMAL sync on each new SQLite connection, and a wait for writers."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}")
    cursor.close()


def stored_event_count(tracker: DialogueStateTracker) -> int | None:
    """How many of the tracker's events are in the store, if this store knows."""
    if tracker._max_event_history is not None:
        return None  # events may have dropped off its front: positions are not counts
    return getattr(tracker, STORED_EVENTS, None)


def event_row(sender_id: str, event: Event) -> dict[str, Any]:
    """The events table's columns for one event, as Rasa's SQLTrackerStore fills them."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


class ConversationTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore, remembering what it stored; SQLite in WAL mode."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens and closes a SQLite file's connection for every
            # session (NullPool); in WAL mode the last close also checkpoints the log.
            # A pooled connection stays open (what SQLAlchemy 2.0 does by default).
            self._replace_engine(
                create_engine(
                    url, poolclass=pool.QueuePool, connect_args={"check_same_thread": False}
                )
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
        elif self.engine.dialect.name == "postgresql":
            # A pooled connection the server has dropped (PostgreSQL restarted, a
            # failover) is noticed and replaced before use, instead of failing a turn.
            self._replace_engine(
                create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
            )

    def _replace_engine(self, engine: Any) -> None:
        """Use ``engine`` instead of the one Rasa made (closed here)."""
        self.engine.dispose()
        self.engine = engine
        self.sessionmaker = sessionmaker(bind=engine)

    def init_tracker(self, sender_id: str) -> DialogueStateTracker:
        """A new conversation's tracker (made when nothing was stored for it)."""
        tracker = super().init_tracker(sender_id)
        setattr(tracker, STORED_EVENTS, 0)
        return tracker

    @functools.cache  # noqa: B019 - two statements per store, for the store's lifetime
    def _events_statement(self, all_sessions: bool) -> Any:
        """Rasa's query for a conversation's events (``_event_query``), ``data`` only:
        all of them, or those from the latest session start on (all if it has none)."""
        events = self.SQLEvent.__table__
        sender = bindparam("sender_id")
        statement = select(events.c.data).where(events.c.sender_id == sender)
        if not all_sessions:
            session_start = (
                select(func.max(events.c.timestamp))
                .where(events.c.sender_id == sender)
                .where(events.c.type_name == SessionStarted.type_name)
                .scalar_subquery()
            )
            statement = statement.where(
                or_(events.c.timestamp >= session_start, session_start.is_(None))
            )
        return statement.order_by(events.c.id)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """Rasa's query (the latest session's events, or all), reading only ``data``."""
        statement = self._events_statement(fetch_events_from_all_sessions)
        with self.engine.connect() as connection:
            rows = connection.execute(statement, {"sender_id": sender_id}).all()
        if not self.domain or not rows:
            return None
        tracker = DialogueStateTracker.from_dict(
            sender_id, [fast_json.loads(data) for (data,) in rows], self.domain.slots
        )
        if not fetch_events_from_all_sessions:
            # what a save would count: the events since the latest session start
            setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events added since the tracker was read or last saved, in one
        statement."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [
                event_row(tracker.sender_id, event)
                for event in self._additional_events(session, tracker)
            ]
            if rows:
                session.execute(insert(self.SQLEvent.__table__), rows)
            session.commit()
        setattr(tracker, STORED_EVENTS, len(tracker.events))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = stored_event_count(tracker)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))
