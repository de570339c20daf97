"""The database-specific statements the app uses, for the two databases it supports."""

from __future__ import annotations

import time

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert_insert(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``table`` that takes ``on_conflict_do_update``/``_do_nothing`` on
    the session's database (both spell ON CONFLICT the same way)."""
    dialect = session.get_bind().dialect.name
    if dialect not in _INSERTS:
        raise NotImplementedError(f"the app stores data in PostgreSQL or SQLite, not {dialect}")
    return _INSERTS[dialect](table)


CHECKPOINT_ATTEMPTS = 3


def checkpoint_and_truncate(connection: Connection) -> None:
    """Copy SQLite's write-ahead log into the database file and empty it: until then the
    log still holds the pages as they were before a delete, erased text included. A
    reader in the middle of a read (Rasa, the web app) holds the log back: wait for it
    (the busy timeout, a bounded number of times), then say so."""
    for _ in range(CHECKPOINT_ATTEMPTS):
        busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if not busy:
            return
        time.sleep(0.05)
    raise TimeoutError("the database's log could not be emptied: run the erasure again")


def scrub_sqlite_log(session: Session) -> None:
    """After personal data was deleted and committed: on SQLite, the log emptied too
    (connections set ``secure_delete``, so the file's freed pages hold nothing)."""
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        with bind.connect() as connection:
            checkpoint_and_truncate(connection)
