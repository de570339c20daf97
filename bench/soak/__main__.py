"""`python -m bench.soak` (`make soak`): the project under a steady mixed load for 30
minutes after a warm-up; fails on any error, or on memory growth of 10% or more.

Serves the project as `make run` does ((a): one Rasa process with the SQLite tracker
store, the action server, the web app; `--setup b`: production mode behind nginx), on
the soak's own ports with fresh databases (var/soak/run; logs in var/soak/logs). The
bench's mix of conversations (questions, bookings, declines) starts at a steady rate,
each with a fresh sender id, whatever the answers. Every process's resident memory is
read each minute; growth is taken from the end of the warm-up to the end. Prints a
report, writes var/soak/results.json and ends with the SOAK line; exits 1 when a target
is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path

from bench import metrics
from bench.__main__ import machine, say
from bench.servers import SETUPS, Deployment, Ports, deploy
from bench.soak import figures, load, logs, schedule
from bench.soak.report import report
from bench.visitors import conversation_plan, response_patterns
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
# away from `make run`'s, the tests' (15005-18000) and the bench's (25005...)
SOAK_PORTS = Ports(rasa=7005, actions=7055, web=7800, nginx=7080, nginx_tls=7443)
SAMPLE_SECONDS = 60.0
# what a visitor's browser loads from the web app before chatting (templates/index.html,
# bot/web/widget.py)
VISITOR_PAGE = ("/", "/static/site.css", "/widget.js", "/widget.css", "/widget/config.json")
SOAK_SETUPS = ("a", "b")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; the defaults are `make soak`'s."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--minutes", type=int, default=30, help="measured, after the warm-up")
    parser.add_argument("--warmup-minutes", type=int, default=3, help="load before measuring")
    parser.add_argument(
        "--rate", type=float, default=5.0, help="messages per second offered (on average)"
    )
    parser.add_argument("--setup", choices=SOAK_SETUPS, default="a", help="a: make run; b: prod")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds a turn may take")
    parser.add_argument(
        "--window-minutes",
        type=int,
        default=figures.DRIFT_WINDOW_MINUTES,
        help="minutes compared at the start and the end for the latency drift",
    )
    parser.add_argument("--model", type=Path, help="trained model (default: make run's)")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "soak", help="results dir")
    args = parser.parse_args(argv)
    if args.minutes < 1 or args.warmup_minutes < 0 or args.window_minutes < 1:
        parser.error("--minutes and --window-minutes must be at least 1, --warmup-minutes 0")
    if args.rate <= 0:
        parser.error("--rate must be positive")
    args.model = args.model or load_settings(root=ROOT).model_path
    if not args.model.exists():
        parser.error(f"no trained model at {args.model}: run `make train` first")
    return args


def process_pids(deployment: Deployment) -> dict[str, int]:
    """Every process of the set-up, labelled by role and pid."""
    roles = {
        "rasa": deployment.rasa_pids(),
        "action server": deployment.action_pids(),
        "web app": deployment.web_pids(),
    }
    return {f"{role} {pid}": pid for role, pids in roles.items() for pid in pids}


def memory_reader(pids: Mapping[str, int]) -> Callable[[], dict[str, float | None]]:
    """Reads every process's resident memory (MiB) at once."""
    return lambda: {label: metrics.rss_mib(pid) for label, pid in pids.items()}


def progress(total_minutes: int) -> Callable[[load.Sample, load.SoakRun], None]:
    """A line on stderr at each memory reading, to follow a half-hour run."""

    def show(sample: load.Sample, run: load.SoakRun) -> None:
        turns = run.turns
        memory = ", ".join(
            f"{label} {mib:.0f}" if mib is not None else f"{label} gone"
            for label, mib in sample.rss_mib.items()
        )
        say(
            f"soak {sample.offset / 60:.1f}/{total_minutes} min: {len(turns)} messages,"
            f" {sum(figures.failure(t) is not None for t in turns)} errors; RSS MiB: {memory}"
        )

    return show


def reading_at(samples: Sequence[load.Sample], offset: float) -> dict[str, float | None]:
    """The memory reading taken at ``offset`` ({} when there was none)."""
    return next((dict(s.rss_mib) for s in samples if s.offset == offset), {})


