"""The real servers and a real client for the socket.io channel's tests: Rasa and the
action server on ports of their own (16005, 16055; the page's web port 16800, whose
origin the channel allows), so that they never meet the other suites' servers, and
python-socketio's client, as a widget uses the channel.

Long-polling only: the websocket transport of this python-engineio's client needs a
newer aiohttp than Rasa's pin (rasa-webchat in Chromium uses the websocket:
tests/browser/test_webchat.py).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import socketio

from bot.settings import Settings
from tests import live

PORTS = {"RASA_PORT": "16005", "ACTION_PORT": "16055", "WEB_PORT": "16800"}
# messages a minute per sender here: a whole intake fits, a flood does not
PER_SENDER = 12
PAGE_ORIGIN = "http://127.0.0.1:16800"


def serve(project_root: Path, tmp: Path, overrides: dict[str, str]) -> Iterator[Settings]:
    """Rasa and the action server, as `make run` starts them, on this suite's ports."""
    yield from live.serve(
        project_root,
        tmp,
        {**PORTS, "CHAT_LIMIT_PER_SENDER": str(PER_SENDER), **overrides},
        ["actions", "rasa"],
    )


class Visitor:
    """One visitor's connection: python-socketio's client in a session of its own (or
    the one given), as rasa-webchat uses the channel."""

    def __init__(self, url: str, origin: str | None = PAGE_ORIGIN, session_id: str = "") -> None:
        self.url = url
        self.headers = {"Origin": origin} if origin else {}
        self.session_id = session_id or f"sio-test-{uuid.uuid4().hex}"
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: list[dict[str, Any]] = []
        self.refused: list[dict[str, Any]] = []
        self.client.on("bot_uttered", self.received.append)
        self.client.on("refused", self.refused.append)

    async def __aenter__(self) -> Visitor:
        await self.client.connect(
            self.url, headers=self.headers, transports=["polling"], wait_timeout=30
        )
        confirmed = asyncio.get_running_loop().create_future()
        self.client.on("session_confirm", confirmed.set_result)
        await self.client.emit("session_request", {"session_id": self.session_id})
        assert await asyncio.wait_for(confirmed, 30) == self.session_id
        return self

    async def __aexit__(self, *exc: object) -> None:
        await hang_up(self.client)

    async def send(self, frame: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """Emit one ``user_uttered`` frame; the bot messages it got and the channel's
        acknowledgement (None, or the refusal), once every reply was sent."""
        self.received.clear()
        outcome = await self.client.call("user_uttered", frame, timeout=90)
        return list(self.received), outcome

    async def say(self, text: str, **fields: Any) -> list[dict[str, Any]]:
        """A message in this session that is answered (not refused): the replies."""
        replies, outcome = await self.send(
            {"message": text, "session_id": self.session_id, **fields}
        )
        assert outcome is None, outcome
        return replies


async def hang_up(client: socketio.AsyncClient) -> None:
    """Close a connection without waiting for its pending long-poll (up to the ping
    interval, 25 s, with ``disconnect``)."""
    await client.eio.disconnect(abort=True)
    if client.eio.read_loop_task is not None:
        client.eio.read_loop_task.cancel()


def texts(replies: list[dict[str, Any]]) -> list[str]:
    return [r["text"] for r in replies if "text" in r]
