"""Set-up (d), plain Rasa: its generated files and command name no patch and no plugin of
the project but the response generator, and Rasa 3.6 reads them as meant."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rasa.utils.endpoints import read_endpoint_config

from bench.metrics import is_server_on_port
from bench.servers import (
    RASA_MARKERS,
    SETUPS,
    Ports,
    environment,
    plain_rasa_command,
    plain_rasa_environment,
    plain_rasa_files,
)
from bot.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
PATCHED = ("bot.processes", "bot.rasa_patches")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    env = environment(SETUPS["d"], tmp_path / "stock.tar.gz", Ports(), tmp_path, {})
    return load_settings(env, root=ROOT)


def test_plain_rasa_is_the_stock_model_on_its_own_setup():
    spec = SETUPS["d"]
    assert (spec.title, spec.model, spec.plain_rasa) == ("(d) plain Rasa", "stock", True)
    assert not SETUPS["c"].plain_rasa


def test_endpoints_are_rasas_own_sql_store_and_the_secured_action_server(settings, tmp_path):
    _, endpoints = plain_rasa_files(settings, tmp_path)
    content = yaml.safe_load(endpoints.read_text())
    assert content["tracker_store"] == {
        "type": "SQL",
        "dialect": "sqlite",
        "db": str((tmp_path / "trackers.db").resolve()),
    }
    assert "lock_store" not in content  # Rasa's default: in memory
    assert content["nlg"] == {"type": "bot.rasa_plugins.nlg.ClinicResponseGenerator"}
    # as the installed Rasa reads them
    action = read_endpoint_config(str(endpoints), "action_endpoint")
    assert action.url == "http://127.0.0.1:25055/webhook"
    assert action.headers == {"Authorization": f"Bearer {settings.action_server_secret}"}
    assert action.kwargs.get("enable_selective_domain") is True
    store = read_endpoint_config(str(endpoints), "tracker_store")
    assert store.type == "SQL" and store.kwargs["dialect"] == "sqlite"


def test_credentials_are_rasas_own_rest_channel(settings, tmp_path):
    credentials, _ = plain_rasa_files(settings, tmp_path)
    assert yaml.safe_load(credentials.read_text()) == {"rest": None}


def test_the_command_is_the_installed_rasa_run_without_the_projects_runtime(settings, tmp_path):
    files = plain_rasa_files(settings, tmp_path)
    command = plain_rasa_command(settings, tmp_path / "stock.tar.gz", *files)
    assert command[:2] == [str(Path(sys.executable).with_name("rasa")), "run"]
    assert command[command.index("--port") + 1] == "25005"
    assert "--enable-api" not in command  # as `bot serve rasa` without a token
    assert is_server_on_port(command, 25005, RASA_MARKERS)  # the bench finds its process
    script = Path(command[0]).read_text()
    assert "from rasa.__main__ import main" in script
    everything = " ".join(command) + script + "".join(p.read_text() for p in files)
    assert not any(name in everything for name in PATCHED)


def test_the_response_generator_imports_no_patch():
    """The one project module plain Rasa loads, imported in a fresh interpreter."""
    code = (
        "import json, sys, bot.rasa_plugins.nlg;"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('bot.'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    modules = json.loads(done.stdout.splitlines()[-1])
    assert "bot.rasa_plugins.nlg" in modules
    assert not [m for m in modules if m.startswith(PATCHED)]


def test_the_environment_turns_telemetry_off_and_keeps_the_rest():
    env = plain_rasa_environment({"DATABASE_URL": "sqlite:///x.db"})
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    assert env["DATABASE_URL"] == "sqlite:///x.db"
    assert env["SANIC_KEEP_ALIVE_TIMEOUT"] == "75"
