"""The back-office through Starlette's TestClient, on a migrated SQLite database and a
tracker store with a real Rasa events table."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from sqlalchemy.orm import sessionmaker
from starlette.testclient import TestClient

from bot.db.migrate import upgrade
from bot.db.session import dispose_engines, session_factory
from bot.settings import Settings, load_settings
from bot.staff.administration import create_user
from bot.web.app import create_app

ADMIN = ("admin@clinic.example", "correct horse 4 battery")
STAFF = ("desk@clinic.example", "blue kettle 7 morning")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Site:
    settings: Settings
    factory: sessionmaker

    def client(self) -> TestClient:
        return TestClient(create_app(self.settings), follow_redirects=False)


@pytest.fixture(autouse=True)
def _cheap_hashing(cheap_hasher):
    """Every test here hashes passwords: cheaply."""


def _site(project_root, tmp_path, database_url: str) -> Site:
    env = {"DATABASE_URL": database_url, "TRACKER_STORE_DB": str(tmp_path / "trackers.db")}
    settings = load_settings(env, root=project_root)
    upgrade(settings.database_url)
    factory = session_factory(settings.database_url)
    with factory.begin() as session:
        create_user(session, ADMIN[0], ADMIN[1], "admin")
        create_user(session, STAFF[0], STAFF[1], "staff")
    return Site(settings, factory)


@pytest.fixture
def site(project_root, tmp_path) -> Iterator[Site]:
    """The back-office on a SQLite leads database."""
    yield _site(project_root, tmp_path, f"sqlite:///{tmp_path / 'leads.db'}")
    dispose_engines()


@pytest.fixture
def site_on_each_database(project_root, tmp_path, database_url) -> Site:
    """The back-office on SQLite, then on a fresh PostgreSQL database (whose INTEGER
    is 32 bits: the bounds of ids are tested there)."""
    return _site(project_root, tmp_path, database_url)


def csrf_of(page: str) -> str:
    match = CSRF.search(page)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, account: tuple[str, str]) -> None:
    form = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={"email": account[0], "password": account[1], "csrf_token": csrf_of(form.text)},
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def staff(site) -> TestClient:
    client = site.client()
    sign_in(client, STAFF)
    return client


@pytest.fixture
def admin(site) -> TestClient:
    client = site.client()
    sign_in(client, ADMIN)
    return client


def post_form(client: TestClient, page: str, action: str, data: dict | None = None):
    """Post ``data`` to ``action`` with the CSRF token of ``page`` (as a browser would)."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **(data or {})})


T0 = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)
