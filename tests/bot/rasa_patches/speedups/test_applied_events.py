"""A tracker's applied events, with each event's type tested once, are Rasa's."""

from __future__ import annotations

import random

from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_patches.speedups import applied_events as module
from bot.rasa_patches.speedups.applied_events import applied_events, kinds, typed_once
from bot.rasa_patches.speedups.tracker_copies import copy_as_it_stands
from tests.story_trackers import through_every_kind_of_event

RASAS = DialogueStateTracker.applied_events


def assert_rasas(tracker: DialogueStateTracker) -> None:
    expected = RASAS(tracker)
    got = applied_events(tracker)
    assert [id(e) for e in got] == [id(e) for e in expected], [str(e) for e in tracker.events]


def test_rasas_at_every_point_of_the_test_stories(story_points):
    domain, points = story_points
    looping = 0
    for tracker in points:
        assert_rasas(tracker)
        looping += tracker.active_loop is not None
    assert looping > 20  # forms were running at some of them


def test_rasas_through_every_kind_of_event(story_points):
    domain, _ = story_points
    for tracker in through_every_kind_of_event(domain):
        assert_rasas(tracker)


def random_event(draw: random.Random, slot: str):
    """One event of the kinds that change what is applied, loops most of all."""
    loop = draw.choice(["lead_form", "intake_form"])
    return draw.choice(
        [
            lambda: ActionExecuted("action_listen"),
            lambda: ActionExecuted(loop),
            lambda: ActionExecuted(loop),
            lambda: ActionExecuted("utter_greet"),
            lambda: UserUttered("hi", {"name": "greet", "confidence": 1.0}),
            lambda: UserUttered("hi", {"name": "faq", "confidence": 1.0}),
            lambda: ActiveLoop(loop),
            lambda: ActiveLoop(None),
            lambda: ActionExecutionRejected(loop),
            lambda: SlotSet(slot, draw.random()),
            lambda: BotUttered("text"),
            lambda: DefinePrevUserUtteredFeaturization(False),
            lambda: ActionReverted(),
            lambda: UserUtteranceReverted(),
            lambda: Restarted(),
            lambda: SessionStarted(),
        ]
    )()


def test_rasas_on_random_conversations(story_points):
    domain, _ = story_points
    draw = random.Random(20261128)
    slot = domain.slots[0].name
    collapsed = 0
    for _ in range(3000):
        tracker = DialogueStateTracker("visitor", domain.slots)
        for _ in range(draw.randint(1, 40)):
            tracker.events.append(random_event(draw, slot))  # as stored, not applied
        assert_rasas(tracker)
        events = list(tracker.events)
        resets = [i for i, e in enumerate(events) if isinstance(e, (Restarted, SessionStarted))]
        since = events[resets[-1] + 1 :] if resets else events
        reverted = any(isinstance(e, (ActionReverted, UserUtteranceReverted)) for e in since)
        collapsed += not reverted and len(RASAS(tracker)) < len(since)
    assert collapsed > 20  # a loop's earlier executions were undone in many of them


def test_a_type_counts_as_every_class_it_derives_from():
    class Special(ActionExecuted):
        pass

    assert kinds(Special("x")) == {ActionExecuted}
    assert kinds(Restarted()) == {Restarted}
    assert kinds(BotUttered("x")) == frozenset()


def test_the_patch_keeps_rasas_method_for_other_trackers(story_points, monkeypatch):
    domain, _ = story_points
    applied = typed_once(lambda tracker: "rasa's")

    class Training(DialogueStateTracker):
        pass

    assert applied(Training("visitor", domain.slots)) == "rasa's"
    tracker = DialogueStateTracker("visitor", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    calls = []
    monkeypatch.setattr(module, "applied_events", lambda t: calls.append(t) or [])
    assert applied(tracker) == [] and calls == [tracker]


def test_the_remembered_answer_follows_the_tracker_as_events_are_added(story_points):
    domain, points = story_points
    applied = typed_once(RASAS)
    for story in [points[-1], *through_every_kind_of_event(domain)]:
        tracker = DialogueStateTracker(story.sender_id, domain.slots)
        for event in story.events:
            tracker.update(event)
            first = applied(tracker)
            assert [id(e) for e in first] == [id(e) for e in RASAS(tracker)]
            first.clear()  # a caller's list: the next answer is whole again
            assert [id(e) for e in applied(tracker)] == [id(e) for e in RASAS(tracker)]


def test_a_copy_that_goes_its_own_way_gets_its_own_answer(story_points):
    domain, points = story_points
    applied = typed_once(RASAS)
    tracker = next(t for t in points if len(t.events) > 5)
    before = applied(tracker)
    copied = copy_as_it_stands(tracker)  # the remembered answer comes along
    assert [id(e) for e in applied(copied)] == [id(e) for e in before]
    copied.update(UserUtteranceReverted())
    assert [id(e) for e in applied(copied)] == [id(e) for e in RASAS(copied)]
    assert [id(e) for e in applied(tracker)] == [id(e) for e in before]
