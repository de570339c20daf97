"""A value worked out once per object and kept in the object's own attributes.

For objects of other libraries that do not change once made (a loaded domain, a fitted
vectorizer) and are asked the same question on every message: the answer is kept in the
object's ``__dict__`` under ``name``, so it lives and dies with the object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def remembered(owner: Any, name: str, work_out: Callable[[], T]) -> T:
    """``owner``'s value under ``name``, worked out with ``work_out()`` the first time."""
    known = owner.__dict__.get(name)
    if known is None:
        known = owner.__dict__[name] = work_out()
    return known
