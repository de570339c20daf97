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


def payloads_only(original: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    """``RegexMessageHandler.process`` (the last step of Rasa's NLU, which turns "/intent"
    texts into that intent) applied only to button payloads. Rasa's own would turn
    ``/deny{"x": "y"} I lost bladder control`` into a plain "deny", overriding the safety
    screen, and logs the whole text of any other "/" message it can't read."""

    @functools.wraps(original)
    def process(self: Any, messages: list[Any], domain: Any = None) -> list[Any]:
        payloads = [m for m in messages if is_button_payload(m.get(TEXT))]
        if not payloads:
            return messages
        unpacked = iter(original(self, payloads, domain))
        return [next(unpacked) if is_button_payload(m.get(TEXT)) else m for m in messages]

    return process
