"""The action server's entry point: rasa-sdk's own, after a warm-up.

Importing spaCy imports TensorFlow (thinc looks for it), which takes 15-20 seconds on a
small machine. Done lazily, that wait fell on the first visitor whose message needed the
intake's reading after a restart, long enough for the widget to give up. Here it happens
before the server listens, so `make run`'s readiness check (and a load balancer's)
waits for it instead.

Every request but the health check must carry the secret Rasa holds
(bot/processes/action_auth.py), attached through rasa-sdk's own plugin hook for Sanic extensions.

Each request brings the whole conversation session as JSON, which Sanic decodes with the
standard library: ~15% of the action server's CPU under load. Requests are decoded with
orjson instead (bot/rasa_patches/speedups/fast_json.py), the same data, unless
RASA_SPEEDUPS=0.
"""

from __future__ import annotations

import functools
from typing import Any

import pluggy


def decode_requests_with_orjson() -> None:
    """Sanic's ``Request.load_json`` (what ``request.json`` calls) decoding with
    ``fast_json.loads``; its handling of an empty or malformed body stays Sanic's."""
    from sanic.request import Request

    from bot.rasa_patches.speedups import fast_json

    original = Request.load_json
    if getattr(original, "fast", False):
        return

    @functools.wraps(original)
    def load_json(self: Any, loads: Any = fast_json.loads) -> Any:
        return original(self, loads)

    load_json.fast = True  # type: ignore[attr-defined]
    Request.load_json = load_json


class SecretGuard:
    """A rasa-sdk plugin: the secret checked on the app rasa-sdk builds."""

    def __init__(self, secret: str) -> None:
        self.secret = secret

    @pluggy.HookimplMarker("rasa_sdk")
    def attach_sanic_app_extensions(self, app: Any) -> None:
        from bot.processes.action_auth import guard

        guard(app, self.secret)


def main() -> None:
    from rasa_sdk.__main__ import main as serve
    from rasa_sdk.plugin import plugin_manager

    from bot.intake.mentions import concept_pipeline
    from bot.intake.spelling import speller
    from bot.processes.action_auth import shared_secret
    from bot.settings import load_settings

    settings = load_settings()
    plugin_manager().register(SecretGuard(shared_secret(settings)))
    concept_pipeline()
    speller()
    if settings.rasa_speedups:  # off with RASA_SPEEDUPS=0, as Rasa's own speed-ups
        decode_requests_with_orjson()
    serve()


if __name__ == "__main__":
    main()
