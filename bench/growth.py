"""How turn latency grows: with the length of one conversation, and with the number of
conversations already in the tracker store.

Both are timed with one visitor alone on the server, so that they show the cost of the
tracker itself rather than queueing behind other visitors.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from re import Pattern

import psycopg2
from sqlalchemy.engine import make_url

from bench.metrics import median
from bench.visitors import Turn, long_chat, probe_chat, run_sequentially, sender_id
from bot.db.rasa_events import events_connection

# turns whose latency the report shows (the first and the last always)
SHOWN_TURNS = (1, 2, 10, 25)
DAY_SECONDS = 86_400
EVENT_COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
TIMESTAMP_MARK = '"__bench_timestamp__"'


def turn_medians(conversations: Sequence[Sequence[Turn]]) -> list[float | None]:
    """The median latency (ms) of each turn position over conversations, successful turns
    only (None where every one failed)."""
    length = max((len(c) for c in conversations), default=0)
    medians: list[float | None] = []
    for position in range(length):
        ok = [c[position].seconds for c in conversations if position < len(c) and c[position].ok]
        medians.append(median(ok) * 1000 if ok else None)
    return medians


def length_growth(
    url: str, patterns: dict[str, Pattern], turns: int, repeats: int, tag: str
) -> dict[str, object]:
    """``repeats`` conversations of ``turns`` turns, one at a time: turn 1 against turn N."""
    scripts = [long_chat(turns)] * repeats
    conversations = asyncio.run(run_sequentially(url, scripts, patterns, tag))
    medians = turn_medians(conversations)
    first, last = medians[0], medians[-1]
    return {
        "turns": turns,
        "repeats": repeats,
        "errors": sum(not t.ok for c in conversations for t in c),
        "turn_ms": {str(n): medians[n - 1] for n in (*SHOWN_TURNS, turns) if n <= turns},
        "last_to_first": last / first if first and last else None,
        "per_turn_median_ms": medians,
    }


def _probe(url: str, patterns: dict[str, Pattern], probes: int, tag: str) -> dict[str, object]:
    conversations = asyncio.run(run_sequentially(url, [probe_chat()] * probes, patterns, tag))
    ok = [t.seconds for c in conversations for t in c if t.ok]
    return {
        "conversations": probes,
        "errors": sum(not t.ok for c in conversations for t in c),
        "p50_ms": median(ok) * 1000 if ok else None,
        "first_turn_p50_ms": median([c[0].seconds for c in conversations if c[0].ok]) * 1000
        if any(c[0].ok for c in conversations)
        else None,
    }


@dataclass(frozen=True)
class TemplateEvent:
    """An event of a real conversation, its JSON split where the timestamp goes."""

    type_name: str
    offset: float  # seconds after the conversation's first event
    intent_name: str | None
    action_name: str | None
    data_parts: tuple[str, ...]


def templates(
    rows: Iterable[tuple[str, str, float, str | None, str | None, str]], events: int
) -> list[list[TemplateEvent]]:
    """Real conversations (rows of the events table, in id order) as templates of their
    first ``events`` events."""
    by_sender: dict[str, list[TemplateEvent]] = {}
    starts: dict[str, float] = {}
    for sender, type_name, timestamp, intent, action, data in rows:
        conversation = by_sender.setdefault(sender, [])
        if len(conversation) >= events:
            continue
        start = starts.setdefault(sender, timestamp)
        parsed = json.loads(data)
        if "timestamp" in parsed:
            parsed["timestamp"] = TIMESTAMP_MARK.strip('"')
        parts = tuple(json.dumps(parsed).split(TIMESTAMP_MARK))
        conversation.append(TemplateEvent(type_name, timestamp - start, intent, action, parts))
    return [c for c in by_sender.values() if c]


def synthetic_rows(
    patterns: Sequence[Sequence[TemplateEvent]], first: int, count: int, total: int, now: float
) -> Iterator[tuple[object, ...]]:
    """Rows for conversations ``first``..``first+count-1`` of ``total``, copied from the
    templates under their own sender ids, spread over the last 180 days."""
    span = 180 * DAY_SECONDS
    for index in range(first, first + count):
        template = patterns[index % len(patterns)]
        base = now - span + span * index / total
        sender = f"stored-{index:07d}"
        for event in template:
            timestamp = base + event.offset
            data = repr(timestamp).join(event.data_parts)
            yield (sender, event.type_name, timestamp, event.intent_name, event.action_name, data)


def _read_templates(tracker_url: str, senders: Sequence[str], events: int) -> list[list]:
    columns = ", ".join(EVENT_COLUMNS)
    with events_connection(tracker_url) as connection:
        rows = connection.exec_driver_sql(
            f"SELECT {columns} FROM events WHERE sender_id = ANY(%(senders)s) ORDER BY id",
            {"senders": list(senders)},
        ).all()
    return templates([tuple(row) for row in rows], events)


def bulk_insert(
    tracker_url: str, patterns: Sequence[Sequence[TemplateEvent]], total: int, batch: int = 5000
) -> dict[str, float | int]:
    """COPY ``total`` conversations into the PostgreSQL tracker store, then ANALYZE it as
    autovacuum would; rows, seconds and the table's size."""
    dsn = make_url(tracker_url).render_as_string(hide_password=False)
    started = time.monotonic()
    rows = 0
    now = time.time()
    copy = f"COPY events ({', '.join(EVENT_COLUMNS)}) FROM STDIN WITH (FORMAT csv)"
    connection = psycopg2.connect(dsn)
    try:
        with connection.cursor() as cursor:
            for first in range(0, total, batch):
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                for row in synthetic_rows(patterns, first, min(batch, total - first), total, now):
                    writer.writerow(row)
                    rows += 1
                buffer.seek(0)
                cursor.copy_expert(copy, buffer)
                connection.commit()
            # ANALYZE (unlike VACUUM) runs in a transaction
            cursor.execute("ANALYZE events")
            cursor.execute("SELECT pg_total_relation_size('events')")
            (size,) = cursor.fetchone()
            connection.commit()
    finally:
        connection.close()
    return {"rows": rows, "seconds": time.monotonic() - started, "table_mib": size / 2**20}


def store_growth(
    url: str,
    tracker_url: str,
    patterns: dict[str, Pattern],
    stored: int,
    probes: int,
    events_per_conversation: int = 10,
) -> dict[str, object]:
    """Probe conversations' latency with an empty tracker store, then with ``stored`` more
    conversations (copies of the probes' own events) in it."""
    _probe(url, patterns, 1, "store-warm-up")  # the first turns after a start are slower
    before = _probe(url, patterns, probes, "store-empty")
    senders = [sender_id("store-empty", i) for i in range(probes)]
    conversation_templates = _read_templates(tracker_url, senders, events_per_conversation)
    if not conversation_templates:
        raise RuntimeError("the probe conversations left no events to copy")
    inserted = bulk_insert(tracker_url, conversation_templates, stored)
    after = _probe(url, patterns, probes, "store-full")
    return {
        "stored_conversations": stored,
        "events_per_conversation": events_per_conversation,
        "insert": inserted,
        "empty": before,
        "full": after,
        "full_to_empty_p50": (
            after["p50_ms"] / before["p50_ms"]  # type: ignore[operator]
            if before["p50_ms"] and after["p50_ms"]
            else None
        ),
    }
