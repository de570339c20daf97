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
    # where visitors' browsers reach Rasa's REST channel (default rasa_url)
    public_rasa_url: str | None = None
    # staff back-office: minutes without a request before a signed-in session ends
    staff_idle_minutes: int = 30
    # the address staff open the back-office at (links in notices); default web_url
    public_base_url: str | None = None
    # new-lead notice: sent only when both a recipient and an SMTP host are configured
    notify_email: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    smtp_from: str = "assistant@localhost"

    @property
    def browser_rasa_url(self) -> str:
        """Rasa as the widget in a visitor's browser calls it (no trailing slash)."""
        return (self.public_rasa_url or self.rasa_url).rstrip("/")

    @property
    def staff_url(self) -> str:
        """Where the back-office is, as staff reach it (no trailing slash)."""
        return (self.public_base_url or self.web_url).rstrip("/") + "/staff"

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


def _whole(
    env: Mapping[str, str], name: str, default: int, low: int, high: int | None = None
) -> int:
    """A whole number from the environment in [low, high], refused with its name."""
    raw = env.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if value < low or (high is not None and value > high):
        limits = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be {limits}, got {value}")
    return value


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    """A TCP port from the environment."""
    return _whole(env, name, default, 1, 65535)


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off, anything else refused."""
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, got {raw!r}")


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
        public_rasa_url=env.get("PUBLIC_RASA_URL") or None,
        staff_idle_minutes=_whole(env, "STAFF_IDLE_MINUTES", 30, 1),
        public_base_url=env.get("PUBLIC_BASE_URL") or None,
        notify_email=env.get("NEW_LEAD_NOTIFY_EMAIL") or None,
        smtp_host=env.get("SMTP_HOST") or None,
        smtp_port=_port(env, "SMTP_PORT", 587),
        smtp_user=env.get("SMTP_USER") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_starttls=_flag(env, "SMTP_STARTTLS", True),
        smtp_from=env.get("SMTP_FROM", "assistant@localhost"),
    )
