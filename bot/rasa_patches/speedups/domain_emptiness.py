"""Whether a domain is empty, worked out once per domain.

Why: ``MessageProcessor`` asks for every message, and Rasa's answer compares the domain's
whole dictionary with an empty domain's, made anew each time (~2% of the Rasa process's
CPU under load). A loaded domain is not changed (Rasa makes a new one to merge or
update), so the answer is kept on the domain.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from bot.rasa_patches.speedups.remembered import remembered


def remembered_emptiness(original: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """``Domain.is_empty``, worked out once per domain."""

    @functools.wraps(original)
    def is_empty(self: Any) -> bool:
        return remembered(self, "_remembered_is_empty", lambda: original(self))

    return is_empty
