"""Shared fixtures: the project's real files, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def clinic():
    from bot.clinic import load_clinic_profile

    return load_clinic_profile(ROOT / "clinic.yml")


@pytest.fixture(scope="session")
def domain():
    """The domain as Rasa trains it: domain.yml merged with the NLU data's retrieval intents."""
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    return importer.get_domain()
