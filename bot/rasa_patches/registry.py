"""Every change the project makes to Rasa's internals, in one list, with one way in and out.

Each patch replaces one attribute of a Rasa class or module with what ``make`` builds
from the original, and says why, what kind it is and which Rasa version it was written
for (they rely on Rasa's private code):

- **fixes** change what Rasa does for the visitor (an apology when an action fails, a
  message retried by nginx answered once, only buttons' payloads skipping the NLU). They
  are always installed;
- **speed-ups** do the same work as Rasa, faster. They are installed unless
  ``RASA_SPEEDUPS=0``, and only on the Rasa version they were written for: on any other
  one a warning says they were left out, so Rasa runs as it is.

``install()`` is what every Rasa process of the project runs first
(bot/processes/rasa_runtime.py); ``uninstall()`` puts back exactly what was there, so
tests can install the patches for one test and leave Rasa as they found it.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

logger = logging.getLogger(__name__)

WRITTEN_FOR = "3.6.21"
FIX = "fix"
SPEEDUP = "speedup"
Kind = Literal["fix", "speedup"]
_MISSING = object()


@dataclass(frozen=True)
class Patch:
    """One attribute of Rasa replaced: ``target`` is ``module`` or ``module:Class``."""

    target: str
    name: str
    make: Callable[[Any], Any]
    kind: Kind
    why: str
    rasa_version: str = WRITTEN_FOR
    static: bool = False

    def owner(self) -> Any:
        """The module or class whose attribute is replaced."""
        module_name, _, class_name = self.target.partition(":")
        owner: Any = importlib.import_module(module_name)
        for part in filter(None, class_name.split(".")):
            owner = getattr(owner, part)
        return owner


def _replacement(value: Any) -> Callable[[Any], Any]:
    """A ``make`` that ignores the original: the attribute becomes ``value``."""
    return lambda _original: value


def patches() -> tuple[Patch, ...]:
    """The registry: every patch, fixes first (imports here, not at module import)."""
    from bot.nlu.payloads import payloads_only
    from bot.rasa_patches.fixes.failed_actions import apologising, form_apologising
    from bot.rasa_patches.fixes.retried_messages import answering_repeats, refusing_repeats
    from bot.rasa_patches.speedups.action_payloads import stored_event_bodies
    from bot.rasa_patches.speedups.applied_events import typed_once
    from bot.rasa_patches.speedups.domain_emptiness import remembered_emptiness
    from bot.rasa_patches.speedups.endpoint_sessions import shared_sessions
    from bot.rasa_patches.speedups.event_types import remembered_event_types
    from bot.rasa_patches.speedups.graph_runner import SequentialGraphRunner
    from bot.rasa_patches.speedups.log_copies import LOGGING_MODULES, LogEntryCopies
    from bot.rasa_patches.speedups.model_loading import freezing_after_load
    from bot.rasa_patches.speedups.reply_check import cached_reply_check
    from bot.rasa_patches.speedups.rule_states import (
        possible_rule_keys,
        recent_prediction_states,
    )
    from bot.rasa_patches.speedups.slot_copies import copy_slot
    from bot.rasa_patches.speedups.tracker_copies import direct_copies
    from bot.rasa_patches.speedups.tracker_state import shallow_loop_states
    from bot.rasa_plugins.tracker_store import wrapped_init_tracker

    action = "rasa.core.actions.action:RemoteAction"
    processor = "rasa.core.processor:MessageProcessor"
    tracker = "rasa.shared.core.trackers:DialogueStateTracker"
    rules = "rasa.core.policies.rule_policy:RulePolicy"
    stores = "rasa.core.tracker_store:"
    return (
        Patch(action, "run", apologising, FIX, "a failed custom action apologises with the phone"),
        Patch(
            "rasa.core.actions.forms:FormAction",
            "run",
            form_apologising,
            FIX,
            "a failed form validation apologises and keeps the form's question",
        ),
        Patch(
            "rasa.nlu.classifiers.regex_message_handler:RegexMessageHandler",
            "process",
            payloads_only,
            FIX,
            "only the buttons' own payloads skip the NLU",
        ),
        Patch(
            processor,
            "_handle_message_with_tracker",
            refusing_repeats,
            FIX,
            "a message nginx retried on another replica is handled once",
        ),
        Patch(
            processor,
            "handle_message",
            answering_repeats,
            FIX,
            "... and answered with the replies stored the first time",
        ),
        Patch(
            action,
            "_validate_action_result",
            cached_reply_check,
            SPEEDUP,
            "action server replies checked with a schema compiled once",
        ),
        Patch(
            action,
            "_action_call_format",
            stored_event_bodies,
            SPEEDUP,
            "stored events sent to the action server as stored",
        ),
        Patch(
            "rasa.shared.core.events:Event",
            "resolve_by_type",
            remembered_event_types,
            SPEEDUP,
            "event type names resolved once",
            static=True,
        ),
        Patch(
            "rasa.core.run",
            "load_agent_on_start",
            freezing_after_load,
            SPEEDUP,
            "loaded objects frozen out of the collector's sight; BLAS on one thread",
        ),
        Patch(
            "rasa.utils.endpoints:EndpointConfig",
            "session",
            shared_sessions,
            SPEEDUP,
            "one kept-alive session per endpoint",
        ),
        Patch(
            rules,
            "_prediction_states",
            recent_prediction_states,
            SPEEDUP,
            "RulePolicy reads only as far back as its longest rule",
        ),
        Patch(
            rules,
            "_get_possible_keys",
            possible_rule_keys,
            SPEEDUP,
            "RulePolicy's rule search without reversing states again",
        ),
        Patch(
            "rasa.core.processor",
            "DaskGraphRunner",
            _replacement(SequentialGraphRunner),
            SPEEDUP,
            "the served model's graph run in a fixed order, not through dask",
        ),
        Patch(
            "rasa.shared.core.slots:Slot",
            "__copy__",
            _replacement(copy_slot),
            SPEEDUP,
            "slots copied directly, not through copy's generic protocol",
        ),
        Patch(
            tracker,
            "copy",
            direct_copies,
            SPEEDUP,
            "trackers copied as they stand, not by replaying events",
        ),
        Patch(
            tracker,
            "applied_events",
            typed_once,
            SPEEDUP,
            "applied events with each event's type tested once",
        ),
        Patch(
            tracker,
            "current_state",
            shallow_loop_states,
            SPEEDUP,
            "the active loop copied one level deep",
        ),
        *(
            Patch(
                module,
                "copy",
                _replacement(LogEntryCopies),
                SPEEDUP,
                "debug log entries not deep-copied while debug is off",
            )
            for module in LOGGING_MODULES
        ),
        Patch(
            stores + "AwaitableTrackerStore",
            "init_tracker",
            _replacement(wrapped_init_tracker),
            SPEEDUP,
            "new conversations created through the wrapped store",
        ),
        Patch(
            stores + "FailSafeTrackerStore",
            "init_tracker",
            _replacement(wrapped_init_tracker),
            SPEEDUP,
            "new conversations created through the wrapped store",
        ),
        Patch(
            "rasa.shared.core.domain:Domain",
            "is_empty",
            remembered_emptiness,
            SPEEDUP,
            "a domain's emptiness worked out once",
        ),
    )


# what install() replaced, in order: (owner, name, what the owner itself held, patch)
_installed: list[tuple[Any, str, Any, Patch]] = []


def rasa_version() -> str:
    """The installed Rasa's version."""
    import rasa

    return rasa.__version__


