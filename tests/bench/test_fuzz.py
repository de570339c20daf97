"""The fuzz run's report (bench/fuzz.py); the run itself is `make fuzz`."""

from __future__ import annotations

from bench.fuzz import WORST_MS, Findings, summary


def test_the_summary_counts_what_was_found():
    found = Findings(examples=10, admitted=3, parsed_ms=[3.0, 1.0, 60.0])
    found.exceptions.append({"where": "nlu", "input": "x", "error": "Traceback"})
    found.slow.append({"ms": 60.0, "input": "y"})
    report = summary(found)
    assert report == {
        "examples": 10,
        "admitted_and_parsed": 3,
        "exceptions": 1,
        "parses_over_bound": 1,
        "parse_ms_median": 3.0,
        "parse_ms_max": 60.0,
        "bound_ms": WORST_MS,
    }
    assert summary(Findings())["parse_ms_max"] is None
