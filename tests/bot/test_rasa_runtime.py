import asyncio
import gc
import importlib
import sys

import jsonschema
import pytest
import rasa.__main__
from rasa.core import run as rasa_run
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot import log_copies, rasa_runtime

VALID_REPLY = {
    "events": [{"event": "slot", "name": "contact_name", "value": "Ana", "timestamp": None}],
    "responses": [{"response": "utter_ask_contact_point"}],
}
INVALID_REPLIES = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [1, 2]},
]


@pytest.fixture
def patched(monkeypatch):
    """Install the fixes for one test; monkeypatch restores Rasa's originals after."""
    from rasa.core.actions.forms import FormAction
    from rasa.core.processor import MessageProcessor
    from rasa.utils.endpoints import EndpointConfig

    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)
    monkeypatch.setattr(RemoteAction, "run", RemoteAction.run)
    monkeypatch.setattr(FormAction, "run", FormAction.run)
    from rasa.core.policies.rule_policy import RulePolicy

    monkeypatch.setattr(RulePolicy, "_prediction_states", RulePolicy._prediction_states)
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", RulePolicy._get_possible_keys)
    for name in ("handle_message", "_handle_message_with_tracker"):
        monkeypatch.setattr(MessageProcessor, name, getattr(MessageProcessor, name))
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    monkeypatch.setattr(Event, "resolve_by_type", Event.resolve_by_type)
    monkeypatch.setattr(rasa_run, "load_agent_on_start", rasa_run.load_agent_on_start)
    from rasa.core import processor

    monkeypatch.setattr(processor, "DaskGraphRunner", processor.DaskGraphRunner)
    from rasa.shared.core.trackers import DialogueStateTracker

    monkeypatch.setattr(DialogueStateTracker, "copy", DialogueStateTracker.copy)
    monkeypatch.setattr(DialogueStateTracker, "applied_events", DialogueStateTracker.applied_events)
    from rasa.core.tracker_store import AwaitableTrackerStore

    monkeypatch.setattr(AwaitableTrackerStore, "init_tracker", AwaitableTrackerStore.init_tracker)
    from rasa.core.tracker_store import FailSafeTrackerStore
    from rasa.shared.core.domain import Domain

    monkeypatch.setattr(FailSafeTrackerStore, "init_tracker", FailSafeTrackerStore.init_tracker)
    monkeypatch.setattr(Domain, "is_empty", Domain.is_empty)
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler

    monkeypatch.setattr(RegexMessageHandler, "process", RegexMessageHandler.process)
    for name in log_copies.LOGGING_MODULES:
        module = importlib.import_module(name)
        monkeypatch.setattr(module, "copy", module.copy)
    rasa_runtime.install()
    return RemoteAction("action_save_lead", None)


def test_a_valid_reply_passes_as_with_rasa(patched):
    assert patched._validate_action_result(VALID_REPLY) is True
    assert RemoteAction._validate_action_result.cached


@pytest.mark.parametrize("reply", INVALID_REPLIES)
def test_an_invalid_reply_raises_rasas_own_error(patched, reply):
    with pytest.raises(jsonschema.ValidationError) as caught:
        patched._validate_action_result(reply)
    assert "Failed to validate Action server response" in caught.value.message


def test_install_is_idempotent(patched):
    check, resolve = RemoteAction._validate_action_result, Event.resolve_by_type
    run = RemoteAction.run
    rasa_runtime.install()
    assert RemoteAction._validate_action_result is check
    assert Event.resolve_by_type is resolve
    assert RemoteAction.run is run and RemoteAction.run.cached


def test_event_types_resolve_as_rasa_resolves_them():
    original = Event.resolve_by_type
    remembered = rasa_runtime.remembered_event_types(original)
    names = {cls.type_name for cls in all_subclasses(Event)}
    for name in sorted(names) * 2:  # the second round comes from memory
        assert remembered(name) is original(name)
    assert remembered("user") is UserUttered and remembered("slot") is SlotSet


def test_unknown_event_types_still_fail_or_default():
    remembered = rasa_runtime.remembered_event_types(Event.resolve_by_type)
    with pytest.raises(ValueError, match="Unknown event name"):
        remembered("no_such_event")
    assert remembered("no_such_event", ActionExecuted) is ActionExecuted
    with pytest.raises(ValueError):
        remembered("no_such_event")  # a default is not remembered as the answer
    assert remembered("topic") is None  # Rasa's backwards compatibility


def test_events_deserialise_with_the_fix_installed(patched):
    event = Event.from_parameters({"event": "slot", "name": "contact_name", "value": "Ana"})
    assert event == SlotSet("contact_name", "Ana")


