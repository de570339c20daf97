import sys

import pytest
import rasa.__main__

from bot.processes import rasa_runtime
from bot.rasa_patches import registry


@pytest.fixture
def clean():
    registry.uninstall()
    yield
    registry.uninstall()


def test_main_runs_rasas_command_line_with_the_patches(monkeypatch):
    called = {}
    monkeypatch.setattr(rasa_runtime, "install", lambda: called.setdefault("installed", True))
    monkeypatch.setattr(rasa.__main__, "main", lambda: called.setdefault("argv", list(sys.argv)))
    monkeypatch.setattr("sys.argv", ["x"])
    rasa_runtime.main(["run", "--port", "5005"])
    assert called == {"installed": True, "argv": ["rasa", "run", "--port", "5005"]}


def test_install_follows_the_speedups_setting(monkeypatch, clean):
    monkeypatch.setenv("RASA_SPEEDUPS", "0")
    rasa_runtime.install()
    assert {p.kind for p in registry.installed()} == {registry.FIX}
    registry.uninstall()
    monkeypatch.delenv("RASA_SPEEDUPS")
    rasa_runtime.install()
    assert {p.kind for p in registry.installed()} == {registry.FIX, registry.SPEEDUP}
