"""rasa-webchat (the npm package, tests/browser/webchat/, installed by `make browser`) in
headless Chromium, on a test page of a local static server, talking to the real Rasa
and action servers over the socket.io channel: a conversation is held, quick replies
work, and a flood is refused with a reason the widget shows. The page's origin
(127.0.0.1:16800) is the one the channel allows (CORS_ORIGINS' default for WEB_PORT)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.settings import Settings
from tests import socketio_live
from tests.browser.conftest import _unavailable, expect
from tests.test_bad_input import stored_user_texts

BUNDLE = Path(__file__).parent / "webchat" / "node_modules" / "rasa-webchat" / "lib" / "index.js"
PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>rasa-webchat test page</title></head>
<body>
<main><h1>rasa-webchat over socket.io</h1></main>
<script src="/webchat.js"></script>
<script>
  WebChat.default({
    socketUrl: %(rasa_url)s,
    socketPath: "/socket.io/",
    initPayload: "hello",
    embedded: true,
    title: "Spine clinic",
    params: {storage: "session"},
    // each reply shown as it comes (the widget's default holds each 0.8-3 s, in turn)
    customMessageDelay: () => 0,
  }, null);
</script>
</body>
</html>
"""
HOW_LONG = "how long do antidepressants take to work for back pain"
SCAN_VISITOR = "i have a herniated disc in my lower back"
SESSION_ID = "() => JSON.parse(sessionStorage.getItem('chat_session')).session_id"


@pytest.fixture(scope="module")
def rasa(project_root, tmp_path_factory) -> Iterator[Settings]:
    yield from socketio_live.serve(project_root, tmp_path_factory.mktemp("webchat"), {})


class PageHandler(SimpleHTTPRequestHandler):
    """The test page at /, the widget's built bundle at /webchat.js, nothing else."""

    def __init__(self, *args, page: bytes, **kwargs) -> None:
        self.page = page
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/":
            body, kind = self.page, "text/html; charset=utf-8"
        elif self.path == "/webchat.js":
            body, kind = BUNDLE.read_bytes(), "text/javascript"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test's output is pytest's."""


@pytest.fixture(scope="module")
def page_url(rasa) -> Iterator[str]:
    """The test page, served from the origin the channel allows."""
    if not BUNDLE.exists():
        _unavailable(f"rasa-webchat is not installed at {BUNDLE.parent} (make browser)")
    page = (PAGE % {"rasa_url": json.dumps(rasa.rasa_url)}).encode()
    server = ThreadingHTTPServer(("127.0.0.1", 16800), partial(PageHandler, page=page))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield socketio_live.PAGE_ORIGIN + "/"
    finally:
        server.shutdown()
        server.server_close()


def send(page, text: str) -> None:
    box = page.locator(".rw-new-message")
    box.fill(text)
    box.press("Enter")


def bot_says(page, text: str):
    """The widget's bot messages that contain ``text``."""
    return page.locator(".rw-response", has_text=text)


def test_webchat_holds_a_conversation_over_the_websocket(page, page_url, rasa, clinic):
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.goto(page_url)
    expect(page.locator(".rw-response").first).to_contain_text(clinic.name)  # initPayload's
    send(page, HOW_LONG)
    expect(page.locator(".rw-client").first).to_have_text(HOW_LONG)
    page.wait_for_function("() => document.querySelectorAll('.rw-response').length > 1")
    send(page, SCAN_VISITOR)
    expect(bot_says(page, "Does the pain spread into a leg or an arm?")).to_have_count(1)
    page.locator(".rw-reply", has_text="No, it stays put").click()  # a quick reply
    expect(bot_says(page, "How long have you had this pain?")).to_have_count(1)
    kept = stored_user_texts(rasa, page.evaluate(SESSION_ID))
    assert kept[:3] == ["hello", HOW_LONG, SCAN_VISITOR] and len(kept) == 4
    assert any(url.startswith("ws://127.0.0.1:16005/socket.io/") for url in sockets)


def test_a_flood_from_webchat_is_refused_and_the_widget_says_why(page, page_url, rasa, clinic):
    page.goto(page_url)
    expect(page.locator(".rw-response").first).to_contain_text(clinic.name)
    for turn in range(socketio_live.PER_SENDER):  # initPayload was the first message
        send(page, f"thanks {turn}")
        expect(page.locator(".rw-client")).to_have_count(turn + 1)
    refusal = bot_says(page, "too many messages")
    expect(refusal).to_have_count(1)
    expect(refusal).to_contain_text("please wait")
    session_id = page.evaluate(SESSION_ID)
    assert len(stored_user_texts(rasa, session_id)) == socketio_live.PER_SENDER
