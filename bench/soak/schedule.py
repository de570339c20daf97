"""When the soak's conversations start and when memory is read.

An open loop: each conversation starts at its own time whether or not earlier ones have
finished, so a server that slows down still gets the same offered load (and its latency
shows it), where closed-loop visitors would quietly send less.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bench.visitors import MIX, Script, conversation_plan


def mean_turns(scripts: Sequence[Script]) -> float:
    """Messages per conversation, on average over ``scripts``."""
    if not scripts:
        raise ValueError("no scripts")
    return sum(len(script.steps) for script in scripts) / len(scripts)


def mix_mean_turns() -> float:
    """Messages per conversation of the bench's mix (one round of every kind)."""
    return mean_turns(conversation_plan(len(MIX)))


def conversation_interval(messages_per_second: float, turns_per_conversation: float) -> float:
    """Seconds between two conversations' starts that offer ``messages_per_second``."""
    if messages_per_second <= 0 or turns_per_conversation <= 0:
        raise ValueError("the rate and the conversation length must be positive")
    return turns_per_conversation / messages_per_second


def arrival_offsets(total_seconds: float, interval: float) -> list[float]:
    """Start times (seconds from the beginning) of every conversation before the end."""
    if interval <= 0:
        raise ValueError("the interval must be positive")
    return [i * interval for i in range(math.ceil(total_seconds / interval))]


def delay(offset: float, elapsed: float) -> float:
    """How long to wait for ``offset`` once ``elapsed`` seconds have passed: times are
    kept from the start, never from the last wake-up, so a late start is not carried
    over to every later one."""
    return max(0.0, offset - elapsed)


def sample_offsets(
    total_seconds: float, warmup_seconds: float, every_seconds: float
) -> list[float]:
    """When memory is read: every ``every_seconds`` from the start, and always at the
    end of the warm-up and at the end (the two readings the growth is taken between)."""
    if every_seconds <= 0:
        raise ValueError("the sampling period must be positive")
    regular = [i * every_seconds for i in range(math.floor(total_seconds / every_seconds) + 1)]
    return sorted({*regular, warmup_seconds, total_seconds})
