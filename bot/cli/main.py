"""The ``bot`` command line: serving the processes, running Rasa, evaluating the NLU.

The leads database's groups (``db``, ``leads``, ``slots``, ``purge``) are in
bot/cli/data.py and the back-office accounts' (``users``) in bot/cli/users.py; each
module adds its own to ``main`` through its ``register``.
"""

from __future__ import annotations

import signal
import sys

import click

from bot.cli import data, users
from bot.processes import launch
from bot.settings import Settings, load_settings


@click.group()
def main() -> None:
    """Spine-clinic intake assistant."""


@main.group()
def serve() -> None:
    """Start one of the project's processes in the foreground (make run starts all)."""


@serve.command("rasa")
def serve_rasa() -> None:
    """The Rasa server: REST and socket.io channels; HTTP API only with RASA_AUTH_TOKEN."""
    settings = load_settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    launch.exec_process(
        launch.rasa_server_command(settings), launch.rasa_environment(settings), settings.root
    )


def _migrate_or_warn(settings: Settings) -> None:
    """Bring the leads database up to date; a server starts anyway when it is down."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.db.migrate import upgrade

    try:
        upgrade(settings.database_url)
    except SQLAlchemyError as error:
        click.echo(f"warning: leads database not migrated: {type(error).__name__}", err=True)


@serve.command("actions")
def serve_actions() -> None:
    """The rasa-sdk action server, on loopback unless ACTION_HOST says otherwise.

    The leads database is migrated first, so that the first lead can be saved. If it is
    unreachable the server starts anyway: conversations and alarms work, a lead that
    cannot be saved stays on its conversation for `bot leads recover`."""
    settings = load_settings()
    _migrate_or_warn(settings)
    launch.exec_process(
        launch.action_server_command(settings),
        launch.action_server_environment(settings),
        settings.root,
    )


@serve.command("web")
def serve_web() -> None:
    """The web app: the clinic's demo page and the staff back-office (the leads
    database is migrated first, as for the action server)."""
    import uvicorn

    from bot.web.server import APP, server_options

    settings = load_settings()
    _migrate_or_warn(settings)
    uvicorn.run(APP, **server_options(settings))


@serve.command("notices")
def serve_notices() -> None:
    """The notice scheduler: sends visitors' booking confirmations, reminders and
    change notices, each once (bot/notices/scheduler.py). SIGTERM or Ctrl-C stops it
    between two notices."""
    import logging
    import threading

    from bot.clinic.profile import load_clinic_profile
    from bot.db.session import session_factory
    from bot.notices.scheduler import Outbox
    from bot.notices.scheduler import serve as serve_scheduler

    settings = load_settings()
    _migrate_or_warn(settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    outbox = Outbox.from_settings(settings, load_clinic_profile(settings.clinic_profile))
    serve_scheduler(session_factory(settings.database_url), outbox, stop)


@serve.command("prod")
@click.option(
    "--create-databases",
    is_flag=True,
    help="Create the PostgreSQL databases of DATABASE_URL and TRACKER_STORE_DB if missing.",
)
def serve_prod(create_databases: bool) -> None:
    """Production mode: nginx in front of RASA_REPLICAS Rasa replicas (PostgreSQL
    tracker store, Redis lock store), the action server and the web app, under
    supervisord. Ctrl-C stops everything. It refuses to start with a placeholder or
    short secret (bot/production/secret_check.py)."""
    from bot.production.run import serve as serve_production

    sys.exit(serve_production(create_databases))


@main.command("check-validation")
@click.argument("log", type=click.Path(exists=True, dir_okay=False))
def check_validation(log: str) -> None:
    """Fail on any warning in a ``rasa data validate`` log except Rasa's known false
    positives (responses asked by forms or sent by actions, the faq retrieval intent)."""
    from pathlib import Path

    import yaml

    from bot.devtools.data_check import check_validate_log

    settings = load_settings()
    domain = yaml.safe_load((settings.root / "domain.yml").read_text(encoding="utf-8"))
    unexpected = check_validate_log(Path(log), domain, settings.root)
    for message in unexpected:
        click.echo(f"warning: {message}", err=True)
    if unexpected:
        click.echo(f"rasa data validate reported {len(unexpected)} warning(s)", err=True)
        sys.exit(1)
    click.echo("rasa data validate: no warnings")


@main.command("audit")
@click.option(
    "--lock",
    default="requirements.lock",
    show_default=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The hashed lock file to audit.",
)
@click.option(
    "--ignore-file",
    default="audit-ignore.yml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Accepted vulnerabilities, each with an id and a reason.",
)
def audit_dependencies(lock: str, ignore_file: str) -> None:
    """Dependency audit (pip-audit over the lock file): fails on a vulnerability the
    ignore file does not accept, and when pip-audit could not check the dependencies
    (its service unreachable) unless AUDIT_OFFLINE_OK=1; never reports that as clean."""
    import os
    from pathlib import Path

    from bot.devtools.audit import OFFLINE_VARIABLE, audit

    # the uv that installed the venv (make install puts it there)
    uv = str(Path(sys.executable).with_name("uv"))
    try:
        status, lines = audit(
            uv, Path(lock), Path(ignore_file), os.environ.get(OFFLINE_VARIABLE) == "1"
        )
    except ValueError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    for line in lines:
        click.echo(line, err=not line.startswith("dependency audit: "))
    sys.exit(status)


@main.command("wait-ready")
@click.option("--timeout", default=600.0, show_default=True, help="Seconds to wait.")
def wait_ready(timeout: float) -> None:
    """Wait until Rasa, the actions and the web app answer, print the URLs, then idle.

    It stays alive afterwards because honcho stops every process when one exits.
    """
    from bot.processes.readiness import health_urls, ready_banner, wait_until_up

    settings = load_settings()
    down = wait_until_up(health_urls(settings).values(), deadline_seconds=timeout)
    if down:
        click.echo(f"not ready after {timeout:.0f}s: {', '.join(down)}", err=True)
        sys.exit(1)
    click.echo(ready_banner(settings))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        signal.pause()


@main.command(
    "rasa",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def rasa(args: tuple[str, ...]) -> None:
    """Run any ``rasa`` sub-command with the project's environment (endpoints.yml needs it)."""
    settings = load_settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    launch.exec_process(
        launch.rasa_command(list(args)), launch.rasa_environment(settings), settings.root
    )


