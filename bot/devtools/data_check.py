"""Reads the log of ``rasa data validate`` and fails on every warning that is not expected.

Rasa 3.6's validator only looks at stories and rules, so it reports responses as unused
when a form asks with them (``utter_ask_<slot>``) or an action sends them (re-asks of
the intake form), and it always reports the ``faq`` retrieval intent as "duplicated"
(Domain.merge of domain.yml with the NLU data). Those are expected only when they are
true: the slot must be a required slot of a form, the response must be named in the
action code. Anything else fails ``make validate``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

WARNING = re.compile(r"(UserWarning|WARNING|ERROR)\b:?\s*(?P<message>.*)")
UNUSED_RESPONSE = re.compile(
    r"The utterance '(?P<name>utter_[\w/]+)' is not used in any story or rule"
)
DUPLICATED_FAQ = "duplicated intents have been found across multiple domain files: faq"
RESPONSE_LITERAL = re.compile(r"[\"'](utter_[a-z0-9_]+)[\"']")
# code that sends responses by name: the action server's (forms' re-asks, notes, offers),
# and Rasa's own process's (the apology for a failed action, the REST channel's replies)
ACTION_CODE = (
    "actions",
    "bot/faq",
    "bot/intake",
    "bot/clinic/lead_form.py",
    "bot/rasa_patches/fixes/failed_actions.py",
    "bot/rasa_plugins/rest_channel.py",
    "bot/rasa_plugins/chat_checks.py",
    "bot/rasa_plugins/nlg.py",
)


def form_ask_responses(domain: Mapping[str, Any]) -> set[str]:
    """``utter_ask_<slot>`` for every required slot of every form: the form asks with them."""
    forms = domain.get("forms") or {}
    return {
        f"utter_ask_{slot}"
        for form in forms.values()
        for slot in (form or {}).get("required_slots", [])
    }


def responses_named_in_code(root: Path, folders: Iterable[str] = ACTION_CODE) -> set[str]:
    """Responses that the action server's code sends by name."""
    names: set[str] = set()
    for folder in folders:
        base = root / folder
        paths = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for path in paths:
            names.update(RESPONSE_LITERAL.findall(path.read_text(encoding="utf-8")))
    return names


def unexpected_warnings(log: str, expected_unused: set[str]) -> list[str]:
    """The warning lines of a validator log that are not known false positives."""
    unexpected = []
    for line in log.splitlines():
        found = WARNING.search(line)
        if not found or "DeprecationWarning" in line:
            continue
        message = found.group("message")
        if DUPLICATED_FAQ in message:
            continue
        unused = UNUSED_RESPONSE.search(message)
        if unused and unused.group("name") in expected_unused:
            continue
        unexpected.append(message.strip())
    return unexpected


def check_validate_log(log_path: Path, domain: Mapping[str, Any], root: Path) -> list[str]:
    """The unexpected warnings of the validator log at ``log_path``."""
    expected = form_ask_responses(domain) | responses_named_in_code(root)
    return unexpected_warnings(log_path.read_text(encoding="utf-8"), expected)
