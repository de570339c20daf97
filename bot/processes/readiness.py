"""Waiting until the three processes answer, so `make run` can say when it is ready."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import requests

from bot.settings import Settings


def health_urls(settings: Settings) -> dict[str, str]:
    """The URL that answers 200 once each process is ready to serve."""
    return {
        "Rasa server": f"{settings.rasa_url}/",
        "action server": f"{settings.action_url}/health",
        "web app": f"{settings.web_url}/healthz",
    }


def is_up(url: str, timeout: float = 2.0) -> bool:
    """True if ``url`` answers with a 2xx status."""
    try:
        return requests.get(url, timeout=timeout).ok
    except requests.RequestException:
        return False


def wait_until_up(
    urls: Iterable[str],
    deadline_seconds: float,
    check: Callable[[str], bool] = is_up,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> list[str]:
    """Poll until every URL answers; return the ones still down at the deadline."""
    pending = list(urls)
    end = clock() + deadline_seconds
    while pending:
        pending = [url for url in pending if not check(url)]
        if not pending or clock() >= end:
            break
        sleep(1.0)
    return pending


def ready_banner(settings: Settings) -> str:
    """What `make run` prints once everything answers."""
    return "\n".join(
        [
            "",
            "The assistant is ready:",
            f"  demo page          {settings.web_url}/  (with the chat widget)",
            f"  staff back-office  {settings.web_url}/staff  (accounts: bot users add EMAIL)",
            f"  chat over REST     {settings.rasa_url}/webhooks/rest/webhook",
            f"  socket.io          {settings.rasa_url}/socket.io",
            f"  action server      {settings.action_url}/health",
            "Press Ctrl-C to stop everything.",
            "",
        ]
    )
