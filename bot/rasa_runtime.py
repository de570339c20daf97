"""Rasa's command line, with fixes to the Rasa server's hot path: ``python -m
bot.rasa_runtime run ...`` is ``rasa run ...`` (bot/launch.py starts Rasa this way).

1. Rasa 3.6 checks every reply of the action server with
``jsonschema.validate(reply, schema)``. That call first validates the schema itself
against the JSON Schema meta-schema and builds a new validator, every time; the schema
(Rasa's ``EVENTS_SCHEMA``, one sub-schema per event type) is large, so each check cost
~36 ms of CPU on a quiet core, 60-90 ms under load, 2-3 times a turn: most of what a turn
cost the Rasa process. Here the schema is checked once and compiled once, and each reply
gets the same check against the same schema (bot/reply_check.py). A reply that fails it
is handed to Rasa's own method, which raises Rasa's own error for it, as before.

2. Every message, Rasa reads the conversation back from the tracker store and turns each
stored event into an Event object; for each one ``Event.resolve_by_type`` walks the
whole tree of Event subclasses again (~9% of the Rasa process's CPU in a profile under
load). Here a type name is looked up once and remembered; a name not found yet is
still resolved by Rasa's own method (and remembered only once found).

3. A Rasa process holds about half a million Python objects once its model is loaded
(TensorFlow, spaCy, Rasa), and the garbage collector's full collections walk all of
them (~250 ms each, the event loop stopped) though none of them ever becomes garbage.
Once the model is loaded they are moved to the collector's permanent generation
(``gc.freeze``), so collections walk only what messages create.

4. For every call to the action server, Rasa opens a new aiohttp ``ClientSession`` (and
so a new connection), uses it once and closes it: 2-3 sessions a turn, ~7% of the Rasa
process's CPU under load, and an accept and a handshake each for the action server.
Here each endpoint (same headers and credentials) keeps one session per event loop, so
calls reuse kept-alive connections. aiohttp drops a pooled connection the server has
closed (a restarted action server) before reusing it, and keeps idle connections 15 s,
well inside the action server's 75 s keep-alive (bot/launch.py). These sessions encode
and decode JSON with orjson (bot/fast_json.py).

5. RulePolicy built a dialogue state for every action of the session, for each of the
2-3 predictions of a turn, though its rules only reach the last few
(bot/rule_states.py): a turn cost more as the conversation went on. Its search for the
rules that fit those states reversed every rule's states again for each comparison.

6. The served model's graph is run node by node in an order planned once, not through
dask (bot/graph_runner.py).

7. Each slot of every tracker made is copied directly, not through ``copy.copy``'s
generic protocol (bot/slot_copies.py), and the tracker copied before each action is
copied as it stands, not rebuilt by replaying its events (bot/tracker_copies.py).

8. Debug log entries no longer deep-copy their contents while debug logging is off
(bot/log_copies.py).

9. The wrappers Rasa puts around the tracker store create new conversations' trackers
through the wrapped store (bot/conversation_store.py), which knows they have nothing
stored yet. And whether the domain is empty, which Rasa asks of every message by
building the domain's whole dictionary and an empty domain's, is worked out once per
domain.

10. A tracker's applied events (worked out several times a turn) test each event's type
once, not with ``isinstance`` against Rasa's abstract event classes again and again
(bot/applied_events.py).

11. The state sent to the action server has the active loop copied one level deep, not
deep-copied by ``dataclasses.asdict`` (bot/tracker_state.py).

12. The body sent to the action server puts in each stored event as the JSON the
tracker store holds for it, and the domain as JSON encoded once, instead of building
and encoding them again for every call (bot/action_payloads.py).

13. numpy's OpenBLAS starts a worker thread per core, and after each call that thread
spins in ``sched_yield`` waiting for more: the classifiers' products of one-row matrices
are far too small to share, yet under a stream of long messages that spinning was ~40%
of the Rasa process's CPU time (seen with gdb: the thread in ``blas_thread_server``).
Once the model is loaded, BLAS and OpenMP are limited to the calling thread
(threadpoolctl).

Every set-up started through bot/launch.py gets this, including the benchmark's stock
configuration, so comparisons between configurations are not skewed by it.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import sys
import weakref
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import aiohttp

from bot import log_copies, slot_copies
from bot.action_fallback import apologising, form_apologising
from bot.action_payloads import stored_event_bodies
from bot.applied_events import typed_once
from bot.conversation_store import wrapped_init_tracker
from bot.fast_json import endpoint_session
from bot.graph_runner import SequentialGraphRunner
from bot.nlu.payloads import payloads_only
from bot.remembered import remembered
from bot.reply_check import reply_is_valid
from bot.retried_messages import answering_repeats, refusing_repeats
from bot.rule_states import possible_rule_keys, recent_prediction_states
from bot.tracker_copies import direct_copies
from bot.tracker_state import shallow_loop_states


def cached_reply_check(original: Callable[[Any, dict[str, Any]], bool]) -> Callable[..., bool]:
    """``RemoteAction._validate_action_result`` with the validator built once."""

    @functools.wraps(original)
    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        if reply_is_valid(result):
            return True
        return original(self, result)  # raises Rasa's ValidationError with its message

    return _validate_action_result


def remembered_event_types(original: Callable[..., type | None]) -> Callable[..., type | None]:
    """``Event.resolve_by_type`` that remembers each type name it found a class for.

    Event classes are only ever added (at import), so a name's first match never
    changes; unknown names and defaults still go through Rasa's own method each time."""
    found: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            if cls is not None and cls is not default:
                found[type_name] = cls
        return cls

    return resolve_by_type


