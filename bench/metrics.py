"""The bench's arithmetic and reporting: percentiles, memory from /proc, the ratios of the
project against stock, the table and the RESULT line.

Kept free of servers and networks so that tests/bench can check every figure the
benchmark prints from known inputs.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolated between ranks as numpy's default does,
    so that p99 of a few hundred turns is not just the slowest one."""
    if not values:
        raise ValueError("no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0-100, got {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    """The 50th percentile."""
    return percentile(values, 50)


def latency_summary(seconds: Sequence[float]) -> dict[str, float | int | None]:
    """p50/p95/p99 and the mean of turn latencies, in milliseconds (None when empty)."""
    if not seconds:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None}
    return {
        "n": len(seconds),
        "p50_ms": percentile(seconds, 50) * 1000,
        "p95_ms": percentile(seconds, 95) * 1000,
        "p99_ms": percentile(seconds, 99) * 1000,
        "mean_ms": sum(seconds) / len(seconds) * 1000,
    }


def throughput(answered: int, wall_seconds: float) -> float:
    """Messages answered per second of the load phase."""
    return answered / wall_seconds if wall_seconds > 0 else 0.0


# ---- memory, from /proc (psutil is not a dependency)


def status_kib(status_text: str, field: str) -> int | None:
    """A ``kB`` field (VmHWM, VmRSS...) of a /proc/<pid>/status text, in KiB."""
    found = re.search(rf"^{field}:\s+(\d+)\s+kB", status_text, re.MULTILINE)
    return int(found.group(1)) if found else None


def _status_mib(pid: int, field: str, proc: Path) -> float | None:
    """A memory field of /proc/<pid>/status in MiB; None once the process has gone."""
    try:
        text = (proc / str(pid) / "status").read_text()
    except OSError:
        return None
    kib = status_kib(text, field)
    return kib / 1024 if kib is not None else None


def peak_rss_mib(pid: int, proc: Path = Path("/proc")) -> float | None:
    """The process's peak resident memory (VmHWM) in MiB; None once it has gone."""
    return _status_mib(pid, "VmHWM", proc)


def rss_mib(pid: int, proc: Path = Path("/proc")) -> float | None:
    """The process's resident memory now (VmRSS) in MiB, for growth over time (the soak);
    None once it has gone."""
    return _status_mib(pid, "VmRSS", proc)


def stat_cpu_ticks(stat_text: str) -> int:
    """User plus system CPU time (clock ticks) of a /proc/<pid>/stat line; the command
    name in parentheses may itself hold spaces, so fields are counted after it."""
    fields = stat_text[stat_text.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat


def cpu_seconds(pid: int, proc: Path = Path("/proc")) -> float | None:
    """CPU time the process has used so far; None once it has gone."""
    try:
        text = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    return stat_cpu_ticks(text) / os.sysconf("SC_CLK_TCK")


def cpu_ms_per_message(
    before: Mapping[int, float | None], after: Mapping[int, float | None], messages: int
) -> float | None:
    """CPU milliseconds the processes spent per message answered between two readings:
    where a turn's time goes (Rasa, or the action server it calls)."""
    spent = [
        after[pid] - start  # type: ignore[operator]
        for pid, start in before.items()
        if start is not None and after.get(pid) is not None
    ]
    if not spent or messages == 0:
        return None
    return sum(spent) * 1000 / messages


def command_line(pid: int, proc: Path = Path("/proc")) -> list[str]:
    """A process's argv ([] when it has gone or is a kernel thread)."""
    try:
        raw = (proc / str(pid) / "cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def is_server_on_port(argv: Sequence[str], port: int, markers: Iterable[str]) -> bool:
    """True if ``argv`` contains every marker and ``--port <port>``: how a server this
    bench did not start itself (a replica under supervisord) is found."""
    words = list(argv)
    joined = " ".join(words)
    if not all(marker in joined for marker in markers):
        return False
    return any(a == "--port" and b == str(port) for a, b in zip(words, words[1:], strict=False))


def find_pids(port: int, markers: Iterable[str], proc: Path = Path("/proc")) -> list[int]:
    """Every process whose command line names ``markers`` and ``--port <port>``."""
    markers = list(markers)
    pids = [int(entry.name) for entry in proc.iterdir() if entry.name.isdigit()]
    return sorted(pid for pid in pids if is_server_on_port(command_line(pid, proc), port, markers))


def listening_inodes(net_tcp_text: str, port: int) -> set[int]:
    """The socket inodes listening on ``port`` in a /proc/net/tcp (or tcp6) table."""
    inodes = set()
    for line in net_tcp_text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10 or fields[3] != "0A":  # 0A: TCP_LISTEN
            continue
        if int(fields[1].rsplit(":", 1)[1], 16) == port:
            inodes.add(int(fields[9]))
    return inodes


def listening_pids(port: int, proc: Path = Path("/proc")) -> list[int]:
    """Every process holding a socket that listens on ``port``: how a server whose
    command line names no port (the web app, run by uvicorn) is found. Processes of
    other users, whose descriptors cannot be read, are skipped."""
    inodes: set[int] = set()
    for table in ("tcp", "tcp6"):
        try:
            inodes |= listening_inodes((proc / "net" / table).read_text(), port)
        except OSError:
            continue
    wanted = {f"socket:[{inode}]" for inode in inodes}
    if not wanted:
        return []
    pids = [int(entry.name) for entry in proc.iterdir() if entry.name.isdigit()]
    return sorted(pid for pid in pids if _descriptor_links(proc / str(pid) / "fd") & wanted)


def _descriptor_links(fd_dir: Path) -> set[str]:
    """What a process's open descriptors point at; a descriptor closed meanwhile, or a
    process that cannot be read, adds nothing."""
    try:
        descriptors = list(fd_dir.iterdir())
    except OSError:
        return set()
    links = set()
    for descriptor in descriptors:
        try:
            links.add(os.readlink(descriptor))
        except OSError:
            continue
    return links


# ---- the comparison


@dataclass(frozen=True)
class Target:
    """One goal of the issue: ``key`` of the RESULT line, met when ``value op limit``."""

    key: str
    label: str
    op: str  # ">=" or "<="
    limit: float

    def met(self, value: float | None) -> bool | None:
        """None when the value could not be measured."""
        if value is None:
            return None
        return value >= self.limit if self.op == ">=" else value <= self.limit


TARGETS = (
    Target("throughput_ratio", "throughput, project / stock", ">=", 6.0),
    Target("p95_ratio", "p95 turn latency, project / stock", "<=", 0.25),
    Target("rss_ratio", "peak RSS per Rasa process, project / stock", "<=", 0.5),
    Target("cold_start_ratio", "cold start, project / stock", "<=", 0.33),
    Target("f1_delta", "intent macro-F1, project - stock", ">=", 0.0),
    Target("worst_ms", "highest Rasa CPU ms of one hostile message, project", "<=", 50.0),
)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def best_setup(results: Mapping[str, Mapping[str, object]], candidates: Iterable[str]) -> str:
    """The candidate set-up that ran with the highest throughput (the project's best)."""
    ran = [
        name
        for name in candidates
        if name in results and results[name].get("throughput_msg_s") is not None
    ]
    if not ran:
        raise LookupError("none of the project's set-ups ran")
    return max(ran, key=lambda name: float(results[name]["throughput_msg_s"]))  # type: ignore[arg-type]


def comparison(
    project: Mapping[str, object],
    stock: Mapping[str, object],
    project_f1: float | None,
    stock_f1: float | None,
    worst_ms: float | None = None,
) -> dict[str, float | None]:
    """The RESULT line's figures: the project's best set-up against stock, and the
    project's worst case of one message (bench/worst_case.py)."""

    def get(row: Mapping[str, object], key: str) -> float | None:
        value = row.get(key)
        return float(value) if isinstance(value, int | float) else None

    return {
        "throughput_ratio": ratio(get(project, "throughput_msg_s"), get(stock, "throughput_msg_s")),
        "p95_ratio": ratio(get(project, "p95_ms"), get(stock, "p95_ms")),
        "rss_ratio": ratio(get(project, "rasa_peak_rss_mib"), get(stock, "rasa_peak_rss_mib")),
        "cold_start_ratio": ratio(get(project, "cold_start_s"), get(stock, "cold_start_s")),
        "f1_delta": (
            project_f1 - stock_f1 if project_f1 is not None and stock_f1 is not None else None
        ),
        "worst_ms": worst_ms,
    }


# what the runtime changes: the second RESULT line's figures (the stock model, and so
# its F1, is the same in (c) and (d); the worst case is the project's own)
RATIO_KEYS = ("throughput_ratio", "p95_ratio", "rss_ratio", "cold_start_ratio")


def result_line(
    figures: Mapping[str, float | None],
    prefix: str = "RESULT",
    keys: Sequence[str] | None = None,
) -> str:
    """``RESULT throughput_ratio=X.XX ... f1_delta=+0.XXX``; ``nan`` for what was not measured.
    ``keys`` (default: every target's) and ``prefix`` make the second line."""

    def fmt(key: str, value: float | None) -> str:
        if value is None:
            return "nan"
        if key == "worst_ms":
            return f"{value:.1f}"
        return f"{value:+.3f}" if key == "f1_delta" else f"{value:.2f}"

    shown = [t.key for t in TARGETS] if keys is None else keys
    return f"{prefix} " + " ".join(f"{key}={fmt(key, figures.get(key))}" for key in shown)


def patched_stock_line(figures: Mapping[str, float | None]) -> str:
    """The second RESULT line: the same ratios against (c), the stock model on the
    project's patched Rasa runtime, channel and tracker store."""
    return result_line(figures, "RESULT vs patched stock (c):", RATIO_KEYS)


def target_lines(figures: Mapping[str, float | None]) -> list[str]:
    """One line per goal: met, missed, or not measured."""
    lines = []
    for target in TARGETS:
        value = figures.get(target.key)
        verdict = {True: "met", False: "MISSED", None: "not measured"}[target.met(value)]
        shown = "n/a" if value is None else f"{value:.3f}"
        lines.append(f"{verdict:>12}  {target.label}: {shown} (want {target.op} {target.limit})")
    return lines


# ---- the table


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def format_table(columns: Sequence[str], rows: Sequence[tuple[str, Sequence[object]]]) -> str:
    """A plain-text table: one row per measure, one column per set-up; '-' for missing."""
    label_width = max([len(label) for label, _ in rows] + [0])
    cells = [[_cell(v) for v in values] for _, values in rows]
    widths = [
        max([len(column)] + [len(row[i]) for row in cells if i < len(row)])
        for i, column in enumerate(columns)
    ]
    header = (
        " " * label_width
        + "  "
        + "  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))
    )
    lines = [header, "-" * len(header)]
    for (label, _), row in zip(rows, cells, strict=True):
        padded = row + ["-"] * (len(columns) - len(row))
        lines.append(
            label.ljust(label_width)
            + "  "
            + "  ".join(c.rjust(w) for c, w in zip(padded, widths, strict=True))
        )
    return "\n".join(lines)


ROWS = (
    ("throughput (msg/s)", "throughput_msg_s"),
    ("turn latency p50 (ms)", "p50_ms"),
    ("turn latency p95 (ms)", "p95_ms"),
    ("turn latency p99 (ms)", "p99_ms"),
    ("messages answered", "answered"),
    ("errors (non-200, timeouts)", "errors"),
    ("divergent replies", "divergent"),
    ("Rasa processes", "rasa_processes"),
    ("peak RSS per Rasa process (MiB)", "rasa_peak_rss_mib"),
    ("peak RSS action server (MiB)", "action_peak_rss_mib"),
    ("Rasa CPU per message (ms)", "rasa_cpu_ms_per_msg"),
    ("action server CPU per message (ms)", "action_cpu_ms_per_msg"),
    ("cold start (s)", "cold_start_s"),
    ("training time (s)", "training_s"),
    ("intent macro-F1, held-out", "intent_macro_f1"),
    ("alone: turn 1 latency (ms)", "turn_1_ms"),
    ("alone: last turn latency (ms)", "turn_last_ms"),
)


def report_rows(
    setups: Mapping[str, Mapping[str, object]], keys: Sequence[str]
) -> list[tuple[str, list[object]]]:
    """The table's rows for the set-ups ``keys``; a reused model's training time says so,
    and whether its inputs changed since."""
    rows = []
    for label, field in ROWS:
        values: list[object] = []
        for key in keys:
            setup = setups.get(key, {})
            value = setup.get(field)
            if field == "training_s" and value is not None and setup.get("training_reused"):
                stale = ", stale" if setup.get("training_stale") else ""
                value = f"{_cell(value)} (reused{stale})"
            values.append(value)
        rows.append((label, values))
    return rows
