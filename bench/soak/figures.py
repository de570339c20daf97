"""The soak's verdict from what it saw: errors, memory growth, latency drift, the report
and the SOAK line.

Pure arithmetic on turns and memory readings, so that tests/bench/soak can check every
figure and the pass/fail decision on made-up data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from bench.metrics import latency_summary, percentile
from bench.soak.load import Fetch
from bench.visitors import Turn

RSS_GROWTH_LIMIT_PCT = 10.0
DRIFT_WINDOW_MINUTES = 5
MINUTE = 60.0


# ---- errors


def failure(turn: Turn) -> str | None:
    """Why a turn counts as an error (None: it did not): the request failed (non-200,
    timeout, connection), or the assistant answered with nothing, since every message
    of the scripts gets an answer from the project."""
    if turn.error:
        return turn.error
    if turn.messages == 0:
        return "empty reply"
    return None


def error_kinds(turns: Iterable[Turn]) -> dict[str, int]:
    """How many turns failed, by reason."""
    return dict(Counter(reason for turn in turns if (reason := failure(turn))).most_common())


def fetch_error_kinds(fetches: Iterable[Fetch]) -> dict[str, int]:
    """How many of the page's files failed to load, by file and reason."""
    failed = (f"page {urlsplit(f.url).path}: {f.error}" for f in fetches if f.error)
    return dict(Counter(failed).most_common())


# ---- latency


def between(turns: Iterable[Turn], origin: float, start: float, end: float) -> list[Turn]:
    """The turns sent from ``start`` up to (not including) ``end`` seconds after ``origin``."""
    return [turn for turn in turns if origin + start <= turn.at < origin + end]


def answered_seconds(turns: Iterable[Turn]) -> list[float]:
    """Latencies of the turns that did not fail (a failure's time is no latency)."""
    return [turn.seconds for turn in turns if failure(turn) is None]


def minute_series(
    turns: Sequence[Turn], origin: float, start: float, minutes: int
) -> list[dict[str, float | int | None]]:
    """Messages, errors, p50 and p95 (ms) of each minute from ``start`` seconds."""
    series = []
    for minute in range(minutes):
        window = between(turns, origin, start + minute * MINUTE, start + (minute + 1) * MINUTE)
        ok = answered_seconds(window)
        series.append(
            {
                "minute": minute + 1,
                "messages": len(window),
                "errors": len(window) - len(ok),
                "p50_ms": percentile(ok, 50) * 1000 if ok else None,
                "p95_ms": percentile(ok, 95) * 1000 if ok else None,
            }
        )
    return series


def slope(values: Sequence[float | None]) -> float | None:
    """Least-squares slope of ``values`` against their position (per step; None where a
    value is missing), None with fewer than two values."""
    points = [(float(x), y) for x, y in enumerate(values) if y is not None]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def drift_window(minutes: int, wanted: int = DRIFT_WINDOW_MINUTES) -> int:
    """Minutes compared at each end: ``wanted``, but no more than half the run (so the
    two windows never overlap) and at least one."""
    return max(1, min(wanted, minutes // 2))


def change_pct(before: float | None, after: float | None) -> float | None:
    """How much ``after`` differs from ``before``, in percent of ``before``."""
    if before is None or after is None or before <= 0:
        return None
    return (after - before) / before * 100


def latency_drift(
    turns: Sequence[Turn], origin: float, start: float, minutes: int, window: int
) -> dict[str, object]:
    """p50/p95 of the first ``window`` minutes against the last ``window`` minutes, and
    the slope of the per-minute p50 and p95 (ms per minute)."""
    end = start + minutes * MINUTE
    first = latency_summary(
        answered_seconds(between(turns, origin, start, start + window * MINUTE))
    )
    last = latency_summary(answered_seconds(between(turns, origin, end - window * MINUTE, end)))
    series = minute_series(turns, origin, start, minutes)
    return {
        "window_minutes": window,
        "first": first,
        "last": last,
        "p50_drift_pct": change_pct(first["p50_ms"], last["p50_ms"]),  # type: ignore[arg-type]
        "p95_drift_pct": change_pct(first["p95_ms"], last["p95_ms"]),  # type: ignore[arg-type]
        "p50_slope_ms_per_min": slope([row["p50_ms"] for row in series]),  # type: ignore[misc]
        "p95_slope_ms_per_min": slope([row["p95_ms"] for row in series]),  # type: ignore[misc]
        "per_minute": series,
    }


# ---- memory


def memory_growth(
    start: Mapping[str, float | None], end: Mapping[str, float | None]
) -> dict[str, dict[str, float | None]]:
    """Each process's memory at the two readings and its growth in percent (None when a
    reading is missing: the process had gone)."""
    return {
        label: {
            "start_mib": start.get(label),
            "end_mib": end.get(label),
            "growth_pct": change_pct(start.get(label), end.get(label)),
        }
        for label in {**start, **end}
    }


def max_growth(memory: Mapping[str, Mapping[str, float | None]]) -> float | None:
    """The largest growth of any process (None when none was measured)."""
    known = [row["growth_pct"] for row in memory.values() if row["growth_pct"] is not None]
    return max(known) if known else None


# ---- the verdict


def failures(
    errors: int,
    log_errors: int,
    memory: Mapping[str, Mapping[str, float | None]],
    limit_pct: float = RSS_GROWTH_LIMIT_PCT,
) -> list[str]:
    """Every target missed (empty: the soak passed): a failed request (a turn or a
    page file), an error in a log, a process whose memory grew by ``limit_pct`` or
    more, or one that could not be measured."""
    missed = []
    if errors:
        missed.append(f"{errors} request(s) failed")
    if log_errors:
        missed.append(f"{log_errors} error line(s) in the servers' logs")
    if not memory:
        missed.append("no process's memory was read")
    for label, row in sorted(memory.items()):
        growth = row["growth_pct"]
        if growth is None:
            missed.append(f"{label}: memory not read at both ends (the process had gone?)")
        elif growth >= limit_pct:
            missed.append(f"{label}: memory grew {growth:+.1f}% (limit {limit_pct:g}%)")
    return missed


def signed(value: float | None, unit: str, digits: int = 1) -> str:
    """``+3.2%``-style, ``nan`` when not measured."""
    return "nan" if value is None else f"{value:+.{digits}f}{unit}"


def summary_line(
    errors: int,
    log_errors: int,
    memory: Mapping[str, Mapping[str, float | None]],
    drift: Mapping[str, object],
    missed: Sequence[str],
) -> str:
    """``SOAK errors=0 log_errors=0 rss_growth_max=+3.2% p50_drift=... p95_drift=+4.0%
    p95_slope=+0.10ms/min result=pass``; ``nan`` for what was not measured."""
    return " ".join(
        [
            "SOAK",
            f"errors={errors}",
            f"log_errors={log_errors}",
            f"rss_growth_max={signed(max_growth(memory), '%')}",
            f"p50_drift={signed(drift.get('p50_drift_pct'), '%')}",  # type: ignore[arg-type]
            f"p95_drift={signed(drift.get('p95_drift_pct'), '%')}",  # type: ignore[arg-type]
            f"p95_slope={signed(drift.get('p95_slope_ms_per_min'), 'ms/min', 2)}",  # type: ignore[arg-type]
            f"result={'fail' if missed else 'pass'}",
        ]
    )
