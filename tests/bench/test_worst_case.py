"""The hostile messages and the worst-case figure (bench/hostile.py, bench/worst_case.py),
the latter against a small local server standing in for Rasa's REST channel."""

from __future__ import annotations

import os
import unicodedata

from bench.hostile import hostile_messages
from bench.worst_case import worst_case
from tests.bench.fake_channel import fake_channel


def test_every_message_fits_the_limit_and_the_set_is_the_same_each_time():
    messages = list(hostile_messages(2000))
    assert all(0 < len(text) <= 2000 for _, text in messages)
    assert len({name for name, _ in messages}) == len(messages)
    assert messages == list(hostile_messages(2000))
    assert list(hostile_messages(2000, seed=1)) != messages
    assert all(len(text) <= 300 for _, text in hostile_messages(300))


def test_every_unicode_category_but_surrogates_and_unassigned_is_sent():
    categories = {
        unicodedata.category(char) for name, text in hostile_messages(500) for char in text
    }
    assert categories >= {"Lu", "Ll", "Mn", "Nd", "Pc", "Sm", "So", "Zs", "Cc", "Cf", "Co"}
    assert "Cs" not in categories


def test_each_message_is_sent_by_new_visitors_and_the_worst_is_the_costliest():
    import asyncio

    messages = [("short", "hello"), ("long", "x" * 2000)]

    async def measure():
        async with fake_channel() as channel:
            found = await asyncio.to_thread(
                worst_case, channel.url, [os.getpid()], 2000, 3, messages
            )
            return channel, found

    channel, found = asyncio.run(measure())
    assert [m for _, _, m in channel.received] == ["hello"] * 3 + ["x" * 2000] * 3
    assert len({sender for _, sender, _ in channel.received}) == 6
    costs = found["ms_by_message"]
    assert set(costs) == {"short", "long"} and all(ms is not None for ms in costs.values())
    assert found["worst_ms"] == max(costs.values())
    assert found["worst_message"] == max(costs, key=costs.get)
    assert found["messages"] == 2 and found["repeats"] == 3
