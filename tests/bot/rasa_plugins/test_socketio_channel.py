"""The socket.io channel's own steps, with a stand-in for python-socketio's server where
the test is about what the channel emits (the real server and client:
tests/test_socketio_channel.py; rasa-webchat in Chromium: tests/browser/)."""

import asyncio
import logging

import pytest

from bot.rasa_plugins.chat_checks import Refusal
from bot.rasa_plugins.socketio_channel import (
    ClinicSocketIOInput,
    ClinicSocketIOOutput,
    GuardedServer,
    refusal_event,
)
from bot.settings import load_settings


class Emits:
    """Records what the channel emits, joins and keeps, as python-socketio would."""

    def __init__(self):
        self.emitted = []
        self.rooms = []
        self.sessions = {}

    async def emit(self, event, data=None, to=None, room=None, namespace=None, **kwargs):
        assert not kwargs, kwargs  # Rasa's custom payloads came here as keywords
        self.emitted.append((event, data, to or room))

    async def enter_room(self, sid, room, namespace=None):
        self.rooms.append((sid, room))

    async def save_session(self, sid, session, namespace=None):
        self.sessions[sid] = session

    async def get_session(self, sid, namespace=None):
        return self.sessions.setdefault(sid, {})


def channel(**credentials):
    sio_input = ClinicSocketIOInput(
        session_persistence=credentials.pop("session_persistence", True),
        settings=load_settings({}),
        **credentials,
    )
    sio_input.sio = Emits()
    return sio_input


def test_credentials_keep_rasas_event_names_and_session_persistence():
    sio_input = ClinicSocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered",
         "session_persistence": True}
    )  # fmt: skip
    assert isinstance(sio_input, ClinicSocketIOInput) and sio_input.name() == "socketio"
    assert (sio_input.user_message_evt, sio_input.bot_message_evt) == (
        "user_uttered",
        "bot_uttered",
    )
    assert sio_input.session_persistence is True


def test_a_custom_payload_is_a_messages_custom_part():
    sio = Emits()
    output = ClinicSocketIOOutput(sio, "bot_uttered")
    consent = {"consent_question": "share_details"}
    asyncio.run(output.send_custom_json("s1", consent))
    assert sio.emitted == [("bot_uttered", {"custom": consent}, "s1")] and output.sent == 1


def test_a_response_with_text_and_custom_sends_both():
    sio = Emits()
    output = ClinicSocketIOOutput(sio, "bot_uttered")
    asyncio.run(output.send_response("s1", {"text": "May we?", "custom": {"consent": True}}))
    assert [data for _, data, _ in sio.emitted] == [
        {"text": "May we?"},
        {"custom": {"consent": True}},
    ]


def test_a_session_request_joins_the_sessions_room_and_confirms_it():
    sio_input = channel()
    asyncio.run(sio_input._session_request("sid1", {"session_id": "visitor-1"}))
    assert sio_input.sio.rooms == [("sid1", "visitor-1")]
    assert sio_input.sio.emitted == [("session_confirm", "visitor-1", "sid1")]
    assert sio_input.sio.sessions["sid1"] == {"session_id": "visitor-1"}


def test_a_session_request_without_an_id_gets_a_new_one():
    sio_input = channel()
    asyncio.run(sio_input._session_request("sid1"))
    ((event, session_id, to),) = sio_input.sio.emitted
    assert event == "session_confirm" and len(session_id) == 32 and to == "sid1"


@pytest.mark.parametrize(
    "args",
    [
        ("visitor",),
        ({"session_id": "v1\n"},),
        ({"session_id": 7},),
        ({}, {}),
        ({"session_id": "a" * 129},),
    ],
)
def test_a_bad_session_request_is_refused_with_a_reason(args):
    sio_input = channel()
    asyncio.run(sio_input._session_request("sid1", *args))
    ((event, data, to),) = sio_input.sio.emitted
    assert (event, data["status"], to) == ("refused", 400, "sid1") and data["error"]
    assert sio_input.sio.rooms == []


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ((), "takes one object"),
        (("hello",), "takes one object"),
        (({"message": "hi"}, {"more": 1}), "takes one object"),
        (({"message": "hi", "metadata": "{not json"},), "metadata"),
        (({"message": "hi", "metadata": "[" * 50_000},), "nested too deeply"),
        (({"message": "hi", "message_id": "short"},), "message_id"),
        (({"message": "hi", "message_id": 12345678},), "message_id"),
    ],
)
def test_malformed_frames_are_refused(args, reason):
    refused = channel()._frame(args)
    assert isinstance(refused, Refusal) and refused.status == 400 and reason in refused.reason


def test_metadata_sent_as_json_text_is_decoded():
    frame = channel()._frame(({"message": "hi", "metadata": '{"page": "/"}'},))
    assert frame["metadata"] == {"page": "/"}


def test_a_message_is_in_the_connections_confirmed_session_only():
    sio_input = channel()

    async def steps():
        first = await sio_input._sender("sid1", {"session_id": "visitor-1"})
        await sio_input._session_request("sid1", {"session_id": "visitor-1"})
        return (
            first,
            await sio_input._sender("sid1", {"session_id": "visitor-1"}),
            await sio_input._sender("sid1", {}),
            await sio_input._sender("sid1", {"session_id": "someone-else"}),
        )

    before, same, unnamed, other = asyncio.run(steps())
    assert isinstance(before, Refusal) and "session_request" in before.reason
    assert same == unnamed == "visitor-1"
    assert isinstance(other, Refusal) and "not the session" in other.reason


def test_without_session_persistence_the_connection_is_the_sender():
    assert asyncio.run(channel(session_persistence=False)._sender("sid1", {})) == "sid1"


@pytest.mark.parametrize(("status", "shown"), [(400, False), (429, True), (503, True)])
def test_refusals_a_visitor_can_act_on_are_shown_as_a_bot_message(status, shown):
    sio_input = channel()
    asyncio.run(sio_input.refuse("sid1", Refusal(status, "why", 3 if status == 429 else None)))
    events = [event for event, _, _ in sio_input.sio.emitted]
    assert events == (["refused", "bot_uttered"] if shown else ["refused"])
    assert sio_input.sio.emitted[0][1] == refusal_event(
        Refusal(status, "why", 3 if status == 429 else None)
    )


@pytest.mark.parametrize(
    "frame",
    ["2[", "2" + "[" * 50_000, "9hello", '2{"event": "user_uttered"}', "2[]", "2[5]", "2[[1]]"],
)
def test_a_frame_that_is_not_socketio_is_dropped_with_a_log_line(frame, caplog):
    server = GuardedServer(async_mode="asgi")
    with caplog.at_level(logging.WARNING, logger="bot.rasa_plugins.socketio_channel"):
        asyncio.run(server._handle_eio_message("eio-1", frame))
    assert "a malformed frame was dropped" in caplog.text
