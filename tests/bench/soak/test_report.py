"""The soak's printed report."""

from __future__ import annotations

from bench.soak.__main__ import summarise
from bench.soak.logs import LogError
from bench.soak.report import SHOWN_LOG_ERRORS, report
from tests.bench.soak.synthetic import arguments, soak_run

MACHINE = {"cpu_count": 2, "date": "2026-11-27T22:10:00+00:00"}


def printed(end_rss: dict[str, float | None], logged: list[LogError] | None = None) -> str:
    results = summarise(soak_run(end_rss), arguments(), 10.25, {}, logged or [])
    return report({"machine": MACHINE, **results})


def test_the_report_shows_each_process_s_memory_and_the_latency_at_both_ends():
    text = printed({"rasa 10": 510.0, "action server 11": 150.0, "web app 12": 80.0})
    lines = text.splitlines()
    assert lines[0] == (
        "Soak: (a) project, 2 min after a 1 min warm-up, a conversation every 10.25 s"
        " (5 msg/s offered), 2 CPUs, 2026-11-27T22:10:00+00:00"
    )
    rasa = next(line for line in lines if line.startswith("rasa 10"))
    assert rasa.split() == ["rasa", "10", "450.0", "500.0", "510.0", "+2.0%", "-"]
    p95 = next(line for line in lines if line.startswith("p95 (ms)"))
    assert p95.split()[2:] == ["100", "120", "+20.0%"]
    assert "minute 2" in text
    assert "errors: 0" in lines
    assert "page files loaded before chatting: 36, p50 5 ms, p95 6 ms" in lines
    assert lines[-1].split() == ["met", "no", "errors;", *lines[-1].split()[3:]]


def test_the_report_lists_what_was_missed_and_the_first_log_errors():
    logged = [LogError("a-rasa.log", n, f"ERROR number {n}") for n in range(1, 15)]
    text = printed({"rasa 10": 600.0, "action server 11": 150.0, "web app 12": None}, logged)
    assert "error lines in the servers' logs: 14" in text
    assert "  a-rasa.log:1: ERROR number 1" in text
    assert f"ERROR number {SHOWN_LOG_ERRORS + 1}" not in text
    missed = [line.split("MISSED", 1)[1].strip() for line in text.splitlines() if "MISSED" in line]
    assert missed == [
        "14 error line(s) in the servers' logs",
        "rasa 10: memory grew +20.0% (limit 10%)",
        "web app 12: memory not read at both ends (the process had gone?)",
    ]
    assert " met " not in text
