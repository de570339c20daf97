"""Numbers, dates and text typed into the back-office's addresses and forms, checked in
one place so that every page refuses the same bad input the same way.

Whatever arrives, the answer is a value the database and the date arithmetic can take,
or InputError with a reason for people. Ids fit the database's INTEGER (32 bits on
PostgreSQL; a bigger one fails inside the driver), digits are ASCII only (``int()``
also reads "٣" and ``str.isdigit()`` says yes to "²", which ``int()`` refuses), and
days lie in years where "the next day" and the clinic's time zone can't overflow
(``date.max + timedelta(days=1)`` is an OverflowError).
"""

from __future__ import annotations

from datetime import date

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER, the type of every id column
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2999, 12, 31)
DAY_EXAMPLE = "2026-11-27"


class InputError(ValueError):
    """A typed value the back-office can't use; the message says which and why."""


def plain_text(text: str) -> str:
    """Typed text without NUL characters, which PostgreSQL's text columns and
    parameters can't hold (the driver raises); nobody types one on purpose."""
    return text.replace("\x00", "")


def whole_number(text: str, name: str, low: int, high: int) -> int:
    """``text`` as a whole number from ``low`` to ``high`` (ASCII digits only)."""
    value = text.strip()
    digits = value.isascii() and value.isdigit() and len(value) <= len(str(high))
    if not digits or not low <= int(value) <= high:
        raise InputError(f"{name} must be a whole number from {low} to {high}")
    return int(value)


def record_id(text: str, name: str = "the number") -> int:
    """A record's id: a whole number the id columns can hold."""
    return whole_number(text, name, 1, MAX_ID)


def day(text: str, name: str) -> date:
    """A calendar day written YYYY-MM-DD, between EARLIEST_DAY and LATEST_DAY."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{name} must be a date like {DAY_EXAMPLE}") from None
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise InputError(f"{name} must be a date from {EARLIEST_DAY} to {LATEST_DAY}")
    return value
