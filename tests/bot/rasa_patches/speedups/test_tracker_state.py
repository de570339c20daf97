"""The state with the active loop copied one level deep is Rasa's state."""

from __future__ import annotations

import pytest
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.rasa_patches.speedups.tracker_state import shallow_loop_states
from tests.story_trackers import through_every_kind_of_event

RASA = DialogueStateTracker.current_state
SHALLOW = shallow_loop_states(RASA)


def test_states_are_rasas_at_every_point_of_the_test_stories(story_points):
    _, trackers = story_points
    with_loops = 0
    for tracker in trackers:
        with_loops += tracker.active_loop is not None
        for verbosity in EventVerbosity:
            assert SHALLOW(tracker, verbosity) == RASA(tracker, verbosity)
    assert with_loops > 0, "the test stories never reach a form"


@pytest.mark.parametrize("history", [None, 5])
def test_states_are_rasas_through_every_kind_of_event(story_points, history):
    domain, _ = story_points
    for tracker in through_every_kind_of_event(domain, history):
        assert SHALLOW(tracker, EventVerbosity.ALL) == RASA(tracker, EventVerbosity.ALL)


def test_changing_the_state_leaves_the_tracker_as_it_was(story_points):
    _, trackers = story_points
    tracker = next(t for t in trackers if t.active_loop and t.active_loop.trigger_message)
    before = RASA(tracker)
    state = SHALLOW(tracker)
    state["active_loop"]["trigger_message"]["text"] = "changed"
    state["active_loop"]["name"] = "another_form"
    assert RASA(tracker) == before
    assert tracker.active_loop is not None


def test_a_tracker_without_a_loop_is_rasas_own(story_points):
    _, trackers = story_points
    tracker = next(t for t in trackers if t.active_loop is None)
    assert SHALLOW(tracker) == RASA(tracker)
    assert SHALLOW(tracker)["active_loop"] == {}
