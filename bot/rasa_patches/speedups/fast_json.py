"""JSON through orjson on the Rasa server's hot path, with the standard library's
behaviour kept for what orjson refuses.

Why: for each of the 2-3 custom actions of a turn, Rasa sends the action server the whole
conversation session as JSON, and reads the conversation back from the tracker store as
one JSON document per event. With the standard library, encoding was ~7% of the Rasa
process's CPU under load and decoding ~2%; orjson does the same work several times
faster. The JSON it writes is the same data (compact, UTF-8 rather than ``\\u`` escapes).
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import orjson


class RawJson:
    """A value already encoded as JSON text, written into a document unchanged by
    :func:`dumps` (an event as the tracker store holds it, say:
    bot/rasa_patches/speedups/action_payloads.py)."""

    __slots__ = ("text",)

    def __init__(self, text: str | bytes) -> None:
        self.text = text


def _fragment(value: Any) -> orjson.Fragment:
    """orjson's hook for what it cannot encode itself: a RawJson's text, as it is."""
    if isinstance(value, RawJson):
        return orjson.Fragment(value.text)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _decoded(value: Any) -> Any:
    """The standard library's hook: a RawJson's text decoded (so it is written anew)."""
    if isinstance(value, RawJson):
        return json.loads(value.text)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: Any) -> str:
    """``json.dumps(value)``: the same data, through orjson when it can encode it (not an
    integer beyond 64 bits, say). NaN and infinities, which ``json.dumps`` writes as
    JavaScript literals that are not JSON, are written as null. A :class:`RawJson` in
    ``value`` is written as its text."""
    try:
        return orjson.dumps(value, default=_fragment, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value, default=_decoded)


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``, through orjson unless the text is only the standard library's
    JSON (NaN or Infinity, which ``json.dumps`` writes)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


class JsonResponse(aiohttp.ClientResponse):
    """An aiohttp response whose ``json()`` decodes with :func:`loads`."""

    async def json(self, *, loads: Any = loads, **kwargs: Any) -> Any:  # noqa: D102
        return await super().json(loads=loads, **kwargs)


def endpoint_session(endpoint: Any) -> aiohttp.ClientSession:
    """Rasa's ``EndpointConfig.session()`` (the endpoint's headers, credentials and Rasa's
    request timeout), encoding and decoding JSON with orjson."""
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    auth = None
    if endpoint.basic_auth:
        auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        json_serialize=dumps,
        response_class=JsonResponse,
    )
