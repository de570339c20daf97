"""Errors the servers logged during the soak: a failure the visitor never saw (an action
that raised and was answered anyway, a lead that could not be saved) still fails it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# Python's logging (Rasa, uvicorn), Sanic's "[ERROR]", a traceback, and nginx's levels
ERROR_LINE = re.compile(
    r"Traceback \(most recent call last\)|\b(?:ERROR|CRITICAL)\b|\[(?:error|crit|alert|emerg)\]"
)
SHOWN_CHARS = 300


@dataclass(frozen=True)
class LogError:
    """One line that reports an error, where it is."""

    file: str
    line: int
    text: str


def error_lines(text: str) -> list[tuple[int, str]]:
    """The (1-based number, text) of each line of ``text`` that reports an error."""
    return [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if ERROR_LINE.search(line)
    ]


def log_files(*directories: Path) -> list[Path]:
    """Every ``*.log`` under the directories (the servers' own logs and, in production
    mode, supervisord's and nginx's)."""
    return sorted({path for directory in directories for path in directory.rglob("*.log")})


def scan(paths: Iterable[Path]) -> list[LogError]:
    """The error lines of every file, cut to SHOWN_CHARS each."""
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [LogError(str(path), n, line[:SHOWN_CHARS]) for n, line in error_lines(text)]
    return found
