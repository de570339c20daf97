"""The worst case of one message: the most Rasa CPU time any hostile message costs
(bench/hostile.py), sent one at a time to a quiet server.

/proc counts CPU time in clock ticks (10 ms), too coarse for one message: each message is
sent ``repeats`` times, each time by a new visitor, and its cost is the CPU time of those
turns divided by their number. The generated ones (random words, characters of each
Unicode category) are generated anew each time, so that every turn pays what a word never
seen before costs (spaCy adds it to its vocabulary, the typo index looks it up). Nothing
else is sent meanwhile, so all of the Rasa process's time in that window is theirs.

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
SEED = 2718


def turns_cpu_ms(chat_url: str, pids: list[int], texts: list[str]) -> float | None:
    """Mean Rasa CPU milliseconds of these messages, each sent by a new visitor."""
    before = {pid: metrics.cpu_seconds(pid) for pid in pids}
    for text in texts:
        reply = requests.post(
            chat_url, json={"sender": uuid.uuid4().hex, "message": text}, timeout=60
        )
        reply.raise_for_status()
    after = {pid: metrics.cpu_seconds(pid) for pid in pids}
    return metrics.cpu_ms_per_message(before, after, len(texts))


def worst_case(
    chat_url: str,
    pids: list[int],
    limit: int,
    repeats: int = 10,
    messages: Iterable[tuple[str, str]] | None = None,
) -> dict[str, object]:
    """Each hostile message's cost, the highest, and which message it was. ``messages``
    (the same each time) replaces the generated ones."""
    if messages is not None:
        fixed = list(messages)
        rounds = [dict(fixed) for _ in range(repeats)]
    else:
        rounds = [dict(hostile_messages(limit, seed=SEED + turn)) for turn in range(repeats)]
    costs = {
        name: turns_cpu_ms(chat_url, pids, [round_[name] for round_ in rounds])
        for name in rounds[0]
    }
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
