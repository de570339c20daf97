"""The REST channel the widget talks to (credentials.yml), at Rasa's usual address
``/webhooks/rest/webhook``: Rasa's RestInput, with the checks a public endpoint needs.

Rasa's own channel trusts the body: a missing sender puts the message in one
conversation, "default", shared by every such caller; the message's type is not checked;
the size of a body is Sanic's 100 MB; and a failure logs the visitor's words. Here,
before Rasa sees a message:

- the body must be a JSON object with a ``sender`` (1-128 letters, digits or ``-_.:@``)
  and a ``message`` (text), and ``metadata``, if any, an object; anything else is a 400
  that says what is wrong. A body over MAX_REQUEST_BYTES is a 413 (Sanic, nginx);
- each sender and each address may send so many messages a minute (settings
  CHAT_LIMIT_PER_SENDER and CHAT_LIMIT_PER_ADDRESS), then 429 with ``Retry-After``.
  Counts are kept in the Redis the replicas share when there is one (production mode),
  else in this process. Behind a trusted proxy (FORWARDED_ALLOW_IPS) addresses are the
  proxy's to count (nginx's ``limit_req``);
- control characters and the invisible bidirectional overrides that could disguise text
  in the back-office are removed, and the text is put in Unicode's composed form;
- behind a trusted proxy, the proxy's request id (``X-Request-ID``, the same when nginx
  retries a message on another replica) is the message's id, so that a message already
  handled is answered once (bot/retried_messages.py);
- an empty message, or one longer than MAX_MESSAGE_CHARS, is answered here
  (``utter_empty_message``, ``utter_message_too_long``, from domain.yml) and kept out of
  the conversation: nothing was said, or too much to read. The too-long reply still
  says where to turn in an emergency.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import json
import logging
import math
import re
import time
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from limits import RateLimitItem, RateLimitItemPerMinute, storage, strategies
from limits.storage import MemoryStorage
from pydantic import BaseModel, Extra, StrictStr, ValidationError, constr
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings, load_settings

logger = logging.getLogger(__name__)

# C0/C1 controls except tab and newline; bidi embeddings, overrides and isolates
_HIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# nginx's $request_id: 32 hexadecimal digits
_REQUEST_ID = re.compile(r"[0-9a-f]{32}")

Sender = constr(strict=True, regex=r"^[A-Za-z0-9_.:@-]{1,128}$")


class IncomingMessage(BaseModel):
    """What the widget posts."""

    sender: Sender  # type: ignore[valid-type]
    message: StrictStr
    metadata: dict[str, Any] | None = None

    class Config:
        extra = Extra.ignore  # e.g. Rasa's input_channel: always this channel here


def clean_text(text: str) -> str:
    """The message as Rasa should read it: composed form, no hidden controls, trimmed."""
    return _HIDDEN.sub(" ", unicodedata.normalize("NFC", text)).strip()


def problem(status: int, reason: str, **headers: str) -> HTTPResponse:
    """A 4xx with a reason the caller can show or log."""
    return response.json({"error": reason}, status=status, headers=headers or None)


def _reasons(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())


def parse_body(body: bytes) -> IncomingMessage | str:
    """The posted message, or why it is refused."""
    try:
        data = json.loads(body or b"")
    except (UnicodeDecodeError, ValueError):
        return 'the body must be JSON: {"sender": "...", "message": "..."}'
    if not isinstance(data, dict):
        return "the body must be a JSON object with sender and message"
    try:
        return IncomingMessage.parse_obj(data)
    except ValidationError as error:
        return _reasons(error)


class SweptMemoryStorage(MemoryStorage):
    """``limits``' in-process storage, its housekeeping done inline now and then.

    limits 2.4 (the last release that installs beside Rasa's packaging<21) starts a
    thread 10 ms after every hit to drop expired entries, walking every entry of every
    sender and address under a lock each time: ~13% of a Rasa process's CPU under the
    benchmark's load, for memory housekeeping only (the moving window compares entry
    times itself, so counts don't depend on it). Here the same clean-up runs inline at
    most every SWEEP_SECONDS, and drops the keys whose entries have all expired too.
    (Not registered as a scheme: it has no STORAGE_SCHEME of its own.)"""

    SWEEP_SECONDS = 10.0

    def __init__(self) -> None:
        super().__init__()
        self._next_sweep = time.time() + self.SWEEP_SECONDS

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 (limits' private hook, by name)
        now = time.time()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.SWEEP_SECONDS
        for key, entries in list(self.events.items()):
            live = [entry for entry in entries if entry.expiry > now]
            if live or not entries:  # an empty list is the key being hit right now
                self.events[key] = live
            else:
                del self.events[key]
        for key, expiry in list(self.expirations.items()):
            if expiry <= now:
                self.storage.pop(key, None)
                del self.expirations[key]


class MessageLimits:
    """Messages a minute per sender and per address, in a moving window."""

    def __init__(self, per_sender: int, per_address: int, storage_url: str) -> None:
        self.per_sender: RateLimitItem = RateLimitItemPerMinute(per_sender)
        self.per_address: RateLimitItem = RateLimitItemPerMinute(per_address)
        # the limiter holds its storage weakly: this is what keeps it
        self.storage: storage.Storage = (
            SweptMemoryStorage()
            if storage_url.startswith("memory://")
            else storage.storage_from_string(storage_url)
        )
        self.limiter = strategies.MovingWindowRateLimiter(self.storage)

    def refused(self, sender: str, address: str | None) -> int | None:
        """Seconds to wait when this message is over a limit, else None (and counted)."""
        checks = [(self.per_sender, "sender", sender)]
        if address is not None:
            checks.append((self.per_address, "address", address))
        for item, kind, key in checks:
            if not self.limiter.hit(item, "rest", kind, key):
                reset, _ = self.limiter.get_window_stats(item, "rest", kind, key)
                return max(1, math.ceil(reset - time.time()))
        return None


@functools.cache
def _proxy_networks(proxies: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """FORWARDED_ALLOW_IPS parsed once (it is read for every message); ``*`` is every
    address, entries that are not addresses or networks are ignored."""
    networks = []
    for proxy in (p.strip() for p in proxies.split(",")):
        if proxy == "*":
            networks += [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
            continue
        try:
            networks.append(ipaddress.ip_network(proxy, strict=False))
        except ValueError:
            continue
    return tuple(networks)


def _trusted(address: str, proxies: str | None) -> bool:
    """Whether ``address`` is one of the proxies whose forwarded headers are believed."""
    if not proxies:
        return False
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    networks = _proxy_networks(proxies)
    return any(peer.version == net.version and peer in net for net in networks)


def proxy_request_id(value: str | None, peer: str, proxies: str | None) -> str | None:
    """The id a trusted proxy gave this request (nginx's ``$request_id``), else None (Rasa
    makes one up): from anyone else, an id could be chosen to hide a visitor's message."""
    if value and _REQUEST_ID.fullmatch(value) and _trusted(peer, proxies):
        return value
    return None


class ClinicRestInput(RestInput):
    """Rasa's REST channel, checked and limited (see the module's docstring)."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ClinicRestInput:
        return cls()

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings
        self._limits: MessageLimits | None = None

    @property
    def settings(self) -> Settings:
        """Read on the first message, not at start-up (no work at import or load)."""
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    def limits(self) -> MessageLimits:
        """The counters: in the Redis the replicas share, if any, else in this process."""
        if self._limits is None:
            settings = self.settings
            self._limits = MessageLimits(
                settings.chat_per_sender,
                settings.chat_per_address,
                settings.lock_store_url or "memory://",
            )
        return self._limits

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
        incoming = parse_body(request.body)
        if isinstance(incoming, str):
            return problem(400, incoming)
        wait = self._wait(request, incoming.sender)
        if wait is not None:
            return problem(
                429,
                f"too many messages: please wait {wait} seconds before sending another",
                **{"Retry-After": str(wait)},
            )
        text = clean_text(incoming.message)
        if not text:
            return await self._answer_here(request, incoming.sender, "utter_empty_message")
        if len(text) > self.settings.max_message_chars:
            return await self._answer_here(request, incoming.sender, "utter_message_too_long")
        collector = CollectingOutputChannel()
        message = UserMessage(
            text,
            collector,
            incoming.sender,
            input_channel=self.name(),
            message_id=proxy_request_id(
                request.headers.get("x-request-id"), request.ip, self.settings.forwarded_allow_ips
            ),
            metadata=incoming.metadata,
        )
        # The message's words stay out of the log: they may be health information.
        try:
            await on_new_message(message)
        except asyncio.CancelledError:
            logger.error("rest channel: a message took too long and was cancelled")
        except Exception as error:  # what was said so far, or a 503: never a 500
            logger.error("rest channel: handling a message failed: %s", type(error).__name__)
            if not collector.messages:
                return problem(503, "the assistant could not answer just now: please try again")
        return response.json(collector.messages)

    def _wait(self, request: Request, sender: str) -> int | None:
        """Seconds this message must wait (over a limit), else None. If the counts can't
        be reached (Redis down), messages are let through rather than refused."""
        proxies = self.settings.forwarded_allow_ips
        address = None if _trusted(request.ip, proxies) else request.ip
        try:
            return self.limits().refused(sender, address)
        except Exception as error:  # the limits protect the service; they never stop it
            logger.error("rest channel: message limits unavailable: %s", type(error).__name__)
            return None

    async def _answer_here(self, request: Request, sender: str, name: str) -> HTTPResponse:
        """A domain response sent without touching the conversation."""
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or not agent.is_ready():
            return problem(503, "the assistant is starting: please try again in a moment")
        tracker = DialogueStateTracker(sender, agent.domain.slots)
        reply = await agent.nlg.generate(name, tracker, self.name())
        collector = CollectingOutputChannel()
        if reply:
            await collector.send_response(sender, reply)
        return response.json(collector.messages)
