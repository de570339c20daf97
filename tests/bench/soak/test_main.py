"""`python -m bench.soak`: its options, the processes it watches, and the results it
draws from a run."""

from __future__ import annotations

import pytest

from bench.soak import __main__ as soak
from tests.bench.soak.synthetic import arguments, soak_run

STEADY = {"rasa 10": 510.0, "action server 11": 151.5, "web app 12": 80.0}


def test_the_defaults_are_half_an_hour_after_three_minutes_at_five_messages_a_second(tmp_path):
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"")
    args = soak.parse_args(["--model", str(model)])
    assert (args.minutes, args.warmup_minutes, args.rate, args.setup) == (30, 3, 5.0, "a")
    assert args.out == soak.ROOT / "var" / "soak"


@pytest.mark.parametrize(
    "options", [["--minutes", "0"], ["--rate", "0"], ["--warmup-minutes", "-1"], ["--setup", "c"]]
)
def test_nonsense_options_are_refused(tmp_path, options):
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"")
    with pytest.raises(SystemExit):
        soak.parse_args(["--model", str(model), *options])


def test_a_missing_model_is_refused(tmp_path):
    with pytest.raises(SystemExit):
        soak.parse_args(["--model", str(tmp_path / "none.tar.gz")])


def test_the_soak_ports_are_not_the_bench_s_nor_make_run_s():
    from bench.servers import Ports

    ours = set(vars(soak.SOAK_PORTS).values())
    assert not ours & set(vars(Ports()).values())
    assert not ours & {5005, 5055, 8000}


class FakeDeployment:
    def rasa_pids(self) -> list[int]:
        return [10, 13]

    def action_pids(self) -> list[int]:
        return [11]

    def web_pids(self) -> list[int]:
        return [12]


def test_every_process_is_labelled_by_role_and_pid():
    pids = soak.process_pids(FakeDeployment())  # type: ignore[arg-type]
    assert pids == {"rasa 10": 10, "rasa 13": 13, "action server 11": 11, "web app 12": 12}


def test_a_steady_run_passes():
    run = soak_run(STEADY)
    results = soak.summarise(run, arguments(), 10.0, {"rasa 10": 530.0}, [])
    assert results["passed"] and results["failures"] == []
    assert (results["conversations"], results["messages"], results["warmup_messages"]) == (
        18,
        36,
        12,
    )
    assert results["achieved_msg_s"] == pytest.approx(24 / 120)
    assert results["latest_start_s"] == pytest.approx(0.17)
    assert results["divergent"] == 1 and results["errors"] == 0
    assert results["page_files"] == 36
    assert results["page_latency"]["p50_ms"] == pytest.approx(5.0)
    rasa = results["processes"]["rasa 10"]
    assert rasa == {
        "after_startup_mib": 450.0,
        "start_mib": 500.0,
        "end_mib": 510.0,
        "growth_pct": pytest.approx(2.0),
        "peak_mib": 530.0,
    }
    drift = results["drift"]
    assert drift["window_minutes"] == 1
    # measured minute 1: 6 turns of 50 ms and 6 of 100; minute 2: 6 of 50 and 6 of 120
    assert (drift["first"]["p95_ms"], drift["last"]["p95_ms"]) == pytest.approx((100, 120))
    assert drift["p95_drift_pct"] == pytest.approx(20.0)
    assert results["summary_line"].endswith("result=pass")
    assert results["summary_line"].startswith("SOAK errors=0 log_errors=0 rss_growth_max=+2.0%")


def test_a_timeout_a_logged_error_or_a_growing_process_fails_the_run():
    from bench.soak.logs import LogError

    grown = {**STEADY, "action server 11": 170.0}
    logged = [LogError("a-rasa.log", 7, "ERROR boom")]
    results = soak.summarise(soak_run(grown, failed_at=150), arguments(), 10.0, {}, logged)
    assert results["failures"] == [
        "1 request(s) failed",
        "1 error line(s) in the servers' logs",
        "action server 11: memory grew +13.3% (limit 10%)",
    ]
    assert results["error_kinds"] == {"TimeoutError": 1}
    assert results["log_errors"] == [{"file": "a-rasa.log", "line": 7, "text": "ERROR boom"}]
    assert not results["passed"] and results["summary_line"].endswith("result=fail")


def test_a_page_file_that_fails_to_load_is_an_error():
    results = soak.summarise(soak_run(STEADY, page_failed_at=30), arguments(), 10.0, {}, [])
    assert results["error_kinds"] == {"page /widget.js: HTTP 500": 1}
    assert results["failures"] == ["1 request(s) failed"]
    assert results["errors"] == 1 and not results["passed"]


def test_a_process_that_went_away_fails_the_run():
    results = soak.summarise(soak_run({**STEADY, "web app 12": None}), arguments(), 10.0, {}, [])
    assert results["failures"] == [
        "web app 12: memory not read at both ends (the process had gone?)"
    ]
