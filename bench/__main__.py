"""`python -m bench` (`make bench`): the project's set-ups against Rasa's stock configuration.

Trains the project's model (config.yml) and the stock one (bench/stock_config.yml) on the
same data, scores both on the held-out NLU set, then serves each set-up in turn, never two
at once: (a) the project in one Rasa process, (b) the project in production mode with two
replicas behind nginx, (c) the stock model in one Rasa process started as `make run` starts
the project's (its patched Rasa, channel and tracker store), (d) the stock model on plain
Rasa, as its users run it (`rasa run`, Rasa's REST channel and SQL tracker store, no
patches). Each gets a cold start, simulated visitors, peak memory; the single processes
also one long conversation alone; then a PostgreSQL tracker store is filled with stored
conversations. Everything measured is printed and written to var/bench/results.json.

The RESULT line compares the project's best set-up with (d) (with (c) when (d) is not
among --setups); a line before it, "RESULT vs patched stock (c):", gives the same ratios
against (c). The last line printed is always the main RESULT line.

Cold start runs from spawning Rasa (the action server and web app already up) to the
first answer; in production mode `bot serve prod` starts everything at once, so there it
runs from that command to the first answer through nginx. Servers' logs: var/bench/logs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

from bench import growth, metrics, training
from bench.intent_f1 import HELD_OUT
from bench.servers import SETUPS, STORE_SETUP, SetupSpec, SetupUnavailableError, deploy
from bench.training import TrainedModel
from bench.visitors import LoadResult, conversation_plan, response_patterns, run_load
from bench.worst_case import worst_case

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {"project": "config.yml", "stock": "bench/stock_config.yml"}
PROJECT_SETUPS = ("a", "b")
# the worst case is measured on the project's single Rasa process, where one message's
# CPU time is the process's own
WORST_CASE_SETUPS = ("a",)
MAX_MESSAGE_CHARS = 2000
STOCK_SETUP = "c"  # the stock model on the project's patched runtime
PLAIN_SETUP = "d"  # the stock model on plain Rasa: the main RESULT line's baseline


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; the defaults are `make bench`'s."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--visitors", type=int, default=20, help="concurrent visitors")
    parser.add_argument(
        "--conversations", type=int, default=400, help="conversations per set-up's load phase"
    )
    parser.add_argument(
        "--reuse-models",
        action="store_true",
        help="reuse var/bench/models/*.tar.gz and their recorded training times",
    )
    parser.add_argument("--setups", default="a,b,c,d", help="which set-ups, e.g. a,d")
    parser.add_argument("--growth-turns", type=int, default=50, help="long conversation's turns")
    parser.add_argument(
        "--growth-repeats", type=int, default=5, help="long conversations per set-up (0: none)"
    )
    parser.add_argument(
        "--stored-conversations",
        type=int,
        default=100_000,
        help="conversations put in the tracker store for the growth probe (0: skip)",
    )
    parser.add_argument(
        "--worst-repeats", type=int, default=10, help="times each hostile message is sent (0: skip)"
    )
    parser.add_argument("--probes", type=int, default=20, help="probe conversations each time")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a turn may take")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench", help="results dir")
    args = parser.parse_args(argv)
    args.setups = [s.strip() for s in args.setups.split(",") if s.strip()]
    unknown = [s for s in args.setups if s not in SETUPS]
    if unknown:
        parser.error(f"unknown set-up(s) {unknown}: choose from {', '.join(SETUPS)}")
    if args.visitors < 1 or args.conversations < 1 or args.growth_turns < 2:
        parser.error("--visitors and --conversations must be at least 1, --growth-turns 2")
    return args


def say(message: str) -> None:
    """Progress, on stderr so that stdout is the report."""
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def prepare_models(args: argparse.Namespace, needed: set[str]) -> dict[str, TrainedModel]:
    """Train (or reuse) each model the chosen set-ups serve, and score it."""
    models_dir, logs = args.out / "models", args.out / "logs"
    logs.mkdir(parents=True, exist_ok=True)  # scoring writes its log there
    models = {}
    for name in sorted(needed):
        model = None
        if args.reuse_models:
            model = training.reuse(ROOT, name, CONFIGS[name], models_dir)
        if model is None:
            say(f"training the {name} model from {CONFIGS[name]} (minutes)")
            model = training.train(ROOT, name, CONFIGS[name], models_dir, logs)
        say(f"{name} model: {model.path} ({'reused' if model.reused else 'trained'})")
        if model.stale:
            say(
                f"warning: {CONFIGS[name]}, domain.yml or data/ changed since the {name} model"
                " was trained: its figures are the old model's (run without --reuse-models)"
            )
        say(f"scoring the {name} model on {HELD_OUT}")
        model.intent_macro_f1 = training.intent_macro_f1(ROOT, model, logs)
        models[name] = model
    return models


def summarise(load: LoadResult) -> dict[str, object]:
    """The load phase's figures: throughput, latency percentiles, errors, divergence."""
    ok = [turn.seconds for turn in load.turns if turn.ok]
    latency = metrics.latency_summary(ok)
    divergent = Counter(f"{t.kind} turn {t.number} ({t.sent!r})" for t in load.turns if t.divergent)
    return {
        "conversations": load.conversations,
        "messages": len(load.turns),
        "answered": len(ok),
        "errors": len(load.turns) - len(ok),
        "error_kinds": dict(Counter(t.error for t in load.turns if t.error)),
        "divergent": sum(divergent.values()),
        "divergent_by_step": dict(divergent.most_common()),
        "load_seconds": load.wall_seconds,
        "throughput_msg_s": metrics.throughput(len(ok), load.wall_seconds),
        **{key: latency[key] for key in ("p50_ms", "p95_ms", "p99_ms", "mean_ms")},
    }


