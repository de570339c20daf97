"""`bot serve prod`'s own steps: databases created once, readiness, refusal."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from click.testing import CliRunner

from bot.cli.main import main
from bot.production.run import ensure_postgres_database, health_urls
from bot.settings import load_settings
from tests.databases import postgres_database


def test_a_missing_database_is_created_once():
    for existing in postgres_database():
        url = sa.engine.make_url(existing).set(database=f"test_new_{uuid.uuid4().hex[:10]}")
        text = url.render_as_string(hide_password=False)
        try:
            assert ensure_postgres_database(text) is True
            assert ensure_postgres_database(text) is False
        finally:
            admin = sa.create_engine(
                url.set(database="postgres"), isolation_level="AUTOCOMMIT", future=True
            )
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}"')
            admin.dispose()


def test_ready_means_nginx_every_replica_and_the_action_server(tmp_path):
    settings = load_settings({"RASA_PORT": "5005", "RASA_REPLICAS": "3"}, root=tmp_path)
    urls = list(health_urls(settings).values())
    assert urls == [
        "http://127.0.0.1:8080/healthz",
        "http://127.0.0.1:5006/",
        "http://127.0.0.1:5007/",
        "http://127.0.0.1:5008/",
        "http://127.0.0.1:5055/health",
    ]


def test_serve_prod_refuses_the_embedded_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "TRACKER_STORE_DB", "LOCK_STORE_URL"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(main, ["serve", "prod"])
    assert result.exit_code == 2
    assert "DATABASE_URL must be a postgresql:// URL" in result.output
    assert "LOCK_STORE_URL must be a redis:// URL" in result.output