def selected(
    every: Iterable[Patch], speedups: bool, version: str
) -> tuple[list[Patch], list[Patch]]:
    """(the patches to install, the speed-ups left out because of ``version``)."""
    chosen, left_out = [], []
    for patch in every:
        if patch.kind == SPEEDUP and not speedups:
            continue
        if patch.kind == SPEEDUP and patch.rasa_version != version:
            left_out.append(patch)
            continue
        chosen.append(patch)
    return chosen, left_out


def install(speedups: bool = True) -> list[Patch]:
    """Install the fixes, and the speed-ups when ``speedups`` and the Rasa version is the
    one they were written for; idempotent. Returns what is installed."""
    chosen, left_out = selected(patches(), speedups, rasa_version())
    if left_out:
        logger.warning(
            "Rasa %s is not %s, which the speed-ups were written for: running without "
            "them (%d left out)",
            rasa_version(),
            WRITTEN_FOR,
            len(left_out),
        )
    done = {(id(owner), name) for owner, name, _, _ in _installed}
    for patch in chosen:
        owner = patch.owner()
        if (id(owner), patch.name) in done:
            continue
        own = vars(owner).get(patch.name, _MISSING)
        replacement = patch.make(getattr(owner, patch.name, None))
        setattr(owner, patch.name, staticmethod(replacement) if patch.static else replacement)
        _installed.append((owner, patch.name, own, patch))
    return installed()


def installed() -> list[Patch]:
    """The patches installed now, in the order they were installed."""
    return [patch for _, _, _, patch in _installed]


def uninstall() -> None:
    """Put back what every installed patch replaced, last first."""
    while _installed:
        owner, name, own, _ = _installed.pop()
        if own is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, own)
