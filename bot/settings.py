"""Deployment settings, read from environment variables with the embedded defaults.

Every process (Rasa, the action server, the web app, the CLI) reads its configuration
here, so a deployment choice is an environment variable, never a code edit.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Where things are and how the processes reach each other."""

    root: Path
    clinic_profile: Path
    database_url: str
    model_path: Path
    rasa_host: str
    rasa_port: int
    action_host: str
    action_port: int
    web_host: str
    web_port: int
    rasa_auth_token: str | None
    cors_origins: tuple[str, ...]
    tracker_store_db: Path
    # where visitors' phone numbers are assumed to be when typed without a country code
    phone_region: str = "US"

    @property
    def var_dir(self) -> Path:
        """Run-time files (databases, logs, results); never in git."""
        return self.root / "var"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.action_host}:{self.action_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.web_host}:{self.web_port}"


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    """A TCP port from the environment, rejected with its variable's name if invalid."""
    raw = env.get(name, str(default))
    try:
        port = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a port number, got {raw!r}") from None
    if not 0 < port < 65536:
        raise ValueError(f"{name} must be between 1 and 65535, got {port}")
    return port


def load_settings(env: Mapping[str, str] | None = None, root: Path | None = None) -> Settings:
    """Build the settings from ``env`` (default: the process environment).

    ``root`` is the project directory (Rasa's files live there); it defaults to the
    current directory, which is where every process of the project is started.
    """
    env = os.environ if env is None else env
    root = (root or Path(env.get("PROJECT_ROOT", "."))).resolve()
    web_host = env.get("WEB_HOST", "127.0.0.1")
    web_port = _port(env, "WEB_PORT", 8000)
    default_origins = f"http://{web_host}:{web_port}"
    if web_host == "127.0.0.1":
        default_origins += f" http://localhost:{web_port}"
    origins = env.get("CORS_ORIGINS", default_origins).replace(",", " ").split()
    return Settings(
        root=root,
        clinic_profile=root / env.get("CLINIC_PROFILE", "clinic.yml"),
        database_url=env.get("DATABASE_URL", f"sqlite:///{root / 'var' / 'leads.db'}"),
        model_path=root / env.get("RASA_MODEL", "models/assistant.tar.gz"),
        rasa_host=env.get("RASA_HOST", "127.0.0.1"),
        rasa_port=_port(env, "RASA_PORT", 5005),
        action_host=env.get("ACTION_HOST", "127.0.0.1"),
        action_port=_port(env, "ACTION_PORT", 5055),
        web_host=web_host,
        web_port=web_port,
        rasa_auth_token=env.get("RASA_AUTH_TOKEN") or None,
        cors_origins=tuple(origins),
        tracker_store_db=root / env.get("TRACKER_STORE_DB", "var/trackers.db"),
        phone_region=env.get("PHONE_REGION", "US").strip().upper(),
    )
