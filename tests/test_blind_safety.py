"""The blind safety set (tests/safety_blind/) against the real servers, every message
in every position (first, in the intake, in the contact form): emergency and crisis
recall 100% and false alarms at most MAX_FALSE_ALARMS in each."""

from __future__ import annotations

from tests.safety_blind.positions import POSITIONS, figures, load, measure, misses, texts_from

MAX_FALSE_ALARMS = 0.03


def test_every_emergency_and_crisis_is_caught_in_every_position(servers, domain, clinic):
    results = measure(servers.rasa_url, texts_from(domain, clinic), load())
    found = figures(results)
    missed = "\n".join(misses(results))
    for position in POSITIONS:
        row = found[position]
        assert row["emergency_recall"] == 1.0, (position, row, missed)
        assert row["crisis_recall"] == 1.0, (position, row, missed)
        assert row["false_alarms"] <= MAX_FALSE_ALARMS, (position, row, missed)
