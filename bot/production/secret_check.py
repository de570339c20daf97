"""Production mode refuses secrets anyone could guess.

The embedded default (`make run`) needs no secret at all: everything listens on loopback
and Rasa's HTTP API is off. Production mode serves real visitors, so every secret it is
given must be one nobody else knows: not a placeholder from documentation or examples,
and long enough not to be guessed. The secrets, all read from the environment:

- ``RASA_AUTH_TOKEN``: optional. Unset, Rasa's HTTP API is off altogether (only the chat
  channels answer, and nginx passes only those); set, it opens the API to whoever holds
  it, so it must be a generated token of at least 32 characters.
- ``ACTION_SERVER_SECRET``: required. Rasa shows it to the action server with every call
  (bot/processes/action_auth.py); production deployments put the action server on a network, so
  it must be a generated secret of at least 32 characters, the same for every process.
- ``BOOKING_LINK_SECRET``: optional (unset, one is generated under var/, shared by the
  processes of one machine). It signs the links in visitors' booking notices
  (bot/notices/links.py); when given, at least 32 characters.
- ``SMTP_PASSWORD``, and the passwords inside ``DATABASE_URL``, ``TRACKER_STORE_DB`` and
  ``LOCK_STORE_URL``: optional (a server on loopback may trust the local user); when
  given, at least 12 characters (the mail provider or the database administrator may
  choose them, so the bar is a person's password, not a token's).

The back-office has no signing key of its own: its session and CSRF tokens are random per session
(``secrets.token_urlsafe``) and only their hashes are stored, so there is nothing to set.
Problems name the variable and never repeat its value, which may be a real secret.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from bot.db.rasa_events import tracker_store_url
from bot.settings import Settings

# Rasa's HTTP API token: `secrets.token_urlsafe(32)` gives 43 characters.
MIN_TOKEN_LENGTH = 32
# Passwords others may choose (mail provider, database administrator).
MIN_PASSWORD_LENGTH = 12
# Fewer different characters than this is a pattern, not a secret ("aaaa...", "1212...").
MIN_DISTINCT_CHARACTERS = 6

# Values from documentation, examples and this repository's tests (compared in lower
# case without punctuation): Rasa's docs use "thisismysecret", the tests "s3cret",
# "secret" and "test-token-4f2a".
PLACEHOLDERS = frozenset(
    {
        "admin",
        "changeit",
        "changeme",
        "default",
        "example",
        "letmein",
        "mysecret",
        "pass",
        "passw0rd",
        "password",
        "postgres",
        "redis",
        "s3cret",
        "secret",
        "secretkey",
        "test",
        "testtoken4f2a",
        "thisismysecret",
        "token",
        "xxxxxx",
    }
)
# words that mark a value as something to be replaced, wherever they appear
PLACEHOLDER_MARKERS = ("changeme", "replaceme", "placeholder", "example", "yoursecret")


def _placeholder(value: str) -> bool:
    """A value copied from an example rather than generated."""
    bare = re.sub(r"[^a-z0-9]", "", value.lower())
    return bare in PLACEHOLDERS or any(marker in bare for marker in PLACEHOLDER_MARKERS)


def secret_problem(name: str, value: str, minimum: int) -> str | None:
    """Why ``value`` can't be the secret ``name`` (None when it can); never quotes it."""
    if not value.strip() or _placeholder(value):
        return f"{name} is a placeholder or example value: set a secret of your own"
    if len(value) < minimum:
        return f"{name} is too short: at least {minimum} characters"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return f"{name} is a repeated pattern, not a secret: generate a random one"
    return None


def url_password(url: str) -> str | None:
    """The password inside a database or Redis URL (None when it has none)."""
    try:
        password = urlsplit(url).password
    except ValueError:  # not a URL: production mode's other checks refuse it
        return None
    return unquote(password) if password else None


def weak_secrets(settings: Settings) -> list[str]:
    """Why production mode must not start with these secrets (empty when it may)."""
    found = []
    if settings.action_server_secret is None:
        found.append("ACTION_SERVER_SECRET is not set: generate one (32 characters at least)")
    else:
        found.append(
            secret_problem("ACTION_SERVER_SECRET", settings.action_server_secret, MIN_TOKEN_LENGTH)
        )
    if settings.rasa_auth_token is not None:
        found.append(secret_problem("RASA_AUTH_TOKEN", settings.rasa_auth_token, MIN_TOKEN_LENGTH))
    if settings.booking_link_secret is not None:
        found.append(
            secret_problem("BOOKING_LINK_SECRET", settings.booking_link_secret, MIN_TOKEN_LENGTH)
        )
    if settings.smtp_password is not None:
        found.append(secret_problem("SMTP_PASSWORD", settings.smtp_password, MIN_PASSWORD_LENGTH))
    urls = {
        "DATABASE_URL": settings.database_url,
        "TRACKER_STORE_DB": tracker_store_url(settings.tracker_store_db),
        "LOCK_STORE_URL": settings.lock_store_url or "",
    }
    for name, url in urls.items():
        password = url_password(url)
        if password is not None:
            found.append(secret_problem(f"the password in {name}", password, MIN_PASSWORD_LENGTH))
    return [problem for problem in found if problem]
