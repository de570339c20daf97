"""Text messages through the HTTP provider, against a real HTTP server the test starts."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.clinic.booking import book
from bot.notices.scheduler import Outbox, run_once
from bot.notices.sms import HttpTexts, TextError, TextsOff, text_provider
from bot.settings import load_settings
from tests.bot.notices.conftest import NOW, PHONE
from tests.mail import free_port

TOKEN = "provider-token-9x7"


class Gateway(ThreadingHTTPServer):
    """An SMS gateway on this machine: keeps each request, answers ``status``."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[tuple[str | None, dict]] = []
        self.status = 202

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/messages"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's hook)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.headers.get("Authorization"), json.loads(body)))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_text_is_posted_with_the_token(gateway):
    HttpTexts(gateway.url, TOKEN).send(PHONE, "hello")
    assert gateway.received == [(f"Bearer {TOKEN}", {"to": PHONE, "text": "hello"})]


@pytest.mark.parametrize(("status", "retry"), [(500, True), (503, True), (429, True), (400, False)])
def test_a_refusal_says_whether_to_try_again(gateway, status, retry):
    gateway.status = status
    with pytest.raises(TextError) as raised:
        HttpTexts(gateway.url, TOKEN).send(PHONE, "hello")
    assert raised.value.retry is retry
    assert PHONE not in str(raised.value)


def test_an_unreachable_provider_is_tried_again():
    with pytest.raises(TextError) as raised:
        HttpTexts(f"http://127.0.0.1:{free_port()}/x", TOKEN, timeout=2).send(PHONE, "hi")
    assert raised.value.retry is True


def test_texts_are_off_by_default(tmp_path):
    provider = text_provider(load_settings({}, root=tmp_path))
    assert isinstance(provider, TextsOff) and provider.enabled is False
    configured = text_provider(
        load_settings({"SMS_PROVIDER": "http", "SMS_HTTP_URL": "https://sms.example/send"})
    )
    assert isinstance(configured, HttpTexts)


def test_the_scheduler_texts_the_booking_once(
    factory, visitor, slot_ids, gateway, tmp_path, clinic
):
    settings = load_settings(
        {
            "SMS_PROVIDER": "http",
            "SMS_HTTP_URL": gateway.url,
            "SMS_HTTP_TOKEN": TOKEN,
            "BOOKING_LINK_SECRET": "k" * 40,
        },
        root=tmp_path,
    )
    outbox = Outbox.from_settings(settings, clinic)
    made = book(factory, visitor(email=None, phone=PHONE, texts=True), slot_ids[0], NOW)
    assert run_once(factory, outbox, NOW) == {"sent": 1}
    assert run_once(factory, outbox, NOW + timedelta(minutes=1)) == {}
    ((auth, sent),) = gateway.received
    assert sent["to"] == PHONE and made.reference in sent["text"]
    assert clinic.name in sent["text"] and "/booking/" in sent["text"]
    for word in ("Ana", "herniated", "pain", "urgent"):
        assert word not in sent["text"]
    assert len(sent["text"]) < 320


def test_a_gateway_error_leaves_the_text_queued(
    factory, visitor, slot_ids, gateway, tmp_path, clinic
):
    gateway.status = 503
    settings = load_settings(
        {"SMS_PROVIDER": "http", "SMS_HTTP_URL": gateway.url, "BOOKING_LINK_SECRET": "k" * 40},
        root=tmp_path,
    )
    book(factory, visitor(email=None, phone=PHONE, texts=True), slot_ids[0], NOW)
    assert run_once(factory, Outbox.from_settings(settings, clinic), NOW) == {"queued": 1}
