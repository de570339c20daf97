"""The soak's load against a stand-in REST channel: open-loop starts, fresh senders,
memory read on time."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bench.soak import figures, load
from bench.visitors import Script, Step, client, sender_id
from tests.bench.fake_channel import SLOW_SECONDS, fake_channel

QUICK = Script("quick", (Step("hi"), Step("silence")))
SLOW = Script("slow", (Step("slow"), Step("hi")))


def soak_against_fake_channel(
    scripts: list[Script],
    offsets: list[float],
    sample_at: list[float],
    page: tuple[str, ...] = (),
) -> tuple[load.SoakRun, list[tuple[float, str, str]]]:
    readings = itertools.count(1)

    async def go() -> tuple[load.SoakRun, list[tuple[float, str, str]]]:
        async with fake_channel() as channel:
            run = await load.run(
                channel.url,
                scripts,
                offsets,
                sample_at,
                lambda: {"rasa 1": float(next(readings))},
                {},
                "t",
                timeout_seconds=5.0,
                page=[f"{channel.base}{path}" for path in page],
            )
            return run, channel.received

    return asyncio.run(go())


def test_every_conversation_has_its_own_sender_and_starts_when_due():
    offsets = [0.0, 0.2, 0.4]
    run, received = soak_against_fake_channel([QUICK] * 3, offsets, [0.0, 0.3])
    senders = [sender_id("t", i) for i in range(3)]
    assert sorted(c.sender for c in run.conversations) == senders
    by_sender = {sender: [m for _, s, m in received if s == sender] for sender in senders}
    assert by_sender == dict.fromkeys(senders, ["hi", "silence"])
    for conversation in run.conversations:
        first = min(at for at, s, _ in received if s == conversation.sender)
        assert first >= run.origin + conversation.due
        assert conversation.late >= 0
    # the fake channel answers "silence" with nothing: an error of the soak's (the turns
    # are in the order they were sent, which interleaves the conversations on a busy
    # machine, so each is judged by what it sent)
    assert len(run.turns) == 6
    expected = {"hi": None, "silence": "empty reply"}
    assert [figures.failure(t) for t in run.turns] == [expected[t.sent] for t in run.turns]
    assert [t.at for t in run.turns] == sorted(t.at for t in run.turns)


def test_a_slow_conversation_does_not_hold_back_the_next_one():
    run, received = soak_against_fake_channel([SLOW, QUICK], [0.0, 0.2], [])
    slow_sent = next(at for at, _, message in received if message == "slow")
    quick_sent = next(at for at, sender, _ in received if sender == sender_id("t", 1))
    assert quick_sent < slow_sent + SLOW_SECONDS  # open loop: not after the slow answer
    assert [c.index for c in run.conversations] == [1, 0]  # the quick one ended first


def test_memory_is_read_at_each_time_given():
    run, _ = soak_against_fake_channel([QUICK], [0.0], [0.0, 0.1, 0.25])
    assert [s.offset for s in run.samples] == [0.0, 0.1, 0.25]
    assert [s.rss_mib for s in run.samples] == [{"rasa 1": 1.0}, {"rasa 1": 2.0}, {"rasa 1": 3.0}]


def test_one_start_time_per_script():
    with pytest.raises(ValueError, match="one start time per script"):
        asyncio.run(load.run("http://x", [QUICK], [0.0, 1.0], [], dict, {}, "t", 1.0))


def test_each_visitor_loads_the_page_first_and_a_missing_or_empty_file_is_an_error():
    run, _ = soak_against_fake_channel([QUICK] * 2, [0.0, 0.1], [], ("/page", "/empty", "/gone"))
    for conversation in run.conversations:
        assert [(f.url.rsplit("/", 1)[1], f.error) for f in conversation.page] == [
            ("page", None),
            ("empty", "empty body"),
            ("gone", "HTTP 404"),
        ]
    assert len(run.fetches) == 6
    assert figures.fetch_error_kinds(run.fetches) == {
        "page /empty: empty body": 2,
        "page /gone: HTTP 404": 2,
    }


def test_a_page_that_cannot_be_reached_is_an_error():
    async def go() -> load.Fetch:
        async with client(2.0, 1) as session:
            return await load.fetch(session, "http://127.0.0.1:9/")  # discard port: closed

    assert asyncio.run(go()).error == "ClientConnectorError"