def freezing_after_load(original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Rasa's ``load_agent_on_start``, then everything loaded moved out of the garbage
    collector's sight (``gc.freeze``) and the numerical libraries kept to one thread."""

    @functools.wraps(original)
    async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
        agent = await original(*args, **kwargs)
        gc.collect()
        gc.freeze()
        one_numerical_thread()
        return agent

    return load_agent_on_start


def one_numerical_thread() -> None:
    """BLAS and OpenMP run on the calling thread only (point 13 above)."""
    from threadpoolctl import ThreadpoolController

    ThreadpoolController().limit(limits=1)


class _Borrowed:
    """``async with`` over a shared session: hands it out and leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(
        self, kind: type | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None


def shared_sessions(original: Callable[[Any], aiohttp.ClientSession]) -> Callable[[Any], Any]:
    """``EndpointConfig.session`` handing out one open session per endpoint and loop, with
    JSON through orjson (bot/fast_json.py).

    Outside a running event loop (nothing to keep a session on) Rasa's own method runs."""
    by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple, Any]]
    by_loop = weakref.WeakKeyDictionary()

    @functools.wraps(original)
    def session(self: Any) -> Any:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return original(self)
        sessions = by_loop.setdefault(loop, {})
        key = (
            tuple(sorted((self.headers or {}).items())),
            tuple(sorted((self.basic_auth or {}).items())),
        )
        shared = sessions.get(key)
        if shared is None or shared.closed:
            shared = sessions[key] = endpoint_session(self)
        return _Borrowed(shared)

    return session


def _wrap_once(owner: Any, name: str, wrap: Callable[[Any], Any], static: bool = False) -> None:
    """Replace ``owner.name`` by ``wrap(owner.name)``, marked, unless already wrapped."""
    current = getattr(owner, name)
    if getattr(current, "cached", False):
        return
    wrapped = wrap(current)
    wrapped.cached = True
    setattr(owner, name, staticmethod(wrapped) if static else wrapped)


def remembered_emptiness(original: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """``Domain.is_empty``, worked out once per domain: a loaded domain is not changed
    (Rasa makes a new one to merge or update), and the answer compares its whole
    dictionary with an empty domain's, made anew each time (~2% of the Rasa process's
    CPU under load: ``MessageProcessor`` asks for every message)."""

    @functools.wraps(original)
    def is_empty(self: Any) -> bool:
        return remembered(self, "_remembered_is_empty", lambda: original(self))

    return is_empty


def install() -> None:
    """Patch Rasa's RemoteAction, Event, endpoint sessions, model loading and message
    handling in this process (idempotent)."""
    from rasa.core import processor as rasa_processor
    from rasa.core import run as rasa_run
    from rasa.core.actions.action import RemoteAction
    from rasa.core.actions.forms import FormAction
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    _wrap_once(RemoteAction, "_validate_action_result", cached_reply_check)
    _wrap_once(RemoteAction, "_action_call_format", stored_event_bodies)
    _wrap_once(Event, "resolve_by_type", remembered_event_types, static=True)
    _wrap_once(rasa_run, "load_agent_on_start", freezing_after_load)
    _wrap_once(EndpointConfig, "session", shared_sessions)
    _wrap_once(RulePolicy, "_prediction_states", recent_prediction_states)
    _wrap_once(RulePolicy, "_get_possible_keys", possible_rule_keys)
    # the runner MessageProcessor creates when it loads a model (training keeps dask's)
    rasa_processor.DaskGraphRunner = SequentialGraphRunner
    slot_copies.install()
    _wrap_once(DialogueStateTracker, "copy", direct_copies)
    _wrap_once(DialogueStateTracker, "applied_events", typed_once)
    _wrap_once(DialogueStateTracker, "current_state", shallow_loop_states)
    log_copies.install()
    AwaitableTrackerStore.init_tracker = wrapped_init_tracker
    FailSafeTrackerStore.init_tracker = wrapped_init_tracker
    _wrap_once(Domain, "is_empty", remembered_emptiness)
    # not speed fixes: a failed custom action answers with an apology (see the module)
    _wrap_once(RemoteAction, "run", apologising)
    _wrap_once(FormAction, "run", form_apologising)
    # only the buttons' own payloads skip the reading of a "/" message (bot/nlu/payloads)
    _wrap_once(RegexMessageHandler, "process", payloads_only)
    # a message nginx retried on another replica is answered once (bot/retried_messages)
    _wrap_once(MessageProcessor, "_handle_message_with_tracker", refusing_repeats)
    _wrap_once(MessageProcessor, "handle_message", answering_repeats)


def main(argv: list[str] | None = None) -> None:
    """Run Rasa's command line (``sys.argv`` by default) with the fix installed."""
    install()
    from rasa.__main__ import main as rasa_main

    if argv is not None:
        sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main()
