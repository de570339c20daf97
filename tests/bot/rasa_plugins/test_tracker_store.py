import asyncio
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.rasa_patches.speedups.action_payloads import STORED_JSON
from bot.rasa_plugins.tracker_store import STORED_EVENTS, ConversationTrackerStore
from tests.databases import postgres_database

DOMAIN = Domain.from_dict(
    {
        "intents": ["greet"],
        "slots": {"contact_name": {"type": "text", "mappings": [{"type": "custom"}]}},
    }
)


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'trackers.db'}"


@pytest.fixture
def store(url):
    return ConversationTrackerStore(domain=DOMAIN, host=url)


@pytest.fixture
def statements(store):
    """Every SQL statement the store runs from now on."""
    seen: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def event_rows(url, sender="v1", columns="type_name, data"):
    """The conversation's rows in the events table, in order."""
    engine = sa.create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(f"SELECT {columns} FROM events WHERE sender_id = :s ORDER BY id"),
            {"s": sender},
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def stored_rows(url, sender="v1"):
    return [(type_name, json.loads(data)) for type_name, data in event_rows(url, sender)]


def turn(tracker, text, number):
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(SlotSet("contact_name", f"Visitor {number}"))
    tracker.update(ActionExecuted("action_listen"))


def test_each_event_is_stored_once_in_order_across_reads_and_saves(store, url, statements):
    tracker = run(store.get_or_create_tracker("v1"))
    saving = []
    for number in range(3):
        tracker = run(store.retrieve("v1"))
        assert getattr(tracker, STORED_EVENTS) == len(tracker.events)
        turn(tracker, f"hello {number}", number)
        statements.clear()
        run(store.save(tracker))
        run(store.save(tracker))  # saving again adds nothing
        saving += statements
    rows = stored_rows(url)
    # created listening (one action_listen), then three turns
    assert [data["event"] for _, data in rows] == ["action", *["user", "slot", "action"] * 3]
    assert [d["text"] for _, d in rows if d["event"] == "user"] == ["hello 0", "hello 1", "hello 2"]
    # one INSERT a turn, and no count of the stored events before it (as Rasa's store runs)
    assert [s.split()[0] for s in saving] == ["INSERT"] * 3


def test_the_stored_tracker_reads_back_as_saved(store):
    tracker = run(store.get_or_create_tracker("v1"))
    turn(tracker, "hi", 1)
    run(store.save(tracker))
    again = run(store.retrieve("v1"))
    assert list(again.events) == list(tracker.events)
    assert again.get_slot("contact_name") == "Visitor 1"


def test_events_written_and_read_carry_the_json_stored_for_them(store, url):
    """What bot/rasa_patches/speedups/action_payloads.py sends the action server for them."""
    tracker = run(store.get_or_create_tracker("v1"))
    turn(tracker, "hi", 1)
    run(store.save(tracker))
    stored = [data for _, data in event_rows(url)]
    assert [e.__dict__.get(STORED_JSON) for e in tracker.events] == stored
    read = run(ConversationTrackerStore(domain=DOMAIN, host=url).retrieve("v1"))
    assert [e.__dict__.get(STORED_JSON) for e in read.events] == stored
    turn(read, "again", 2)
    assert STORED_JSON not in read.events[-1].__dict__  # not stored yet


@pytest.mark.parametrize("wrapper", ["FailSafeTrackerStore", "AwaitableTrackerStore"])
def test_rasas_wrappers_create_trackers_that_are_not_counted(
    store, url, statements, monkeypatch, wrapper
):
    from rasa.core import tracker_store

    from bot.rasa_plugins.tracker_store import wrapped_init_tracker

    cls = getattr(tracker_store, wrapper)
    monkeypatch.setattr(cls, "init_tracker", wrapped_init_tracker)
    tracker = run(cls(store).get_or_create_tracker("v1"))
    assert getattr(tracker, STORED_EVENTS) == len(tracker.events) == 1
    assert [d["event"] for _, d in stored_rows(url)] == ["action"]
    assert not [s for s in statements if "count(" in s.lower()]


def test_a_tracker_the_store_did_not_read_is_counted_as_rasa_counts(store, url, statements):
    run(store.save(DialogueStateTracker.from_events("v1", [SessionStarted()], DOMAIN.slots)))
    outsider = DialogueStateTracker.from_events(
        "v1", [SessionStarted(), ActionExecuted("action_listen")], DOMAIN.slots
    )
    run(store.save(outsider))
    assert [d["event"] for _, d in stored_rows(url)] == ["session_started", "action"]
    assert [s for s in statements if "count(" in s.lower()]


def test_a_tracker_with_capped_history_is_counted_as_rasa_counts(store, url):
    tracker = run(store.get_or_create_tracker("v1"))
    capped = DialogueStateTracker.from_events(
        "v1", list(tracker.events), DOMAIN.slots, max_event_history=50
    )
    setattr(capped, STORED_EVENTS, 0)  # would duplicate everything if it were trusted
    turn(capped, "hi", 1)
    run(store.save(capped))
    assert len(stored_rows(url)) == len(capped.events)


