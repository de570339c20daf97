"""Tests of the clinical NLU (bot/nlu).

Building the pipeline takes a second or two, so the test modules share one through
``pipeline()``; it is built on first use, never at import.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def pipeline():
    from bot.nlu.concepts import build_pipeline

    return build_pipeline()


def concepts(text: str):
    from bot.nlu.concepts import extract

    return extract(pipeline(), text)


def asserted(text: str, type_: str | None = None) -> set[str]:
    """Values of the asserted concepts of ``text`` (of one type, if given)."""
    return {c.value for c in concepts(text) if c.asserted and type_ in (None, c.type)}


def find(text: str, type_: str, value: str):
    """The first concept of ``text`` with this type and value (AssertionError if none)."""
    for c in concepts(text):
        if c.type == type_ and c.value == value:
            return c
    raise AssertionError(f"no {type_}={value} in {text!r}: {concepts(text)}")
