import json
import threading
import time

import pytest

from bot.rasa_plugins.chat_checks import (
    MAX_METADATA_DEPTH,
    ChatGuard,
    MessageLimits,
    Refusal,
    SweptMemoryStorage,
    clean_text,
    origin_allowed,
    proxy_request_id,
    read_json,
    read_message,
    trusted,
)
from bot.settings import load_settings


def body(**fields):
    return json.dumps(fields).encode()


def parse_body(raw: bytes):
    """A body as the REST channel reads it: JSON, then the message's fields."""
    try:
        return read_message(read_json(raw))
    except ValueError as error:
        return str(error)


def test_a_well_formed_message_is_read():
    incoming = parse_body(body(sender="visitor-1", message="hi", metadata={"page": "/"}))
    assert incoming.sender == "visitor-1" and incoming.message == "hi"
    assert incoming.metadata == {"page": "/"}


def deep(levels: int) -> dict:
    """Metadata nested ``levels`` deep: {"a": {"a": ... 1}}."""
    value: object = 1
    for _ in range(levels):
        value = {"a": value}
    return value


def test_metadata_up_to_the_depth_limit_is_kept():
    incoming = parse_body(body(sender="v1", message="hi", metadata=deep(MAX_METADATA_DEPTH)))
    assert incoming.metadata == deep(MAX_METADATA_DEPTH)
    listed = {"a": [[{"b": [1]}]]}  # lists count as levels too
    assert parse_body(body(sender="v1", message="hi", metadata=listed)).metadata == listed


def test_rasas_input_channel_field_is_ignored():
    incoming = parse_body(body(sender="v1", message="hi", input_channel="twilio"))
    assert not hasattr(incoming, "input_channel")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "must be JSON"),
        (b"{not json", "must be JSON"),
        (b"\xff\xfe", "must be JSON"),
        (b"[1, 2]", "JSON object"),
        (b'"hi"', "JSON object"),
        (body(message="hi"), "sender"),
        (body(sender="", message="hi"), "sender"),
        (body(sender="a" * 129, message="hi"), "sender"),
        (body(sender="v1/../x", message="hi"), "sender"),
        (body(sender="<script>", message="hi"), "sender"),
        (body(sender=42, message="hi"), "sender"),
        (body(sender="v1"), "message"),
        (body(sender="v1", message=42), "message"),
        (body(sender="v1", message=None), "message"),
        (body(sender="v1", message=["hi"]), "message"),
        (body(sender="v1", message="hi", metadata=[1]), "metadata"),
        (body(sender="v1\n", message="hi"), "sender"),  # `$` would match before "\n"
        (body(sender="v1\r", message="hi"), "sender"),
        (body(sender="\ud800", message="hi"), "sender"),
        (body(sender="v1", message="hi", metadata=deep(MAX_METADATA_DEPTH + 1)), "nested"),
        (body(sender="v1", message="hi", metadata={"page": "\ud800"}), "Unicode"),
        (b'{"sender": "v1", "message": "hi", "metadata": ' + b"[" * 100_000, "nested too"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),  # past Python's limit
    ],
)
def test_malformed_bodies_are_refused_with_a_reason(raw, reason):
    refused = parse_body(raw)
    assert isinstance(refused, str) and reason in refused


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("  hello\t ", "hello"),
        ("a\x00b\x07c\x1bd\x7fe\x85f", "a b c d e f"),
        ("line one\nline two", "line one\nline two"),
        ("pay \u202eNAUJ\u202c now", "pay  NAUJ  now"),  # a right-to-left override
        ("\u2067isolated\u2069", "isolated"),
        ("ظهري يؤلمني", "ظهري يؤلمني"),  # right-to-left text itself is kept
        ("שלום", "שלום"),
        ("pain 😖👩‍⚕️🏳️‍🌈", "pain 😖👩‍⚕️🏳️‍🌈"),  # emoji, with their joiners
        ("cafe\u0301", "café"),  # composed form
        ("\x00\x01 \n", ""),
        ("back \ud800pain\udfff", "back  pain"),  # lone surrogates: no encoder writes them
    ],
)
def test_text_is_cleaned_of_hidden_characters_only(text, clean):
    assert clean_text(text) == clean


