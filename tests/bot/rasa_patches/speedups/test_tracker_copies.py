"""A tracker copied as it stands is the tracker Rasa's replaying copy makes."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    LoopInterrupted,
    SlotSet,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_patches.speedups.tracker_copies import copy_as_it_stands, direct_copies
from tests.story_trackers import through_every_kind_of_event

REPLAY = DialogueStateTracker.copy


def state(tracker: DialogueStateTracker) -> dict[str, Any]:
    """Everything a tracker holds, comparable: its attributes, its slots' attributes, its
    events (the same objects, in order) and their history limit."""
    attributes = {k: v for k, v in vars(tracker).items() if k not in ("slots", "events")}
    return {
        **attributes,
        "slots": {name: vars(slot) for name, slot in tracker.slots.items()},
        "events": [id(event) for event in tracker.events],
        "maxlen": tracker.events.maxlen,
        "current_state": tracker.current_state(),
    }


def assert_same_copy(tracker: DialogueStateTracker) -> None:
    replayed, direct = REPLAY(tracker), copy_as_it_stands(tracker)
    assert type(direct) is type(replayed)
    assert state(direct) == state(replayed)


def test_copies_are_the_replays_at_every_point_of_the_test_stories(story_points):
    domain, points = story_points
    assert len(points) > 300
    looping = 0
    for tracker in points:
        tracker.model_id, tracker.assistant_id = "model", "assistant"  # not carried over
        assert_same_copy(tracker)
        looping += tracker.active_loop is not None
    assert looping > 20  # forms were running at some of them


@pytest.mark.parametrize("max_event_history", [None, 100])
def test_copies_are_the_replays_through_every_kind_of_event(story_points, max_event_history):
    domain, _ = story_points
    for tracker in through_every_kind_of_event(domain, max_event_history):
        assert_same_copy(tracker)


def test_a_tracker_that_dropped_events_is_replayed(story_points):
    domain, _ = story_points
    copy = direct_copies(REPLAY)
    for tracker in through_every_kind_of_event(domain, max_event_history=5):
        assert state(copy(tracker)) == state(REPLAY(tracker))


def test_a_copy_changes_apart_from_its_original(story_points):
    domain, _ = story_points
    tracker = list(through_every_kind_of_event(domain))[8]  # the lead form is active
    before = state(tracker)
    copied = copy_as_it_stands(tracker)
    copied.update(LoopInterrupted(True))
    copied.update(SlotSet(domain.slots[0].name, "changed"))
    copied.update(ActionExecuted("utter_greet"))
    assert state(tracker) == before


def test_the_patch_keeps_the_replay_for_trackers_of_other_kinds(story_points):
    domain, _ = story_points
    copy = direct_copies(lambda tracker: "replayed")

    class Training(DialogueStateTracker):
        pass

    assert copy(Training("visitor", domain.slots)) == "replayed"
    assert copy(DialogueStateTracker("visitor", None)) == "replayed"  # AnySlotDict
    copied = copy(DialogueStateTracker("visitor", domain.slots))
    assert isinstance(copied, DialogueStateTracker)
