"""The soak's figures and verdict, on made-up turns and memory readings."""

from __future__ import annotations

import pytest

from bench.soak import figures
from bench.visitors import Turn

ORIGIN = 1000.0  # time.monotonic() at the start of a made-up run


def turn(at: float, ms: float, error: str | None = None, messages: int = 1) -> Turn:
    """A turn sent ``at`` seconds after ORIGIN that took ``ms``."""
    return Turn("faq", 1, "hi", ms / 1000, error is None, False, error, messages, ORIGIN + at)


def test_a_failed_request_or_an_empty_reply_is_an_error():
    assert figures.failure(turn(0, 50)) is None
    assert figures.failure(turn(0, 50, messages=0)) == "empty reply"
    assert figures.failure(turn(0, 30_000, error="TimeoutError", messages=0)) == "TimeoutError"
    turns = [turn(0, 50), turn(1, 50, "HTTP 502"), turn(2, 50, messages=0), turn(3, 9, "HTTP 502")]
    assert figures.error_kinds(turns) == {"HTTP 502": 2, "empty reply": 1}
    # a failure's time is not a latency
    assert figures.answered_seconds(turns) == [0.05]


def test_turns_are_counted_in_the_minute_they_were_sent():
    turns = [turn(59.9, 100), turn(60.0, 200), turn(61, 300, "HTTP 500"), turn(125, 400)]
    assert figures.between(turns, ORIGIN, 60, 120) == turns[1:3]
    series = figures.minute_series(turns, ORIGIN, start=0, minutes=3)
    assert [(row["messages"], row["errors"]) for row in series] == [(1, 0), (2, 1), (1, 0)]
    assert [row["p50_ms"] for row in series] == pytest.approx([100, 200, 400])
    empty = figures.minute_series(turns, ORIGIN, start=200, minutes=1)
    assert empty == [{"minute": 1, "messages": 0, "errors": 0, "p50_ms": None, "p95_ms": None}]


def test_the_slope_is_a_least_squares_fit_per_minute():
    assert figures.slope([10, 12, 14, 16]) == pytest.approx(2.0)
    assert figures.slope([5, 5, 5]) == pytest.approx(0.0)
    assert figures.slope([10, None, 14]) == pytest.approx(2.0)  # minutes keep their place
    assert figures.slope([30, 10, 20, 0]) == pytest.approx(-8.0)
    assert figures.slope([7]) is None and figures.slope([None, 3]) is None


def test_the_drift_window_never_makes_the_two_ends_overlap():
    assert figures.drift_window(30) == 5
    assert figures.drift_window(8) == 4
    assert figures.drift_window(3) == 1
    assert figures.drift_window(1) == 1
    assert figures.drift_window(30, wanted=10) == 10


def test_latency_drift_compares_the_first_and_last_minutes_after_the_warm_up():
    # warm-up: the first 60 s, slow (not counted); then 10 minutes growing from 100 to
    # 190 ms, one turn every 6 s
    turns = [turn(t, 900) for t in range(0, 60, 6)]
    turns += [turn(60 + m * 60 + s, 100 + 10 * m) for m in range(10) for s in range(0, 60, 6)]
    drift = figures.latency_drift(turns, ORIGIN, start=60, minutes=10, window=2)
    assert drift["first"]["p50_ms"] == pytest.approx(105)  # minutes 1-2: 100 and 110
    assert drift["last"]["p50_ms"] == pytest.approx(185)  # minutes 9-10: 180 and 190
    assert drift["p50_drift_pct"] == pytest.approx(80 / 105 * 100)
    assert drift["p95_drift_pct"] == pytest.approx((190 - 110) / 110 * 100)
    assert drift["p50_slope_ms_per_min"] == pytest.approx(10.0)
    assert drift["p95_slope_ms_per_min"] == pytest.approx(10.0)
    assert len(drift["per_minute"]) == 10 and drift["first"]["n"] == 20


def test_a_steady_run_has_no_drift():
    turns = [turn(t, 80) for t in range(0, 600, 3)]
    drift = figures.latency_drift(turns, ORIGIN, start=0, minutes=10, window=5)
    assert drift["p50_drift_pct"] == 0 and drift["p95_drift_pct"] == 0
    assert drift["p95_slope_ms_per_min"] == pytest.approx(0.0)


def test_memory_growth_is_per_process_and_missing_when_a_process_has_gone():
    start = {"rasa 10": 500.0, "action server 11": 200.0, "web app 12": 100.0}
    end = {"rasa 10": 540.0, "action server 11": 190.0, "web app 12": None}
    growth = figures.memory_growth(start, end)
    assert growth["rasa 10"] == {"start_mib": 500.0, "end_mib": 540.0, "growth_pct": 8.0}
    assert growth["action server 11"]["growth_pct"] == pytest.approx(-5.0)
    assert growth["web app 12"]["growth_pct"] is None
    assert figures.max_growth(growth) == pytest.approx(8.0)
    assert figures.max_growth({}) is None


def memory(**growth_pct: float | None) -> dict[str, dict[str, float | None]]:
    return {
        label: {"start_mib": 100.0, "end_mib": None, "growth_pct": pct}
        for label, pct in growth_pct.items()
    }


def test_the_soak_passes_only_without_errors_and_with_growth_under_the_limit():
    assert figures.failures(0, 0, memory(rasa=9.99, web=-3.0)) == []
    assert figures.failures(0, 0, memory(rasa=10.0)) == ["rasa: memory grew +10.0% (limit 10%)"]
    assert figures.failures(0, 0, memory(rasa=12.5), limit_pct=15.0) == []
    assert figures.failures(2, 0, memory(rasa=1.0)) == ["2 request(s) failed"]
    assert figures.failures(0, 3, memory(rasa=1.0)) == ["3 error line(s) in the servers' logs"]
    gone = figures.failures(0, 0, memory(rasa=1.0, web=None))
    assert gone == ["web: memory not read at both ends (the process had gone?)"]
    assert figures.failures(0, 0, {}) == ["no process's memory was read"]


def test_the_summary_line():
    drift = {"p50_drift_pct": 2.04, "p95_drift_pct": -4.0, "p95_slope_ms_per_min": 0.123}
    line = figures.summary_line(0, 0, memory(rasa=3.21, web=1.0), drift, missed=[])
    assert line == (
        "SOAK errors=0 log_errors=0 rss_growth_max=+3.2% p50_drift=+2.0% p95_drift=-4.0%"
        " p95_slope=+0.12ms/min result=pass"
    )
    line = figures.summary_line(4, 1, {}, {}, missed=["4 request(s) failed"])
    assert line == (
        "SOAK errors=4 log_errors=1 rss_growth_max=nan p50_drift=nan p95_drift=nan"
        " p95_slope=nan result=fail"
    )
