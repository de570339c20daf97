"""Fixtures shared by production mode's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.production.support import self_signed_certificate


@pytest.fixture
def tls_files(tmp_path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key."""
    return self_signed_certificate(tmp_path)
