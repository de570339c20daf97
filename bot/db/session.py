"""Engines and sessions for the leads database, made on first use and shared per URL.

One engine per URL keeps one connection pool per process; SQLite gets the settings a
multi-process deployment needs (foreign keys on, WAL, a busy timeout instead of an
immediate "database is locked").
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()
# seconds a SQLite writer waits for another one (another process, or a live Rasa writing
# to the same tracker store) before failing
SQLITE_BUSY_TIMEOUT = 30


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_directory(url: str) -> None:
    """SQLite creates the file but not its directory (var/ on a fresh checkout)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    """SQLite leaves foreign keys off per connection; WAL lets readers run during writes.

    SQLite's own lower() folds A-Z only, so a search for "óscar" would miss "Óscar":
    Python's lower() replaces it, as PostgreSQL's does for Unicode."""
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # an erased lead's details are overwritten, not left in the file's free pages
        cursor.execute("PRAGMA secure_delete=ON")
    finally:
        cursor.close()


def _create(url: str) -> Engine:
    if not is_sqlite(url):
        return create_engine(url, future=True, pool_pre_ping=True)
    ensure_sqlite_directory(url)
    engine = create_engine(
        url, future=True, pool_pre_ping=True, connect_args={"timeout": SQLITE_BUSY_TIMEOUT}
    )
    event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def engine_for(url: str) -> Engine:
    """The process's engine for ``url``, created on first use.

    A dict rather than functools.lru_cache so that dispose_engines() can reach them.
    """
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _ENGINES[url] = _create(url)
        return engine


def dispose_engines() -> None:
    """Close every pooled connection and forget the engines (tests drop their databases)."""
    with _LOCK:
        engines = list(_ENGINES.values())
        _ENGINES.clear()
    for engine in engines:
        engine.dispose()


def _default_url() -> str:
    from bot.settings import load_settings

    return load_settings().database_url


def session_factory(url: str | None = None) -> sessionmaker:
    """Sessions on the leads database (default: DATABASE_URL).

    ``expire_on_commit=False`` so that objects returned by a service stay readable after
    its transaction ends.
    """
    engine = engine_for(url or _default_url())
    return sessionmaker(bind=engine, class_=Session, future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One unit of work: committed if the block succeeds, rolled back if it raises."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
