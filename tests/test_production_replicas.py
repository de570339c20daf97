"""Production mode against the real services: nginx spreading every conversation's
messages across two Rasa replicas that share a PostgreSQL tracker store and a Redis lock
store. Nothing is lost, duplicated or reordered, every conversation makes one lead, and
a replica killed mid-run costs no conversation: nginx hands its messages to the other
while supervisord restarts it."""

from __future__ import annotations

import json
import os
import re
import signal
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import requests
import sqlalchemy as sa

from bot.db.rasa_events import EVENTS, events_connection
from bot.settings import Settings
from tests import live
from tests.visitors import add_review_slots

CONVERSATIONS = 50


@pytest.fixture(scope="module")
def production(project_root, tmp_path_factory) -> Iterator[Settings]:
    yield from live.serve_production(
        project_root,
        tmp_path_factory.mktemp("production"),
        {
            "NGINX_PORT": "18080",
            "RASA_PORT": "15100",  # replicas on 15101 and 15102
            "ACTION_PORT": "15155",
            "WEB_PORT": "18100",
        },
    )


@dataclass
class Visitor:
    """One simulated visitor: what they sent, in order, and what went wrong."""

    index: int
    sender: str = field(default_factory=lambda: f"replica-test-{uuid.uuid4().hex}")
    sent: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """A name of letters only (a name with digits is asked again): 12 -> "Visitor Bc"."""
        return "Visitor " + "".join(chr(ord("a") + int(d)) for d in str(self.index)).title()

    def say(self, settings: Settings, text: str) -> list[dict]:
        self.sent.append(text)
        try:
            response = requests.post(
                f"{settings.public_url}/webhooks/rest/webhook",
                json={"sender": self.sender, "message": text},
                timeout=150,
            )
        except requests.RequestException as error:
            self.failures.append(f"{text!r}: {error}")
            return []
        if response.status_code != 200 or not response.json():
            self.failures.append(f"{text!r}: {response.status_code} {response.text[:200]}")
            return []
        return response.json()


def intake_and_lead(settings: Settings, visitor: Visitor) -> None:
    """A question, the whole intake, consent and contact: the lead is saved."""
    number = f"(312) 555-{100 + visitor.index:04d}"
    script = [
        "how long does duloxetine take to work for back pain",
        "i have a herniated disc in my lower back",
        "no",
        "3 months",
        "6",
        "none of these",
        "an mri last year",
        "physical therapy",
        "/affirm",
        "/affirm",
        "/affirm",
        visitor.name,
        number,
        "call",
        "morning",
    ]
    for text in script:
        visitor.say(settings, text)


def run_visitors(settings: Settings, visitors: list[Visitor]) -> None:
    with ThreadPoolExecutor(max_workers=len(visitors)) as pool:
        for done in [pool.submit(intake_and_lead, settings, v) for v in visitors]:
            done.result()


def user_texts(settings: Settings, sender: str) -> list[str]:
    """The visitor's messages as the shared tracker store kept them, in order."""
    query = (
        sa.select(EVENTS.c.type_name, EVENTS.c.data)
        .where(EVENTS.c.sender_id == sender)
        .order_by(EVENTS.c.id)
    )
    with events_connection(settings.tracker_store_db) as connection:
        rows = connection.execute(query).all()
    texts = []
    for type_name, data in rows:
        if type_name == "user":
            texts.append(json.loads(data)["text"])
    return texts


def answered_by(settings: Settings, log_start: int) -> Counter:
    """Which replica answered the chat messages logged after ``log_start`` bytes."""
    log = settings.production_dir / "logs" / "nginx-access.log"
    with log.open() as lines:
        lines.seek(log_start)
        chat = [line for line in lines if "/webhooks/rest/webhook" in line]
    return Counter(
        match.group(1)
        for line in chat
        if (match := re.search(r"upstream=(?:\S+, )*(127\.0\.0\.1:\d+) ", line))
    )


def log_size(settings: Settings) -> int:
    return (settings.production_dir / "logs" / "nginx-access.log").stat().st_size