@main.command("nlu-eval")
@click.option("--model", "model_path", required=True, type=click.Path(exists=True))
@click.option("--data", "data_path", required=True, type=click.Path(exists=True))
@click.option("--min-f1", default=0.90, show_default=True, help="Fail below this macro-F1.")
@click.option("--entity", "entities", multiple=True, help="Also score this entity's values.")
@click.option("--min-entity-f1", default=0.90, show_default=True, help="Fail below this.")
@click.option("--report", type=click.Path(), help="Write the per-intent report as JSON here.")
def nlu_eval(
    model_path: str,
    data_path: str,
    min_f1: float,
    entities: tuple[str, ...],
    min_entity_f1: float,
    report: str | None,
) -> None:
    """Intent macro-F1 (and entity F1) of a trained model on a held-out NLU set."""
    from bot.devtools.nlu_eval import evaluate_model, format_report, write_report

    result = evaluate_model(model_path, data_path, entities)
    click.echo(format_report(result))
    if report:
        write_report(result, report)
    failures = []
    if result.macro_f1 < min_f1:
        failures.append(f"intent macro-F1 {result.macro_f1:.3f} is below {min_f1:.2f}")
    failures += [
        f"entity {e.entity} F1 {e.f1:.3f} is below {min_entity_f1:.2f}"
        for e in result.entities
        if e.f1 < min_entity_f1
    ]
    if failures:
        click.echo("FAIL: " + "; ".join(failures), err=True)
        sys.exit(1)
    click.echo(f"OK: intent macro-F1 {result.macro_f1:.3f} (minimum {min_f1:.2f})")


@main.command("safety-eval")
@click.option("--model", "model_path", required=True, type=click.Path(exists=True))
@click.option("--data", "data_path", required=True, type=click.Path(exists=True))
@click.option("--max-false-alarms", default=0.05, show_default=True)
def safety_eval(model_path: str, data_path: str, max_false_alarms: float) -> None:
    """Alarm recall and false alarms on the safety set; emergency and crisis must be 100%."""
    from bot.devtools.nlu_eval import evaluate_safety, format_safety_report

    result = evaluate_safety(model_path, data_path)
    click.echo(format_safety_report(result))
    failures = [
        f"{level} recall {result.recall.get(level, 0.0):.1%} is not 100%"
        for level in ("emergency", "crisis")
        if result.recall.get(level, 0.0) < 1.0
    ]
    if result.false_alarm_rate > max_false_alarms:
        failures.append(f"false alarms {result.false_alarm_rate:.1%} above {max_false_alarms:.0%}")
    if failures:
        click.echo("FAIL: " + "; ".join(failures), err=True)
        sys.exit(1)
    click.echo("OK: every emergency and crisis caught; false alarms within the limit")


data.register(main)
users.register(main)
