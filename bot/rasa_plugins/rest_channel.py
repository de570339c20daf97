"""The REST channel the widget talks to (credentials.yml), at Rasa's usual address
``/webhooks/rest/webhook``: Rasa's RestInput, with the checks a public endpoint needs.

Rasa's own channel trusts the body: a missing sender puts the message in one
conversation, "default", shared by every such caller; the message's type is not checked;
the size of a body is Sanic's 100 MB; and a failure logs the visitor's words. Here every
message goes through the checks both chat channels share (bot/rasa_plugins/chat_checks.py: fields,
limits, cleaning, origin, message id); what is particular to REST:

- a refusal is an HTTP status with ``{"error": reason}``: 400 for a malformed body, 403
  for a browser on a site that may not chat, 429 with ``Retry-After`` over a limit. A
  body over MAX_REQUEST_BYTES is a 413 (Sanic, nginx);
- behind a trusted proxy (FORWARDED_ALLOW_IPS) addresses are the proxy's to count
  (nginx's ``limit_req``), and its request id (``X-Request-ID``, the same when nginx
  retries a message on another replica) is the message's id, so that a message already
  handled is answered once (bot/rasa_patches/fixes/retried_messages.py);
- the replies come back in the response, as Rasa's REST channel sends them; if Rasa
  fails before saying anything, a 503 that asks to try again, never a 500.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_plugins.chat_checks import (
    FAILED,
    FORBIDDEN_ORIGIN,
    NOT_READY,
    ChatGuard,
    Refusal,
    proxy_request_id,
    read_json,
    trusted,
)
from bot.settings import Settings


def problem(refusal: Refusal) -> HTTPResponse:
    """A refusal as an HTTP answer with its reason (and when to try again)."""
    headers = None
    if refusal.retry_after is not None:
        headers = {"Retry-After": str(refusal.retry_after)}
    return response.json({"error": refusal.reason}, status=refusal.status, headers=headers)


class ClinicRestInput(RestInput):
    """Rasa's REST channel, checked and limited (see the module's docstring)."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ClinicRestInput:
        return cls()

    def __init__(self, settings: Settings | None = None) -> None:
        self.guard = ChatGuard(self.name(), settings)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("clinic_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request, on_new_message)

        return webhook

    async def receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        """Check, limit and clean one message, then hand it to Rasa (or answer it here)."""
        if not self.guard.origin_allowed(request.headers.get("origin"), request.host):
            return problem(FORBIDDEN_ORIGIN)
        try:
            data = read_json(request.body)
        except ValueError as error:
            return problem(Refusal(400, str(error)))
        proxies = self.guard.settings.forwarded_allow_ips
        address = None if trusted(request.ip, proxies) else request.ip
        admitted = self.guard.admit(data, address)
        if isinstance(admitted, Refusal):
            return problem(admitted)
        collector = CollectingOutputChannel()
        if admitted.answer_here:
            agent = getattr(request.app.ctx, "agent", None)
            if not await self.guard.answer_here(
                agent, admitted.sender, admitted.answer_here, collector
            ):
                return problem(NOT_READY)
            return response.json(collector.messages)
        message = UserMessage(
            admitted.text,
            collector,
            admitted.sender,
            input_channel=self.name(),
            message_id=proxy_request_id(request.headers.get("x-request-id"), request.ip, proxies),
            metadata=admitted.metadata,
        )
        if not await self.guard.hand_over(message, on_new_message) and not collector.messages:
            return problem(FAILED)
        return response.json(collector.messages)