def summarise(
    run: load.SoakRun,
    args: argparse.Namespace,
    interval: float,
    peaks: Mapping[str, float | None],
    logged: Sequence[logs.LogError],
) -> dict[str, object]:
    """Every figure of the run, the targets missed and the SOAK line."""
    warmup, total = args.warmup_minutes * 60.0, (args.warmup_minutes + args.minutes) * 60.0
    turns = run.turns
    measured = figures.between(turns, run.origin, warmup, total)
    window = figures.drift_window(args.minutes, args.window_minutes)
    drift = figures.latency_drift(turns, run.origin, warmup, args.minutes, window)
    memory = figures.memory_growth(reading_at(run.samples, warmup), reading_at(run.samples, total))
    after_startup = reading_at(run.samples, 0.0)
    processes = {
        label: {"after_startup_mib": after_startup.get(label), **row, "peak_mib": peaks.get(label)}
        for label, row in memory.items()
    }
    fetches = run.fetches
    error_kinds = {**figures.error_kinds(turns), **figures.fetch_error_kinds(fetches)}
    errors = sum(error_kinds.values())
    missed = figures.failures(errors, len(logged), memory)
    return {
        "title": SETUPS[args.setup].title,
        "setup": args.setup,
        "minutes": args.minutes,
        "warmup_minutes": args.warmup_minutes,
        "rate_msg_s": args.rate,
        "interval_s": interval,
        "timeout_s": args.timeout,
        "conversations": len(run.conversations),
        "messages": len(turns),
        "warmup_messages": len(figures.between(turns, run.origin, 0.0, warmup)),
        "achieved_msg_s": len(measured) / (args.minutes * 60.0),
        "latest_start_s": max((c.late for c in run.conversations), default=0.0),
        "errors": errors,
        "error_kinds": error_kinds,
        "divergent": sum(turn.divergent for turn in turns),
        "latency": metrics.latency_summary(figures.answered_seconds(measured)),
        "page_files": len(fetches),
        "page_latency": metrics.latency_summary([f.seconds for f in fetches if not f.error]),
        "drift": drift,
        "processes": processes,
        "memory_samples": [{"offset_s": s.offset, "rss_mib": s.rss_mib} for s in run.samples],
        "log_errors": [vars(entry) for entry in logged],
        "failures": missed,
        "passed": not missed,
        "summary_line": figures.summary_line(errors, len(logged), memory, drift, missed),
    }


def soak(args: argparse.Namespace) -> dict[str, object]:
    """Deploy, load, measure and stop; the results (without the machine's details)."""
    spec = SETUPS[args.setup]
    for own in (args.out / "logs", args.out / "run"):  # the last run's, never anyone else's
        shutil.rmtree(own, ignore_errors=True)
    warmup, total = args.warmup_minutes * 60.0, (args.warmup_minutes + args.minutes) * 60.0
    interval = schedule.conversation_interval(args.rate, schedule.mix_mean_turns())
    offsets = schedule.arrival_offsets(total, interval)
    scripts = conversation_plan(len(offsets))
    bookings = sum(script.kind == "booking" for script in scripts)
    patterns = response_patterns(ROOT / "domain.yml")
    tag = f"soak-{datetime.now():%Y%m%d%H%M%S}"
    with deploy(
        spec, args.model, ROOT, args.out / "run", args.out / "logs", bookings, SOAK_PORTS
    ) as deployment:
        pids = process_pids(deployment)
        site = deployment.settings.public_url if spec.production else deployment.settings.web_url
        say(f"soak: {spec.title} up after {deployment.cold_start_seconds:.1f}s; processes {pids}")
        say(
            f"soak: {len(offsets)} conversations, one every {interval:.2f}s"
            f" ({args.rate:g} msg/s), {args.warmup_minutes} + {args.minutes} min"
        )
        run = asyncio.run(
            load.run(
                deployment.chat_url,
                scripts,
                offsets,
                schedule.sample_offsets(total, warmup, SAMPLE_SECONDS),
                memory_reader(pids),
                patterns,
                tag,
                args.timeout,
                page=[f"{site}{path}" for path in VISITOR_PAGE],
                on_sample=progress(args.warmup_minutes + args.minutes),
            )
        )
        peaks = {label: metrics.peak_rss_mib(pid) for label, pid in pids.items()}
        # read while the servers still run: what they say on being stopped is not the soak's
        logged = logs.scan(logs.log_files(args.out / "logs", args.out / "run"))
    return summarise(run, args, interval, peaks, logged)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the soak; 0 when every target is met."""
    args = parse_args(argv)
    # stopped by `make` or a CI job: unwind, so that every server stops, as on Ctrl-C
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {"machine": machine(), **soak(args)}
    results["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    path = args.out / "results.json"
    path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(report(results))
    print(f"(every figure: {path})")
    print(results["summary_line"], flush=True)
    return 0 if results["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
