"""Staff accounts: passwords and looking an account up by its email.

Passwords are hashed with Argon2id. Signing in is bot/staff/sign_in.py (with
bot/staff/throttle.py), signed-in sessions bot/staff/sessions.py, and the admin's
changes to accounts bot/staff/administration.py.

Functions here add to the caller's session and never commit: the web app and the
command line commit, so that a change and its audit entry are kept together.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import StaffUser
from bot.staff.inputs import plain_text

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# a local part this short ("jo" of jo@clinic.com) is too common a substring to refuse
MIN_LOCAL_PART_CHECKED = 3
TARGET_TYPE = "staff_user"

# argon2-cffi's defaults (RFC 9106 low-memory profile); tests may swap in a cheaper one
_HASHER = PasswordHasher()
_dummy: tuple[PasswordHasher, str] | None = None


class AccountError(ValueError):
    """A request about accounts that can't be done; the message says why, for people."""


# --- passwords ---------------------------------------------------------------------


def hash_password(password: str) -> str:
    """An Argon2id hash (salt and parameters included) for storing."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; False, not an exception, for a mismatch or a hash
    that isn't one, so that a damaged row can't turn into a server error."""
    if not stored_hash:
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether a stored hash was made with other settings than the hasher's now (checked
    at sign-in, when the password is at hand to hash again)."""
    return _HASHER.check_needs_rehash(stored_hash)


def dummy_hash() -> str:
    """A hash to verify against for unknown emails, so they take as long as known ones.

    Made on first use (not at import) and again if the hasher's settings change."""
    global _dummy
    hasher = _HASHER
    if _dummy is None or _dummy[0] is not hasher:
        _dummy = (hasher, hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[1]


def validate_password(password: str, email: str) -> None:
    """Refuse passwords that are easy to guess for someone who knows the email.

    Length matters more than character classes (NIST SP 800-63B); the upper bound keeps
    hashing cheap for the server."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters"
            " (a few unrelated words make a strong one)"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password is too long: at most {MAX_PASSWORD_LENGTH} characters")
    typed = password.casefold()
    address = email.strip().casefold()
    local = address.partition("@")[0]
    if typed == address or (len(local) >= MIN_LOCAL_PART_CHECKED and local in typed):
        raise AccountError("the password must not contain the email address or its name part")


# --- looking accounts up -----------------------------------------------------------


def stored_email(email: str) -> str:
    """A staff sign-in address as it is stored: validated, normalised, lower-case; raises
    AccountError for an invalid one."""
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError(f"{email!r} is not a valid email address: {error}") from None
    return checked.normalized.lower()


def lookup_form(email: str) -> str:
    """The stored form of a typed email, or a plain lower-cased one if it's not valid
    (it then matches nobody, which is the right answer)."""
    try:
        return stored_email(email)
    except AccountError:
        return plain_text(email).strip().lower()


def find_user(session: Session, email: str, *, fresh: bool = False) -> StaffUser | None:
    """The account for ``email`` (any case), if there is one; ``fresh`` reloads it even
    if the session already holds it."""
    statement = select(StaffUser).where(StaffUser.email == lookup_form(email))
    if fresh:
        statement = statement.execution_options(populate_existing=True)
    return session.execute(statement).scalar_one_or_none()


def aware(now: datetime) -> datetime:
    """``now`` itself, refused if naive: stored times are UTC and compared with aware ones."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"naive datetime {now!r}: give a timezone-aware one")
    return now
