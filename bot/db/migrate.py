"""Schema migrations, run from code: the alembic configuration is built here, so no
alembic.ini has to be found relative to the working directory."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

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


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` (default DATABASE_URL) up to ``revision``."""
    url = _url(url)
    ensure_sqlite_directory(url)
    command.upgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at; None when it has never been migrated."""
    with engine_for(_url(url)).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
