"""Signing in from the form: count the attempt, then check the credentials, then start
a session.

The attempt is counted first, in the database and atomically (bot/staff/throttle.py),
so parallel guesses can't all be checked before any is counted. Every refusal reads
the same, with one exception that names no account: an address over its own limit
gets TooManyAttempts (the web answers 429), whatever email it typed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import sessionmaker

from bot.db.models import StaffUser
from bot.staff import throttle
from bot.staff.accounts import (
    LOCKOUT_MINUTES,
    LoginFailed,
    authenticate,
    find_user,
    lookup_form,
    record_failed_login,
    start_session,
)

ADDRESS_REFUSED_MESSAGE = (
    f"Too many failed sign-ins from this address. Wait {LOCKOUT_MINUTES} minutes and try again."
)


class TooManyAttempts(LoginFailed):
    """The address is over its limit; its password was not checked."""

    def __init__(self) -> None:
        super().__init__(ADDRESS_REFUSED_MESSAGE)


def _audit_refusal(
    factory: sessionmaker, email: str, scope: str, now: datetime, ip_address: str | None
) -> None:
    """One audit entry per refused window (not one per attempt: the log stays small
    under attack), naming the account when an email's limit was reached."""
    with factory.begin() as db:
        user = find_user(db, email) if scope == "email" else None
        record_failed_login(db, user, "too_many_attempts", now, ip_address, per=scope)


def sign_in(
    factory: sessionmaker,
    email: str,
    password: str,
    *,
    now: datetime,
    ip_address: str | None,
    limits: throttle.SignInLimits | None = None,
) -> tuple[str, StaffUser]:
    """A new session's cookie token and its account, or LoginFailed / TooManyAttempts.

    Commits its own transactions (the count must be visible to parallel attempts
    before the password is checked, and a failure's audit entry is kept)."""
    typed = lookup_form(email)
    try:
        throttle.count_attempt(factory, limits or throttle.SignInLimits(), typed, ip_address, now)
    except throttle.Refused as refused:
        if refused.first:
            _audit_refusal(factory, typed, refused.scope, now, ip_address)
        if refused.scope == "address":
            raise TooManyAttempts() from None
        raise LoginFailed() from None
    with factory() as db:
        try:
            user = authenticate(db, email, password, now=now, ip_address=ip_address)
        except LoginFailed:
            db.commit()  # the audit entry and the account's failure count
            raise
        token, _ = start_session(db, user, now)
        db.commit()
    throttle.signed_in(factory, typed, ip_address)
    return token, user