def test_a_sender_over_its_limit_waits():
    limits = MessageLimits(per_sender=3, per_address=100, storage_url="memory://")
    assert [limits.refused("v1", "10.0.0.1") for _ in range(3)] == [None, None, None]
    wait = limits.refused("v1", "10.0.0.1")
    assert wait is not None and 1 <= wait <= 60
    assert limits.refused("v2", "10.0.0.1") is None  # another sender is not held up


def test_in_process_counts_start_no_thread_per_message():
    limits = MessageLimits(per_sender=1000, per_address=1000, storage_url="memory://")
    assert isinstance(limits.storage, SweptMemoryStorage)
    time.sleep(0.05)  # limits' own first clean-up, started with the storage, is over
    before = threading.active_count()
    for i in range(200):
        assert limits.refused(f"v{i % 7}", "10.0.0.1") is None
    assert threading.active_count() == before


def test_the_in_process_sweep_drops_expired_entries_and_empty_keys():
    swept = SweptMemoryStorage()
    assert swept.acquire_entry("gone", limit=5, expiry=0)
    assert swept.acquire_entry("kept", limit=5, expiry=60)
    swept.incr("counter", expiry=0)
    swept.acquire_entry("kept", limit=5, expiry=60)  # not time to sweep yet
    assert set(swept.events) == {"gone", "kept"}
    swept._next_sweep = 0
    assert swept.acquire_entry("kept", limit=5, expiry=60)
    assert set(swept.events) == {"kept"} and len(swept.events["kept"]) == 3
    assert "counter" not in swept.expirations and swept.get("counter") == 0


def test_a_sweep_on_a_new_senders_first_message_counts_it():
    """The sweep runs inside limits' hit, after the new key's empty list is made."""
    limits = MessageLimits(per_sender=1, per_address=100, storage_url="memory://")
    assert limits.refused("v1", "10.0.0.1") is None
    limits.storage._next_sweep = 0
    assert limits.refused("v2", "10.0.0.1") is None  # a new sender, and a sweep
    limits.storage._next_sweep = 0
    assert limits.refused("v2", "10.0.0.1") is not None  # it was counted


def test_a_sweep_on_a_returning_senders_message_keeps_its_key():
    """A sender whose entries have all expired comes back just as a sweep is due: the
    sweep ran between limits making the key's list and reading it (a KeyError, found by
    `make fuzz`, that let the message through uncounted)."""
    swept = SweptMemoryStorage()
    assert swept.acquire_entry("back", limit=1, expiry=0)  # already expired
    swept._next_sweep = 0
    assert swept.acquire_entry("back", limit=1, expiry=60)  # counted, no KeyError
    assert len(swept.events["back"]) == 1
    assert not swept.acquire_entry("back", limit=1, expiry=60)


def test_an_address_over_its_limit_waits_whatever_the_sender():
    limits = MessageLimits(per_sender=100, per_address=2, storage_url="memory://")
    assert limits.refused("v1", "10.0.0.1") is None
    assert limits.refused("v2", "10.0.0.1") is None
    assert limits.refused("v3", "10.0.0.1") is not None
    assert limits.refused("v4", "10.0.0.2") is None
    assert limits.refused("v5", None) is None  # behind a trusted proxy: its job


def test_limits_are_shared_through_redis():
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/6"
    try:
        redis.Redis.from_url(url, socket_timeout=2).flushdb()
    except redis.RedisError as error:
        pytest.skip(f"Redis not reachable: {error}")
    first = MessageLimits(per_sender=2, per_address=100, storage_url=url)
    second = MessageLimits(per_sender=2, per_address=100, storage_url=url)  # a replica
    assert first.refused("v1", None) is None
    assert second.refused("v1", None) is None
    assert first.refused("v1", None) is not None


@pytest.mark.parametrize(
    ("address", "proxies", "expected"),
    [
        ("127.0.0.1", "127.0.0.1", True),
        ("10.1.2.3", "10.0.0.0/8, 127.0.0.1", True),
        ("10.1.2.3", "127.0.0.1", False),
        ("203.0.113.9", None, False),
        ("203.0.113.9", "*", True),
        ("203.0.113.9", "not-an-address", False),
    ],
)
def test_trusted_proxies(address, proxies, expected):
    assert trusted(address, proxies) is expected


NGINX_ID = "0f4c9a7be2d14a6f8e3b5c1d2a7e9f60"


