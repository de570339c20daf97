"""Staff accounts: passwords, the credential check, server-side sessions, admin changes.

Passwords are hashed with Argon2id. Sign-in failures say the same thing whether the
email is unknown, the password wrong, the account deactivated or the attempts too many
(bot/staff/sign_in.py counts them), so that the form cannot be used to find out who
works at the clinic. Sessions live in the database and the browser holds only a random
token, of which only a hash is stored.

Functions here add to the caller's session and never commit: the web app and the
command line commit, so that a change and its audit entry are kept together.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload

from bot.db.models import STAFF_ROLES, StaffSession, StaffUser, utcnow
from bot.staff import audit, throttle
from bot.staff.inputs import plain_text

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# a local part this short ("jo" of jo@clinic.com) is too common a substring to refuse
MIN_LOCAL_PART_CHECKED = 3
# how long sign-in pauses for an address, or an email from it, after too many failures
LOCKOUT = throttle.SignInLimits().window
LOCKOUT_MINUTES = int(LOCKOUT.total_seconds() // 60)
# last_seen_at is written at most this often: not a database write per request
SEEN_RESOLUTION = timedelta(seconds=30)
# a user's sessions unused for this long are deleted when they sign in again
STALE_SESSION = timedelta(days=1)
LOGIN_FAILED_MESSAGE = (
    "Email or password is incorrect. After repeated failures, sign-in from this device "
    f"pauses for {LOCKOUT_MINUTES} minutes."
)
TARGET_TYPE = "staff_user"

# argon2-cffi's defaults (RFC 9106 low-memory profile); tests may swap in a cheaper one
_HASHER = PasswordHasher()
_dummy: tuple[PasswordHasher, str] | None = None


class AccountError(ValueError):
    """A request about accounts that can't be done; the message says why, for people."""


class LoginFailed(Exception):  # noqa: N818 (the name says what happened)
    """Sign-in refused. The message is the same whatever the reason."""

    def __init__(self, message: str = LOGIN_FAILED_MESSAGE) -> None:
        super().__init__(message)


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


def _dummy_hash() -> str:
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


# --- accounts ----------------------------------------------------------------------


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


def _check_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise AccountError(f"unknown role {role!r}: use one of {', '.join(STAFF_ROLES)}")


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"naive datetime {now!r}: give a timezone-aware one")
    return now


def create_user(
    session: Session,
    email: str,
    password: str,
    role: str = "staff",
    now: datetime | None = None,
    actor: StaffUser | None = None,
) -> StaffUser:
    """Add an account (flushed, so it has an id) and its audit entry.

    ``actor`` is the admin who added it, None from the command line."""
    now = _aware(now or utcnow())
    _check_role(role)
    address = stored_email(email)
    validate_password(password, address)
    if find_user(session, address) is not None:
        raise AccountError(f"an account for {address} already exists")
    user = StaffUser(
        email=address,
        password_hash=hash_password(password),
        role=role,
        active=True,
        failed_logins=0,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        "user_created",
        actor,
        target_type=TARGET_TYPE,
        target_id=user.id,
        details={"role": role},
        now=now,
    )
    return user


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
        target_type=TARGET_TYPE if user is not None else None,
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
    now = _aware(now)
    # the row as stored now, not as this session last saw it (the counter moves)
    user = find_user(session, email, fresh=True)
    if user is None or not user.active:
        verify_password(_dummy_hash() if user is None else user.password_hash, password)
        reason = "unknown_email" if user is None else "inactive"
        record_failed_login(session, user, reason, now, ip_address)
        raise LoginFailed()
    if not verify_password(user.password_hash, password):
        # one UPDATE that adds one, not read-then-write: parallel failures all count
        session.execute(
            update(StaffUser)
            .where(StaffUser.id == user.id)
            .values(failed_logins=StaffUser.failed_logins + 1)
            .execution_options(synchronize_session=False)
        )
        record_failed_login(session, user, "bad_password", now, ip_address)
        raise LoginFailed()
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.last_login_at = now
    audit.record(
        session,
        "login",
        user,
        target_type=TARGET_TYPE,
        target_id=user.id,
        ip_address=ip_address,
        now=now,
    )
    return user


# --- sessions ----------------------------------------------------------------------


def token_hash(token: str) -> str:
    """What is stored for a cookie token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, user: StaffUser, now: datetime) -> tuple[str, StaffSession]:
    """A new signed-in session: the cookie's token (returned once, never stored) and
    the row, which holds the form CSRF token. The user's stale sessions are removed."""
    now = _aware(now)
    session.execute(
        delete(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.last_seen_at < now - STALE_SESSION)
        .execution_options(synchronize_session="fetch")
    )
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=token_hash(token),
        user_id=user.id,
        user=user,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
    )
    session.add(row)
    session.flush()
    return token, row


