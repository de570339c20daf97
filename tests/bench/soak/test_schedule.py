"""The soak's steady arrival rate and when memory is read."""

from __future__ import annotations

import pytest

from bench.soak import schedule
from bench.visitors import MIX, conversation_plan


def test_the_interval_offers_the_rate_given_the_mix_of_conversations():
    plan = conversation_plan(len(MIX))
    turns = sum(len(script.steps) for script in plan) / len(plan)
    assert schedule.mix_mean_turns() == pytest.approx(turns)
    # 40 conversations of the mix carry as many messages as ten rounds of it
    assert schedule.mean_turns(conversation_plan(40)) == pytest.approx(turns)
    assert schedule.conversation_interval(5.0, 10.25) == pytest.approx(2.05)
    assert schedule.conversation_interval(0.5, 10.0) == pytest.approx(20.0)


def test_a_rate_or_length_of_nothing_is_refused():
    with pytest.raises(ValueError):
        schedule.conversation_interval(0.0, 10.0)
    with pytest.raises(ValueError):
        schedule.conversation_interval(5.0, 0.0)
    with pytest.raises(ValueError):
        schedule.mean_turns([])
    with pytest.raises(ValueError):
        schedule.arrival_offsets(60.0, 0.0)


def test_arrivals_are_evenly_spaced_and_all_before_the_end():
    assert schedule.arrival_offsets(10.0, 2.5) == [0.0, 2.5, 5.0, 7.5]
    assert schedule.arrival_offsets(10.0, 3.0) == [0.0, 3.0, 6.0, 9.0]
    offsets = schedule.arrival_offsets(33 * 60.0, 2.05)
    assert len(offsets) == 966 and offsets[-1] < 33 * 60.0
    gaps = {round(b - a, 9) for a, b in zip(offsets, offsets[1:], strict=False)}
    assert gaps == {2.05}


def test_a_late_wake_up_is_not_carried_over_to_the_next_start():
    # due at 4.0 s; woken at 4.3 s: start now, and the one due at 6.0 waits 1.7 s, not 2.0
    assert schedule.delay(4.0, 4.3) == 0.0
    assert schedule.delay(6.0, 4.3) == pytest.approx(1.7)
    assert schedule.delay(6.0, 6.0) == 0.0


def test_memory_is_read_every_minute_and_at_the_end_of_the_warm_up_and_of_the_run():
    assert schedule.sample_offsets(330.0, 180.0, 60.0) == [0, 60, 120, 180, 240, 300, 330]
    assert schedule.sample_offsets(240.0, 90.0, 60.0) == [0, 60, 90, 120, 180, 240]
    assert schedule.sample_offsets(120.0, 0.0, 60.0) == [0, 60, 120]
    with pytest.raises(ValueError):
        schedule.sample_offsets(120.0, 0.0, 0.0)
