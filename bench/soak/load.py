"""Running the soak against a set-up: visitors at their start times, each opening the
clinic's page (so that the web app works too) and then chatting with a fresh sender id,
and memory read at its times, all on one event loop."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import aiohttp

from bench.soak.schedule import delay
from bench.visitors import Script, Turn, client, converse, sender_id

MemoryReading = dict[str, float | None]


@dataclass(frozen=True)
class Fetch:
    """One of the page's files a visitor's browser loads before chatting."""

    url: str
    seconds: float
    error: str | None  # None: a 200 with a body


@dataclass
class Conversation:
    """One visitor: when they were due, how late they started, the page, the turns."""

    index: int
    sender: str
    due: float  # seconds from the start
    late: float  # seconds after ``due`` that it started
    turns: list[Turn]
    page: list[Fetch] = field(default_factory=list)


@dataclass
class Sample:
    """Every process's resident memory (MiB, by label) at ``offset`` seconds."""

    offset: float
    rss_mib: MemoryReading


@dataclass
class SoakRun:
    """Everything the load saw; ``origin`` is time.monotonic() at offset 0, the clock
    of each Turn.at."""

    origin: float
    conversations: list[Conversation] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)

    @property
    def turns(self) -> list[Turn]:
        """Every turn of every conversation, in the order they were sent."""
        return sorted((t for c in self.conversations for t in c.turns), key=lambda t: t.at)

    @property
    def fetches(self) -> list[Fetch]:
        """Every page file every visitor loaded."""
        return [fetch for c in self.conversations for fetch in c.page]


async def _until(origin: float, offset: float) -> None:
    """Wait until ``offset`` seconds after ``origin``; asyncio may wake a timer up to its
    clock resolution early, so wait again until it is really due."""
    while (wait := delay(offset, time.monotonic() - origin)) > 0:
        await asyncio.sleep(wait)


async def fetch(session: aiohttp.ClientSession, url: str) -> Fetch:
    """GET one file of the page, as the browser does; anything but a 200 with a body,
    a timeout or a dropped connection is an error."""
    started = time.perf_counter()
    try:
        async with session.get(url) as response:
            body = await response.read()
            error = f"HTTP {response.status}" if response.status != 200 else None
            if error is None and not body:
                error = "empty body"
    except (aiohttp.ClientError, asyncio.TimeoutError) as failure:
        error = type(failure).__name__
    return Fetch(url, time.perf_counter() - started, error)


async def run(
    url: str,
    scripts: Sequence[Script],
    offsets: Sequence[float],
    sample_at: Sequence[float],
    read_memory: Callable[[], MemoryReading],
    patterns: Mapping[str, re.Pattern],
    tag: str,
    timeout_seconds: float,
    page: Sequence[str] = (),
    connections: int = 100,
    on_sample: Callable[[Sample, SoakRun], None] | None = None,
) -> SoakRun:
    """At ``offsets[i]`` a visitor loads the ``page`` URLs one after another, then chats
    through ``scripts[i]`` as sender ``sender_id(tag, i)``; memory is read at each of
    ``sample_at``. Returns once every conversation has ended."""
    if len(scripts) != len(offsets):
        raise ValueError("one start time per script")
    result = SoakRun(origin=time.monotonic())

    async def conversation(session: aiohttp.ClientSession, index: int, script: Script) -> None:
        due = offsets[index]
        await _until(result.origin, due)
        late = time.monotonic() - result.origin - due
        loaded = [await fetch(session, file) for file in page]
        sender = sender_id(tag, index)
        turns = await converse(session, url, sender, script, patterns)
        result.conversations.append(Conversation(index, sender, due, late, turns, loaded))

    async def sampler() -> None:
        for offset in sample_at:
            await _until(result.origin, offset)
            sample = Sample(offset, read_memory())
            result.samples.append(sample)
            if on_sample:
                on_sample(sample, result)

    async with client(timeout_seconds, connections) as session:
        await asyncio.gather(
            sampler(), *(conversation(session, i, script) for i, script in enumerate(scripts))
        )
    return result
