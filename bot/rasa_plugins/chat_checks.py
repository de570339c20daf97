"""The checks every chat channel makes before Rasa sees a message: one implementation,
called by the REST channel (bot/rasa_plugins/rest_channel.py) and the socket.io channel
(bot/rasa_plugins/socketio_channel.py), so that a visitor meets the same rules on either.

Rasa's own channels trust what they are sent. Here:

- a message is an object with a ``sender`` (1-128 letters, digits or ``-_.:@``, nothing
  after: not even a final newline) and a ``message`` (text), and ``metadata``, if any,
  an object of at most MAX_METADATA_DEPTH levels and valid Unicode; anything else is
  refused with a reason (JSON nested past Python's recursion limit too);
- each sender and each visitor address may send so many messages a minute (settings
  CHAT_LIMIT_PER_SENDER and CHAT_LIMIT_PER_ADDRESS), counted across both channels, in
  the Redis the replicas share when there is one (production mode), else in this
  process;
- control characters, lone surrogates (text no encoder can write) and the invisible
  bidirectional overrides that could disguise text in the back-office are removed, and
  the text is put in Unicode's composed form;
- an empty message, or one longer than MAX_MESSAGE_CHARS, is answered by the channel
  (``utter_empty_message``, ``utter_message_too_long``, from domain.yml) and kept out of
  the conversation: nothing was said, or too much to read;
- a browser's ``Origin`` must be the page's own site or one of CORS_ORIGINS;
- only a trusted proxy's request id (nginx's ``$request_id``) becomes a message's id:
  a message already handled is then answered once (bot/rasa_patches/fixes/retried_messages.py).
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
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from limits import RateLimitItem, RateLimitItemPerMinute, storage, strategies
from limits.storage import MemoryStorage
from pydantic import BaseModel, Extra, StrictStr, ValidationError, constr, validator
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.message_length import words_to_read
from bot.settings import Settings, load_settings

logger = logging.getLogger(__name__)

# C0/C1 controls except tab and newline; bidi embeddings, overrides and isolates; lone
# surrogates (JSON's "\ud800": a valid pair is decoded to one character before this)
_HIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

# nginx's $request_id: 32 hexadecimal digits
_REQUEST_ID = re.compile(r"[0-9a-f]{32}")

# ``\Z``, not ``$``: ``$`` also matches before a final newline ("v1\n" is not "v1")
SENDER_PATTERN = r"^[A-Za-z0-9_.:@-]{1,128}\Z"
Sender = constr(strict=True, regex=SENDER_PATTERN)

# A widget's metadata is a few flat fields; deeper is not a widget (and Rasa copies
# metadata recursively, past Python's recursion limit when deep enough)
MAX_METADATA_DEPTH = 8

# The domain's responses a channel sends itself, outside the conversation
EMPTY_MESSAGE = "utter_empty_message"
MESSAGE_TOO_LONG = "utter_message_too_long"


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending and deepest <= MAX_METADATA_DEPTH:
        item, level = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            pending.extend((child, level + 1) for child in item)
    return deepest


class IncomingMessage(BaseModel):
    """What a widget sends: the same fields on every channel."""

    sender: Sender  # type: ignore[valid-type]
    message: StrictStr
    metadata: dict[str, Any] | None = None

    class Config:
        extra = Extra.ignore  # e.g. Rasa's input_channel: always the channel it came on

    @validator("metadata")
    def _bounded(cls, metadata: dict[str, Any] | None) -> dict[str, Any] | None:  # noqa: N805
        if metadata is None:
            return None
        if _depth(metadata) > MAX_METADATA_DEPTH:
            raise ValueError(f"nested more than {MAX_METADATA_DEPTH} levels deep")
        try:
            json.dumps(metadata, ensure_ascii=False).encode()
        except UnicodeEncodeError:
            raise ValueError("not valid Unicode text (a lone surrogate)") from None
        return metadata


def read_json(raw: bytes | str) -> Any:
    """JSON text decoded; ValueError with a reason if it is not JSON, or nested too deep
    for Python's decoder (RecursionError)."""
    try:
        return json.loads(raw or b"")
    except (UnicodeDecodeError, ValueError):
        raise ValueError('the body must be JSON: {"sender": "...", "message": "..."}') from None
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None


def _reasons(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())


def read_message(data: Any) -> IncomingMessage | str:
    """The message in ``data`` (decoded JSON), or why it is refused."""
    if not isinstance(data, dict):
        return "the message must be a JSON object with sender and message"
    try:
        return IncomingMessage.parse_obj(data)
    except ValidationError as error:
        return _reasons(error)


