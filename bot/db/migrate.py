"""Schema migrations, run from code: the alembic configuration is built here, so no
alembic.ini has to be found relative to the working directory."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url

from bot.db.session import engine_for, ensure_sqlite_directory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _url(url: str | None) -> str:
    if url:
        return url
    from bot.settings import load_settings

    return load_settings().database_url


def alembic_config(url: str) -> Config:
    """An alembic Config for ``url``; env.py reads the URL back from ``sqlalchemy.url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # split paths on os.pathsep only: project paths may contain spaces
    config.set_main_option("path_separator", "os")
    # ConfigParser interpolates "%": URL-encoded passwords contain it
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextmanager
def _sqlite_migration_lock(url: str) -> Iterator[None]:
    """One migrating process at a time on a SQLite file: the action server and the web
    app start together and both migrate; without this, one of them fails half-way on
    "table already exists". (PostgreSQL takes an advisory lock in env.py instead.)"""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in {"", ":memory:"}:
        yield
        return
    lock_path = Path(database).expanduser().with_name(Path(database).name + ".migrate-lock")
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` (default DATABASE_URL) up to ``revision``; safe to
    call from several processes at once (the others wait, then find nothing to do)."""
    url = _url(url)
    ensure_sqlite_directory(url)
    with _sqlite_migration_lock(url):
        command.upgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at; None when it has never been migrated."""
    with engine_for(_url(url)).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