def test_behaves_like_rasas_store_on_the_same_table(url):
    ours = ConversationTrackerStore(domain=DOMAIN, host=url)
    tracker = run(ours.get_or_create_tracker("v1"))
    turn(tracker, "hi", 1)
    run(ours.save(tracker))
    rasas = SQLTrackerStore(domain=DOMAIN, host=url)
    assert list(run(rasas.retrieve("v1")).events) == list(tracker.events)


def all_columns(url, sender):
    return event_rows(url, sender, "type_name, timestamp, intent_name, action_name, data")


def test_writes_the_rows_rasas_store_writes(url):
    tracker = DialogueStateTracker.from_events(
        "x", [SessionStarted(), ActionExecuted("action_listen")], DOMAIN.slots
    )
    for number in range(3):
        turn(tracker, f"hi {number}", number)
    ours, rasas = (
        DialogueStateTracker.from_events(sender, list(tracker.events), DOMAIN.slots)
        for sender in ("ours", "rasas")
    )
    run(ConversationTrackerStore(domain=DOMAIN, host=url).save(ours))
    run(SQLTrackerStore(domain=DOMAIN, host=url).save(rasas))

    def parsed(rows):  # the JSON is the same data, written compactly by orjson
        return [(*row[:-1], json.loads(row[-1])) for row in rows]

    assert parsed(all_columns(url, "ours")) == parsed(all_columns(url, "rasas"))
    assert [row[2] for row in all_columns(url, "ours")].count("greet") == 3


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_turn_is_written_with_one_statement(database, url):
    from tests.databases import postgres_database

    urls = postgres_database() if database == "postgresql" else iter([url])
    for each in urls:
        store = ConversationTrackerStore(domain=DOMAIN, host=each)
        tracker = run(store.get_or_create_tracker("v1"))
        seen: list[str] = []
        sa.event.listen(store.engine, "before_cursor_execute", lambda *a, s=seen: s.append(a[2]))
        for number in range(4):
            turn(tracker, f"hi {number}", number)
        run(store.save(tracker))
        assert len([s for s in seen if s.lstrip().upper().startswith("INSERT")]) == 1
        again = run(store.retrieve("v1"))
        assert list(again.events) == list(tracker.events)
        store.engine.dispose()


