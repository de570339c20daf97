"""Signing in: the credential check, and the form's sign-in (count the attempt, then
check the credentials, then start a session).

Sign-in failures say the same thing whether the email is unknown, the password wrong,
the account deactivated or the attempts too many, so that the form cannot be used to
find out who works at the clinic. The attempt is counted first, in the database and
atomically (bot/staff/throttle.py), so parallel guesses can't all be checked before any
is counted. The one exception names no account: an address over its own limit gets
TooManyAttempts (the web answers 429), whatever email it typed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import StaffUser
from bot.staff import accounts, audit, throttle
from bot.staff.sessions import start_session

# how long sign-in pauses for an address, or an email from it, after too many failures
LOCKOUT = throttle.SignInLimits().window
LOCKOUT_MINUTES = int(LOCKOUT.total_seconds() // 60)
LOGIN_FAILED_MESSAGE = (
    "Email or password is incorrect. After repeated failures, sign-in from this device "
    f"pauses for {LOCKOUT_MINUTES} minutes."
)
ADDRESS_REFUSED_MESSAGE = (
    f"Too many failed sign-ins from this address. Wait {LOCKOUT_MINUTES} minutes and try again."
)


class LoginFailed(Exception):  # noqa: N818 (the name says what happened)
    """Sign-in refused. The message is the same whatever the reason."""

    def __init__(self, message: str = LOGIN_FAILED_MESSAGE) -> None:
        super().__init__(message)


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
        user = accounts.find_user(db, email) if scope == "email" else None
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
    typed = accounts.lookup_form(email)
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


def record_failed_login(
    session: Session,
    user: StaffUser | None,
    reason: str,
    now: datetime,
    ip_address: str | None,
    **details: object,
) -> None:
    """An audit entry for a refused sign-in: ``user`` is the account it was for, if any."""
    audit.record(
        session,
        "login_failed",
        user,
        target_type=accounts.TARGET_TYPE if user is not None else None,
        target_id=user.id if user is not None else None,
        details={"reason": reason, **details},
        ip_address=ip_address,
        now=now,
    )


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    now: datetime,
    ip_address: str | None = None,
) -> StaffUser:
    """The account whose email and password these are, or LoginFailed.

    Every attempt is audited and costs one Argon2 verification, unknown emails too, so
    that neither the answer nor its time tells who has an account. How many attempts
    may be made is sign_in's business (counted before this runs). The caller commits,
    failures included: the audit entry must be kept."""
    now = accounts.aware(now)
    # the row as stored now, not as this session last saw it (the counter moves)
    user = accounts.find_user(session, email, fresh=True)
    if user is None or not user.active:
        accounts.verify_password(
            accounts.dummy_hash() if user is None else user.password_hash, password
        )
        reason = "unknown_email" if user is None else "inactive"
        record_failed_login(session, user, reason, now, ip_address)
        raise LoginFailed()
    if not accounts.verify_password(user.password_hash, password):
        # one UPDATE that adds one, not read-then-write: parallel failures all count
        session.execute(
            update(StaffUser)
            .where(StaffUser.id == user.id)
            .values(failed_logins=StaffUser.failed_logins + 1)
            .execution_options(synchronize_session=False)
        )
        record_failed_login(session, user, "bad_password", now, ip_address)
        raise LoginFailed()
    if accounts.needs_rehash(user.password_hash):
        user.password_hash = accounts.hash_password(password)
    user.failed_logins = 0
    user.last_login_at = now
    audit.record(
        session,
        "login",
        user,
        target_type=accounts.TARGET_TYPE,
        target_id=user.id,
        ip_address=ip_address,
        now=now,
    )
    return user