def resolve_session(
    session: Session, token: str | None, now: datetime, idle: timedelta
) -> StaffSession | None:
    """The signed-in session of a cookie token, with ``.user`` loaded, or None.

    A session idle for longer than ``idle``, or whose account was deactivated, is
    deleted (the caller commits)."""
    if not token:
        return None
    now = _aware(now)
    row = session.execute(
        select(StaffSession)
        .options(joinedload(StaffSession.user))
        .where(StaffSession.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if row is None:
        return None
    if not row.user.active or now - row.last_seen_at > idle:
        session.delete(row)
        session.flush()
        return None
    if now - row.last_seen_at > SEEN_RESOLUTION:
        row.last_seen_at = now
    return row


def end_session(session: Session, token: str | None) -> StaffUser | None:
    """Sign out: delete the session. Returns whose it was (for the caller's "logout"
    audit entry), or None if the token was unknown."""
    if not token:
        return None
    row = session.execute(
        select(StaffSession)
        .options(joinedload(StaffSession.user))
        .where(StaffSession.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if row is None:
        return None
    user = row.user
    session.delete(row)
    session.flush()
    return user


def end_user_sessions(session: Session, user_id: int) -> int:
    """Sign a user out everywhere (deactivated, password reset); returns how many."""
    result = session.execute(
        delete(StaffSession)
        .where(StaffSession.user_id == user_id)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


# --- the admin's users page --------------------------------------------------------


def list_users(session: Session) -> list[StaffUser]:
    """Every account, active or not, by email."""
    return list(session.execute(select(StaffUser).order_by(StaffUser.email)).scalars())


def get_user(session: Session, user_id: int) -> StaffUser:
    """The account with this id, or AccountError."""
    user = session.get(StaffUser, user_id)
    if user is None:
        raise AccountError(f"there is no staff account #{user_id}")
    return user


def _other_active_admins(session: Session, user_id: int) -> int:
    """Active admins other than ``user_id``; their rows are locked on PostgreSQL so two
    admins can't each demote the other at the same time."""
    ids = session.execute(
        select(StaffUser.id)
        .where(StaffUser.role == "admin", StaffUser.active.is_(True), StaffUser.id != user_id)
        .with_for_update()
    ).scalars()
    return len(list(ids))


def _keep_an_admin(session: Session, user: StaffUser) -> None:
    """Refuse to take away the last active admin (nobody could manage accounts after)."""
    if user.is_admin and _other_active_admins(session, user.id) == 0:
        raise AccountError(f"{user.email} is the last active admin: make another one first")


def _changed(
    session: Session,
    user: StaffUser,
    field: str,
    value: object,
    actor: StaffUser | None,
    now: datetime,
) -> None:
    audit.record(
        session,
        "user_changed",
        actor,
        target_type=TARGET_TYPE,
        target_id=user.id,
        details={"field": field, "value": value},
        now=now,
    )


def set_active(
    session: Session,
    user_id: int,
    active: bool,
    actor: StaffUser | None,
    now: datetime | None = None,
) -> StaffUser:
    """Activate or deactivate an account. Deactivating signs it out everywhere; nobody
    can deactivate themselves or the last active admin (the clinic would be locked out)."""
    now = _aware(now or utcnow())
    user = get_user(session, user_id)
    if user.active == active:
        return user
    if not active:
        if actor is not None and actor.id == user.id:
            raise AccountError("you cannot deactivate your own account")
        _keep_an_admin(session, user)
    user.active = active
    if not active:
        end_user_sessions(session, user.id)
    _changed(session, user, "active", active, actor, now)
    return user


def set_role(
    session: Session,
    user_id: int,
    role: str,
    actor: StaffUser | None,
    now: datetime | None = None,
) -> StaffUser:
    """Change an account's role; the last active admin stays an admin."""
    now = _aware(now or utcnow())
    _check_role(role)
    user = get_user(session, user_id)
    if user.role == role:
        return user
    if user.active:
        _keep_an_admin(session, user)
    user.role = role
    _changed(session, user, "role", role, actor, now)
    return user


def reset_password(
    session: Session,
    user_id: int,
    new_password: str,
    actor: StaffUser | None,
    now: datetime | None = None,
) -> StaffUser:
    """Set a new password: it clears the email's sign-in counts from every address and
    signs the account out everywhere (whoever had the old one is out). The audit entry
    names the field only."""
    now = _aware(now or utcnow())
    user = get_user(session, user_id)
    validate_password(new_password, user.email)
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    user.locked_until = None  # set by versions before the counters (migration 0003)
    throttle.forget_account(session, user.email)
    end_user_sessions(session, user.id)
    audit.record(
        session,
        "user_changed",
        actor,
        target_type=TARGET_TYPE,
        target_id=user.id,
        details={"field": "password"},
        now=now,
    )
    return user
