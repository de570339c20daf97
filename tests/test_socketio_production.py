"""The socket.io channel in production mode, through nginx (`bot serve prod`: nginx on
16080, one Rasa replica on 16005, actions on 16055, web on 16800, PostgreSQL and Redis):
nginx's /socket.io/ location carries the websocket and long-polling, bounds a polling
body, and the channel's limits hold behind it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import aiohttp
import pytest
import requests
import socketio

from bot.settings import MAX_REQUEST_BYTES, Settings
from tests import live
from tests.socketio_live import PER_SENDER, Visitor, hang_up, texts

# this suite's own ports; nginx's limits and the channel's as production mode sets them
PRODUCTION = {
    "NGINX_PORT": "16080",
    "RASA_PORT": "16004",  # its one replica on 16005
    "RASA_REPLICAS": "1",
    "ACTION_PORT": "16055",
    "WEB_PORT": "16800",
    "CHAT_LIMIT_PER_SENDER": str(PER_SENDER),
}


@pytest.fixture(scope="module")
def production(project_root, tmp_path_factory) -> Iterator[Settings]:
    tmp = tmp_path_factory.mktemp("socketio-production")
    yield from live.serve_production(project_root, tmp, PRODUCTION)


def run(scenario):
    return asyncio.run(scenario)


async def websocket_conversation(public_url: str, session_id: str, text: str) -> list[dict]:
    """engine.io's websocket transport spoken by hand (this python-engineio's client
    needs a newer aiohttp for it): open, join the namespace, ask for a session, say
    ``text`` with an acknowledgement; the bot messages before the acknowledgement."""
    url = public_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url, headers={"Origin": public_url}) as ws,
    ):
        assert (await ws.receive_str()).startswith("0{")
        await ws.send_str("40")
        assert (await ws.receive_str()).startswith("40{")
        await ws.send_str("42" + json.dumps(["session_request", {"session_id": session_id}]))
        assert await ws.receive_str() == f'42["session_confirm","{session_id}"]'
        await ws.send_str("421" + json.dumps(["user_uttered", {"message": text}]))
        replies = []
        while True:
            frame = await asyncio.wait_for(ws.receive_str(), 90)
            if frame == "2":  # engine.io's ping
                await ws.send_str("3")
            elif frame.startswith('42["bot_uttered",'):
                replies.append(json.loads(frame[2:])[1])
            elif frame.startswith("431"):  # the acknowledgement: every reply was sent
                assert json.loads(frame[3:]) == []  # no refusal
                return replies


def test_a_conversation_over_the_websocket_through_nginx(production, clinic):
    replies = run(websocket_conversation(production.public_url, "prod-ws-visitor-1", "hello"))
    assert clinic.name in replies[0]["text"]  # nginx's port: only nginx listens there


def test_a_flood_through_nginx_is_refused_with_429(production):
    async def flood():
        async with Visitor(production.public_url, origin=production.public_url) as visitor:
            for _ in range(PER_SENDER):
                await visitor.say("thanks")
            return await visitor.send({"message": "thanks", "session_id": visitor.session_id})

    replies, outcome = run(flood())
    assert outcome["status"] == 429 and texts(replies) == [outcome["error"]]


def test_a_browser_on_another_site_cannot_connect_through_nginx(production):
    async def connect():
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(
                production.public_url,
                headers={"Origin": "http://evil.example"},
                transports=["polling"],
                wait_timeout=30,
            )
        except socketio.exceptions.ConnectionError:
            return False
        await hang_up(client)
        return True

    assert run(connect()) is False


def test_a_polling_body_over_the_request_limit_is_413_from_nginx(production):
    base = f"{production.public_url}/socket.io/?EIO=4&transport=polling"
    opened = requests.get(base, headers={"Origin": production.public_url}, timeout=30)
    sid = json.loads(opened.text[1:])["sid"]
    frame = "42" + json.dumps(["user_uttered", {"message": "x" * MAX_REQUEST_BYTES}])
    refused = requests.post(f"{base}&sid={sid}", data=frame, timeout=30)
    assert refused.status_code == 413 and "nginx" in refused.text
