"""Alembic's entry point: runs the migrations online against the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from bot.db.models import Base

MIGRATION_LOCK = 7_420_155  # an arbitrary advisory-lock key of this project's migrations


def run_migrations_online() -> None:
    """Migrate on a connection of its own, without the application's SQLite settings.

    SQLite's foreign keys stay off here (its default): batch mode rebuilds a table by
    copying and dropping it, and a drop with foreign keys on would cascade deletes.
    """
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: run migrations through bot.db.migrate")
    engine = create_engine(url, future=True, poolclass=pool.NullPool)
    is_sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                # SQLite alters tables by copying them
                render_as_batch=is_sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                if not is_sqlite:
                    # processes starting together migrate one after the other; the lock
                    # ends with the transaction, and the next one finds the new revision
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (--sql) migrations are not supported")
run_migrations_online()
