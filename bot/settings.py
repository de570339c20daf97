"""Deployment settings, read from environment variables with the embedded defaults.

Every process (Rasa, the action server, the web app, the CLI) reads its configuration
here, so a deployment choice is an environment variable, never a code edit.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# The largest request body Rasa's channels and nginx accept (413 beyond): far above the
# longest message the REST channel reads (bot/rasa_plugins/rest_channel.py), far below
# Sanic's 100 MB.
MAX_REQUEST_BYTES = 64 * 1024


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
    # Rasa's SQL tracker store: a SQLite file (Path) or a database URL (str)
    tracker_store_db: Path | str
    # Rasa's lock store: None is in-memory (one Rasa process); redis://host:port/db is
    # shared by several replicas, so that one conversation's messages are handled in turn
    lock_store_url: str | None = None
    # production mode (`bot serve prod`): nginx's address, the number of Rasa replicas
    # (on rasa_port + 1 ... rasa_port + N) and TLS (both files, or plain HTTP)
    nginx_host: str = "127.0.0.1"
    nginx_port: int = 8080
    nginx_tls_port: int = 8443
    server_name: str = "_"
    rasa_replicas: int = 2
    # production mode's generated configuration, logs and sockets (default var/prod)
    production_dir: Path | None = None
    tls_certificate: str | None = None
    tls_certificate_key: str | None = None
    # proxies whose X-Forwarded-For / -Proto the web app believes (nginx in production)
    forwarded_allow_ips: str | None = None
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
    # the secret Rasa shows the action server (bot/processes/action_auth.py); unset: one generated
    # per installation under var/ (production mode requires it set)
    action_server_secret: str | None = None
    # seconds Rasa waits for one call to the action server before apologising (Rasa's
    # own wait is 300 s; the widget gives up after 20)
    action_timeout_seconds: int = 8
    # the REST channel (bot/rasa_plugins/rest_channel.py): messages a minute per sender and per
    # visitor address (nginx counts addresses in production mode), and a message's length
    chat_per_sender: int = 20
    chat_per_address: int = 60
    max_message_chars: int = 2000
    # Rasa's speed-ups (bot/rasa_patches/speedups/); off (RASA_SPEEDUPS=0) every process
    # runs Rasa's own code there, with the project's behaviour fixes still in place
    rasa_speedups: bool = True
    # ... and in words and punctuation marks (bot/nlu/message_length.py)
    max_message_words: int = 600
    # the key signing the links in visitors' booking notices (bot/notices/links.py);
    # unset: one generated per installation under var/
    booking_link_secret: str | None = None
    # visitors' text messages (bot/notices/sms.py): "off", or "http" to POST each to
    # sms_http_url with sms_http_token as a bearer token
    sms_provider: str = "off"
    sms_http_url: str | None = None
    sms_http_token: str | None = None
    # seconds the notice scheduler (`bot serve notices`) waits between looks for due notices
    notice_poll_seconds: int = 30

    @property
    def visitor_url(self) -> str:
        """Where visitors reach the web app (links in their notices; no trailing slash)."""
        return (self.public_base_url or self.web_url).rstrip("/")

    @property
    def browser_rasa_url(self) -> str:
        """Rasa as the widget in a visitor's browser calls it (no trailing slash)."""
        return (self.public_rasa_url or self.rasa_url).rstrip("/")

    @property
    def staff_url(self) -> str:
        """Where the back-office is, as staff reach it (no trailing slash)."""
        return (self.public_base_url or self.web_url).rstrip("/") + "/staff"

    @property
    def replica_ports(self) -> list[int]:
        """Where production mode's Rasa replicas listen, behind nginx."""
        return [self.rasa_port + i for i in range(1, self.rasa_replicas + 1)]

    @property
    def tls(self) -> bool:
        return bool(self.tls_certificate and self.tls_certificate_key)

    @property
    def public_url(self) -> str:
        """nginx's address in production mode, as visitors and staff reach it."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        if self.tls:
            return f"https://{self.nginx_host}:{self.nginx_tls_port}"
        return f"http://{self.nginx_host}:{self.nginx_port}"

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


def _tracker_store(root: Path, value: str) -> Path | str:
    """A database URL as given (PostgreSQL in production), anything else a SQLite file."""
    return value if "://" in value else root / value


def _lock_store(value: str) -> str | None:
    """Empty for Rasa's in-memory lock store, else a redis:// URL."""
    value = value.strip()
    if value and not value.startswith("redis://"):
        raise ValueError(f"LOCK_STORE_URL must be a redis:// URL or empty, got {value!r}")
    return value or None


SMS_PROVIDERS = ("off", "http")


def _sms_provider(env: Mapping[str, str]) -> str:
    """SMS_PROVIDER: off (the default) or http, which needs SMS_HTTP_URL."""
    value = (env.get("SMS_PROVIDER") or "off").strip().lower()
    if value not in SMS_PROVIDERS:
        raise ValueError(f"SMS_PROVIDER must be one of {', '.join(SMS_PROVIDERS)}, got {value!r}")
    url = (env.get("SMS_HTTP_URL") or "").strip()
    if value == "http" and not url.startswith(("http://", "https://")):
        raise ValueError("SMS_PROVIDER=http needs SMS_HTTP_URL, an http(s):// URL")
    return value


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
        tracker_store_db=_tracker_store(root, env.get("TRACKER_STORE_DB", "var/trackers.db")),
        lock_store_url=_lock_store(env.get("LOCK_STORE_URL", "")),
        nginx_host=env.get("NGINX_HOST", "127.0.0.1"),
        nginx_port=_port(env, "NGINX_PORT", 8080),
        nginx_tls_port=_port(env, "NGINX_TLS_PORT", 8443),
        server_name=env.get("SERVER_NAME", "_"),
        rasa_replicas=_whole(env, "RASA_REPLICAS", 2, 1, 16),
        production_dir=root / env.get("PRODUCTION_DIR", "var/prod"),
        tls_certificate=env.get("TLS_CERTIFICATE") or None,
        tls_certificate_key=env.get("TLS_CERTIFICATE_KEY") or None,
        forwarded_allow_ips=env.get("FORWARDED_ALLOW_IPS") or None,
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
        rasa_speedups=_flag(env, "RASA_SPEEDUPS", True),
        smtp_from=env.get("SMTP_FROM", "assistant@localhost"),
        action_server_secret=env.get("ACTION_SERVER_SECRET") or None,
        action_timeout_seconds=_whole(env, "ACTION_TIMEOUT_SECONDS", 8, 1, 300),
        chat_per_sender=_whole(env, "CHAT_LIMIT_PER_SENDER", 20, 1),
        chat_per_address=_whole(env, "CHAT_LIMIT_PER_ADDRESS", 60, 1),
        max_message_chars=_whole(env, "MAX_MESSAGE_CHARS", 2000, 1, MAX_REQUEST_BYTES // 8),
        max_message_words=_whole(env, "MAX_MESSAGE_WORDS", 600, 1, 2000),
        booking_link_secret=env.get("BOOKING_LINK_SECRET") or None,
        sms_provider=_sms_provider(env),
        sms_http_url=(env.get("SMS_HTTP_URL") or "").strip() or None,
        sms_http_token=env.get("SMS_HTTP_TOKEN") or None,
        notice_poll_seconds=_whole(env, "NOTICE_POLL_SECONDS", 30, 1, 3600),
    )
