import json
import threading
import time

import pytest

from bot.channel import (
    MessageLimits,
    SweptMemoryStorage,
    _trusted,
    clean_text,
    parse_body,
    proxy_request_id,
)


def body(**fields):
    return json.dumps(fields).encode()


def test_a_well_formed_message_is_read():
    incoming = parse_body(body(sender="visitor-1", message="hi", metadata={"page": "/"}))
    assert incoming.sender == "visitor-1" and incoming.message == "hi"
    assert incoming.metadata == {"page": "/"}


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
    ("address", "proxies", "trusted"),
    [
        ("127.0.0.1", "127.0.0.1", True),
        ("10.1.2.3", "10.0.0.0/8, 127.0.0.1", True),
        ("10.1.2.3", "127.0.0.1", False),
        ("203.0.113.9", None, False),
        ("203.0.113.9", "*", True),
        ("203.0.113.9", "not-an-address", False),
    ],
)
def test_trusted_proxies(address, proxies, trusted):
    assert _trusted(address, proxies) is trusted


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
