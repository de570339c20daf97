"""orjson on the hot path reads and writes the same data as the standard library."""

from __future__ import annotations

import asyncio
import json
import math

import aiohttp
import pytest
from aiohttp import web

from bot.rasa_patches.speedups import fast_json

VALUES = [
    {"events": [{"event": "user", "text": "ça fait mal 😣", "parse_data": {"confidence": 0.93}}]},
    {"slots": {"pain_weeks": 3, "consent": True, "name": None}, "ranking": [1e-05, 0.5]},
    ["مرحبا", "\u202eoverride", "<script>alert(1)</script>", 2**53],
    {1: "an int key", "nested": {"a": [[], {}]}},
]


@pytest.mark.parametrize("value", VALUES)
def test_dumps_writes_what_json_reads_back_as_the_standard_librarys(value):
    assert json.loads(fast_json.dumps(value)) == json.loads(json.dumps(value))


def test_what_orjson_refuses_is_written_as_the_standard_library_writes_it():
    huge = {"n": 2**70}
    assert fast_json.dumps(huge) == json.dumps(huge)


def test_nan_is_written_as_json_null_not_as_a_javascript_literal():
    assert json.loads(fast_json.dumps({"confidence": math.nan})) == {"confidence": None}


@pytest.mark.parametrize("value", VALUES)
def test_loads_reads_the_standard_librarys_json(value):
    text = json.dumps(value)
    assert fast_json.loads(text) == json.loads(text)


def test_loads_reads_nan_as_the_standard_library_does():
    assert math.isnan(fast_json.loads('{"c": NaN}')["c"])
    with pytest.raises(json.JSONDecodeError):
        fast_json.loads("{not json")


def test_an_endpoint_session_sends_and_reads_json_with_the_endpoints_headers():
    """A real round trip: the body arrives as JSON, headers and credentials as Rasa's."""
    from rasa.utils.endpoints import EndpointConfig

    seen = {}

    async def echo(request: web.Request) -> web.Response:
        seen["body"] = await request.json()
        seen["key"] = request.headers.get("X-Key")
        seen["auth"] = request.headers.get("Authorization")
        return web.json_response({"echo": seen["body"], "nan": math.nan})

    async def round_trip():
        app = web.Application()
        app.router.add_post("/webhook", echo)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(
            f"http://127.0.0.1:{port}/webhook",
            headers={"X-Key": "k"},
            basic_auth={"username": "u", "password": "p"},
        )
        session = fast_json.endpoint_session(endpoint)
        try:
            async with session.post(endpoint.url, json=VALUES[0]) as response:
                return await response.json()
        finally:
            await session.close()
            await runner.cleanup()

    reply = asyncio.run(round_trip())
    assert seen["body"] == VALUES[0] and reply["echo"] == VALUES[0]
    assert math.isnan(reply["nan"])
    assert seen["key"] == "k"
    assert seen["auth"] == aiohttp.BasicAuth("u", "p").encode()


def test_raw_json_is_written_as_it_is():
    raw = fast_json.RawJson('{"event":"user","text":"as stored","n":1.5}')
    assert fast_json.dumps({"events": [raw, {"a": 1}]}) == (
        '{"events":[{"event":"user","text":"as stored","n":1.5},{"a":1}]}'
    )


def test_raw_json_survives_the_standard_library_fallback():
    """What orjson refuses (an integer beyond 64 bits) sends the whole document through
    the standard library, which decodes the raw text and writes it anew."""
    raw = fast_json.RawJson('{"text":"as stored"}')
    assert json.loads(fast_json.dumps({"n": 2**70, "events": [raw]})) == {
        "n": 2**70,
        "events": [{"text": "as stored"}],
    }


def test_other_unknown_values_are_still_refused():
    with pytest.raises(TypeError):
        fast_json.dumps({"value": object()})
