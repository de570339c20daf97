"""One kept-alive HTTP session per endpoint, instead of a new one for every call.

Why: for every call to the action server, Rasa opens a new aiohttp ``ClientSession``
(and so a new connection), uses it once and closes it: 2-3 sessions a turn, ~7% of the
Rasa process's CPU under load, and an accept and a handshake each for the action server.
Here each endpoint (same headers and credentials) keeps one session per event loop, so
calls reuse kept-alive connections. aiohttp drops a pooled connection the server has
closed (a restarted action server) before reusing it, and keeps idle connections 15 s,
well inside the action server's 75 s keep-alive (bot/processes/launch.py). These sessions
encode and decode JSON with orjson (bot/rasa_patches/speedups/fast_json.py).
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import Any

import aiohttp

from bot.rasa_patches.speedups.fast_json import endpoint_session


class _Borrowed:
    """``async with`` over a shared session: hands it out and leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(
        self, kind: type | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None


def shared_sessions(original: Callable[[Any], aiohttp.ClientSession]) -> Callable[[Any], Any]:
    """``EndpointConfig.session`` handing out one open session per endpoint and loop.

    Outside a running event loop (nothing to keep a session on) Rasa's own method runs."""
    by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple, Any]]
    by_loop = weakref.WeakKeyDictionary()

    @functools.wraps(original)
    def session(self: Any) -> Any:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return original(self)
        sessions = by_loop.setdefault(loop, {})
        key = (
            tuple(sorted((self.headers or {}).items())),
            tuple(sorted((self.basic_auth or {}).items())),
        )
        shared = sessions.get(key)
        if shared is None or shared.closed:
            shared = sessions[key] = endpoint_session(self)
        return _Borrowed(shared)

    return session
