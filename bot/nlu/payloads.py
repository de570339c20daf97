"""What counts as a button's payload rather than something the visitor typed.

Rasa reads any text that starts with "/" as an intent payload ("/greet",
``/choose_slot{"review_slot": "12"}``) and skips the NLU pipeline's reading of it; so
"/ I have numbness in my groin" was never screened for an emergency. Here only the shape
that the assistant's own buttons and widget send is a payload: "/" and an intent name,
optionally with one entity whose value is a short identifier (a slot's id). Such a text
holds no words of the visitor's, so there is nothing in it to screen; anything else that
starts with "/" is read like any other message.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from rasa.shared.nlu.constants import TEXT

# "/intent" or /intent{"entity": "value"}: lower-case names, an identifier as the value
_PAYLOAD = re.compile(r'/[a-z_]{1,64}(?:\{"[a-z_]{1,64}": ?"[A-Za-z0-9_.:-]{1,64}"\})?')


def is_button_payload(text: str | None) -> bool:
    """Whether ``text`` is exactly a payload of the shape the assistant's buttons send."""
    return bool(text) and _PAYLOAD.fullmatch(text.strip()) is not None


def intent_of(payload: str) -> str:
    """The intent a button's payload names ("/choose_slot{...}" -> "choose_slot")."""
    return payload.strip()[1:].split("{", 1)[0]


def payloads_only(original: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    """``RegexMessageHandler.process`` (the last step of Rasa's NLU, which turns "/intent"
    texts into that intent) applied only to button payloads. Rasa's own would turn
    ``/deny{"x": "y"} I lost bladder control`` into a plain "deny", overriding the safety
    screen, and logs the whole text of any other "/" message it can't read."""

    def payload(message: Any, domain: Any) -> bool:
        text = message.get(TEXT)
        if not is_button_payload(text):
            return False
        # a payload's shape with an intent the domain lacks is typed, not a button's
        return domain is None or intent_of(text) in domain.intents

    @functools.wraps(original)
    def process(self: Any, messages: list[Any], domain: Any = None) -> list[Any]:
        chosen = [payload(m, domain) for m in messages]
        if not any(chosen):
            return messages
        picked = [m for m, c in zip(messages, chosen, strict=True) if c]
        unpacked = iter(original(self, picked, domain))
        return [next(unpacked) if c else m for m, c in zip(messages, chosen, strict=True)]

    return process
