"""`bot serve prod`: check the settings, write the configuration, run supervisord in the
foreground until Ctrl-C, and say when everything answers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.db.rasa_events import tracker_store_url
from bot.processes.readiness import wait_until_up
from bot.production.secret_check import weak_secrets
from bot.production.topology import (
    Layout,
    Program,
    find_nginx,
    problems,
    production_environment,
    write_configuration,
)
from bot.settings import Settings, load_settings

STARTUP_SECONDS = 600


def ensure_postgres_database(url: str) -> bool:
    """Create the database named in ``url`` when missing (True if it was created).

    Connects to the server's ``postgres`` database to do it, so the role needs CREATEDB.
    """
    target = make_url(url)
    admin = sa.create_engine(
        target.set(database="postgres"),
        future=True,
        isolation_level="AUTOCOMMIT",
        poolclass=sa.pool.NullPool,
    )
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            ).first()
            if exists:
                return False
            quoted = connection.dialect.identifier_preparer.quote(target.database)
            connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
            return True
    finally:
        admin.dispose()


def health_urls(settings: Settings) -> dict[str, str]:
    """What answers once production mode is ready: nginx (to the web app), each
    replica, the action server."""
    urls = {"nginx -> web app": f"{settings.public_url}/healthz"}
    for index, port in enumerate(settings.replica_ports, start=1):
        urls[f"Rasa replica {index}"] = f"http://{settings.rasa_host}:{port}/"
    urls["action server"] = f"{settings.action_url}/health"
    return urls


def banner(settings: Settings, layout: Layout) -> str:
    public = settings.public_url
    return "\n".join(
        [
            "",
            "Production mode is ready (nginx is the only entry point):",
            f"  demo page          {public}/",
            f"  staff back-office  {public}/staff",
            f"  chat over REST     {public}/webhooks/rest/webhook"
            f"  ({settings.rasa_replicas} Rasa replicas)",
            f"  logs               {layout.log_dir}",
            f"  processes          supervisorctl -c {layout.supervisord_conf} status",
            "Press Ctrl-C to stop everything.",
            "",
        ]
    )


def start_held_back(settings: Settings, layout: Layout, processes: list[Program]) -> None:
    """Once the first replica answers (or has had its time), start the programs that
    supervisord holds back (the other replicas), so the chat answers as early as it can
    and the other replicas do not slow the first one down."""
    held_back = [p.name for p in processes if not p.autostart]
    if not held_back:
        return
    first = health_urls(settings)["Rasa replica 1"]
    wait_until_up([first], STARTUP_SECONDS)
    supervisorctl = str(Path(sys.executable).with_name("supervisorctl"))
    subprocess.run(
        [supervisorctl, "-c", str(layout.supervisord_conf), "start", *held_back],
        check=False,
        stdout=subprocess.DEVNULL,
    )


def serve(create_databases: bool) -> int:
    """Run production mode in the foreground; the exit status of supervisord."""
    env = production_environment(load_settings(), dict(os.environ))
    settings = load_settings(env)
    nginx = find_nginx()
    found = problems(settings, nginx) + weak_secrets(settings)
    if found:
        for problem in found:
            print(f"production mode: {problem}", file=sys.stderr)
        return 2
    assert nginx is not None
    if create_databases:
        for url in (settings.database_url, tracker_store_url(settings.tracker_store_db)):
            if ensure_postgres_database(url):
                print(f"created database {make_url(url).database}", file=sys.stderr)
    from bot.db.migrate import upgrade

    upgrade(settings.database_url)
    layout = Layout(settings.production_dir or settings.var_dir / "prod")
    processes = write_configuration(settings, nginx, layout)
    checked = subprocess.run(
        [nginx, "-t", "-q", "-p", str(layout.base), "-c", str(layout.nginx_conf)],
        capture_output=True,
        text=True,
    )
    if checked.returncode != 0:
        print(f"nginx refused {layout.nginx_conf}:\n{checked.stderr}", file=sys.stderr)
        return 2
    supervisord = str(Path(sys.executable).with_name("supervisord"))
    process = subprocess.Popen([supervisord, "-n", "-c", str(layout.supervisord_conf)], env=env)

    def stop(signum: int, _frame: object) -> None:
        process.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    start_held_back(settings, layout, processes)
    down = wait_until_up(health_urls(settings).values(), STARTUP_SECONDS)
    if process.poll() is None:
        if down:
            print(f"not ready after {STARTUP_SECONDS}s: {', '.join(down)}", file=sys.stderr)
        else:
            print(banner(settings, layout), flush=True)
    return process.wait()
