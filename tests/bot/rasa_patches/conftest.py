import pytest

from bot.rasa_patches import registry


@pytest.fixture
def patched():
    """Every patch installed for one test; Rasa as it was afterwards."""
    registry.uninstall()
    yield registry.install(speedups=True)
    registry.uninstall()
