"""Real databases for tests: a fresh PostgreSQL database per use.

PostgreSQL is skipped when the server can't be reached, unless REQUIRE_POSTGRES=1 makes
that a failure (.ci/run sets it).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.db.session import dispose_engines

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_database() -> Iterator[str]:
    server = make_url(os.environ.get("TEST_POSTGRES_URL", POSTGRES_SERVER))
    admin = sa.create_engine(
        server,
        future=True,
        isolation_level="AUTOCOMMIT",
        poolclass=sa.pool.NullPool,
        connect_args={"connect_timeout": 5},
    )
    name = f"test_leads_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0]
        message = f"PostgreSQL not reachable at {server.render_as_string()}: {reason}"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        dispose_engines()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
