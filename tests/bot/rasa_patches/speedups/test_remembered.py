"""A value is worked out once per object and kept with it."""

from __future__ import annotations

from bot.rasa_patches.speedups.remembered import remembered


class Owner:
    pass


def test_worked_out_once_per_object():
    calls = []

    def work_out():
        calls.append(1)
        return len(calls) * 10

    first, second = Owner(), Owner()
    assert remembered(first, "_value", work_out) == 10
    assert remembered(first, "_value", work_out) == 10
    assert remembered(second, "_value", work_out) == 20
    assert calls == [1, 1]
    assert first.__dict__["_value"] == 10


def test_a_false_answer_is_remembered_too():
    calls = []
    owner = Owner()
    for _ in range(3):
        assert remembered(owner, "_empty", lambda: calls.append(1) or False) is False
    assert calls == [1]
