"""Debug log entries copy what they log only while debug entries are written."""

from __future__ import annotations

import ast
import importlib
import inspect
import logging

import pytest
import structlog

from bot.rasa_patches.speedups import log_copies
from bot.rasa_patches.speedups.log_copies import LOGGING_MODULES, LogEntryCopies, debug_logged


@pytest.fixture
def structlog_at():
    def configure(level: int) -> None:
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))

    yield configure
    structlog.reset_defaults()


@pytest.mark.parametrize("name", log_copies.LOGGING_MODULES)
def test_the_modules_use_copy_only_to_deep_copy_debug_log_entries(name):
    """Every ``copy.<anything>`` in the module's source is ``copy.deepcopy(...)`` given
    as an argument to a ``structlogger.debug(...)`` call."""
    tree = ast.parse(inspect.getsource(importlib.import_module(name)))
    logged = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "debug"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "structlogger"
        ):
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                logged.add(id(argument))
    uses = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "copy"
    ]
    assert uses, "the module no longer uses copy: drop it from LOGGING_MODULES"
    calls = {
        id(node.func): node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    for use in uses:
        assert use.attr == "deepcopy", ast.unparse(use)
        call = calls.get(id(use))
        assert call is not None and id(call) in logged, f"line {use.lineno}: not a log entry"


def test_debug_logged_follows_structlogs_configuration(structlog_at):
    structlog_at(logging.INFO)
    assert not debug_logged()
    structlog_at(logging.DEBUG)
    assert debug_logged()
    structlog.reset_defaults()  # unconfigured, structlog writes everything
    assert debug_logged()


def test_entries_are_copied_only_while_debug_is_written(structlog_at):
    value = {"states": [{"slots": {"a": (1.0,)}}]}
    structlog_at(logging.INFO)
    assert LogEntryCopies.deepcopy(value) is value
    structlog_at(logging.DEBUG)
    copied = LogEntryCopies.deepcopy(value)
    assert copied == value and copied is not value
    assert copied["states"][0] is not value["states"][0]


def test_installed_rasas_logging_modules_copy_log_entries_only_for_debug(patched):
    for name in LOGGING_MODULES:
        assert importlib.import_module(name).copy is LogEntryCopies
