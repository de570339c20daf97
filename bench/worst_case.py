"""The worst case of one message: the most Rasa CPU time any hostile message costs
(bench/hostile.py), sent one at a time to a quiet server.

/proc counts CPU time in clock ticks (10 ms), too coarse for one message: each message is
sent ``repeats`` times, each time by a new visitor, and its cost is the CPU time of those
turns divided by their number. Nothing else is sent meanwhile, so all of the Rasa
process's time in that window is theirs.

``python -m bench.worst_case --url http://127.0.0.1:5005 --pid <rasa pid>`` measures a
running server; `make bench` measures set-up (a) after its load.
"""

from __future__ import annotations

import argparse
import json
import uuid
from collections.abc import Iterable

import requests

from bench import metrics
from bench.hostile import hostile_messages

WORST_MS_TARGET = 50.0


def message_cpu_ms(chat_url: str, pids: list[int], text: str, repeats: int) -> float | None:
    """Mean Rasa CPU milliseconds of one message sent ``repeats`` times by new visitors."""
    before = {pid: metrics.cpu_seconds(pid) for pid in pids}
    for _ in range(repeats):
        reply = requests.post(
            chat_url, json={"sender": uuid.uuid4().hex, "message": text}, timeout=60
        )
        reply.raise_for_status()
    after = {pid: metrics.cpu_seconds(pid) for pid in pids}
    return metrics.cpu_ms_per_message(before, after, repeats)


def worst_case(
    chat_url: str,
    pids: list[int],
    limit: int,
    repeats: int = 10,
    messages: Iterable[tuple[str, str]] | None = None,
) -> dict[str, object]:
    """Each hostile message's cost, the highest, and which message it was."""
    costs: dict[str, float | None] = {}
    for name, text in messages if messages is not None else hostile_messages(limit):
        costs[name] = message_cpu_ms(chat_url, pids, text, repeats)
    known = {name: ms for name, ms in costs.items() if ms is not None}
    worst = max(known, key=known.__getitem__) if known else None
    return {
        "worst_ms": known[worst] if worst else None,
        "worst_message": worst,
        "messages": len(costs),
        "repeats": repeats,
        "ms_by_message": costs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worst_case", description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="Rasa's address")
    parser.add_argument("--pid", type=int, action="append", required=True, help="Rasa's pid")
    parser.add_argument("--limit", type=int, default=2000, help="MAX_MESSAGE_CHARS")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args(argv)
    found = worst_case(f"{args.url}/webhooks/rest/webhook", args.pid, args.limit, args.repeats)
    print(json.dumps(found, indent=2))
    return 0 if (found["worst_ms"] or 0) <= WORST_MS_TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
