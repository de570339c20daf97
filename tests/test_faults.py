"""Faults while visitors are mid-conversation, against the real processes: the action
server down, Rasa restarted, the leads database restarted. Each time the visitor gets an
answer (an apology with the phone at worst) and nothing they confirmed is lost.
docs/reliability.md lists them; production mode's (Redis, a replica) are in
tests/test_production_replicas.py.
"""

from __future__ import annotations

import os
import re
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from bot.processes.readiness import wait_until_up
from bot.settings import Settings, load_settings
from tests.databases import POSTGRES_SERVER, postgres_database
from tests.live import (
    STARTUP_SECONDS,
    environment,
    expected,
    latest_slots,
    process_urls,
    say,
    serve_one,
    stop,
)
from tests.visitors import texts

WIDGET = Path(__file__).resolve().parents[1] / "bot/web/static/widget/widget.js"
# how long the widget waits for a reply before marking the message "Not delivered"
WIDGET_TIMEOUT_SECONDS = int(re.search(r"TIMEOUT_MS = (\d+)", WIDGET.read_text())[1]) / 1000


@dataclass
class Deployment:
    """Rasa and the action server, each of which a test may stop and start again."""

    settings: Settings
    env: dict[str, str]
    tmp: Path
    root: Path
    processes: dict

    def start(self, name: str) -> None:
        self.processes[name] = serve_one(name, self.env, self.tmp, self.root)
        down = wait_until_up([process_urls(self.settings)[name]], STARTUP_SECONDS)
        assert not down, f"{name} not up again: {(self.tmp / f'{name}.log').read_text()[-3000:]}"

    def stop(self, name: str) -> None:
        stop(self.processes.pop(name))


def deployed(project_root: Path, tmp: Path, overrides: dict[str, str]) -> Iterator[Deployment]:
    env = environment(tmp, overrides)
    deployment = Deployment(load_settings(env, root=project_root), env, tmp, project_root, {})
    try:
        for name in ("actions", "rasa"):
            deployment.start(name)
        yield deployment
    finally:
        for process in deployment.processes.values():
            stop(process)


@pytest.fixture(scope="module")
def faulty(project_root, tmp_path_factory) -> Iterator[Deployment]:
    """Rasa and the action server on ports of their own, the leads in PostgreSQL."""
    for url in postgres_database():
        yield from deployed(
            project_root,
            tmp_path_factory.mktemp("faults"),
            {
                "RASA_PORT": "15205",
                "ACTION_PORT": "15255",
                "DATABASE_URL": url,
                "ACTION_TIMEOUT_SECONDS": "4",
            },
        )


def start_intake(settings: Settings, domain, clinic) -> str:
    sender = uuid.uuid4().hex
    first = say(settings, sender, "i have a herniated disc in my lower back")
    assert texts(first)[0] == expected(domain, clinic, "utter_intake_start")
    return sender


def test_action_server_down_apologises_with_the_phone_then_resumes(faulty, domain, clinic):
    settings = faulty.settings
    sender = start_intake(settings, domain, clinic)
    asked = texts(say(settings, sender, "no"))  # the next question
    faulty.stop("actions")
    try:
        replies = texts(say(settings, sender, "3 months"))
        assert replies == [expected(domain, clinic, "utter_action_failed")]
        assert clinic.phone in replies[0] and "911" in replies[0]
    finally:
        faulty.start("actions")
    # the same answer again, now that it is back: the intake goes on from that question
    assert "pain_duration" not in latest_slots(settings, sender)  # nothing half-kept
    again = texts(say(settings, sender, "3 months"))
    assert again and again[-1] != asked[-1]
    assert latest_slots(settings, sender)["pain_duration"]


def test_a_hung_action_server_is_an_apology_before_the_widget_gives_up(faulty, domain, clinic):
    """Accepting connections but answering nothing (stopped with SIGSTOP): after
    ACTION_TIMEOUT_SECONDS the visitor gets the apology, well within the widget's 20 s,
    so the widget never offers to send the message again; the answer is not kept, and
    once the server answers again the same question takes it."""
    settings = faulty.settings
    sender = start_intake(settings, domain, clinic)
    say(settings, sender, "no")  # asks how long the pain has lasted
    hung = faulty.processes["actions"].pid
    os.killpg(hung, signal.SIGSTOP)
    try:
        started = time.monotonic()
        replies = requests.post(
            f"{settings.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": "3 months"},
            timeout=WIDGET_TIMEOUT_SECONDS,
        ).json()
        waited = time.monotonic() - started
    finally:
        os.killpg(hung, signal.SIGCONT)
    assert texts(replies) == [expected(domain, clinic, "utter_action_failed")]
    assert waited >= settings.action_timeout_seconds  # it did wait for the action server
    assert "pain_duration" not in latest_slots(settings, sender)
    again = texts(say(settings, sender, "3 months"))
    assert again == [expected(domain, clinic, "utter_ask_pain_score")]
    assert latest_slots(settings, sender)["pain_duration"]


def test_rasa_restarted_mid_intake_resumes_the_form(faulty, domain, clinic):
    settings = faulty.settings
    sender = start_intake(settings, domain, clinic)
    say(settings, sender, "no")
    before = texts(say(settings, sender, "3 months"))[-1]  # the question now asked
    faulty.stop("rasa")
    faulty.start("rasa")
    after = texts(say(settings, sender, "6"))
    assert after[-1] != before  # the answer was taken: the next question, not a restart
    assert expected(domain, clinic, "utter_intake_start") not in after
    slots = latest_slots(settings, sender)
    assert slots.get("requested_slot") not in (None, "")


def terminate_connections(database_url: str) -> int:
    """What a PostgreSQL restart does to the app's connections: every one is cut."""
    name = sa.engine.make_url(database_url).database
    admin = sa.create_engine(POSTGRES_SERVER, future=True, poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as connection:
            return connection.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            ).scalar_one()
    finally:
        admin.dispose()


def leave_contact(settings: Settings, domain, clinic, name: str, phone: str) -> str:
    """A whole intake, consent and a phone number: the lead is saved at the end."""
    sender = start_intake(settings, domain, clinic)
    for answer in ["no", "3 months", "6", "none of these", "an mri last year", "physical therapy"]:
        say(settings, sender, answer)
    for agreement in ["/affirm", "/affirm", "/affirm"]:  # summary, consent, contact opt-in
        say(settings, sender, agreement)
    for answer in [name, phone, "call"]:
        say(settings, sender, answer)
    saved = texts(say(settings, sender, "morning"))
    assert saved[0].startswith(f"Thank you, {name}."), saved
    return sender


def test_leads_database_restarted_connections_recover(faulty, domain, clinic):
    settings = faulty.settings
    first = leave_contact(settings, domain, clinic, "Ana Before", "(312) 555-0176")
    assert terminate_connections(settings.database_url) >= 1  # the action server's pool
    second = leave_contact(settings, domain, clinic, "Ana After", "(312) 555-0177")
    engine = sa.create_engine(settings.database_url, future=True)
    try:
        with engine.connect() as connection:
            saved = (
                connection.execute(sa.text("SELECT conversation_id FROM leads ORDER BY id"))
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    assert saved == [first, second]
