from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bot.db.migrate import alembic_config, current_revision, upgrade
from bot.db.models import Base
from bot.db.session import engine_for

TABLES = {
    "leads",
    "intakes",
    "consents",
    "review_slots",
    "bookings",
    "staff_users",
    "staff_sessions",
    "lead_notes",
    "audit_events",
    "login_counters",
}
HEAD = "0005"


def _differences(url: str) -> list:
    with engine_for(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_a_fresh_database_has_no_revision(database_url):
    assert current_revision(database_url) is None


def test_upgrade_creates_the_schema_the_models_describe(database_url):
    assert _differences(database_url)  # the comparison does see a missing schema
    upgrade(database_url)
    assert current_revision(database_url) == HEAD
    assert _differences(database_url) == []
    with engine_for(database_url).connect() as connection:
        assert set(inspect(connection).get_table_names()) >= TABLES


def _index_names(url: str) -> set[str]:
    """Every index of the leads table, expression-based ones included (which neither
    SQLAlchemy 1.4's reflection nor alembic's comparison can see)."""
    with engine_for(url).connect() as connection:
        if connection.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'leads'"
        else:
            query = "SELECT indexname FROM pg_indexes WHERE tablename = 'leads'"
        return set(connection.exec_driver_sql(query).scalars())


def test_the_queues_indexes_come_and_go_with_revision_0004(migrated_url):
    queue_indexes = {"ix_leads_email_lower", "ix_leads_phone", "ix_leads_status_created_at"}
    assert queue_indexes <= _index_names(migrated_url)
    command.downgrade(alembic_config(migrated_url), "0003")
    assert not queue_indexes & _index_names(migrated_url)
    with engine_for(migrated_url).connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("staff_users")}
    assert "inbox_seen_at" not in columns
    upgrade(migrated_url)
    assert queue_indexes <= _index_names(migrated_url)


def test_upgrade_is_idempotent(migrated_url):
    upgrade(migrated_url)
    assert current_revision(migrated_url) == HEAD


def test_downgrade_removes_everything_and_upgrade_restores_it(migrated_url):
    command.downgrade(alembic_config(migrated_url), "base")
    with engine_for(migrated_url).connect() as connection:
        assert not TABLES & set(inspect(connection).get_table_names())
    upgrade(migrated_url)
    assert _differences(migrated_url) == []


def test_sqlite_directory_is_created_and_percent_signs_survive(tmp_path):
    url = f"sqlite:///{tmp_path / '100% new' / 'leads.db'}"
    upgrade(url)
    assert current_revision(url) == HEAD
    assert Path(tmp_path / "100% new" / "leads.db").is_file()


def test_processes_starting_together_migrate_one_after_the_other(database_url):
    """The action server and the web app both migrate at start; neither may fail."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=3) as pool:
        results = [pool.submit(upgrade, database_url) for _ in range(3)]
        for result in results:
            result.result()  # raises if a migration failed
    assert current_revision(database_url) == HEAD
    assert _differences(database_url) == []
