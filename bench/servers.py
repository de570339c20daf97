"""Starting and stopping each set-up the bench measures, and timing its cold start.

Processes are started as `make run` (or `bot serve prod`) starts them, through tests/live.py,
on the bench's own ports, each set-up with fresh databases, one set-up at a time. The one
exception is set-up (d), plain Rasa: the stock model served by the installed Rasa's own
`rasa run`, as Rasa's users run it, with files generated for it (plain_rasa_files()).
"""

from __future__ import annotations

import math
import os
import secrets
import signal
import socket
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import psycopg2
import requests
import yaml
from sqlalchemy.engine import make_url

from bench.metrics import find_pids, listening_pids
from bot.processes.action_auth import authorisation, shared_secret
from bot.processes.readiness import health_urls, wait_until_up
from bot.settings import Settings, load_settings
from tests.databases import POSTGRES_SERVER
from tests.live import UNLIMITED, start, stop
from tests.visitors import BOT, bot

STARTUP_SECONDS = 900
REDIS_LOCK_STORE = "redis://127.0.0.1:6379/12"
RASA_MARKERS = ("rasa", "run")
ACTION_MARKERS = ("bot.processes.action_server",)
SLOT_TIMES = ("09:00", "11:00", "14:30", "16:00")
REST_PATH = "/webhooks/rest/webhook"


class SetupUnavailableError(RuntimeError):
    """The set-up cannot run on this checkout (production mode not built yet)."""


@dataclass(frozen=True)
class Ports:
    """Away from the tests' (15005-18000) and `make run`'s (5005, 5055, 8000)."""

    rasa: int = 25005
    actions: int = 25055
    web: int = 28000
    nginx: int = 28080
    nginx_tls: int = 28443


@dataclass(frozen=True)
class SetupSpec:
    """One way of serving a model."""

    key: str
    title: str
    model: str  # the trained model's name: project or stock
    production: bool = False  # `bot serve prod`: nginx, replicas, PostgreSQL, Redis
    postgres_trackers: bool = False  # one Rasa process with a PostgreSQL tracker store
    plain_rasa: bool = False  # the installed Rasa's own `rasa run`: no patches, no plugins but NLG


SETUPS = {
    "a": SetupSpec("a", "(a) project", "project"),
    "b": SetupSpec("b", "(b) project prod", "project", production=True),
    "c": SetupSpec("c", "(c) stock", "stock"),
    "d": SetupSpec("d", "(d) plain Rasa", "stock", plain_rasa=True),
}
STORE_SETUP = SetupSpec("store", "project, PostgreSQL trackers", "project", postgres_trackers=True)


@dataclass
class Deployment:
    """A running set-up: where visitors chat, and how to find its processes."""

    spec: SetupSpec
    settings: Settings
    chat_url: str
    cold_start_seconds: float
    rasa_ports: tuple[int, ...]

    def rasa_pids(self) -> list[int]:
        """The Rasa server processes (one, or one per replica)."""
        return [pid for port in self.rasa_ports for pid in find_pids(port, RASA_MARKERS)]

    def action_pids(self) -> list[int]:
        """The action server process(es)."""
        return find_pids(self.settings.action_port, ACTION_MARKERS)

    def web_pids(self) -> list[int]:
        """The web app process(es): found by the port they listen on, since `bot serve
        web` runs uvicorn with no port on its command line."""
        return listening_pids(self.settings.web_port)

    @property
    def tracker_url(self) -> str:
        """The tracker store as a URL (PostgreSQL for the stored-conversations growth)."""
        return str(self.settings.tracker_store_db)


# ---- databases


def _admin(statement: str) -> None:
    """One statement on the server's maintenance database, outside a transaction (as
    CREATE/DROP DATABASE need)."""
    connection = psycopg2.connect(POSTGRES_SERVER, connect_timeout=5)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@contextmanager
