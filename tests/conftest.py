"""Shared fixtures: the project's real files, loaded once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from tests import live

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def clinic():
    from bot.clinic.profile import load_clinic_profile

    return load_clinic_profile(ROOT / "clinic.yml")


@pytest.fixture(scope="session")
def domain():
    """The domain as Rasa trains it: domain.yml merged with the NLU data's retrieval intents."""
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    return importer.get_domain()


@pytest.fixture(scope="session")
def servers(project_root, tmp_path_factory) -> Iterator[Settings]:
    """The three processes of `make run`, with the trained model, on test ports."""
    yield from live.serve(
        project_root,
        tmp_path_factory.mktemp("servers"),
        {"RASA_PORT": "15005", "ACTION_PORT": "15055", "WEB_PORT": "18000"},
        ["actions", "rasa", "web"],
    )


@pytest.fixture(scope="session")
def plain_servers(project_root, tmp_path_factory) -> Iterator[Settings]:
    """Rasa and the action server with RASA_SPEEDUPS=0: Rasa's own code wherever the
    project has a speed-up, the behaviour fixes still in place."""
    yield from live.serve(
        project_root,
        tmp_path_factory.mktemp("plain-servers"),
        {"RASA_PORT": "15008", "ACTION_PORT": "15058", "RASA_SPEEDUPS": "0"},
        ["actions", "rasa"],
    )


@pytest.fixture(scope="session")
def secured_rasa(project_root, tmp_path_factory) -> Iterator[Settings]:
    """A Rasa server started with RASA_AUTH_TOKEN set."""
    yield from live.serve(
        project_root,
        tmp_path_factory.mktemp("secured"),
        {"RASA_PORT": "15006", "ACTION_PORT": "15055", "RASA_AUTH_TOKEN": "test-token-4f2a"},
        ["rasa"],
    )


@pytest.fixture(scope="session")
def postgres_servers(project_root, tmp_path_factory) -> Iterator[Settings]:
    """Rasa and the action server with the leads in a fresh PostgreSQL database."""
    from tests.databases import postgres_database

    for url in postgres_database():
        yield from live.serve(
            project_root,
            tmp_path_factory.mktemp("postgres-servers"),
            {"RASA_PORT": "15007", "ACTION_PORT": "15057", "DATABASE_URL": url},
            ["actions", "rasa"],
        )


@pytest.fixture
def cheap_hasher(monkeypatch):
    """Argon2 at test strength (the default costs 64 MiB and ~50 ms a hash): for tests
    about accounts and pages, not about the hash's cost."""
    from argon2 import PasswordHasher

    from bot.staff import accounts

    monkeypatch.setattr(
        accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