def measure(
    spec: SetupSpec, model: TrainedModel, args: argparse.Namespace, patterns: dict
) -> dict[str, object]:
    """One set-up: start it (cold start), load it, read its memory, and for a single
    process also time one long conversation alone."""
    scripts = conversation_plan(args.conversations)
    bookings = sum(script.kind == "booking" for script in scripts)
    row: dict[str, object] = {"title": spec.title, "model": model.name}
    with deploy(
        spec, model.path, ROOT, args.out / "run", args.out / "logs", bookings
    ) as deployment:
        say(f"{spec.title}: first answer after {deployment.cold_start_seconds:.1f}s")
        row["cold_start_s"] = deployment.cold_start_seconds
        say(f"{spec.title}: {args.visitors} visitors, {len(scripts)} conversations")
        rasa_pids, action_pids = deployment.rasa_pids(), deployment.action_pids()
        cpu_before = {pid: metrics.cpu_seconds(pid) for pid in rasa_pids + action_pids}
        load = asyncio.run(
            run_load(deployment.chat_url, scripts, args.visitors, patterns, spec.key, args.timeout)
        )
        cpu_after = {pid: metrics.cpu_seconds(pid) for pid in cpu_before}
        row.update(summarise(load))
        for name, pids in (("rasa", rasa_pids), ("action", action_pids)):
            row[f"{name}_cpu_ms_per_msg"] = metrics.cpu_ms_per_message(
                {pid: cpu_before[pid] for pid in pids}, cpu_after, int(row["answered"])
            )
        rasa = {pid: metrics.peak_rss_mib(pid) for pid in rasa_pids}
        actions = [metrics.peak_rss_mib(pid) for pid in action_pids]
        known = [mib for mib in rasa.values() if mib is not None]
        row["rasa_processes"] = len(rasa)
        row["rasa_peak_rss_each_mib"] = {str(pid): mib for pid, mib in rasa.items()}
        row["rasa_peak_rss_mib"] = max(known) if known else None
        row["action_peak_rss_mib"] = max([a for a in actions if a is not None], default=None)
        say(
            f"{spec.title}: {row['throughput_msg_s']:.2f} msg/s, p95 {row['p95_ms'] or 0:.0f} ms,"
            f" {row['errors']} errors, {row['divergent']} divergent"
        )
        if args.growth_repeats > 0 and not spec.production:
            say(f"{spec.title}: {args.growth_repeats} conversations of {args.growth_turns} turns")
            length = growth.length_growth(
                deployment.chat_url,
                patterns,
                args.growth_turns,
                args.growth_repeats,
                f"{spec.key}-long",
            )
            row["length_growth"] = length
            turn_ms = length["turn_ms"]
            row["turn_1_ms"] = turn_ms.get("1")  # type: ignore[union-attr]
            row["turn_last_ms"] = turn_ms.get(str(args.growth_turns))  # type: ignore[union-attr]
        if spec.key in WORST_CASE_SETUPS and args.worst_repeats > 0:
            say(f"{spec.title}: the worst case of one message, {args.worst_repeats} times each")
            worst = worst_case(
                deployment.chat_url, rasa_pids, MAX_MESSAGE_CHARS, args.worst_repeats
            )
            row["worst_case"] = worst
            row["worst_ms"] = worst["worst_ms"]
            say(f"{spec.title}: worst {worst['worst_ms']:.1f} ms ({worst['worst_message']})")
    return row


