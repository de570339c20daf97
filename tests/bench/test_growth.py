"""Stored conversations copied from real ones, and turn-by-turn medians."""

from __future__ import annotations

import json

import pytest

from bench import growth
from bench.visitors import Turn


def event_rows():
    def row(sender, type_name, timestamp, data, intent=None, action=None):
        return (sender, type_name, timestamp, intent, action, json.dumps(data))

    return [
        row("s1", "action", 100.0, {"event": "action", "timestamp": 100.0}, action="x"),
        row("s2", "user", 500.0, {"event": "user", "timestamp": 500.0, "text": "hi"}, "greet"),
        row("s1", "user", 101.5, {"event": "user", "timestamp": 101.5, "text": "a\tb\n"}, "faq"),
        row("s1", "bot", 102.0, {"event": "bot", "timestamp": 102.0}),
    ]


def test_templates_keep_the_first_events_of_each_conversation():
    s1, s2 = growth.templates(event_rows(), events=2)
    assert [e.type_name for e in s1] == ["action", "user"]
    assert [e.offset for e in s1] == [0.0, 1.5]
    assert s1[1].intent_name == "faq" and s1[0].action_name == "x"
    assert [e.type_name for e in s2] == ["user"]


def test_synthetic_conversations_get_their_own_ids_and_times():
    patterns = growth.templates(event_rows(), events=10)
    rows = list(growth.synthetic_rows(patterns, first=2, count=2, total=4, now=1_000_000.0))
    assert [r[0] for r in rows] == ["stored-0000002"] * 3 + ["stored-0000003"]
    span = 180 * growth.DAY_SECONDS
    start = 1_000_000.0 - span + span * 2 / 4
    assert [r[2] for r in rows[:3]] == pytest.approx([start, start + 1.5, start + 2.0])
    for _, type_name, timestamp, _, _, data in rows:
        event = json.loads(data)
        assert event["timestamp"] == pytest.approx(timestamp)
        assert event["event"] == type_name
    assert json.loads(rows[1][5])["text"] == "a\tb\n"


def test_turn_medians_skip_failed_turns():
    def turn(number, ms, ok=True):
        return Turn("long", number, "hi", ms / 1000, ok)

    conversations = [
        [turn(1, 100), turn(2, 50)],
        [turn(1, 300), turn(2, 70, ok=False)],
        [turn(1, 200), turn(2, 90)],
    ]
    assert growth.turn_medians(conversations) == pytest.approx([200.0, 70.0])
    assert growth.turn_medians([[turn(1, 10, ok=False)]]) == [None]
