"""How each of the project's processes is started, built from the settings.

`make run` starts these through honcho (see Procfile); tests start the same commands on
other ports. Keeping the command lines here means there is one definition of how Rasa
is run, whoever runs it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.db.rasa_events import tracker_store_url
from bot.processes.action_auth import shared_secret
from bot.rasa_plugins.kept_trackers import KEPT_CONVERSATIONS
from bot.settings import MAX_REQUEST_BYTES, Settings


def _environment(base: dict[str, str] | None) -> dict[str, str]:
    """A copy of ``base`` (default: this process's environment) for a Python server."""
    env = dict(os.environ if base is None else base)
    # Rasa and rasa-sdk's dependencies print dozens of deprecation notices at start-up.
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    # Both servers are Sanic apps, which read SANIC_* variables. Sanic closes a connection
    # that has sent nothing for KEEP_ALIVE_TIMEOUT (5 s) counted from its accept; a loop
    # busy that long under load cut requests mid-send ("Cannot write to closing
    # transport": a form step lost, the visitor got no reply). nginx and Rasa's client
    # close idle connections themselves, well within this.
    env.setdefault("SANIC_KEEP_ALIVE_TIMEOUT", "75")
    return env


def rasa_environment(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Rasa needs: endpoints.yml reads these variables."""
    env = _environment(base)
    env.setdefault("ACTION_ENDPOINT_URL", f"{settings.action_url}/webhook")
    # endpoints.yml sends it to the action server with every call (bot/processes/action_auth.py)
    env.setdefault("ACTION_SERVER_SECRET", shared_secret(settings))
    env.setdefault("TRACKER_STORE_URL", tracker_store_url(settings.tracker_store_db))
    env.setdefault("CLINIC_PROFILE", str(settings.clinic_profile))
    for name, value in lock_store_variables(settings.lock_store_url).items():
        env.setdefault(name, value)
    env.setdefault("TRACKER_KEPT_CONVERSATIONS", str(kept_conversations(settings.lock_store_url)))
    # A request body over this is refused with a 413 before it is read (Sanic's default is
    # 100 MB); the REST channel's own limit on a message's length is far below it.
    env.setdefault("SANIC_REQUEST_MAX_SIZE", str(MAX_REQUEST_BYTES))
    # Rasa's anonymous telemetry would try to reach the internet: off, always.
    env["RASA_TELEMETRY_ENABLED"] = "false"
    # Rasa 3.6's own tracker store trips SQLAlchemy's 2.0 migration banner on every start.
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


# Rasa's default ticket lifetime is 60 s: a replica killed while it holds a conversation's
# lock would keep that visitor waiting a minute for the other replica. A turn takes well
# under a second; 15 s still covers a slow action server.
TICKET_LOCK_LIFETIME_SECONDS = 15


def lock_store_variables(url: str | None) -> dict[str, str]:
    """endpoints.yml's lock-store variables for LOCK_STORE_URL (None: in-memory)."""
    if url is None:
        return {
            "LOCK_STORE_TYPE": "in_memory",
            **dict.fromkeys(
                ["LOCK_STORE_HOST", "LOCK_STORE_PORT", "LOCK_STORE_DB", "LOCK_STORE_PASSWORD"], ""
            ),
        }
    parsed = urlsplit(url)
    return {
        # Rasa's RedisLockStore, with waiting tickets that do not lapse
        # (bot/rasa_plugins/lock_store.py)
        "LOCK_STORE_TYPE": "bot.rasa_plugins.lock_store.ConversationLockStore",
        "LOCK_STORE_HOST": parsed.hostname or "127.0.0.1",
        "LOCK_STORE_PORT": str(parsed.port or 6379),
        "LOCK_STORE_DB": parsed.path.strip("/") or "1",
        "LOCK_STORE_PASSWORD": unquote(parsed.password or ""),
        "TICKET_LOCK_LIFETIME": str(TICKET_LOCK_LIFETIME_SECONDS),
    }


def kept_conversations(lock_store_url: str | None) -> int:
    """How many conversations' trackers a Rasa process keeps between messages
    (bot/rasa_plugins/kept_trackers.py): none when replicas share the tracker store (a shared lock
    store means several), since nginx spreads each conversation's messages over them
    and a kept tracker would mostly be stale (measured: 10-15% less throughput in
    production mode with them kept)."""
    return KEPT_CONVERSATIONS if lock_store_url is None else 0


def rasa_command(args: list[str]) -> list[str]:
    """Any ``rasa`` sub-command, run from the project's venv through bot/processes/rasa_runtime.py,
    so that training and the story tests run the same Rasa as the server."""
    return [sys.executable, "-m", "bot.processes.rasa_runtime", *args]


def rasa_server_command(settings: Settings) -> list[str]:
    """``rasa run`` with the REST and socket.io channels; the HTTP API only with a token.

    Through bot/processes/rasa_runtime.py, which fixes Rasa's check of action server replies."""
    args = [
        "run",
        "--model", str(settings.model_path),
        "--interface", settings.rasa_host,
        "--port", str(settings.rasa_port),
        "--credentials", str(settings.root / "credentials.yml"),
        "--endpoints", str(settings.root / "endpoints.yml"),
        "--cors", *settings.cors_origins,
    ]  # fmt: skip
    if settings.rasa_auth_token:
        args += ["--enable-api", "--auth-token", settings.rasa_auth_token]
    return [sys.executable, "-m", "bot.processes.rasa_runtime", *args]


def action_server_command(settings: Settings) -> list[str]:
    """The rasa-sdk action server, loading the ``actions`` package, warmed up first
    (bot/processes/action_server.py)."""
    return [
        sys.executable, "-m", "bot.processes.action_server",
        "--actions", "actions",
        "--port", str(settings.action_port),
    ]  # fmt: skip


def action_server_environment(
    settings: Settings, base: dict[str, str] | None = None
) -> dict[str, str]:
    """rasa-sdk takes its listening address from SANIC_HOST: loopback unless configured;
    Sanic reads any SANIC_* variable into its configuration."""
    env = _environment(base)
    env["SANIC_HOST"] = settings.action_host
    return env


def exec_process(command: list[str], env: dict[str, str], cwd: Path) -> None:
    """Replace this process, so that signals from honcho reach the server directly."""
    os.chdir(cwd)
    os.execvpe(command[0], command, env)
