"""Rasa's debug log entries stop deep-copying what they would log when debug is off.

Why: Rasa's processor, form action and RulePolicy pass ``copy.deepcopy(...)`` of the
dialogue states, predicted events, slot values and parse data to ``structlogger.debug``
at every step of a turn. The copy is made before structlog's filtering logger drops the
entry, so with the server logging at INFO it is made for nothing: ~2% of the Rasa
process's CPU under load. Those three modules use their ``copy`` module for nothing
else (tests/bot/rasa_patches/speedups/test_log_copies.py reads their source to check it), so there
it is replaced by one whose ``deepcopy`` copies only while structlog logs debug entries.
"""

from __future__ import annotations

import copy
from typing import Any

import structlog

# the Rasa modules whose only use of ``copy`` is ``copy.deepcopy`` in a debug log entry
LOGGING_MODULES = (
    "rasa.core.processor",
    "rasa.core.actions.forms",
    "rasa.core.policies.rule_policy",
)


def debug_logged() -> bool:
    """Whether structlog's configured logger writes debug entries (a filtering logger
    below DEBUG has a no-op ``debug``; an unfiltered one writes them)."""
    debug = getattr(structlog.get_config()["wrapper_class"], "debug", None)
    return getattr(debug, "__name__", None) != "_nop"


class LogEntryCopies:
    """Stands for the ``copy`` module in ``LOGGING_MODULES``."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        """``copy.deepcopy(value)`` if debug entries are written, else ``value`` itself
        (handed to a logger that drops it)."""
        return copy.deepcopy(value, memo) if debug_logged() else value