def test_sqlite_runs_in_write_ahead_log_mode(store, url):
    run(store.get_or_create_tracker("v1"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_sqlite_keeps_its_connection_between_messages(store):
    tracker = run(store.get_or_create_tracker("v1"))
    for number in range(3):
        turn(tracker, "hi", number)
        run(store.save(tracker))
        run(store.retrieve("v1"))
    assert store.engine.pool.checkedin() == 1  # one connection, reused


def cut_connections(store) -> int:
    """Terminate every server connection to the store's database (what a PostgreSQL
    restart does to them); how many there were."""
    from tests.databases import POSTGRES_SERVER

    admin = sa.create_engine(POSTGRES_SERVER, future=True, poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        cut = connection.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": store.engine.url.database},
        ).scalar_one()
    admin.dispose()
    return cut


def test_a_restarted_postgresql_costs_no_turn():
    """Every connection cut (what a server restart does): the next read and the next
    write still work, each event stored once, and no connection is pinged before use."""
    from tests.databases import postgres_database

    for url in postgres_database():
        store = ConversationTrackerStore(domain=DOMAIN, host=url)
        seen: list[str] = []
        sa.event.listen(store.engine, "before_cursor_execute", lambda *a, s=seen: s.append(a[2]))
        tracker = run(store.get_or_create_tracker("v1"))
        turn(tracker, "hi", 1)
        run(store.save(tracker))
        assert cut_connections(store) >= 1
        # the next read goes through a pooled connection the server has cut
        again = run(store.retrieve("v1"))
        assert again.get_slot("contact_name") == "Visitor 1"
        assert cut_connections(store) >= 1
        turn(again, "hello", 2)  # and so does the next write
        run(store.save(again))
        texts = [d["text"] for t, d in stored_rows(url) if t == "user"]
        assert texts == ["hi", "hello"]
        assert not [s for s in seen if s.strip().upper() == "SELECT 1"]
        store.engine.dispose()


def invalidated(statement):
    return sa.exc.DBAPIError(statement, None, Exception("cut"), connection_invalidated=True)


def test_only_a_cut_before_the_commit_is_run_again(store):
    calls = []

    def failing_once(error):
        def work(connection):
            calls.append(connection)
            if len(calls) == 1:
                raise error
            return "done"

        return work

    assert store._reconnecting(failing_once(invalidated("INSERT INTO events"))) == "done"
    assert len(calls) == 2
    calls.clear()
    with pytest.raises(sa.exc.DBAPIError):  # cut while committing: maybe stored
        store._reconnecting(failing_once(invalidated(None)))
    assert len(calls) == 1
    calls.clear()
    other = sa.exc.DBAPIError("INSERT", None, Exception("no"), connection_invalidated=False)
    with pytest.raises(sa.exc.DBAPIError):
        store._reconnecting(failing_once(other))
    assert len(calls) == 1


def sessions_of(sender):
    """Three sessions of a conversation, with events after each session start."""
    events, clock = [], 1000.0
    for session in range(3):
        for event in (
            SessionStarted(timestamp=clock),
            ActionExecuted("action_listen", timestamp=clock + 1),
            UserUttered(f"hi {session}", {"name": "greet", "confidence": 1.0}, timestamp=clock + 2),
            SlotSet("contact_name", f"Visitor {session}", timestamp=clock + 3),
        ):
            events.append(event)
        clock += 100
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


def test_reads_what_rasas_store_reads_with_several_sessions(database_url):
    """The latest session's events (or every event) as Rasa's own query finds them, on
    SQLite and PostgreSQL; a conversation without a session start is read whole."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    rasas = SQLTrackerStore(domain=DOMAIN, host=database_url)
    ours = ConversationTrackerStore(domain=DOMAIN, host=database_url)
    run(rasas.save(sessions_of("v1")))
    no_start = DialogueStateTracker.from_events("v2", [], DOMAIN.slots)
    turn(no_start, "hello", 1)
    run(rasas.save(no_start))
    for sender in ("v1", "v2", "nobody"):
        latest = run(ours.retrieve(sender))
        everything = run(ours.retrieve_full_tracker(sender))
        if sender == "nobody":
            assert latest is None and everything is None
            continue
        assert list(latest.events) == list(run(rasas.retrieve(sender)).events)
        assert list(everything.events) == list(run(rasas.retrieve_full_tracker(sender)).events)
    assert [
        e.as_dict().get("text") for e in run(ours.retrieve("v1")).events if e.type_name == "user"
    ] == ["hi 2"]
    assert len(run(ours.retrieve_full_tracker("v1")).events) == 12
    ours.engine.dispose()
    rasas.engine.dispose()


# ---- trackers kept between messages (bot/rasa_plugins/kept_trackers.py)


def served(store, sender="v1", turns=2):
    """A conversation of ``turns`` saved turns; its tracker as the last save left it."""
    tracker = run(store.retrieve(sender)) or run(store.get_or_create_tracker(sender))
    for number in range(turns):
        turn(tracker, f"turn {number}", number)
        run(store.save(tracker))
    return tracker


def same_state(one, other):
    return one.current_state(EventVerbosity.ALL) == other.current_state(EventVerbosity.ALL)


def test_the_saved_tracker_serves_the_next_message_after_one_check(store, url, statements):
    tracker = served(store)
    statements.clear()
    again = run(store.retrieve("v1"))
    assert again is tracker
    # one aggregate query, no events read
    assert len(statements) == 1 and "events.data" not in statements[0]
    fresh = run(ConversationTrackerStore(domain=DOMAIN, host=url).retrieve("v1"))
    assert fresh is not tracker and same_state(fresh, tracker)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_another_replicas_turn_is_read_from_the_store(database, url):
    urls = postgres_database() if database == "postgresql" else iter([url])
    for each in urls:
        mine, other = (ConversationTrackerStore(domain=DOMAIN, host=each) for _ in range(2))
        kept = served(mine)
        theirs = run(other.retrieve("v1"))
        turn(theirs, "on the other replica", 9)
        run(other.save(theirs))
        again = run(mine.retrieve("v1"))
        assert again is not kept
        assert same_state(again, theirs)
        for each_store in (mine, other):
            each_store.engine.dispose()


def test_an_erased_conversation_is_not_served_from_memory(store, url):
    served(store)
    engine = sa.create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'v1'"))
    engine.dispose()
    assert run(store.retrieve("v1")) is None


def test_a_tracker_changed_and_not_saved_is_not_served_again(store):
    tracker = served(store)
    again = run(store.retrieve("v1"))
    turn(again, "a message that failed", 5)  # never saved
    fresh = run(store.retrieve("v1"))
    assert fresh is not tracker
    assert len(fresh.events) == len(again.events) - 3


def test_two_reads_without_a_save_get_two_trackers(store):
    tracker = served(store)
    first, second = run(store.retrieve("v1")), run(store.retrieve("v1"))
    assert first is tracker and second is not tracker and same_state(first, second)


def test_a_new_session_is_read_back_without_the_old_one(store, url):
    tracker = served(store)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    run(store.save(tracker))
    again = run(store.retrieve("v1"))
    assert again is not tracker
    assert [e.type_name for e in again.events][0] == "session_started"


def test_a_new_domain_gets_trackers_read_from_the_store(store):
    tracker = served(store)
    store.domain = Domain.from_dict(DOMAIN.as_dict())
    again = run(store.retrieve("v1"))
    assert again is not tracker and same_state(again, tracker)


def test_a_store_told_to_keep_none_reads_every_message(url):
    store = ConversationTrackerStore(domain=DOMAIN, host=url, kept_conversations="0")
    tracker = served(store)
    again = run(store.retrieve("v1"))
    assert again is not tracker and same_state(again, tracker)
