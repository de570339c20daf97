import sys

import pytest

from bot.intake import mentions
from bot.processes import action_server


def test_the_concept_pipeline_is_built_before_rasa_sdk_serves(monkeypatch):
    calls = []
    monkeypatch.setattr(mentions, "concept_pipeline", lambda: calls.append("warm-up"))
    import rasa_sdk.__main__

    monkeypatch.setattr(rasa_sdk.__main__, "main", lambda: calls.append("serve"))
    monkeypatch.setattr(sys, "argv", ["bot.processes.action_server", "--actions", "actions"])
    action_server.main()
    assert calls == ["warm-up", "serve"]


@pytest.fixture
def sanic_request(monkeypatch):
    from sanic.request import Request

    monkeypatch.setattr(Request, "load_json", Request.load_json)
    action_server.decode_requests_with_orjson()
    action_server.decode_requests_with_orjson()  # once only

    def made(body: bytes):
        request = Request.__new__(Request)
        request.body, request.parsed_json = body, None
        return request

    return made


def test_requests_are_decoded_with_orjson_as_sanic_decoded_them(sanic_request, monkeypatch):
    from bot.rasa_patches.speedups import fast_json

    used = []
    monkeypatch.setattr(fast_json.orjson, "loads", lambda b: used.append(b) or {"x": 1})
    assert sanic_request(b'{"x": 1}').json == {"x": 1}
    assert used == [b'{"x": 1}']


def test_empty_and_malformed_requests_are_handled_as_sanic_handles_them(sanic_request):
    from sanic.exceptions import InvalidUsage

    assert sanic_request('{"tracker": {"events": [1.5, "é"]}}'.encode()).json == {
        "tracker": {"events": [1.5, "é"]}
    }
    assert sanic_request(b"").json is None
    with pytest.raises(InvalidUsage):
        _ = sanic_request(b"{not json").json
