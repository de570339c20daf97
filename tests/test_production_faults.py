"""Production mode's own faults and limits, against real nginx, replicas, PostgreSQL and
a Redis of the test's own (so that it can be stopped): Redis down gives a clear error
and never a mixed-up conversation, and floods are refused per address (nginx) and per
sender (the REST channel, its counts shared by the replicas in Redis). A replica killed
mid-run is in tests/test_production_replicas.py."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests

from bot.settings import Settings
from tests import live
from tests.visitors import texts

REDIS_PORT = 16399
PER_SENDER = 8
PER_ADDRESS = 600  # a minute: 10 a second, bursts of 20


def start_redis() -> subprocess.Popen:
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed")
    process = subprocess.Popen(
        [server, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=REDIS_PORT, socket_timeout=1)
    for _ in range(50):
        try:
            if client.ping():
                return process
        except redis.RedisError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("the test's Redis did not start")


@pytest.fixture(scope="module")
def own_redis() -> Iterator[dict]:
    holder = {"process": start_redis()}
    try:
        yield holder
    finally:
        holder["process"].kill()
        holder["process"].wait()


@pytest.fixture(scope="module")
def production(project_root, tmp_path_factory, own_redis) -> Iterator[Settings]:
    yield from live.serve_production(
        project_root,
        tmp_path_factory.mktemp("production-faults"),
        {
            "NGINX_PORT": "18280",
            "RASA_PORT": "15300",  # replicas on 15301 and 15302
            "ACTION_PORT": "15355",
            "WEB_PORT": "18300",
            "LOCK_STORE_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "CHAT_LIMIT_PER_SENDER": str(PER_SENDER),
            "CHAT_LIMIT_PER_ADDRESS": str(PER_ADDRESS),
        },
    )


def post(settings: Settings, sender: str, text: str) -> requests.Response:
    return requests.post(
        f"{settings.public_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=150,
    )


def test_a_flood_from_one_address_is_refused_by_nginx(production):
    with ThreadPoolExecutor(max_workers=60) as pool:
        statuses = list(
            pool.map(
                lambda i: post(production, f"flood-{uuid.uuid4().hex}", "hi").status_code, range(60)
            )
        )
    assert set(statuses) <= {200, 429}
    assert statuses.count(429) >= 20, statuses  # 60 at once: the burst of 20 gets through
    assert statuses.count(200) >= 10, statuses
    time.sleep(3)  # the address's bucket drains (10 a second)


def test_a_flood_from_one_sender_is_refused_across_replicas(production):
    sender = f"flood-{uuid.uuid4().hex}"
    statuses = []
    for _ in range(PER_SENDER + 3):
        statuses.append(post(production, sender, "thanks").status_code)
        time.sleep(0.15)  # under nginx's rate: the sender's own limit is what refuses
    assert statuses[:PER_SENDER] == [200] * PER_SENDER
    assert statuses[PER_SENDER:] == [429] * 3
    refused = post(production, sender, "thanks")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "too many messages" in refused.json()["error"]


def test_redis_down_is_a_clear_error_and_the_conversation_resumes(production, own_redis):
    sender = f"redis-down-{uuid.uuid4().hex}"
    first = post(production, sender, "i have a herniated disc in my lower back")
    assert first.status_code == 200 and texts(first.json())
    question = texts(post(production, sender, "no").json())[-1]
    own_redis["process"].kill()
    own_redis["process"].wait()
    try:
        down = post(production, sender, "3 months")
        assert down.status_code == 503, down.text  # the widget shows its apology and phone
        assert "try again" in down.json()["error"]
    finally:
        own_redis["process"] = start_redis()
    resumed = post(production, sender, "3 months")
    assert resumed.status_code == 200
    after = texts(resumed.json())
    assert after and after[-1] != question  # the answer taken once, the intake goes on
