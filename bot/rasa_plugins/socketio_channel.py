"""The socket.io channel (credentials.yml), at Rasa's usual ``/socket.io``, with the
event names rasa-webchat and most community widgets use (``session_request`` /
``session_confirm``, ``user_uttered``, ``bot_uttered``): Rasa's SocketIOInput, with the
checks of the REST channel (bot/rasa_plugins/chat_checks.py: the same fields, limits, cleaning,
origin check and message ids, one implementation).

Rasa 3.6's channel accepts any origin, any sender, frames up to a megabyte, and, with
the python-socketio installed here, delivers no reply: ``enter_room`` became a
coroutine that it does not await, so a session's room stays empty. Its custom payloads
are passed to ``emit`` as keyword arguments (a TypeError for the consent questions'),
and a frame of the wrong shape is a traceback. Here:

- a browser's connection from a site that may not chat is refused (socket.io's
  ``connect_error``, with the reason); frames over MAX_REQUEST_BYTES close the
  connection;
- with ``session_persistence``, a connection chats in the session it asked for with
  ``session_request`` (a valid sender id, or a new one), and only in that one;
- a refused message gets a ``refused`` event, ``{"status", "error", "retry_after"}``,
  the HTTP status the REST channel would answer (and the same as its acknowledgement,
  if the client asked for one); a visitor's widget also shows the refusals a person can
  act on (429: wait; 503: try again) as a bot message;
- a frame that is not socket.io, or an event of the wrong shape, is dropped with a log
  line and a ``refused`` 400; what is not even engine.io is one log line too, never a
  traceback (EngineLog);
- behind a trusted proxy (nginx), the visitor's address is its ``X-Forwarded-For``:
  nginx sees one request per connection, not per message, so this channel counts
  addresses itself;
- a message may carry its own ``message_id`` (8-64 letters, digits, ``-`` or ``_``): a
  client that sends a message again after reconnecting, with the same id, is answered
  from the stored conversation, not handled twice (bot/rasa_patches/fixes/retried_messages.py).
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer, exceptions

from bot.rasa_plugins.chat_checks import (
    FAILED,
    FORBIDDEN_ORIGIN,
    NOT_READY,
    SENDER_PATTERN,
    ChatGuard,
    Refusal,
    read_json,
    trusted,
)
from bot.settings import MAX_REQUEST_BYTES, Settings

logger = logging.getLogger(__name__)

_SENDER = re.compile(SENDER_PATTERN)
_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
# the refusals a person in the widget can do something about
SHOWN_TO_VISITOR = frozenset({429, 503})
REFUSED_EVENT = "refused"
MALFORMED = Refusal(400, "the frame is not a socket.io event: an event name and one object")


class ClinicSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, counting what it sends, and sending custom payloads as a
    message's ``custom`` part (as the REST channel's replies carry them)."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: str, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class GuardedServer(AsyncServer):
    """python-socketio's server, dropping a frame it can't dispatch (not JSON, nested
    past Python's recursion limit, an unknown packet type, an event without a name)
    with a log line and a ``refused`` event, where python-socketio logs a traceback."""

    async def _handle_eio_message(self, eio_sid: str, data: Any) -> None:
        try:
            await super()._handle_eio_message(eio_sid, data)
        except (ValueError, TypeError, KeyError, IndexError, RecursionError) as error:
            logger.warning(
                "socketio channel: a malformed frame was dropped: %s", type(error).__name__
            )
            for namespace in self.manager.get_namespaces():
                sid = self.manager.sid_from_eio_sid(eio_sid, namespace)
                if sid is not None:
                    await self.emit(
                        REFUSED_EVENT, refusal_event(MALFORMED), to=sid, namespace=namespace
                    )

    async def _handle_event(
        self, eio_sid: str, namespace: str | None, id: int | None, data: Any
    ) -> None:
        if not (isinstance(data, list) and data and isinstance(data[0], str)):
            raise ValueError("an event without a name")
        await super()._handle_event(eio_sid, namespace, id, data)


class EngineLog(logging.LoggerAdapter):
    """engine.io's log: its warnings and errors only (its packets, logged at info, hold
    the visitors' words), and an exception in one line, its name without a traceback
    (what engine.io could not read is a broken client's or an attacker's)."""

    def __init__(self) -> None:
        super().__init__(logging.getLogger(f"{__name__}.engineio"), {})

    def isEnabledFor(self, level: int) -> bool:  # noqa: N802 (logging's name)
        return level >= logging.WARNING and super().isEnabledFor(level)

    def exception(self, msg: object, *args: object, **kwargs: Any) -> None:
        error = sys.exc_info()[1]
        self.warning("%s: %s", str(msg) % args if args else msg, type(error).__name__)


def refusal_event(refusal: Refusal) -> dict[str, Any]:
    """A refusal as the ``refused`` event's data."""
    return {"status": refusal.status, "error": refusal.reason, "retry_after": refusal.retry_after}


def _request(environ: dict[str, Any]) -> Request:
    """The HTTP request that opened the connection (engine.io's environ says 127.0.0.1
    for every peer under Sanic: the request has the real one)."""
    return environ["sanic.request"]


class ClinicSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel, checked and limited (see the module's docstring)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, *args: Any, settings: Settings | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = ChatGuard(self.name(), settings)

    def get_output_channel(self) -> ClinicSocketIOOutput | None:
        """For messages Rasa sends on its own (reminders, the HTTP API's)."""
        if self.sio is None:
            return super().get_output_channel()  # Rasa's warning, and None
        return ClinicSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # CORS headers are Rasa's (--cors, on every route): engine.io's would repeat
        # them, which browsers refuse; origins are checked on connecting (``_connect``)
        sio = GuardedServer(
            async_mode="sanic",
            cors_allowed_origins=[],
            max_http_buffer_size=MAX_REQUEST_BYTES,
            engineio_logger=EngineLog(),
        )
        self.sio = sio
        webhook = SocketBlueprint(sio, self.socketio_path, "clinic_socketio_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        sio.on("connect", self._connect, namespace=self.namespace)
        sio.on("session_request", self._session_request, namespace=self.namespace)

        async def user_message(sid: str, *args: Any) -> dict[str, Any] | None:
            return await self._user_message(sid, args, on_new_message)

        sio.on(self.user_message_evt, user_message, namespace=self.namespace)
        return webhook

    async def _connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        """A connection: from a site that may chat, and with a valid token when the
        channel has a JWT key."""
        if not self.guard.origin_allowed(environ.get("HTTP_ORIGIN"), environ.get("HTTP_HOST")):
            raise exceptions.ConnectionRefusedError(FORBIDDEN_ORIGIN.reason)
        if not self.jwt_key:
            return True
        token = auth.get("token") if isinstance(auth, dict) else None
        return bool(
            isinstance(token, str) and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm)
        )

    async def refuse(self, sid: str, refusal: Refusal) -> None:
        """Tell the connection why its event was not taken."""
        assert self.sio is not None
        await self.sio.emit(REFUSED_EVENT, refusal_event(refusal), to=sid, namespace=self.namespace)
        if refusal.status in SHOWN_TO_VISITOR:
            await self.sio.emit(
                self.bot_message_evt, {"text": refusal.reason}, to=sid, namespace=self.namespace
            )

    async def _session_request(self, sid: str, *args: Any) -> None:
        """Join the session asked for (a new one if none), and confirm it."""
        assert self.sio is not None
        data = args[0] if len(args) == 1 else {}
        if data is None:
            data = {}
        asked = data.get("session_id") if isinstance(data, dict) else None
        if len(args) > 1 or not isinstance(data, dict):
            await self.refuse(sid, Refusal(400, "session_request takes one object"))
            return
        if asked is not None and not (isinstance(asked, str) and _SENDER.match(asked)):
            await self.refuse(
                sid, Refusal(400, "session_id: 1-128 letters, digits or -_.:@, or none")
            )
            return
        session_id = asked or uuid.uuid4().hex
        if self.session_persistence:
            await self.sio.enter_room(sid, session_id, namespace=self.namespace)
        await self.sio.save_session(sid, {"session_id": session_id}, namespace=self.namespace)
        await self.sio.emit("session_confirm", session_id, to=sid, namespace=self.namespace)

    async def _sender(self, sid: str, data: dict[str, Any]) -> str | Refusal:
        """Whose conversation a message is in: the connection's session's, or with no
        session persistence the connection's own."""
        if not self.session_persistence:
            return sid
        assert self.sio is not None
        session = await self.sio.get_session(sid, namespace=self.namespace)
        confirmed = session.get("session_id")
        if confirmed is None:
            return Refusal(400, "session_id: ask for a session first (session_request)")
        if data.get("session_id") not in (None, confirmed):
            return Refusal(400, "session_id: not the session this connection asked for")
        return confirmed

    def _address(self, sid: str) -> str:
        """The visitor's address: the peer's, or the one a trusted proxy forwarded."""
        assert self.sio is not None
        request = _request(self.sio.get_environ(sid, namespace=self.namespace))
        forwarded = request.headers.get("x-forwarded-for", "").split(",")[-1].strip()
        if forwarded and trusted(request.ip, self.guard.settings.forwarded_allow_ips):
            return forwarded
        return request.ip

    def _frame(self, args: tuple[Any, ...]) -> dict[str, Any] | Refusal:
        """The one object a user message event carries, its metadata decoded if sent as
        JSON text (as Rasa's channel allows)."""
        if len(args) != 1 or not isinstance(args[0], dict):
            return Refusal(400, f"{self.user_message_evt} takes one object: message, session_id")
        data = dict(args[0])
        metadata = data.get(self.metadata_key)
        if isinstance(metadata, str):
            try:
                data[self.metadata_key] = read_json(metadata)
            except ValueError as error:
                return Refusal(400, f"metadata: {error}")
        message_id = data.get("message_id")
        if message_id is not None and not (
            isinstance(message_id, str) and _MESSAGE_ID.fullmatch(message_id)
        ):
            return Refusal(400, "message_id: 8-64 letters, digits, - or _")
        return data

    async def _user_message(
        self,
        sid: str,
        args: tuple[Any, ...],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> dict[str, Any] | None:
        """Check, limit and clean one message, then hand it to Rasa (or answer it here).
        A client that asks for an acknowledgement gets it once every reply was sent:
        nothing, or the refusal."""
        try:
            refusal = await self._take(sid, args, on_new_message)
        except Exception as error:  # an event handler's error is a traceback in no log
            logger.error("socketio channel: a message failed: %s", type(error).__name__)
            refusal = FAILED
        if refusal is None:
            return None
        await self.refuse(sid, refusal)
        return refusal_event(refusal)

    async def _take(
        self,
        sid: str,
        args: tuple[Any, ...],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> Refusal | None:
        data = self._frame(args)
        if isinstance(data, Refusal):
            return data
        sender = await self._sender(sid, data)
        if isinstance(sender, Refusal):
            return sender
        body = {"sender": sender, "message": data.get("message")}
        if data.get(self.metadata_key) is not None:
            body["metadata"] = data[self.metadata_key]
        admitted = self.guard.admit(body, self._address(sid))
        if isinstance(admitted, Refusal):
            return admitted
        assert self.sio is not None
        # replies go to the sender's room: the session's (every tab of it), else the
        # connection's own
        output = ClinicSocketIOOutput(self.sio, self.bot_message_evt)
        if admitted.answer_here:
            environ = self.sio.get_environ(sid, namespace=self.namespace)
            agent = getattr(_request(environ).app.ctx, "agent", None)
            answered = await self.guard.answer_here(agent, sender, admitted.answer_here, output)
            return None if answered else NOT_READY
        message = UserMessage(
            admitted.text,
            output,
            sender,
            input_channel=self.name(),
            message_id=data.get("message_id"),
            metadata=admitted.metadata,
        )
        if not await self.guard.hand_over(message, on_new_message) and not output.sent:
            return FAILED
        return None
