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
  statement, built once, run with the conversation's id as its parameter. Each event's
  JSON is encoded with orjson (bot/rasa_patches/speedups/fast_json.py): the same data, written
  compactly.
- SQLite (the embedded default) syncs the file to disk on every commit, and the
  server's event loop waits for it. In write-ahead-log mode with ``synchronous=NORMAL``
  a commit survives the Rasa process crashing or being killed, and only a power loss
  or an operating-system crash can lose the last commits; that is what SQLite
  recommends for WAL. (PostgreSQL's durability is left as configured on the server.)
- Each message, the conversation was read back and its tracker rebuilt from the stored
  events, though in one process it is usually the tracker saved a moment before. The
  trackers of the conversations served last are kept in memory (bot/rasa_plugins/kept_trackers.py)
  and one is reused after a single aggregate query shows that the store still holds
  exactly its events (as many, the latest at the same time): anything another replica
  or an erasure did since sends the message to the store as before. Replicas sharing
  the store keep none: nginx spreads a conversation's messages over them, so most
  kept trackers would be stale and cost a query more (bot/processes/launch.py).
- Each event written or read keeps its stored JSON, which goes to the action server as
  it is instead of being encoded again (bot/rasa_patches/speedups/action_payloads.py).
- A pooled connection the server has cut (PostgreSQL restarted, a failover) costs no
  turn: a read, or a write that failed before its commit, is run again on a new
  connection (``_reconnecting``), rather than every connection being checked with a
  round trip before each use.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import bindparam, create_engine, event, func, insert, or_, pool, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from bot.db.session import SQLITE_BUSY_TIMEOUT
from bot.rasa_patches.speedups import fast_json
from bot.rasa_patches.speedups.action_payloads import remember_json
from bot.rasa_plugins.kept_trackers import KEPT_CONVERSATIONS, KeptTrackers

# the attributes on a tracker: how many of its events are in the store, and the latest
# timestamp among them
STORED_EVENTS = "_stored_event_count"
LATEST_STORED = "_latest_stored_timestamp"

T = TypeVar("T")


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
        "data": fast_json.dumps(data),
    }


def _latest_timestamp(events: Iterable[Event]) -> float | None:
    """The latest timestamp of ``events`` (None if there are none)."""
    return max((event.timestamp for event in events), default=None)


def wrapped_init_tracker(self: Any, sender_id: str) -> DialogueStateTracker:
    """``init_tracker`` of Rasa's tracker store wrappers (``FailSafeTrackerStore``,
    ``AwaitableTrackerStore``): the wrapped store's own.

    Rasa's server wraps the configured store in a ``FailSafeTrackerStore``, which
    creates a new conversation's tracker itself, without the wrapped store's
    ``max_event_history``, and without the stored-event count this store puts on the
    trackers it makes; the first save of every conversation then counted its events
    with a query."""
    return self._tracker_store.init_tracker(sender_id)


class ConversationTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore, remembering what it stored; SQLite in WAL mode."""

    def __init__(self, *args: Any, kept_conversations: int | str | None = None, **kwargs: Any):
        """Rasa's store; ``kept_conversations`` (endpoints.yml) is how many conversations'
        trackers to keep in memory between messages: KEPT_CONVERSATIONS if not given,
        none if 0 (see bot/processes/launch.py for when)."""
        super().__init__(*args, **kwargs)
        kept = KEPT_CONVERSATIONS if kept_conversations in (None, "") else int(kept_conversations)
        self._kept = KeptTrackers(size=kept) if kept > 0 else None
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

    def _conversation_filter(self, all_sessions: bool) -> Any:
        """Rasa's condition (``_event_query``) for a conversation's events: all of them,
        or those from the latest session start on (all if it has none)."""
        events = self.SQLEvent.__table__
        sender = bindparam("sender_id")
        condition = events.c.sender_id == sender
        if all_sessions:
            return condition
        session_start = (
            select(func.max(events.c.timestamp))
            .where(events.c.sender_id == sender)
            .where(events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        return condition & or_(events.c.timestamp >= session_start, session_start.is_(None))

    @functools.cache  # noqa: B019 - two statements per store, for the store's lifetime
    def _events_statement(self, all_sessions: bool) -> Any:
        """Rasa's query for a conversation's events, ``data`` only."""
        events = self.SQLEvent.__table__
        return (
            select(events.c.data)
            .where(self._conversation_filter(all_sessions))
            .order_by(events.c.id)
        )

    @functools.cached_property
    def _stored_statement(self) -> Any:
        """How many events of the latest session are stored, and the latest timestamp."""
        events = self.SQLEvent.__table__
        return select(func.count(), func.max(events.c.timestamp)).where(
            self._conversation_filter(False)
        )

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """The kept tracker if the store still holds exactly what it held when saved, else
        Rasa's query (the latest session's events, or all), reading only ``data``."""
        if not fetch_events_from_all_sessions and self._kept is not None:
            kept = self._kept.take(sender_id, self.domain)
            if kept is not None and self._holds_what_was_saved(kept):
                return kept
        statement = self._events_statement(fetch_events_from_all_sessions)
        rows = self._reconnecting(
            lambda connection: connection.execute(statement, {"sender_id": sender_id}).all()
        )
        if not self.domain or not rows:
            return None
        stored = [data for (data,) in rows]
        tracker = DialogueStateTracker.from_dict(
            sender_id, [fast_json.loads(data) for data in stored], self.domain.slots
        )
        # one event per row, in order, unless Rasa skipped a row it could not read
        if len(tracker.events) == len(stored):
            for event, data in zip(tracker.events, stored, strict=True):
                remember_json(event, data)
        if not fetch_events_from_all_sessions:
            # what a save would count: the events since the latest session start
            setattr(tracker, STORED_EVENTS, len(tracker.events))
            if self._kept is not None:  # only a kept tracker is checked against it
                setattr(tracker, LATEST_STORED, _latest_timestamp(tracker.events))
        return tracker

    def _holds_what_was_saved(self, tracker: DialogueStateTracker) -> bool:
        """Whether the store holds the tracker's events and no others for its latest
        session: as many, the latest at the same time. Another replica's events, a new
        session or an erasure since change one or the other; events added to the
        tracker and not saved (a failed message) make it differ from the store."""
        stored = stored_event_count(tracker)
        if stored is None or stored != len(tracker.events):
            return False
        count, latest = self._reconnecting(
            lambda connection: connection.execute(
                self._stored_statement, {"sender_id": tracker.sender_id}
            ).one()
        )
        return count == stored and latest == getattr(tracker, LATEST_STORED, None)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events added since the tracker was read or last saved, in one
        statement (a tracker this store did not read is saved as Rasa saves it)."""
        stored = stored_event_count(tracker)
        if self._kept is not None:
            self._kept.drop(tracker.sender_id)
        if stored is None:
            await super().save(tracker)
            setattr(tracker, STORED_EVENTS, len(tracker.events))
            return
        await self.stream_events(tracker)
        added = list(itertools.islice(tracker.events, stored, len(tracker.events)))
        if added:
            rows = [event_row(tracker.sender_id, e) for e in added]
            self._reconnecting(self._insert_rows, rows)
            for event, row in zip(added, rows, strict=True):
                remember_json(event, row["data"])
        setattr(tracker, STORED_EVENTS, len(tracker.events))
        # A new session is read back without the old one's events, and a subclass (say,
        # training's trackers) is not what a read makes: neither is kept.
        if (
            self._kept is not None
            and type(tracker) is DialogueStateTracker
            and not any(isinstance(event, SessionStarted) for event in added)
        ):
            setattr(tracker, LATEST_STORED, _latest_timestamp(tracker.events))
            self._kept.keep(tracker, self.domain)

    def _insert_rows(self, connection: Connection, rows: list[dict[str, Any]]) -> None:
        """The rows in one multi-row INSERT, committed."""
        with connection.begin():
            connection.execute(insert(self.SQLEvent.__table__), rows)

    def _reconnecting(self, work: Callable[..., T], *args: Any) -> T:
        """``work(connection, *args)`` on a pooled connection, and once more on a new
        connection if the server had cut that one (a restarted PostgreSQL cuts them all).

        Instead of checking every connection with a round trip before use (``pool_pre_
        ping``, ~4% of a replica's CPU under load), a cut one is found when used; the
        pool then drops every connection older than it. Only a failure before the commit
        is retried: until then the server has written nothing, while a connection cut
        during the commit leaves it unknown whether the events were stored."""
        try:
            with self.engine.connect() as connection:
                return work(connection, *args)
        except DBAPIError as error:
            if not error.connection_invalidated or error.statement is None:
                raise  # not cut, or cut while committing (no statement of ours failed)
        with self.engine.connect() as connection:
            return work(connection, *args)
