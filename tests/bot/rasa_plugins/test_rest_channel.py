"""The REST channel's own steps, with stand-ins for Sanic's request and Rasa's agent
(the shared checks are tests/bot/rasa_plugins/test_chat_checks.py; the real server,
tests/test_bad_input.py)."""

import asyncio
import json
from types import SimpleNamespace

import pytest

from bot.rasa_plugins.chat_checks import Refusal
from bot.rasa_plugins.rest_channel import ClinicRestInput, problem
from bot.settings import load_settings

NGINX_ID = "0f4c9a7be2d14a6f8e3b5c1d2a7e9f60"


def request(body, ip="10.0.0.1", **headers):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return SimpleNamespace(
        body=raw, ip=ip, host="127.0.0.1:5005", headers=headers, app=SimpleNamespace(ctx=None)
    )


def receive(channel, req, handler=None):
    handled = []

    async def on_new_message(message):
        handled.append(message)
        if handler:
            await handler(message)

    answer = asyncio.run(channel.receive(req, on_new_message))
    return answer, handled


def channel(**env):
    return ClinicRestInput(load_settings({"CHAT_LIMIT_PER_SENDER": "1", **env}))


def test_a_refusal_is_its_status_and_reason():
    answer = problem(Refusal(429, "too many", 7))
    assert answer.status == 429 and answer.headers["Retry-After"] == "7"
    assert json.loads(answer.body) == {"error": "too many"}
    assert "Retry-After" not in problem(Refusal(400, "bad")).headers


def test_a_message_is_cleaned_and_handed_to_rasa_with_its_replies_returned():
    async def reply(message):
        await message.output_channel.send_text_message(message.sender_id, "hello")

    answer, (message,) = receive(channel(), request({"sender": "v1", "message": "hi\x00"}), reply)
    assert answer.status == 200 and json.loads(answer.body) == [
        {"recipient_id": "v1", "text": "hello"}
    ]
    assert (message.text, message.sender_id, message.input_channel) == ("hi", "v1", "rest")


@pytest.mark.parametrize(
    ("req", "status", "reason"),
    [
        (request(b"[" * 50_000), 400, "nested too deeply"),
        (request(b"{oops"), 400, "must be JSON"),
        (request({"sender": "v1\n", "message": "hi"}), 400, "sender"),
        (request({"sender": "v1", "message": "hi"}, origin="http://evil.example"), 403, "origin"),
    ],
)
def test_bad_requests_are_refused_before_rasa(req, status, reason):
    answer, handled = receive(channel(), req)
    assert answer.status == status and reason in json.loads(answer.body)["error"]
    assert handled == []


def test_the_second_message_over_the_limit_is_429():
    rest = channel()
    assert receive(rest, request({"sender": "v1", "message": "a"}))[0].status == 200
    answer, handled = receive(rest, request({"sender": "v1", "message": "b"}))
    assert answer.status == 429 and int(answer.headers["Retry-After"]) >= 1 and handled == []


def test_only_a_trusted_proxys_request_id_is_the_message_id():
    rest = channel(FORWARDED_ALLOW_IPS="127.0.0.1")
    _, (kept,) = receive(
        rest, request({"sender": "v1", "message": "a"}, "127.0.0.1", **{"x-request-id": NGINX_ID})
    )
    _, (made_up,) = receive(
        rest, request({"sender": "v2", "message": "a"}, "10.0.0.9", **{"x-request-id": NGINX_ID})
    )
    assert kept.message_id == NGINX_ID and made_up.message_id != NGINX_ID


def test_a_failure_before_any_reply_is_503_and_after_one_the_replies():
    async def fails(message):
        raise RuntimeError("the model broke")

    async def says_then_fails(message):
        await message.output_channel.send_text_message(message.sender_id, "so far")
        raise RuntimeError("an action broke")

    answer, _ = receive(channel(), request({"sender": "v1", "message": "a"}), fails)
    assert answer.status == 503 and "try again" in json.loads(answer.body)["error"]
    answer, _ = receive(channel(), request({"sender": "v2", "message": "a"}), says_then_fails)
    assert answer.status == 200 and json.loads(answer.body)[0]["text"] == "so far"


def test_an_empty_message_before_the_model_is_loaded_is_503():
    answer, handled = receive(channel(), request({"sender": "v1", "message": " "}))
    assert answer.status == 503 and "starting" in json.loads(answer.body)["error"]
    assert handled == []