def lead_conversations(settings: Settings) -> Counter:
    engine = sa.create_engine(settings.database_url, future=True, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            ids = connection.execute(sa.text("SELECT conversation_id FROM leads")).scalars()
            return Counter(ids)
    finally:
        engine.dispose()


def assert_kept_exactly(settings: Settings, visitors: list[Visitor]) -> None:
    for visitor in visitors:
        assert visitor.failures == [], f"visitor {visitor.index}: {visitor.failures}"
        assert user_texts(settings, visitor.sender) == visitor.sent, visitor.sender
    leads = lead_conversations(settings)
    for visitor in visitors:
        assert leads[visitor.sender] == 1, f"visitor {visitor.index} has {leads[visitor.sender]}"


def test_fifty_conversations_across_two_replicas_keep_every_turn(production):
    add_review_slots(production)
    start = log_size(production)
    visitors = [Visitor(i) for i in range(CONVERSATIONS)]
    run_visitors(production, visitors)
    assert_kept_exactly(production, visitors)
    replicas = answered_by(production, start)
    total = sum(replicas.values())
    assert total >= CONVERSATIONS * 15
    ports = {f"127.0.0.1:{port}" for port in production.replica_ports}
    assert set(replicas) == ports
    # the less busy replica takes each message: both answered a good share of them
    assert min(replicas.values()) >= total * 0.3, replicas


def bot_texts(settings: Settings, sender: str) -> list[str]:
    """The assistant's replies as the shared tracker store kept them, in order."""
    query = (
        sa.select(EVENTS.c.data)
        .where(EVENTS.c.sender_id == sender, EVENTS.c.type_name == "bot")
        .order_by(EVENTS.c.id)
    )
    with events_connection(settings.tracker_store_db) as connection:
        return [json.loads(data)["text"] for data in connection.execute(query).scalars()]


def test_a_message_retried_on_the_other_replica_is_answered_once(production):
    """What nginx does when a replica dies after saving a turn, before answering: the
    same request (same X-Request-ID) goes to the other replica."""
    sender = f"retry-test-{uuid.uuid4().hex}"
    request_id = uuid.uuid4().hex
    text = "i have a herniated disc in my lower back"
    answers = [
        requests.post(
            f"http://127.0.0.1:{port}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            headers={"X-Request-ID": request_id},
            timeout=60,
        )
        for port in production.replica_ports
    ]
    assert [a.status_code for a in answers] == [200, 200]
    first, retried = (a.json() for a in answers)
    assert first and retried == first
    assert user_texts(production, sender) == [text]
    assert bot_texts(production, sender) == [reply["text"] for reply in first]
    # the conversation goes on from there: the next answer is a new question
    following = requests.post(
        f"{production.public_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": "no"},
        timeout=60,
    ).json()
    assert following and following[-1]["text"] not in {reply["text"] for reply in first}
    assert user_texts(production, sender) == [text, "no"]


def replica_pid(settings: Settings, port: int) -> int:
    """The Rasa replica listening on ``port`` (its command line names no port: its
    environment does), found among supervisord's children."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as environ:
                variables = environ.read().split(b"\0")
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read().split(b"\0")
        except OSError:
            continue
        if (
            f"RASA_PORT={port}".encode() in variables
            and f"PRODUCTION_DIR={settings.production_dir}".encode() in variables
            and b"bot.processes.rasa_runtime" in command
            and b"run" in command
        ):
            return int(entry)
    raise LookupError(f"no Rasa process for port {port}")


def test_killing_a_replica_mid_run_loses_no_conversation(production):
    add_review_slots(production)
    visitors = [Visitor(100 + i) for i in range(20)]
    with ThreadPoolExecutor(max_workers=1) as runner:
        running = runner.submit(run_visitors, production, visitors)
        # the replica dies while the visitors are mid-intake, messages in flight
        deadline = time.monotonic() + 300
        while sum(len(v.sent) for v in visitors) < 4 * len(visitors):
            assert time.monotonic() < deadline and not running.done()
            time.sleep(0.2)
        victim = replica_pid(production, production.replica_ports[0])
        os.kill(victim, signal.SIGKILL)
        start = log_size(production)
        running.result()
    assert_kept_exactly(production, visitors)
    # after the kill the other replica answered
    assert answered_by(production, start)[f"127.0.0.1:{production.replica_ports[1]}"] > 0


def test_nginx_exposes_the_chat_and_the_web_app_but_not_rasa_api_or_actions(production):
    public = production.public_url
    assert requests.get(f"{public}/", timeout=10).status_code == 200
    assert requests.get(f"{public}/widget.js", timeout=10).status_code == 200
    assert requests.get(f"{public}/staff/login", timeout=10).status_code == 200
    for path in ("/status", "/version", "/conversations/x/tracker", "/model/parse", "/webhook"):
        assert requests.get(f"{public}{path}", timeout=10).status_code == 404, path
    assert requests.post(f"{public}/webhooks/callback/webhook", timeout=10).status_code == 404
    # the demo page's widget talks to nginx, which Rasa allows as an origin
    page = requests.get(f"{public}/", timeout=10).text
    assert f'data-rasa-url="{public}"' in page