@pytest.mark.parametrize(
    ("value", "peer", "proxies", "kept"),
    [
        (NGINX_ID, "127.0.0.1", "127.0.0.1", True),
        (NGINX_ID, "10.0.0.7", "10.0.0.0/8", True),
        (NGINX_ID, "203.0.113.9", "127.0.0.1", False),  # a visitor's own header
        (NGINX_ID, "127.0.0.1", None, False),  # no proxy trusted
        (None, "127.0.0.1", "127.0.0.1", False),
        ("", "127.0.0.1", "127.0.0.1", False),
        ("not-an-id", "127.0.0.1", "127.0.0.1", False),
        (NGINX_ID.upper(), "127.0.0.1", "127.0.0.1", False),
        (NGINX_ID + "0", "127.0.0.1", "127.0.0.1", False),
    ],
)
def test_only_a_trusted_proxys_request_id_becomes_the_message_id(value, peer, proxies, kept):
    assert proxy_request_id(value, peer, proxies) == (value if kept else None)


@pytest.mark.parametrize(
    ("origin", "host", "allowed", "expected"),
    [
        (None, "127.0.0.1:5005", (), True),  # not a browser's cross-site request
        ("", "127.0.0.1:5005", (), True),
        ("http://127.0.0.1:8000", "127.0.0.1:5005", ("http://127.0.0.1:8000",), True),
        ("http://127.0.0.1:8000", "127.0.0.1:5005", ("http://127.0.0.1:8000/",), True),
        ("https://clinic.example", "clinic.example", (), True),  # the page's own site
        ("https://CLINIC.example", "clinic.example", (), True),
        ("http://evil.example", "127.0.0.1:5005", ("http://127.0.0.1:8000",), False),
        ("http://127.0.0.1:8001", "127.0.0.1:5005", ("http://127.0.0.1:8000",), False),
        ("null", "127.0.0.1:5005", ("http://127.0.0.1:8000",), False),  # a sandboxed frame
        ("http://evil.example", None, (), False),
        ("http://[::1", "127.0.0.1:5005", (), False),  # not a URL
        ("http://evil.example", "127.0.0.1:5005", ("*",), True),
    ],
)
def test_origins(origin, host, allowed, expected):
    assert origin_allowed(origin, host, allowed) is expected


def guard(**env: str) -> ChatGuard:
    return ChatGuard("test", load_settings({"CHAT_LIMIT_PER_SENDER": "2", **env}))


def test_the_guard_admits_a_clean_message():
    admitted = guard().admit({"sender": "v1", "message": " cafe\u0301\x00 "}, "10.0.0.1")
    assert (admitted.sender, admitted.text, admitted.answer_here) == ("v1", "café", None)


@pytest.mark.parametrize(
    ("message", "answer"),
    [("\x00 \n", "utter_empty_message"), ("x" * 2001, "utter_message_too_long")],
)
def test_empty_and_too_long_messages_are_answered_by_the_channel(message, answer):
    admitted = guard().admit({"sender": "v1", "message": message}, "10.0.0.1")
    assert admitted.answer_here == answer


def test_the_guard_refuses_with_a_status_and_a_reason():
    checks = guard()
    assert checks.admit([], "10.0.0.1") == Refusal(
        400, "the message must be a JSON object with sender and message"
    )
    assert checks.admit({"sender": "v1", "message": "a"}, "10.0.0.1").text == "a"
    assert checks.admit({"sender": "v1", "message": "b"}, "10.0.0.1").text == "b"
    refused = checks.admit({"sender": "v1", "message": "c"}, "10.0.0.1")
    assert refused.status == 429 and 1 <= refused.retry_after <= 60
    assert f"wait {refused.retry_after} seconds" in refused.reason


def test_the_guard_lets_messages_through_when_its_counts_are_unreachable():
    checks = ChatGuard("test", load_settings({"LOCK_STORE_URL": "redis://127.0.0.1:1/0"}))
    assert checks.admit({"sender": "v1", "message": "hi"}, "10.0.0.1").text == "hi"


def test_a_failed_hand_over_is_reported_and_a_finished_one_is_not():
    import asyncio

    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    async def fails(message):
        raise RuntimeError("the model broke")

    async def answers(message):
        await message.output_channel.send_text_message(message.sender_id, "hello")

    async def run(handler):
        message = UserMessage("hi", CollectingOutputChannel(), "v1")
        return await guard().hand_over(message, handler), message.output_channel.messages

    assert asyncio.run(run(fails)) == (False, [])
    assert asyncio.run(run(answers)) == (True, [{"recipient_id": "v1", "text": "hello"}])