def measure_store(model: TrainedModel, args: argparse.Namespace, patterns: dict) -> dict:
    """Probe latency with an empty PostgreSQL tracker store and with many conversations."""
    with deploy(
        STORE_SETUP, model.path, ROOT, args.out / "run", args.out / "logs", bookings=0
    ) as deployment:
        say(f"stored conversations: probing, then inserting {args.stored_conversations:,}")
        return growth.store_growth(
            deployment.chat_url,
            deployment.tracker_url,
            patterns,
            args.stored_conversations,
            args.probes,
        )


def attempt(what: str, run: Callable[[], dict]) -> dict:
    """Run one measurement; a set-up that cannot run is reported as not run, with why."""
    try:
        return {"ran": True, **run()}
    except SetupUnavailableError as reason:
        say(f"{what}: not run: {reason}")
        return {"ran": False, "error": str(reason)}
    except Exception as error:  # reported; the other set-ups still run
        say(f"{what}: failed: {error}")
        traceback.print_exc()
        return {"ran": False, "error": f"{type(error).__name__}: {error}"}


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip()


def machine() -> dict[str, object]:
    """Where and when (the start) the figures were measured, and how busy the machine was."""
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain")),
        "load_average": os.getloadavg(),
    }


def report(results: dict) -> str:
    """The table, the growth figures and the targets, as printed."""
    setups, keys = results["setups"], results["setup_order"]
    columns = [SETUPS[key].title for key in keys]
    lines = [
        f"Benchmark: {results['visitors']} visitors, {results['conversations']} conversations"
        f" per set-up, {results['machine']['cpu_count']} CPUs, {results['machine']['date']}",
        "",
        metrics.format_table(columns, metrics.report_rows(setups, keys)),
    ]
    if results["growth_repeats"]:
        lines.append(
            f"alone: one visitor, no other load, conversations of {results['growth_turns']}"
            f" turns, median of {results['growth_repeats']} (turn 1 also starts the session)"
        )
    lines += [
        f"{SETUPS[key].title}: not run: {setups[key].get('error')}"
        for key in keys
        if not setups[key].get("ran")
    ]
    store = results.get("stored_conversations")
    if store and store.get("ran"):
        insert = store["insert"]
        lines += [
            "",
            f"Stored conversations ({STORE_SETUP.title}), probe turn latency p50:"
            f" empty {store['empty']['p50_ms']:.0f} ms,"
            f" with {store['stored_conversations']:,} conversations"
            f" {store['full']['p50_ms']:.0f} ms"
            f" (x{store['full_to_empty_p50']:.2f}; {insert['rows']:,} events,"
            f" {insert['table_mib']:.0f} MiB, inserted in {insert['seconds']:.0f}s)",
        ]
    elif store:
        lines += ["", f"Stored conversations: not run: {store.get('error')}"]
    if results.get("best_setup"):
        lines += ["", f"Project's best set-up: {SETUPS[results['best_setup']].title}"]
    lines.append(f"Ratios and targets against {SETUPS[results['baseline']].title}:")
    lines += metrics.target_lines(results["comparison"])
    return "\n".join(lines)


