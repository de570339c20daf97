import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot.rasa_patches.speedups.event_types import remembered_event_types


def test_event_types_resolve_as_rasa_resolves_them():
    original = Event.resolve_by_type
    remembered = remembered_event_types(original)
    names = {cls.type_name for cls in all_subclasses(Event)}
    for name in sorted(names) * 2:  # the second round comes from memory
        assert remembered(name) is original(name)
    assert remembered("user") is UserUttered and remembered("slot") is SlotSet


def test_unknown_event_types_still_fail_or_default():
    remembered = remembered_event_types(Event.resolve_by_type)
    with pytest.raises(ValueError, match="Unknown event name"):
        remembered("no_such_event")
    assert remembered("no_such_event", ActionExecuted) is ActionExecuted
    with pytest.raises(ValueError):
        remembered("no_such_event")  # a default is not remembered as the answer
    assert remembered("topic") is None  # Rasa's backwards compatibility


def test_events_deserialise_with_the_fix_installed(patched):
    event = Event.from_parameters({"event": "slot", "name": "contact_name", "value": "Ana"})
    assert event == SlotSet("contact_name", "Ana")
