"""Real servers for the tests that talk to them: started as `make run` starts them.

Fixtures that use these are in tests/conftest.py (``servers``, ``secured_rasa``).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rasa.core.nlg.interpolator import interpolate_text

from bot.processes.readiness import health_urls, wait_until_up
from bot.settings import Settings, load_settings

STARTUP_SECONDS = 300
# Every test conversation comes from 127.0.0.1, many at once: the REST channel's limits
# per sender and per address would refuse them. The limits have tests of their own.
UNLIMITED = {"CHAT_LIMIT_PER_SENDER": "1000000", "CHAT_LIMIT_PER_ADDRESS": "1000000"}


def start(command: list[str], env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def environment(tmp: Path, overrides: dict[str, str]) -> dict[str, str]:
    """The variables of a test deployment: its own databases under ``tmp``."""
    env = {
        **os.environ,
        "TRACKER_STORE_DB": str(tmp / "trackers.db"),
        # never the developer's var/leads.db
        "DATABASE_URL": f"sqlite:///{tmp / 'leads.db'}",
        **UNLIMITED,
        **overrides,
    }
    for name in ("RASA_AUTH_TOKEN", "CORS_ORIGINS"):
        if name not in overrides:
            env.pop(name, None)
    return env


def process_urls(settings: Settings) -> dict[str, str]:
    """Each `bot serve` process's health URL, by process name."""
    names = ["rasa", "actions", "web"]
    return dict(zip(names, health_urls(settings).values(), strict=True))


def serve_one(name: str, env: dict[str, str], tmp: Path, project_root: Path) -> subprocess.Popen:
    """`bot serve <name>`, its output appended to ``tmp/<name>.log``."""
    bot = str(Path(sys.executable).with_name("bot"))
    return start([bot, "serve", name], env, tmp / f"{name}.log", project_root)


def serve(
    project_root: Path, tmp: Path, overrides: dict[str, str], processes: list[str]
) -> Iterator[Settings]:
    """Start `bot serve <process>` for each process, as `make run` does, and wait for them."""
    env = environment(tmp, overrides)
    settings = load_settings(env, root=project_root)
    if not settings.model_path.exists():
        pytest.fail(f"no trained model at {settings.model_path}: run `make train` first")
    started = [serve_one(name, env, tmp, project_root) for name in processes]
    urls = process_urls(settings)
    try:
        down = wait_until_up([urls[name] for name in processes], STARTUP_SECONDS)
        if down:
            logs = "\n".join(p.read_text()[-3000:] for p in tmp.glob("*.log"))
            pytest.fail(f"servers not up after {STARTUP_SECONDS}s: {down}\n{logs}")
        yield settings
    finally:
        for process in started:
            stop(process)


def say(settings: Settings, sender: str, text: str, **headers: str) -> list[dict]:
    response = requests.post(
        f"{settings.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        headers=headers,
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()


def expected(domain, clinic, name: str) -> str:
    (variation,) = domain.responses[name]
    return interpolate_text(variation["text"], clinic.response_variables())


def serve_production(
    project_root: Path, tmp: Path, overrides: dict[str, str]
) -> Iterator[Settings]:
    """`bot serve prod` (nginx, two Rasa replicas, actions, web under supervisord) with
    fresh PostgreSQL databases for the leads and the trackers, and Redis db 5 for the
    locks; yields the settings (``public_url`` is nginx). Skipped when nginx or Redis is
    missing, unless REQUIRE_PRODUCTION=1 (.ci/run) makes that a failure."""
    import redis

    from bot.production.run import health_urls
    from bot.production.topology import find_nginx
    from tests.databases import postgres_database

    redis_url = "redis://127.0.0.1:6379/5"
    missing = None if find_nginx() else "nginx is not installed (make nginx)"
    try:
        redis.Redis.from_url(redis_url, socket_timeout=3).flushdb()
    except redis.RedisError as error:
        missing = missing or f"Redis not reachable at {redis_url}: {error}"
    if missing:
        if os.environ.get("REQUIRE_PRODUCTION") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    for leads_url in postgres_database():
        for trackers_url in postgres_database():
            env = {
                **os.environ,
                "DATABASE_URL": leads_url,
                "TRACKER_STORE_DB": trackers_url,
                "LOCK_STORE_URL": redis_url,
                "PRODUCTION_DIR": str(tmp / "prod"),
                "ACTION_SERVER_SECRET": secrets.token_urlsafe(32),
                **UNLIMITED,
                **overrides,
            }
            for name in ("RASA_AUTH_TOKEN", "CORS_ORIGINS", "PUBLIC_BASE_URL", "PUBLIC_RASA_URL"):
                env.pop(name, None)
            settings = load_settings(env, root=project_root)
            bot = str(Path(sys.executable).with_name("bot"))
            process = start([bot, "serve", "prod"], env, tmp / "serve-prod.log", project_root)
            try:
                down = wait_until_up(health_urls(settings).values(), STARTUP_SECONDS)
                if down:
                    logs = "\n".join(
                        p.read_text()[-2000:] for p in sorted((tmp / "prod" / "logs").glob("*"))
                    )
                    pytest.fail(f"production mode not up after {STARTUP_SECONDS}s: {down}\n{logs}")
                yield settings
            finally:
                stop(process)


def log_file(settings: Settings, process: str) -> Path:
    """The log `serve` wrote for one process: in its temporary directory, next to the
    tracker store it chose there."""
    return Path(settings.tracker_store_db).parent / f"{process}.log"


def latest_slots(settings: Settings, sender: str) -> dict:
    """Each slot's last value in a conversation, from the SQL tracker store."""
    with sqlite3.connect(settings.tracker_store_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot' ORDER BY id",
            (sender,),
        ).fetchall()
    slots: dict = {}
    for (data,) in rows:
        event = json.loads(data)
        slots[event["name"]] = event["value"]
    return slots
