"""The soak's printed report, from the results it writes to results.json."""

from __future__ import annotations

from collections.abc import Mapping

from bench.metrics import format_table
from bench.soak.figures import RSS_GROWTH_LIMIT_PCT, change_pct, signed

SHOWN_LOG_ERRORS = 10


def _mib(value: object) -> str | None:
    return f"{value:.1f}" if isinstance(value, int | float) else None


def _pct(value: object) -> str | None:
    return f"{value:+.1f}%" if isinstance(value, int | float) else None


def _ms(value: object) -> str | None:
    return f"{value:.0f}" if isinstance(value, int | float) else None


def memory_table(processes: Mapping[str, Mapping[str, object]]) -> str:
    """Each process's resident memory after start-up, after the warm-up and at the end."""
    columns = ["after start-up", "after warm-up", "end", "growth", "peak"]
    rows = [
        (
            label,
            [
                _mib(row.get("after_startup_mib")),
                _mib(row.get("start_mib")),
                _mib(row.get("end_mib")),
                _pct(row.get("growth_pct")),
                _mib(row.get("peak_mib")),
            ],
        )
        for label, row in processes.items()
    ]
    return format_table(columns, rows)


def latency_table(drift: Mapping[str, object]) -> str:
    """p50/p95/p99 of the first and last minutes compared, and how they moved."""
    window = drift["window_minutes"]
    first, last = drift["first"], drift["last"]
    columns = [f"first {window} min", f"last {window} min", "drift"]
    rows = []
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        before, after = first.get(key), last.get(key)  # type: ignore[attr-defined]
        rows.append((f"{key[:3]} (ms)", [_ms(before), _ms(after), _pct(change_pct(before, after))]))
    return format_table(columns, rows)


def minute_table(series: list[Mapping[str, object]]) -> str:
    """One row per minute after the warm-up."""
    columns = ["messages", "errors", "p50 ms", "p95 ms"]
    rows = [
        (
            f"minute {row['minute']}",
            [row["messages"], row["errors"], _ms(row["p50_ms"]), _ms(row["p95_ms"])],
        )
        for row in series
    ]
    return format_table(columns, rows)


def report(results: Mapping[str, object]) -> str:
    """Everything the soak measured, as printed before the SOAK line."""
    drift, page = results["drift"], results["page_latency"]
    logged = results["log_errors"]
    lines = [
        f"Soak: {results['title']}, {results['minutes']} min after a"
        f" {results['warmup_minutes']} min warm-up, a conversation every"
        f" {results['interval_s']:.2f} s ({results['rate_msg_s']:g} msg/s offered),"
        f" {results['machine']['cpu_count']} CPUs, {results['machine']['date']}",  # type: ignore[index]
        "",
        "Memory (resident, MiB)",
        memory_table(results["processes"]),  # type: ignore[arg-type]
        "",
        "Turn latency after the warm-up",
        latency_table(drift),  # type: ignore[arg-type]
        "slope of the per-minute p50 / p95:"
        f" {signed(drift['p50_slope_ms_per_min'], ' ms/min', 2)}"  # type: ignore[index]
        f" / {signed(drift['p95_slope_ms_per_min'], ' ms/min', 2)}",  # type: ignore[index]
        "",
        "Per minute after the warm-up",
        minute_table(drift["per_minute"]),  # type: ignore[index]
        "",
        f"{results['conversations']} conversations, {results['messages']} messages"
        f" ({results['warmup_messages']} in the warm-up); after the warm-up"
        f" {results['achieved_msg_s']:.2f} msg/s; latest start {results['latest_start_s']:+.2f} s",
        f"page files loaded before chatting: {results['page_files']},"
        f" p50 {_ms(page['p50_ms']) or '-'} ms, p95 {_ms(page['p95_ms']) or '-'} ms",
        f"errors: {results['errors']} {results['error_kinds'] or ''}".rstrip(),
        f"divergent replies (counted, not errors): {results['divergent']}",
        f"error lines in the servers' logs: {len(logged)}",  # type: ignore[arg-type]
    ]
    lines += [
        f"  {entry['file']}:{entry['line']}: {entry['text']}"
        for entry in logged[:SHOWN_LOG_ERRORS]  # type: ignore[index]
    ]
    missed = results["failures"]
    lines += [f"      MISSED  {reason}" for reason in missed]  # type: ignore[union-attr]
    if not missed:
        lines.append(
            "         met  no errors; every process's memory grew less than"
            f" {RSS_GROWTH_LIMIT_PCT:g}% after the warm-up"
        )
    return "\n".join(lines)
