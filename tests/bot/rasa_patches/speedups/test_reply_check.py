"""The fast reply check says what Rasa's whole schema says, for every kind of event."""

from __future__ import annotations

import copy

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.rasa_patches.speedups import reply_check
from bot.rasa_patches.speedups.reply_check import reply_is_valid, split_by_event

VALID_REPLY = {
    "events": [{"event": "slot", "name": "contact_name", "value": "Ana", "timestamp": None}],
    "responses": [{"response": "utter_ask_contact_point"}],
}
INVALID_REPLIES = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [1, 2]},
]


@pytest.mark.parametrize("reply", [VALID_REPLY, *INVALID_REPLIES])
def test_the_cached_validator_agrees_with_jsonschema_validate(reply):
    try:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
        valid = True
    except jsonschema.ValidationError:
        valid = False
    assert reply_is_valid(reply) == valid


def story_events(project_root):
    """Every event of the test stories, as the action server would send it back."""
    from rasa.core.training import load_data
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(project_root / "config.yml"),
        str(project_root / "domain.yml"),
        [str(project_root / "tests" / "stories")],
    )
    domain = importer.get_domain()
    for tracker in load_data(importer, domain, augmentation_factor=0):
        for event in tracker.events:
            yield event.as_dict()


def mutations(event):
    """The event made invalid in the ways a faulty action server could."""
    yield {**event, "event": "no_such_event"}
    yield {**event, "timestamp": "yesterday"}
    yield {key: value for key, value in event.items() if key != "event"}
    for key, value in event.items():
        if key not in ("event", "timestamp") and value is not None:
            yield {**event, key: object.__new__(type("Odd", (), {}))}
            yield {**event, key: [value, value]}


def test_the_compiled_check_agrees_with_jsonschema_on_every_story_event(project_root):
    spec = RemoteAction.action_response_format_spec()
    reference = jsonschema.validators.validator_for(spec)(spec)  # jsonschema.validate's
    checked = invalid = 0
    for event in story_events(project_root):
        for candidate in (event, *mutations(event)):
            reply = {"events": [candidate], "responses": []}
            valid = reference.is_valid(reply)
            assert reply_is_valid(reply) == valid, candidate
            checked += 1
            invalid += not valid
    assert checked > 1000 and invalid > 500, (checked, invalid)


def test_the_schema_splits_into_one_check_per_event_name():
    outer, by_event = split_by_event(RemoteAction.action_response_format_spec())
    assert "oneOf" not in outer["properties"]["events"]["items"]
    assert {"user", "bot", "slot", "action", "active_loop", "session_started"} <= set(by_event)


@pytest.mark.parametrize(
    "change",
    [
        lambda items: items.pop("required"),
        lambda items: items["properties"].pop("event"),
        lambda items: items["oneOf"].append({"properties": {"event": {"type": "string"}}}),
        lambda items: items["oneOf"].append(items["oneOf"][0]),
    ],
)
def test_a_schema_of_another_shape_is_not_split(change):
    schema = copy.deepcopy(RemoteAction.action_response_format_spec())  # Rasa's, shared
    change(schema["properties"]["events"]["items"])
    assert split_by_event(schema) is None


def test_a_schema_of_another_shape_is_checked_whole(monkeypatch):
    reply_check._compiled.cache_clear()
    monkeypatch.setattr(reply_check, "split_by_event", lambda schema: None)
    try:
        assert not isinstance(reply_check._compiled(), tuple)
        assert reply_is_valid(VALID_REPLY)
        assert not any(reply_is_valid(reply) for reply in INVALID_REPLIES)
    finally:
        reply_check._compiled.cache_clear()


def test_a_valid_reply_passes_as_with_rasa(patched):
    assert RemoteAction("action_save_lead", None)._validate_action_result(VALID_REPLY) is True
    assert RemoteAction._validate_action_result.__wrapped__


@pytest.mark.parametrize("reply", INVALID_REPLIES)
def test_an_invalid_reply_raises_rasas_own_error(patched, reply):
    with pytest.raises(jsonschema.ValidationError) as caught:
        RemoteAction("action_save_lead", None)._validate_action_result(reply)
    assert "Failed to validate Action server response" in caught.value.message