def baseline_setup(chosen: Sequence[str]) -> str:
    """What the main RESULT line compares with: plain Rasa (d) when it is among the
    set-ups (even if it failed: then its ratios are nan, not (c)'s), else (c)."""
    return PLAIN_SETUP if PLAIN_SETUP in chosen else STOCK_SETUP


def compare_with(
    results: dict, baseline: str, models: dict[str, TrainedModel], best: str | None
) -> dict[str, float | None]:
    """The project's best set-up against ``baseline``, if that ran."""
    setups = results["setups"]
    stock = setups.get(baseline, {})
    return metrics.comparison(
        setups[best] if best else {},
        stock if stock.get("ran") else {},
        models["project"].intent_macro_f1 if "project" in models else None,
        models["stock"].intent_macro_f1 if "stock" in models else None,
        setups.get(WORST_CASE_SETUPS[0], {}).get("worst_ms"),
    )


def result_lines(results: dict) -> list[str]:
    """The RESULT lines as printed: against (c) first when the main line is against (d),
    the main one last (tooling reads the last line)."""
    lines = []
    if results["baseline"] != STOCK_SETUP and STOCK_SETUP in results["setup_order"]:
        lines.append(metrics.patched_stock_line(results["comparison_patched_stock"]))
    return [*lines, results["result_line"]]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 when every figure of the RESULT line was measured."""
    args = parse_args(argv)
    # stopped by `make` or a CI job: unwind, so that every server stops and every
    # database is dropped, as on Ctrl-C
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.out.mkdir(parents=True, exist_ok=True)
    started = machine()
    patterns = response_patterns(ROOT / "domain.yml")
    needed = {SETUPS[key].model for key in args.setups}
    if args.stored_conversations > 0:
        needed.add(STORE_SETUP.model)
    models = prepare_models(args, needed)
    setups: dict[str, dict] = {}
    for key in args.setups:
        spec = SETUPS[key]
        model = models[spec.model]
        row = attempt(
            spec.title, lambda spec=spec, model=model: measure(spec, model, args, patterns)
        )
        row.update(
            title=spec.title,
            training_s=model.training_seconds,
            training_reused=model.reused,
            training_stale=model.stale,
            intent_macro_f1=model.intent_macro_f1,
        )
        setups[key] = row
    results: dict[str, object] = {
        "machine": started,
        "visitors": args.visitors,
        "conversations": args.conversations,
        "growth_turns": args.growth_turns,
        "growth_repeats": args.growth_repeats,
        "setup_order": args.setups,
        "models": {name: model.as_json() for name, model in models.items()},
        "setups": setups,
    }
    if args.stored_conversations > 0:
        results["stored_conversations"] = attempt(
            "stored conversations", lambda: measure_store(models["project"], args, patterns)
        )
    try:
        best = metrics.best_setup(setups, [k for k in PROJECT_SETUPS if k in setups])
    except LookupError:
        best = None
    results["best_setup"] = best
    results["baseline"] = baseline_setup(args.setups)
    results["comparison"] = compare_with(results, results["baseline"], models, best)
    results["result_line"] = metrics.result_line(results["comparison"])
    results["comparison_patched_stock"] = compare_with(results, STOCK_SETUP, models, best)
    results["result_line_patched_stock"] = metrics.patched_stock_line(
        results["comparison_patched_stock"]
    )
    results["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(report(results))
    print(f"(every figure: {args.out / 'results.json'})")
    print("\n".join(result_lines(results)), flush=True)
    return 0 if all(v is not None for v in results["comparison"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
