"""Rasa's SQL tracker store, read and written by the project's own tools.

The assistant's conversations live in Rasa's ``events`` table, a separate database from
the leads (a SQLite file by default, PostgreSQL in larger deployments). Recovery, the
back-office transcript and erasure all reach it through here, so that they agree on
the table's shape and on how a missing store is told apart from an empty one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import column, create_engine, inspect, pool, table
from sqlalchemy.engine import Connection, make_url

from bot.db.dialects import checkpoint_and_truncate
from bot.db.session import SQLITE_BUSY_TIMEOUT

# the columns of rasa.core.tracker_store.SQLTrackerStore.SQLEvent that we use
EVENTS = table(
    "events",
    column("id"),
    column("sender_id"),
    column("type_name"),
    column("timestamp"),  # float, epoch seconds
    column("data"),  # the event as Rasa's JSON
)


def tracker_store_url(tracker: str | Path) -> str:
    """A SQLAlchemy URL for the tracker store: a URL as given, a file path as SQLite."""
    text = str(tracker)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


@contextmanager
def events_connection(tracker: str | Path, *, write: bool = False) -> Iterator[Connection]:
    """A short-lived connection to a tracker store that has an ``events`` table.

    No pool (NullPool): the store belongs to Rasa, we only visit it. ``write`` wraps the
    block in a transaction committed when it ends. Raises FileNotFoundError for a
    missing SQLite file (never creating one) and LookupError when there is no events
    table; connection errors of a database server propagate as SQLAlchemy errors.
    """
    url = tracker_store_url(tracker)
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and not Path(parsed.database or "").is_file():
        raise FileNotFoundError(f"no tracker store at {parsed.database}")
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT} if sqlite else {}
    engine = create_engine(url, future=True, poolclass=pool.NullPool, connect_args=connect_args)
    try:
        with engine.begin() if write else engine.connect() as connection:
            if not inspect(connection).has_table("events"):
                raise LookupError(f"{parsed.render_as_string()} has no Rasa events table")
            if sqlite and write:
                # what is deleted is overwritten, not left in free pages of the file
                connection.exec_driver_sql("PRAGMA secure_delete=ON")
            yield connection
        if sqlite and write:
            with engine.connect() as connection:
                checkpoint_and_truncate(connection)
    finally:
        engine.dispose()
