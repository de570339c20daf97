"""The database-specific statements the app uses, for the two databases it supports."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert_insert(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``table`` that takes ``on_conflict_do_update``/``_do_nothing`` on
    the session's database (both spell ON CONFLICT the same way)."""
    dialect = session.get_bind().dialect.name
    if dialect not in _INSERTS:
        raise NotImplementedError(f"the app stores data in PostgreSQL or SQLite, not {dialect}")
    return _INSERTS[dialect](table)
