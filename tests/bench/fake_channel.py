"""A stand-in for Rasa's REST channel on a free local port, for the load generators'
tests: it answers at once, with nothing ("silence"), slowly ("slow") or with a 500
("boom"), and records who said what when. It also serves a page (``/page``), an empty
file (``/empty``) and nothing else (404), as the web app would."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

PATH = "/webhooks/rest/webhook"
SLOW_SECONDS = 1.0


@dataclass
class Channel:
    """Where to post (and the server's own address), and every (monotonic time,
    sender, message) received."""

    url: str = ""
    base: str = ""
    received: list[tuple[float, str, str]] = field(default_factory=list)


@asynccontextmanager
async def fake_channel() -> AsyncIterator[Channel]:
    channel = Channel()

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        channel.received.append((time.monotonic(), body["sender"], body["message"]))
        if body["message"] == "boom":
            return web.Response(status=500)
        if body["message"] == "slow":
            await asyncio.sleep(SLOW_SECONDS)
        if body["message"] == "silence":
            return web.json_response([])
        return web.json_response([{"recipient_id": body["sender"], "text": "Hello!"}])

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html></html>")

    async def empty(request: web.Request) -> web.Response:
        return web.Response(body=b"")

    app = web.Application()
    app.router.add_post(PATH, webhook)
    app.router.add_get("/page", page)
    app.router.add_get("/empty", empty)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    channel.base = f"http://127.0.0.1:{port}"
    channel.url = f"{channel.base}{PATH}"
    try:
        yield channel
    finally:
        await runner.cleanup()
