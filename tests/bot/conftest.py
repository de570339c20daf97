"""Real databases for the tests of the leads database and its services.

``database_url`` is an empty database, once as a SQLite file and once as a fresh
PostgreSQL database (created per test, dropped afterwards). PostgreSQL is skipped when
the server can't be reached, unless REQUIRE_POSTGRES=1 makes that a failure.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db.migrate import upgrade
from bot.db.session import dispose_engines, session_factory
from tests.databases import postgres_database
from tests.story_trackers import every_point, load_trackers


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """An empty database; the test's engines are disposed of afterwards."""
    if request.param == "postgresql":
        yield from postgres_database()
        return
    yield f"sqlite:///{tmp_path / 'var' / 'leads.db'}"
    dispose_engines()


@pytest.fixture
def migrated_url(database_url) -> str:
    """The database with the schema migrated to the latest revision."""
    upgrade(database_url)
    return database_url


@pytest.fixture
def factory(migrated_url) -> sessionmaker:
    return session_factory(migrated_url)


@pytest.fixture
def session(factory) -> Iterator[Session]:
    """A session on the migrated database; tests commit what other sessions must see."""
    with factory() as session:
        yield session


@pytest.fixture
def make_lead(factory):
    """Store a minimal lead (committed) and return its id."""
    from bot.db.models import Lead

    def make(conversation_id: str = "conversation-1", **fields) -> int:
        with factory.begin() as session:
            lead = Lead(
                conversation_id=conversation_id,
                name=fields.pop("name", "Ana Test"),
                email=fields.pop("email", "ana@example.com"),
                **fields,
            )
            session.add(lead)
            session.flush()
            return lead.id

    return make


@pytest.fixture(scope="module")
def story_points(project_root):
    """The project's domain, and the test stories' conversations as trackers at every
    point (before each action, and at the end): made anew for each test module."""
    domain, conversations = load_trackers(project_root, "tests/stories")
    return domain, list(every_point(conversations))
