"""The two RESULT lines: the main one against plain Rasa (d), printed last, and the same
ratios against the patched stock set-up (c) before it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import __main__ as bench
from bench.training import TrainedModel

PROJECT = {"ran": True, "throughput_msg_s": 12.0, "p95_ms": 300.0, "rasa_peak_rss_mib": 600.0}
PATCHED = {"ran": True, "throughput_msg_s": 4.0, "p95_ms": 900.0, "rasa_peak_rss_mib": 1200.0}
PLAIN = {"ran": True, "throughput_msg_s": 2.0, "p95_ms": 1500.0, "rasa_peak_rss_mib": 1500.0}


def model(name: str, f1: float) -> TrainedModel:
    return TrainedModel(name, f"{name}.yml", Path(f"{name}.tar.gz"), 1.0, True, f1)


def results(setups: dict[str, dict], order: list[str]) -> dict:
    """What main() records, with the comparisons computed as it computes them."""
    models = {"project": model("project", 0.93), "stock": model("stock", 0.90)}
    rows = {
        key: {**row, "cold_start_s": 10.0 * (i + 1)} for i, (key, row) in enumerate(setups.items())
    }
    rows["a"]["worst_ms"] = 12.0
    done = {"setups": rows, "setup_order": order, "baseline": bench.baseline_setup(order)}
    done["comparison"] = bench.compare_with(done, done["baseline"], models, "a")
    done["result_line"] = bench.metrics.result_line(done["comparison"])
    done["comparison_patched_stock"] = bench.compare_with(done, "c", models, "a")
    return done


def test_the_baseline_is_plain_rasa_when_it_is_among_the_setups():
    assert bench.baseline_setup(["a", "b", "c", "d"]) == "d"
    assert bench.baseline_setup(["d"]) == "d"
    assert bench.baseline_setup(["a", "c"]) == "c"
    assert bench.parse_args([]).setups == ["a", "b", "c", "d"]


def test_the_main_line_is_against_plain_rasa_and_printed_last():
    done = results({"a": PROJECT, "c": PATCHED, "d": PLAIN}, ["a", "c", "d"])
    assert done["comparison"]["throughput_ratio"] == pytest.approx(6.0)
    assert done["comparison"]["cold_start_ratio"] == pytest.approx(10.0 / 30.0)
    assert done["comparison_patched_stock"]["throughput_ratio"] == pytest.approx(3.0)
    first, last = bench.result_lines(done)
    assert first == (
        "RESULT vs patched stock (c): throughput_ratio=3.00 p95_ratio=0.33 rss_ratio=0.50"
        " cold_start_ratio=0.50"
    )
    assert last == (
        "RESULT throughput_ratio=6.00 p95_ratio=0.20 rss_ratio=0.40 cold_start_ratio=0.33"
        " f1_delta=+0.030 worst_ms=12.0"
    )


def test_plain_rasa_that_failed_gives_nan_not_the_patched_figures():
    done = results({"a": PROJECT, "c": PATCHED, "d": {"ran": False}}, ["a", "c", "d"])
    assert done["comparison"]["throughput_ratio"] is None
    assert bench.result_lines(done)[-1].startswith("RESULT throughput_ratio=nan")
    assert "throughput_ratio=3.00" in bench.result_lines(done)[0]


def test_without_plain_rasa_there_is_one_line_against_patched_stock():
    done = results({"a": PROJECT, "c": PATCHED}, ["a", "c"])
    assert bench.result_lines(done) == [done["result_line"]]
    assert done["result_line"].startswith("RESULT throughput_ratio=3.00")


def test_without_patched_stock_only_the_main_line_is_printed():
    done = results({"a": PROJECT, "d": PLAIN}, ["a", "d"])
    assert bench.result_lines(done) == [done["result_line"]]