def clean_text(text: str) -> str:
    """The message as Rasa should read it: composed form, no hidden controls, trimmed."""
    return _HIDDEN.sub(" ", unicodedata.normalize("NFC", text)).strip()


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
        self._hitting: str | None = None

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """limits' hit of a moving window, which sweeps after making ``key``'s list and
        reads that list after the sweep: the sweep must not drop it."""
        self._hitting = key
        try:
            return super().acquire_entry(key, limit, expiry, amount)
        finally:
            self._hitting = None

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 (limits' private hook, by name)
        now = time.time()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.SWEEP_SECONDS
        for key, entries in list(self.events.items()):
            live = [entry for entry in entries if entry.expiry > now]
            if live or key == self._hitting:
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
            if not self.limiter.hit(item, "chat", kind, key):
                reset, _ = self.limiter.get_window_stats(item, "chat", kind, key)
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


def trusted(address: str, proxies: str | None) -> bool:
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
    if value and _REQUEST_ID.fullmatch(value) and trusted(peer, proxies):
        return value
    return None


def origin_allowed(origin: str | None, host: str | None, allowed: Iterable[str]) -> bool:
    """Whether a browser on ``origin`` may chat: no Origin (not a browser's cross-site
    request), the page's own site (``host``, the Host header), or one of ``allowed``
    (CORS_ORIGINS; ``*`` is any)."""
    if not origin:
        return True
    allowed = set(allowed)
    if "*" in allowed or origin.rstrip("/") in {a.rstrip("/") for a in allowed}:
        return True
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        return False
    return bool(host) and netloc.lower() == host.lower()


@dataclass(frozen=True)
class Refusal:
    """A message not taken, and why: an HTTP status and a reason the caller can show."""

    status: int
    reason: str
    retry_after: int | None = None


@dataclass(frozen=True)
class Admitted:
    """A message that passed: its text cleaned, and the response to send instead of
    handing it to Rasa (empty or too long), if any."""

    sender: str
    text: str
    metadata: dict[str, Any] | None
    answer_here: str | None = None


FORBIDDEN_ORIGIN = Refusal(403, "this site may not use the chat (its origin is not allowed)")
NOT_READY = Refusal(503, "the assistant is starting: please try again in a moment")
FAILED = Refusal(503, "the assistant could not answer just now: please try again")


class ChatGuard:
    """The settings and counters a channel checks messages with (one per channel
    instance; the counters are shared through Redis in production mode)."""

    def __init__(self, channel: str, settings: Settings | None = None) -> None:
        self.channel = channel
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

    def origin_allowed(self, origin: str | None, host: str | None) -> bool:
        return origin_allowed(origin, host, self.settings.cors_origins)

    def wait(self, sender: str, address: str | None) -> int | None:
        """Seconds this message must wait (over a limit), else None. If the counts can't
        be reached (Redis down), messages are let through rather than refused."""
        try:
            return self.limits().refused(sender, address)
        except Exception as error:  # the limits protect the service; they never stop it
            logger.error(
                "%s channel: message limits unavailable: %s", self.channel, type(error).__name__
            )
            return None

    def admit(self, data: Any, address: str | None) -> Admitted | Refusal:
        """Check, limit and clean one message (decoded JSON) from ``address`` (None: the
        trusted proxy in front counts addresses itself)."""
        incoming = read_message(data)
        if isinstance(incoming, str):
            return Refusal(400, incoming)
        wait = self.wait(incoming.sender, address)
        if wait is not None:
            return Refusal(
                429, f"too many messages: please wait {wait} seconds before sending another", wait
            )
        text = clean_text(incoming.message)
        answer = None
        if not text:
            answer = EMPTY_MESSAGE
        elif (
            len(text) > self.settings.max_message_chars
            or words_to_read(text) > self.settings.max_message_words
        ):
            answer = MESSAGE_TOO_LONG
        return Admitted(incoming.sender, text, incoming.metadata, answer)

    async def answer_here(self, agent: Any, sender: str, name: str, output: OutputChannel) -> bool:
        """Send a domain response without touching the conversation; False if the
        assistant is not ready to (still loading its model)."""
        if agent is None or not agent.is_ready():
            return False
        tracker = DialogueStateTracker(sender, agent.domain.slots)
        reply = await agent.nlg.generate(name, tracker, self.channel)
        if reply:
            await output.send_response(sender, reply)
        return True

    async def hand_over(
        self, message: UserMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> bool:
        """Let Rasa handle ``message``; False if it failed (what it said so far was sent)."""
        # The message's words stay out of the log: they may be health information.
        try:
            await on_new_message(message)
        except asyncio.CancelledError:  # as Rasa's own channels: what was said is sent
            logger.error("%s channel: a message took too long and was cancelled", self.channel)
        except Exception as error:
            logger.error(
                "%s channel: handling a message failed: %s", self.channel, type(error).__name__
            )
            return False
        return True