def test_main_runs_rasas_command_line_with_the_fixes(monkeypatch):
    called = {}
    monkeypatch.setattr(rasa_runtime, "install", lambda: called.setdefault("installed", True))
    monkeypatch.setattr(rasa.__main__, "main", lambda: called.setdefault("argv", list(sys.argv)))
    monkeypatch.setattr("sys.argv", ["x"])
    rasa_runtime.main(["run", "--port", "5005"])
    assert called == {"installed": True, "argv": ["rasa", "run", "--port", "5005"]}


def test_loaded_objects_are_frozen_out_of_the_collectors_sight():
    loaded = object()

    async def load_agent_on_start(*args, **kwargs):
        return loaded

    wrapped = rasa_runtime.freezing_after_load(load_agent_on_start)
    before = gc.get_freeze_count()
    try:
        assert asyncio.run(wrapped("model", endpoints=None)) is loaded
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


def test_after_loading_blas_and_openmp_run_on_one_thread():
    import numpy  # noqa: F401 (loads OpenBLAS, which starts a thread per core)
    from threadpoolctl import ThreadpoolController

    async def load_agent_on_start(*args, **kwargs):
        return None

    controller = ThreadpoolController()
    assert controller.select(user_api="blas").lib_controllers, "no BLAS library seen"
    original = controller.info()
    try:
        asyncio.run(rasa_runtime.freezing_after_load(load_agent_on_start)("model"))
        gc.unfreeze()
        assert {lib["num_threads"] for lib in ThreadpoolController().info()} == {1}
    finally:
        for lib in original:
            ThreadpoolController().select(filepath=lib["filepath"]).limit(limits=lib["num_threads"])


def test_install_wraps_rasas_model_loading(patched):
    assert rasa_run.load_agent_on_start.cached


def test_endpoint_calls_share_one_open_session_per_loop():
    """Two calls on one loop reuse the session (and its connections); it stays open."""
    from rasa.utils.endpoints import EndpointConfig

    shared = rasa_runtime.shared_sessions(EndpointConfig.session)
    endpoint = EndpointConfig("http://127.0.0.1:9/webhook")

    async def borrow_twice():
        async with shared(endpoint) as first:
            pass
        async with shared(endpoint) as second:
            pass
        assert not first.closed
        other = EndpointConfig("http://127.0.0.1:9/webhook", headers={"X-Key": "k"})
        async with shared(other) as third:
            pass
        await first.close()
        async with shared(endpoint) as fourth:  # a closed session is replaced
            pass
        await third.close()
        await fourth.close()
        return first, second, third, fourth

    first, second, third, fourth = asyncio.run(borrow_twice())
    assert first is second
    assert third is not first and fourth is not first
    again = asyncio.run(borrow_twice())[0]
    assert again is not first  # a new loop gets its own session


def test_endpoint_sessions_outside_a_loop_are_rasas_own():
    """With no running loop to keep a session on, Rasa's own method decides."""
    made = []
    shared = rasa_runtime.shared_sessions(lambda endpoint: made.append(endpoint) or "rasa's")
    assert shared("endpoint") == "rasa's" and made == ["endpoint"]


def test_install_wraps_rasas_message_handling(patched):
    from rasa.core.processor import MessageProcessor

    assert MessageProcessor.handle_message.cached
    assert MessageProcessor._handle_message_with_tracker.cached


def test_install_serves_models_with_the_sequential_graph_runner(patched):
    from rasa.core import processor

    from bot.graph_runner import SequentialGraphRunner

    assert processor.DaskGraphRunner is SequentialGraphRunner


def test_install_copies_trackers_as_they_stand_and_log_entries_only_for_debug(patched):
    from rasa.core import processor
    from rasa.shared.core.trackers import DialogueStateTracker

    assert DialogueStateTracker.copy.cached
    assert DialogueStateTracker.applied_events.cached
    assert processor.copy is log_copies.LogEntryCopies


def test_install_makes_the_wrapped_tracker_store_create_trackers(patched):
    from rasa.core.tracker_store import AwaitableTrackerStore

    from bot.conversation_store import wrapped_init_tracker

    assert AwaitableTrackerStore.init_tracker is wrapped_init_tracker
    from rasa.core.tracker_store import FailSafeTrackerStore

    assert FailSafeTrackerStore.init_tracker is wrapped_init_tracker


def test_a_domains_emptiness_is_worked_out_once(domain):
    from rasa.shared.core.domain import Domain

    asked = []
    is_empty = rasa_runtime.remembered_emptiness(
        lambda self: asked.append(self) or Domain.is_empty(self)
    )
    assert is_empty(domain) is False and is_empty(domain) is False
    empty = Domain.empty()
    assert is_empty(empty) is True and is_empty(empty) is True
    assert asked == [domain, empty]