def postgres_database(name: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one set-up, dropped afterwards."""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def add_slots(settings: Settings, bookings: int) -> None:
    """Enough free review times for every booking visitor (plus the three offered)."""
    weeks = max(1, math.ceil((bookings + 10) / len(SLOT_TIMES)))
    day = date.today() + timedelta(days=2)
    for at in SLOT_TIMES:
        bot(settings, "slots", "add", "--at", f"{day} {at}", "--weekly", str(weeks))


# ---- plain Rasa, set-up (d)


def plain_rasa_endpoints(settings: Settings, project_endpoints: Path) -> dict[str, object]:
    """endpoints.yml for plain Rasa: Rasa's own SQL tracker store on a SQLite file, Rasa's
    default (in-memory) lock store, and the project's action server with the secret it
    demands (bot/processes/action_auth.py).

    The response generator stays the project's (bot/rasa_plugins/nlg.py), the one
    extension point kept: domain.yml's responses say ``{clinic_phone}`` and the like, which
    Rasa's templated generator would send as they are, logging an exception with a
    traceback for each, so the bench would time an artefact of this domain instead of Rasa.
    Its module imports no patch (tests/bench/test_servers.py checks)."""
    project = yaml.safe_load(project_endpoints.read_text(encoding="utf-8"))
    action_endpoint = {
        **project["action_endpoint"],
        "url": f"{settings.action_url}/webhook",
        "headers": {"Authorization": authorisation(shared_secret(settings))},
    }
    return {
        "action_endpoint": action_endpoint,
        "nlg": project["nlg"],
        "tracker_store": {
            "type": "SQL",
            "dialect": "sqlite",
            "db": str(Path(settings.tracker_store_db).resolve()),
        },
    }


# Rasa's own REST channel, at the same /webhooks/rest/webhook as the project's
PLAIN_CREDENTIALS: dict[str, object] = {"rest": None}


def plain_rasa_files(settings: Settings, run_dir: Path) -> tuple[Path, Path]:
    """Write plain Rasa's credentials.yml and endpoints.yml in ``run_dir``."""
    credentials, endpoints = run_dir / "credentials.yml", run_dir / "endpoints.yml"
    credentials.write_text(yaml.safe_dump(PLAIN_CREDENTIALS), encoding="utf-8")
    content = plain_rasa_endpoints(settings, settings.root / "endpoints.yml")
    endpoints.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return credentials, endpoints


def plain_rasa_command(
    settings: Settings, model: Path, credentials: Path, endpoints: Path
) -> list[str]:
    """The installed Rasa's own ``rasa run`` (the venv's console script, not
    bot/processes/rasa_runtime.py, so no patch is installed), with the same model, address
    and port as `bot serve rasa` would get, and like it no HTTP API without a token."""
    return [
        str(Path(sys.executable).with_name("rasa")), "run",
        "--model", str(model),
        "--interface", settings.rasa_host,
        "--port", str(settings.rasa_port),
        "--credentials", str(credentials),
        "--endpoints", str(endpoints),
    ]  # fmt: skip


def plain_rasa_environment(env: dict[str, str]) -> dict[str, str]:
    """The set-up's environment with what every Rasa of the bench gets: no telemetry
    (it would try to reach the internet) and the same Sanic keep-alive as `bot serve`
    (bot/processes/launch.py), so that (c) and (d) differ in Rasa's code and plugins,
    not in how the bench's client connections are closed."""
    return {
        **env,
        "RASA_TELEMETRY_ENABLED": "false",
        "SANIC_KEEP_ALIVE_TIMEOUT": env.get("SANIC_KEEP_ALIVE_TIMEOUT", "75"),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }


# ---- processes


def production_available() -> bool:
    """True once `bot serve prod` exists in this checkout."""
    from bot.cli.main import serve

    return "prod" in serve.commands


def _log_tail(path: Path, chars: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def first_answer(
    url: str, started: float, watched: Sequence[tuple[object, Path]], deadline: float
) -> float:
    """Seconds from ``started`` to the first 200 with a non-empty reply to a message,
    polled; fails at once if a watched process exits."""
    end = started + deadline
    while time.monotonic() < end:
        for process, log in watched:
            if process.poll() is not None:  # type: ignore[attr-defined]
                raise RuntimeError(f"{log.name} exited early:\n{_log_tail(log)}")
        try:
            response = requests.post(
                url, json={"sender": "bench-cold-start", "message": "hi"}, timeout=60
            )
            if response.status_code == 200 and response.json():
                return time.monotonic() - started
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"no answer from {url} after {deadline:.0f}s")


def settle(url: str, in_a_row: int = 10, deadline: float = 120.0) -> None:
    """Wait until ``in_a_row`` messages in a row are answered: nginx takes a replica
    that refused connections while starting out of rotation for a while (per worker),
    and the load must start on a set-up in its steady state."""
    end, answered = time.monotonic() + deadline, 0
    while answered < in_a_row:
        if time.monotonic() > end:
            raise RuntimeError(f"{url} still failing {deadline:.0f}s after starting")
        try:
            response = requests.post(
                url, json={"sender": "bench-settle", "message": "hi"}, timeout=60
            )
            answered = answered + 1 if response.status_code == 200 else 0
        except requests.RequestException:
            answered = 0
        if not answered:
            time.sleep(0.5)


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _free_ports(ports: Ports, replicas: int, seconds: float = 60.0) -> None:
    """Wait for the set-up's ports to close, so that the next one can listen; end any
    Rasa or action server of ours still on them (a replica supervisord left behind)."""
    rasa_ports = [ports.rasa + i for i in range(replicas + 1)]
    every = [*rasa_ports, ports.actions, ports.web, ports.nginx]
    end = time.monotonic() + seconds
    while any(_port_open(p) for p in every) and time.monotonic() < end:
        time.sleep(0.5)
    leftovers = [pid for port in rasa_ports for pid in find_pids(port, RASA_MARKERS)]
    leftovers += find_pids(ports.actions, ACTION_MARKERS)
    for pid in leftovers:
        os.kill(pid, signal.SIGTERM)


def environment(
    spec: SetupSpec, model: Path, ports: Ports, run_dir: Path, databases: dict[str, str]
) -> dict[str, str]:
    """The variables `bot serve ...` reads, for this set-up."""
    env = {
        **os.environ,
        "RASA_MODEL": str(model),
        "RASA_PORT": str(ports.rasa),
        "ACTION_PORT": str(ports.actions),
        "WEB_PORT": str(ports.web),
        "NGINX_PORT": str(ports.nginx),
        "NGINX_TLS_PORT": str(ports.nginx_tls),
        # production mode's generated nginx/supervisord files and logs: never var/prod's
        "PRODUCTION_DIR": str(run_dir / "prod"),
        "DATABASE_URL": databases.get("leads", f"sqlite:///{run_dir / 'leads.db'}"),
        "TRACKER_STORE_DB": databases.get("trackers", str(run_dir / "trackers.db")),
        "LOCK_STORE_URL": REDIS_LOCK_STORE if spec.production else "",
        # all simulated visitors come from 127.0.0.1: no per-address or per-sender limit
        **UNLIMITED,
        # production mode requires one; the embedded set-ups would generate their own
        "ACTION_SERVER_SECRET": secrets.token_urlsafe(32),
    }
    inherited = ["RASA_AUTH_TOKEN", "CORS_ORIGINS", "PROJECT_ROOT", "RASA_REPLICAS"]
    inherited += ["PUBLIC_RASA_URL", "PUBLIC_BASE_URL", "TLS_CERTIFICATE", "TLS_CERTIFICATE_KEY"]
    for name in inherited:
        env.pop(name, None)
    return env


@contextmanager
def deploy(
    spec: SetupSpec,
    model: Path,
    root: Path,
    work_dir: Path,
    log_dir: Path,
    bookings: int,
    ports: Ports = Ports(),  # noqa: B008 - frozen, never changed
    replicas: int = 2,
) -> Iterator[Deployment]:
    """Start ``spec`` with ``model`` on fresh databases, time its cold start, and stop
    everything (and drop the databases) afterwards."""
    if spec.production and not production_available():
        raise SetupUnavailableError("`bot serve prod` is not in this checkout yet")
    run_dir = work_dir / spec.key
    run_dir.mkdir(parents=True, exist_ok=True)
    for stale in run_dir.glob("*.db"):
        stale.unlink()
    log_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        databases: dict[str, str] = {}
        prefix = f"bench_{spec.key}_{os.getpid()}"
        if spec.production:
            databases["leads"] = stack.enter_context(postgres_database(f"{prefix}_leads"))
        if spec.production or spec.postgres_trackers:
            databases["trackers"] = stack.enter_context(postgres_database(f"{prefix}_trackers"))
        env = environment(spec, model, ports, run_dir, databases)
        if spec.production:
            env["RASA_REPLICAS"] = str(replicas)
        settings = load_settings(env, root=root)
        bot(settings, "db", "upgrade")
        add_slots(settings, bookings)
        stack.callback(_free_ports, ports, replicas)

        def launch(
            name: str, command: list[str] | None = None, with_env: dict[str, str] | None = None
        ) -> tuple[object, Path]:
            """`bot serve <name>`, or ``command``, logged to <key>-<name>.log."""
            log = log_dir / f"{spec.key}-{name}.log"
            process = start(command or [BOT, "serve", name], with_env or env, log, root)
            stack.callback(stop, process)
            return process, log

        if spec.production:
            from bot.production.run import health_urls as production_health_urls

            chat_url = f"{settings.public_url}{REST_PATH}"
            rasa_ports = tuple(settings.replica_ports)
            started = time.monotonic()
            watched = [launch("prod")]
            cold_start = first_answer(chat_url, started, watched, STARTUP_SECONDS)
            health = list(production_health_urls(settings).values())
        else:
            chat_url = f"{settings.rasa_url}{REST_PATH}"
            rasa_ports = (settings.rasa_port,)
            urls = health_urls(settings)
            helpers = [launch("actions"), launch("web")]
            down = wait_until_up([urls["action server"], urls["web app"]], STARTUP_SECONDS)
            if down:
                raise RuntimeError(f"not up: {down}; logs in {log_dir}")
            rasa_command, rasa_env = None, None
            if spec.plain_rasa:
                files = plain_rasa_files(settings, run_dir)
                rasa_command = plain_rasa_command(settings, model, *files)
                rasa_env = plain_rasa_environment(env)
            started = time.monotonic()
            watched = [*helpers, launch("rasa", rasa_command, rasa_env)]
            cold_start = first_answer(chat_url, started, watched, STARTUP_SECONDS)
            health = [urls["Rasa server"]]
        down = wait_until_up(health, STARTUP_SECONDS)
        if down:
            raise RuntimeError(f"not up: {down}; logs in {log_dir}")
        settle(chat_url)
        yield Deployment(spec, settings, chat_url, cold_start, rasa_ports)
