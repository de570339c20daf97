"""The action server's tests run against a real (SQLite) leads database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from actions import common
from bot.db.migrate import upgrade
from bot.db.session import dispose_engines


@pytest.fixture
def leads_db(tmp_path, monkeypatch) -> Iterator[str]:
    """A migrated SQLite leads database that the actions use through DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'leads.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    common.settings.cache_clear()
    upgrade(url)
    yield url
    common.settings.cache_clear()
    dispose_engines()
