"""The link in each notice to the visitor's booking page: signed and expiring.

The token is ``<lead id>.<expiry, Unix seconds>.<signature>``, the signature an
HMAC-SHA256 of the rest under BOOKING_LINK_SECRET (or the installation's generated key,
shared by the scheduler that writes links and the web app that reads them). It names
no one: a lead number and a time, and it is worth nothing once changed or expired. A
lead has at most one active booking, so the page shows whichever that is now, also
after a move.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bot.processes.generated_secret import generated_secret
from bot.settings import Settings

SECRET_FILE = "booking-link.secret"
# a link works until a day after the review it was sent about
VALID_AFTER_REVIEW = timedelta(days=1)
# longer tokens are refused before any work (a real one is ~60 characters)
MAX_TOKEN_CHARS = 200
_PURPOSE = b"booking-page:"


class LinkError(ValueError):
    """A link that can't be honoured; ``expired`` tells an old link from a bad one."""

    def __init__(self, message: str, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def link_secret(settings: Settings) -> str:
    """BOOKING_LINK_SECRET, or this installation's generated one."""
    return settings.booking_link_secret or generated_secret(settings.var_dir, SECRET_FILE)


def _signature(secret: str, body: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), _PURPOSE + body.encode("ascii"), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")


def make_token(secret: str, lead_id: int, expires: datetime) -> str:
    """A token for the lead's booking page, valid until ``expires``."""
    body = f"{int(lead_id)}.{int(expires.timestamp())}"
    return f"{body}.{_signature(secret, body)}"


def link_expiry(starts_at: datetime) -> datetime:
    """When a link about a review starting at ``starts_at`` stops working."""
    return starts_at + VALID_AFTER_REVIEW


@dataclass(frozen=True)
class LinkHolder:
    """Who a valid token lets in, and until when."""

    lead_id: int
    expires: datetime


def read_token(secret: str, token: str, now: datetime) -> LinkHolder:
    """The lead a token was made for; ``LinkError`` when it is malformed, signed with
    another key, or expired (checked in that order, the signature in constant time)."""
    if not token or len(token) > MAX_TOKEN_CHARS or not token.isascii():
        raise LinkError("This link is not valid.")
    lead, _, rest = token.partition(".")
    expiry, _, signature = rest.partition(".")
    if not (lead.isdigit() and expiry.isdigit() and signature):
        raise LinkError("This link is not valid.")
    if len(lead) > 10 or len(expiry) > 12:
        raise LinkError("This link is not valid.")
    if not hmac.compare_digest(signature, _signature(secret, f"{lead}.{expiry}")):
        raise LinkError("This link is not valid: it may have been copied incompletely.")
    expires = datetime.fromtimestamp(int(expiry), timezone.utc)
    if expires <= now:
        raise LinkError("This link has expired.", expired=True)
    return LinkHolder(lead_id=int(lead), expires=expires)


def booking_page_url(settings: Settings, token: str) -> str:
    """The visitor's booking page, as visitors reach the web app."""
    return f"{settings.visitor_url}/booking/{token}"
