"""The action server's entry point: rasa-sdk's own, after a warm-up.

Importing spaCy imports TensorFlow (thinc looks for it), which takes 15-20 seconds on a
small machine. Done lazily, that wait fell on the first visitor whose message needed the
intake's reading after a restart, long enough for the widget to give up. Here it happens
before the server listens, so `make run`'s readiness check (and a load balancer's)
waits for it instead.

Each request brings the whole conversation session as JSON, which Sanic decodes with the
standard library: ~15% of the action server's CPU under load. Requests are decoded with
orjson instead (bot/fast_json.py), the same data.
"""

from __future__ import annotations

import functools
from typing import Any


def decode_requests_with_orjson() -> None:
    """Sanic's ``Request.load_json`` (what ``request.json`` calls) decoding with
    ``fast_json.loads``; its handling of an empty or malformed body stays Sanic's."""
    from sanic.request import Request

    from bot import fast_json

    original = Request.load_json
    if getattr(original, "fast", False):
        return

    @functools.wraps(original)
    def load_json(self: Any, loads: Any = fast_json.loads) -> Any:
        return original(self, loads)

    load_json.fast = True  # type: ignore[attr-defined]
    Request.load_json = load_json


def main() -> None:
    from rasa_sdk.__main__ import main as serve

    from bot.intake.mentions import concept_pipeline

    concept_pipeline()
    decode_requests_with_orjson()
    serve()


if __name__ == "__main__":
    main()
