"""A made-up soak run (one minute of warm-up, two measured) for the report's and the
command's tests."""

from __future__ import annotations

import argparse

from bench.soak.load import Conversation, Fetch, Sample, SoakRun
from bench.visitors import Turn

ORIGIN = 500.0


def arguments(**changes: object) -> argparse.Namespace:
    settings = {
        "setup": "a",
        "minutes": 2,
        "warmup_minutes": 1,
        "rate": 5.0,
        "timeout": 30.0,
        "window_minutes": 5,
    }
    return argparse.Namespace(**{**settings, **changes})


def soak_run(
    end_rss: dict[str, float | None],
    failed_at: float | None = None,
    page_failed_at: float | None = None,
) -> SoakRun:
    """Conversations every 10 s for 180 s, each loading two page files (4 and 6 ms) and
    then two turns (the second 20 ms slower in the last minute); memory read at 0, 60
    (end of warm-up) and 180 s. A turn, or the page's second file, fails at the given
    start times."""
    conversations = []
    for index, due in enumerate(range(0, 180, 10)):
        page = [Fetch("http://web/", 0.004, None), Fetch("http://web/widget.js", 0.006, None)]
        if page_failed_at == due:
            page[1] = Fetch("http://web/widget.js", 0.002, "HTTP 500")
        ms = 100 if due < 120 else 120
        turns = [
            Turn("faq", 1, "hi", 0.05, True, False, None, 1, ORIGIN + due),
            Turn("faq", 2, "q", ms / 1000, True, index == 3, None, 2, ORIGIN + due + 1),
        ]
        if failed_at == due:
            turns[1] = Turn("faq", 2, "q", 30.0, False, False, "TimeoutError", 0, ORIGIN + due + 1)
        conversations.append(
            Conversation(index, f"s{index}", float(due), 0.01 * index, turns, page)
        )
    start = {"rasa 10": 500.0, "action server 11": 150.0, "web app 12": 80.0}
    samples = [
        Sample(0.0, {"rasa 10": 450.0, "action server 11": 140.0, "web app 12": 75.0}),
        Sample(60.0, start),
        Sample(120.0, start),
        Sample(180.0, end_rss),
    ]
    return SoakRun(ORIGIN, conversations, samples)
