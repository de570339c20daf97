"""How many sign-in attempts an address, and a typed email from that address, may make.

The counts live in the database (``login_counters``), so every process and every
parallel request shares them. An attempt is counted *before* its password is checked,
by one upsert that adds one, read back in the same short transaction: the upsert holds
the row (PostgreSQL) or the database's write lock (SQLite) until the commit, so of N
parallel attempts exactly ``limit`` see a count within the limit, on either database.

Nothing here locks an account for everyone (OWASP's authentication guidance): the
email's count is per address, so an attacker stops only themselves, and a staff member
signing in from their own address is not affected. Emails nobody has are counted just
like real ones, so a refusal says nothing about who works at the clinic.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Executable

from bot.db.dialects import upsert_insert
from bot.db.models import LoginCounter

log = logging.getLogger(__name__)
COUNTERS = LoginCounter.__table__
# IPv6 hands a whole /64 to one customer: it counts as one address
IPV6_PREFIX = 64


@dataclass(frozen=True)
class SignInLimits:
    """Attempts allowed per window: from one address, and for one email from it."""

    per_address: int = 20
    per_email: int = 5
    window: timedelta = timedelta(minutes=15)


class Refused(Exception):  # noqa: N818 (the name says what happened)
    """Over a limit; the password was not checked. ``first`` is the first refusal of
    the window (worth one audit entry, not one per attempt)."""

    def __init__(self, scope: str, first: bool) -> None:
        super().__init__(f"too many sign-in attempts per {scope}")
        self.scope = scope  # "address" | "email"
        self.first = first


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def address_key(ip: str | None) -> str:
    """What an address is counted as: itself, or its /64 for IPv6."""
    text = ip or "unknown"
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return text
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


def account_hash(email: str) -> str:
    """How an email (in its stored form) is named in the counters."""
    return _hash("email", email)


def _address_counter(ip: str | None) -> str:
    return _hash("address", address_key(ip))


def _email_counter(email: str, ip: str | None) -> str:
    return _hash("email-from", email, address_key(ip))


def _count(db: Session, key: str, account: str | None, now: datetime, window: timedelta) -> int:
    """Add one to the counter (a fresh window if its last one ended) and return it."""
    insert = upsert_insert(db, COUNTERS)
    ended = COUNTERS.c.window_ends <= now
    # SET reads the row as it was: both CASEs see the old window_ends
    fresh = {"attempts": 1, "window_ends": insert.excluded.window_ends}
    kept = {"attempts": COUNTERS.c.attempts + 1, "window_ends": COUNTERS.c.window_ends}
    db.execute(
        insert.values(
            key=key, account=account, attempts=1, window_ends=now + window
        ).on_conflict_do_update(
            index_elements=[COUNTERS.c.key],
            set_={name: case((ended, fresh[name]), else_=kept[name]) for name in fresh},
        )
    )
    return db.execute(select(COUNTERS.c.attempts).where(COUNTERS.c.key == key)).scalar_one()


def _counted(
    factory: sessionmaker, key: str, account: str | None, now: datetime, window: timedelta
) -> int:
    """``_count`` in a transaction of its own, committed before the password is checked
    (holding the lock through Argon2 would queue every sign-in behind it)."""
    with factory.begin() as db:
        return _count(db, key, account, now, window)


def _alone(factory: sessionmaker, statement: Executable) -> None:
    """One statement in its own transaction: it holds at most the rows it changes."""
    with factory.begin() as db:
        db.execute(statement)


def count_attempt(
    factory: sessionmaker, limits: SignInLimits, email: str, ip: str | None, now: datetime
) -> None:
    """Count an attempt for ``email`` (stored form) from ``ip``; Refused over a limit.

    The address is counted first and a refused address counts nothing more, so one
    address can't fill the table with emails."""
    attempts = _counted(factory, _address_counter(ip), None, now, limits.window)
    if attempts == 1:
        forget_expired(factory, now)  # a new window for this address: a moment to tidy
    if attempts > limits.per_address:
        raise Refused("address", attempts == limits.per_address + 1)
    key = _email_counter(email, ip)
    attempts = _counted(factory, key, account_hash(email), now, limits.window)
    if attempts > limits.per_email:
        raise Refused("email", attempts == limits.per_email + 1)


def signed_in(factory: sessionmaker, email: str, ip: str | None) -> None:
    """The password was right: this attempt no longer counts against the address, and
    the email's count from there starts again. The address's other failures stay (a
    valid account must not wipe the count of guesses made at other accounts)."""
    address = COUNTERS.c.key == _address_counter(ip)
    _alone(
        factory,
        update(COUNTERS)
        .where(address, COUNTERS.c.attempts > 0)
        .values(attempts=COUNTERS.c.attempts - 1),
    )
    _alone(factory, delete(COUNTERS).where(COUNTERS.c.key == _email_counter(email, ip)))


def forget_account(db: Session, email: str) -> None:
    """Clear the email's counters from every address (an admin reset its password);
    in the caller's transaction."""
    db.execute(delete(COUNTERS).where(COUNTERS.c.account == account_hash(email)))


def forget_expired(factory: sessionmaker, now: datetime) -> None:
    """Delete counters whose window has ended, so the table stays small. Housekeeping:
    a failure (two of them racing on PostgreSQL) is logged and left for the next one."""
    try:
        _alone(factory, delete(COUNTERS).where(COUNTERS.c.window_ends <= now))
    except DBAPIError as error:
        log.warning("expired sign-in counters not deleted: %s", type(error.orig).__name__)
