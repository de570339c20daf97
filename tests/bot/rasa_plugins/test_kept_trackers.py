"""The trackers a process keeps between messages: handed out once, few, not for long."""

from __future__ import annotations

from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_plugins.kept_trackers import KeptTrackers


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def tracker(sender: str) -> DialogueStateTracker:
    return DialogueStateTracker(sender, [])


def test_a_kept_tracker_is_handed_out_once():
    kept, domain = KeptTrackers(), object()
    served = tracker("v1")
    kept.keep(served, domain)
    assert kept.take("v1", domain) is served
    assert kept.take("v1", domain) is None  # a second request reads the store
    assert kept.take("v2", domain) is None


def test_a_tracker_kept_for_another_domain_is_not_handed_out():
    kept = KeptTrackers()
    kept.keep(tracker("v1"), object())
    assert kept.take("v1", object()) is None
    assert len(kept) == 0


def test_the_least_recently_saved_go_first():
    kept, domain = KeptTrackers(size=2), object()
    first, second, third = tracker("a"), tracker("b"), tracker("c")
    kept.keep(first, domain)
    kept.keep(second, domain)
    kept.keep(first, domain)  # saved again: now the most recent
    kept.keep(third, domain)
    assert len(kept) == 2
    assert kept.take("b", domain) is None
    assert kept.take("a", domain) is first
    assert kept.take("c", domain) is third


def test_idle_trackers_are_dropped():
    clock = Clock()
    kept, domain = KeptTrackers(idle_seconds=60, clock=clock), object()
    kept.keep(tracker("old"), domain)
    clock.now += 30
    recent = tracker("recent")
    kept.keep(recent, domain)
    clock.now += 31  # "old" idle 61 s, "recent" 31 s
    assert kept.take("old", domain) is None
    assert kept.take("recent", domain) is recent
    kept.keep(tracker("left"), domain)
    clock.now += 61
    kept.keep(tracker("new"), domain)  # keeping drops the idle ones too
    assert len(kept) == 1


def test_drop_forgets_a_conversation():
    kept, domain = KeptTrackers(), object()
    kept.keep(tracker("v1"), domain)
    kept.drop("v1")
    kept.drop("never kept")
    assert kept.take("v1", domain) is None
