"""Production mode's refusal of guessable secrets, and its silence about their values."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import main
from bot.production.secret_check import (
    MIN_PASSWORD_LENGTH,
    MIN_TOKEN_LENGTH,
    secret_problem,
    url_password,
    weak_secrets,
)
from bot.settings import load_settings
from tests.bot.production.support import PRODUCTION


def weak(tmp_path, **env: str) -> list[str]:
    return weak_secrets(load_settings({**PRODUCTION, **env}, root=tmp_path))


def test_only_the_action_servers_secret_is_required(tmp_path):
    """Unset, the HTTP API is off and loopback services may trust the local user; the
    action server, on a network in production, must be told who Rasa is."""
    assert weak(tmp_path) == []
    assert weak_secrets(load_settings({}, root=tmp_path)) == [
        "ACTION_SERVER_SECRET is not set: generate one (32 characters at least)"
    ]


def test_generated_secrets_are_accepted(tmp_path):
    token = secrets.token_urlsafe(32)
    password = secrets.token_urlsafe(16)
    assert (
        weak(
            tmp_path,
            RASA_AUTH_TOKEN=token,
            SMTP_PASSWORD=password,
            DATABASE_URL=f"postgresql://app:{password}@db.internal:5432/leads",
            TRACKER_STORE_DB=f"postgresql://app:{password}@db.internal:5432/trackers",
            LOCK_STORE_URL=f"redis://:{password}@cache.internal:6379/1",
        )
        == []
    )


@pytest.mark.parametrize(
    "value",
    ["change-me", "CHANGEME", "secret", "s3cret", "password", "thisismysecret", "test-token-4f2a"],
)
def test_placeholders_are_refused_whatever_their_length(value):
    problem = secret_problem("RASA_AUTH_TOKEN", value, minimum=1)
    assert problem is not None and "placeholder" in problem


def test_a_long_value_marked_as_a_placeholder_is_refused():
    value = "please-change-me-before-going-live-0123456789"
    assert "placeholder" in secret_problem("RASA_AUTH_TOKEN", value, MIN_TOKEN_LENGTH)


def test_short_and_patterned_secrets_are_refused():
    short = secrets.token_urlsafe(32)[: MIN_TOKEN_LENGTH - 1]
    assert "at least 32" in secret_problem("RASA_AUTH_TOKEN", short, MIN_TOKEN_LENGTH)
    assert "pattern" in secret_problem("RASA_AUTH_TOKEN", "ab" * 20, MIN_TOKEN_LENGTH)
    assert secret_problem("RASA_AUTH_TOKEN", " " * 40, MIN_TOKEN_LENGTH) is not None
    exactly = secrets.token_hex(MIN_TOKEN_LENGTH)[:MIN_TOKEN_LENGTH]
    assert secret_problem("RASA_AUTH_TOKEN", exactly, MIN_TOKEN_LENGTH) is None


@pytest.mark.parametrize(
    ("variable", "env"),
    [
        ("RASA_AUTH_TOKEN", {"RASA_AUTH_TOKEN": "change-me"}),
        ("ACTION_SERVER_SECRET", {"ACTION_SERVER_SECRET": "thisismysecret"}),
        ("ACTION_SERVER_SECRET", {"ACTION_SERVER_SECRET": "s3cret-but-short"}),
        ("SMTP_PASSWORD", {"SMTP_PASSWORD": "hunter2"}),
        ("DATABASE_URL", {"DATABASE_URL": "postgresql://app:changeme@db:5432/leads"}),
        ("TRACKER_STORE_DB", {"TRACKER_STORE_DB": "postgresql://app:postgres@db/trackers"}),
        ("LOCK_STORE_URL", {"LOCK_STORE_URL": "redis://:redis@cache:6379/1"}),
    ],
)
def test_each_secret_is_checked_and_named(tmp_path, variable, env):
    (problem,) = weak(tmp_path, **env)
    assert variable in problem
    secret = next(iter(env.values())).split("@")[0].rsplit(":", 1)[-1]
    assert secret not in problem


def test_percent_encoded_url_passwords_are_decoded():
    assert url_password("postgresql://app:p%40ss%2Fw0rd@db/leads") == "p@ss/w0rd"
    assert url_password("postgresql://postgres@127.0.0.1/leads") is None
    assert url_password("postgresql://app:@127.0.0.1/leads") is None
    assert url_password("redis://[::1/0") is None  # not a URL: refused elsewhere
    assert len("p@ss/w0rd") < MIN_PASSWORD_LENGTH


def test_serve_prod_refuses_a_placeholder_token_without_printing_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("RASA_AUTH_TOKEN", "change-me-token")
    result = CliRunner().invoke(main, ["serve", "prod"])
    assert result.exit_code == 2
    assert "production mode: RASA_AUTH_TOKEN is a placeholder" in result.output
    assert "change-me-token" not in result.output


def test_bot_serve_prod_exits_before_starting_anything(project_root, tmp_path):
    """The real command, with everything else production mode needs in place (the
    project's model, nginx): the weak token is the only thing it refuses."""
    env = {
        **os.environ,
        **PRODUCTION,
        "PRODUCTION_DIR": str(tmp_path / "prod"),
        "RASA_AUTH_TOKEN": "test-token-4f2a",
    }
    done = subprocess.run(
        [str(Path(sys.executable).with_name("bot")), "serve", "prod"],
        env=env,
        cwd=project_root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "production mode: RASA_AUTH_TOKEN is a placeholder or example value: "
        "set a secret of your own"
    ]
    assert not (tmp_path / "prod").exists()


def test_a_booking_link_secret_when_given_is_a_real_one(tmp_path):
    assert weak(tmp_path, BOOKING_LINK_SECRET=secrets.token_urlsafe(32)) == []
    assert any("BOOKING_LINK_SECRET" in p for p in weak(tmp_path, BOOKING_LINK_SECRET="short"))
