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
- Reading a conversation back meant fetching all of its session's events, decoding
  each and replaying them into a new tracker (~15% of the CPU, and more the longer
  the conversation). The store keeps the trackers it saved most recently
  (``RECENT_TRACKERS``); reading one of them back fetches only the events stored after
  the last one it holds (one indexed query), so another replica's turns are still
  seen. It is read from the database again when that last event is gone (the
  conversation was erased), when another process started a new session in it, when
  it holds events that were not stored, or when a turn failed before saving (a tracker
  is taken out of the cache while a turn works on it and put back only by a save).
- SQLite (the embedded default) syncs the file to disk on every commit, and the
  server's event loop waits for it. In write-ahead-log mode with ``synchronous=NORMAL``
  a commit survives the Rasa process crashing or being killed, and only a power loss
  or an operating-system crash can lose the last commits; that is what SQLite
  recommends for WAL. (PostgreSQL's durability is left as configured on the server;
  its pooled connections are checked before use, so a restarted server costs no turn.)
"""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import create_engine, event, pool, select
from sqlalchemy.orm import Session, sessionmaker

from bot.tracker_store import SQLITE_BUSY_TIMEOUT

# the attribute on a tracker: how many of its events are in the store
STORED_EVENTS = "_stored_event_count"
# the attribute on a tracker: the row id of its newest stored event
LAST_EVENT_ID = "_last_stored_event_id"
# how many recently saved conversations a process keeps ready (a few MiB at most)
RECENT_TRACKERS = 500


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


def _cacheable(tracker: DialogueStateTracker) -> bool:
    """Whether a saved tracker can be handed out again as it is: every event stored,
    its newest row known, and one session only (a read-back holds only the latest)."""
    if stored_event_count(tracker) != len(tracker.events):
        return False
    if getattr(tracker, LAST_EVENT_ID, None) is None:
        return False
    return sum(isinstance(e, SessionStarted) for e in tracker.events) <= 1


class ConversationTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore, remembering what it stored; SQLite in WAL mode."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._recent: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens and closes a SQLite file's connection for every
            # session (NullPool); in WAL mode the last close also checkpoints the log.
            # A pooled connection stays open (what SQLAlchemy 2.0 does by default).
            url = self.engine.url
            self.engine.dispose()
            self.engine = create_engine(
                url, poolclass=pool.QueuePool, connect_args={"check_same_thread": False}
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sessionmaker(bind=self.engine)
        elif self.engine.dialect.name == "postgresql":
            # A pooled connection the server has dropped (PostgreSQL restarted, a
            # failover) is noticed and replaced before use, instead of failing a turn.
            url = self.engine.url
            self.engine.dispose()
            self.engine = create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
            self.sessionmaker = sessionmaker(bind=self.engine)

    def init_tracker(self, sender_id: str) -> DialogueStateTracker:
        """A new conversation's tracker (made when nothing was stored for it)."""
        tracker = super().init_tracker(sender_id)
        setattr(tracker, STORED_EVENTS, 0)
        return tracker

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        """A new model's domain: trackers built with the old one's slots are dropped."""
        self._domain = domain or Domain.empty()
        self._recent.clear()

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        if fetch_events_from_all_sessions:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        recent = self._recent.pop(sender_id, None)  # the turn asking for it owns it now
        with self.session_scope() as session:
            if recent is not None and self._catch_up(session, recent):
                return recent
            rows = self._event_query(session, sender_id, False).all()
            if not self.domain or not rows:
                return None
            tracker = DialogueStateTracker.from_dict(
                sender_id, [json.loads(row.data) for row in rows], self.domain.slots
            )
        # what a save would count: the events since the latest session start
        setattr(tracker, STORED_EVENTS, len(tracker.events))
        setattr(tracker, LAST_EVENT_ID, rows[-1].id)
        return tracker

    def _catch_up(self, session: Session, tracker: DialogueStateTracker) -> bool:
        """Add to a kept tracker the events stored after its newest one (by another
        replica); False when it can't be brought up to date that way."""
        newest = getattr(tracker, LAST_EVENT_ID)
        rows: Sequence[Any] = session.execute(
            select(self.SQLEvent.id, self.SQLEvent.type_name, self.SQLEvent.data)
            .where(self.SQLEvent.sender_id == tracker.sender_id, self.SQLEvent.id >= newest)
            .order_by(self.SQLEvent.id)
        ).all()
        if not rows or rows[0].id != newest:
            return False  # its events were erased
        later = rows[1:]
        if any(row.type_name == SessionStarted.type_name for row in later):
            return False  # a new session: the read-back keeps only that one
        for stored in deserialise_events([json.loads(row.data) for row in later]):
            tracker.update(stored)
        setattr(tracker, STORED_EVENTS, len(tracker.events))
        setattr(tracker, LAST_EVENT_ID, rows[-1].id)
        return True

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events added since the tracker was read or last saved, and keep
        the tracker for the conversation's next turn."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [
                self._row(tracker.sender_id, new)
                for new in self._additional_events(session, tracker)
            ]
            session.add_all(rows)
            session.flush()  # assigns the rows' ids
            newest = rows[-1].id if rows else getattr(tracker, LAST_EVENT_ID, None)
            session.commit()
        setattr(tracker, STORED_EVENTS, len(tracker.events))
        setattr(tracker, LAST_EVENT_ID, newest)
        self._keep(tracker)

    def _row(self, sender_id: str, new: Any) -> Any:
        """The events-table row Rasa's SQLTrackerStore writes for an event."""
        data = new.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=new.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )

    def _keep(self, tracker: DialogueStateTracker) -> None:
        """Keep a saved tracker for its next turn, dropping the least recent."""
        self._recent.pop(tracker.sender_id, None)
        if not _cacheable(tracker):
            return
        self._recent[tracker.sender_id] = tracker
        while len(self._recent) > RECENT_TRACKERS:
            self._recent.popitem(last=False)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = stored_event_count(tracker)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))
