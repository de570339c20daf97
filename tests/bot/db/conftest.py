"""Fixtures for the database layer's own tests (databases: tests/bot/conftest.py)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from bot.db.session import engine_for


@pytest.fixture
def engine(migrated_url) -> Engine:
    """The application's engine on the migrated database, with its connection settings."""
    return engine_for(migrated_url)
