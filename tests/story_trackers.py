"""The project's stories and rules as Rasa's trackers, for tests that compare what our
fixes to Rasa compute with what Rasa computes at every point of a conversation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rasa.core.training import load_data
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter


def load_trackers(root: Path, data: str, domain: Domain | None = None) -> tuple[Domain, Any]:
    """The domain (the project's unless given) and ``data``'s stories as trackers."""
    importer = TrainingDataImporter.load_from_config(
        str(root / "config.yml"), str(root / "domain.yml"), [str(root / data)]
    )
    domain = domain or importer.get_domain()
    return domain, load_data(importer, domain, augmentation_factor=0)


def every_point(conversations: Iterable[Any]) -> Iterator[DialogueStateTracker]:
    """Each conversation as it stood before each of its actions, and at its end."""
    for conversation in conversations:
        for prior, _ in conversation.generate_all_prior_trackers():
            yield prior


def through_every_kind_of_event(
    domain, max_event_history: int | None = None
) -> Iterator[DialogueStateTracker]:
    """A conversation through every kind of event that changes the state, after each."""
    slot = domain.slots[0].name
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("hi", {"name": "greet", "confidence": 1.0}),
        SlotSet(slot, True),
        ActionExecuted("lead_form"),
        ActiveLoop("lead_form"),
        ActionExecuted("action_listen"),
        UserUttered("what", {"name": "faq", "confidence": 0.9}),
        LoopInterrupted(True),
        ActionExecutionRejected("lead_form"),
        BotUttered("an answer"),
        FollowupAction("lead_form"),
        ActionExecuted("lead_form"),
        ActionReverted(),
        UserUtteranceReverted(),
        ConversationPaused(),
        ConversationResumed(),
        ActiveLoop(None),
        SlotSet(slot, ["a", "list"]),
        AllSlotsReset(),
        Restarted(),
        ActionExecuted("action_listen"),
        UserUttered("again", {"name": "greet", "confidence": 1.0}),
    ]
    for index, event in enumerate(events):
        event.timestamp = 1000.0 + index
    for index in range(len(events)):
        tracker = DialogueStateTracker("visitor", domain.slots, max_event_history)
        for event in events[: index + 1]:
            tracker.update(event)
        yield tracker
