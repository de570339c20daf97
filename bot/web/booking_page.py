"""The visitor's booking page: the link in each booking notice opens it.

The link's signed, expiring token (bot/notices/links.py) is the only credential, and
the page shows no more than the messages did (date, time, reference, the clinic's
phone). The visitor may cancel the booking or choose another free time; both go
through bot/clinic/booking.py, the same atomic service as the chat, so the notices
follow. Forms carry a double-submit CSRF token (an HttpOnly, SameSite=Strict cookie
the form repeats); every view and change is in the audit log (without the visitor's
address); requests are counted per address and per link; a bad or expired link gets
a 4xx page saying why.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from limits import RateLimitItemPerMinute, strategies
from limits.storage import MemoryStorage
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.clinic import booking
from bot.db.models import Booking, Lead, ReviewSlot, utcnow
from bot.notices import links
from bot.staff.audit import record
from bot.staff.inputs import InputError, record_id

CSRF_COOKIE = "booking_csrf"
COOKIE_PATH = "/booking"
# the slots a visitor may choose from
OFFERED = 6
MAX_FORM_FIELDS = 5
MAX_FORM_PART = 1024
# requests a minute: per address, and per link
PER_ADDRESS = 30
PER_LINK = 20
CANCELLED = "Your booking is cancelled."
MOVED = "Your booking is changed."
BOOKED = "You're booked."


class LeadGone(LookupError):  # noqa: N818 (an outcome the page answers, not a fault)
    """The link's lead is no longer on record (erased, or purged after retention)."""


class BookingPageLimits:
    """Requests a minute per address and per link, counted in this process."""

    def __init__(self) -> None:
        # the limiter holds its storage weakly: this is what keeps it
        self.storage = MemoryStorage()
        self.limiter = strategies.FixedWindowRateLimiter(self.storage)
        self.per_address = RateLimitItemPerMinute(PER_ADDRESS)
        self.per_link = RateLimitItemPerMinute(PER_LINK)

    def allow(self, address: str, token: str) -> bool:
        return self.limiter.hit(self.per_address, "booking-page", address) and self.limiter.hit(
            self.per_link, "booking-link", token[:64]
        )


@dataclass(frozen=True)
class View:
    """What the page shows: the lead's active booking (if any) and the free times."""

    current: Booking | None
    free: list[ReviewSlot]


def _page(request: Request, status: int = 200, **context: object) -> Response:
    app = request.app.state
    csrf = secrets.token_urlsafe(32)
    response = app.staff.templates.TemplateResponse(
        request,
        "booking.html",
        {"clinic": app.clinic, "csrf_token": csrf, **context},
        status_code=status,
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


def _refused(request: Request, status: int, reason: str) -> Response:
    return _page(request, status, refused=reason)


def _holder(request: Request, now: datetime) -> links.LinkHolder:
    settings = request.app.state.settings
    return links.read_token(links.link_secret(settings), request.path_params["token"], now)


def _view(request: Request, lead_id: int, now: datetime) -> View:
    factory = request.app.state.staff.factory
    with factory.begin() as session:
        if session.get(Lead, lead_id) is None:
            raise LeadGone(lead_id)
        current = booking.active_booking(session, lead_id)
        free = booking.free_slots(session, now, OFFERED)
        record(
            session,
            "booking_page_viewed",
            target_type="lead",
            target_id=lead_id,
            details={"booking": current.id if current else None},
            now=now,
        )
        return View(current, free)


def _change(request: Request, lead_id: int, action: str, slot: str, now: datetime) -> str:
    """Cancel, or move to (or book) ``slot``; the sentence the page shows."""
    factory = request.app.state.staff.factory
    with factory() as session:
        if session.get(Lead, lead_id) is None:
            raise LeadGone(lead_id)
        current = booking.active_booking(session, lead_id)
    if action == "cancel":
        if current is None:
            raise booking.BookingNotFound("There is no booking to cancel.")
        booking.cancel(factory, lead_id, current.reference, now)
        audit, slot_id, said = "visitor_booking_cancelled", current.slot_id, CANCELLED
    else:
        slot_id = record_id(slot, "the time")
        if current is None:
            made = booking.book(factory, lead_id, slot_id, now)
        else:
            made = booking.move(factory, lead_id, current.reference, slot_id, now)
        audit, slot_id, said = "visitor_booking_moved", made.slot_id, MOVED if current else BOOKED
    with factory.begin() as session:
        details = {"slot_id": slot_id}
        record(session, audit, target_type="lead", target_id=lead_id, details=details, now=now)
    return said


async def _guarded(request: Request) -> tuple[links.LinkHolder | None, Response | None]:
    """The link's holder, or the page refusing the request."""
    limits: BookingPageLimits = request.app.state.booking_limits
    address = request.client.host if request.client else "unknown"
    if not limits.allow(address, request.path_params["token"]):
        return None, _refused(request, 429, "Too many requests: please wait a minute.")
    try:
        return _holder(request, utcnow()), None
    except links.LinkError as error:
        phone = request.app.state.clinic.phone
        reason = f"{error} Please call {phone} to change your booking."
        return None, _refused(request, 410 if error.expired else 404, reason)


def _gone(request: Request) -> Response:
    phone = request.app.state.clinic.phone
    return _refused(request, 404, f"This booking is no longer on record. Please call {phone}.")


async def show(request: Request) -> Response:
    """The booking, with "Cancel" and the free times to move it to."""
    holder, refused = await _guarded(request)
    if refused is not None:
        return refused
    try:
        view = await run_in_threadpool(_view, request, holder.lead_id, utcnow())
    except LeadGone:
        return _gone(request)
    return _page(request, view=view)


async def change(request: Request) -> Response:
    """A form post: cancel (``action=cancel``) or another time (``action=move``)."""
    holder, refused = await _guarded(request)
    if refused is not None:
        return refused
    form = await request.form(max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FORM_PART)
    sent, expected = form.get("csrf_token"), request.cookies.get(CSRF_COOKIE)
    if not (isinstance(sent, str) and expected and hmac.compare_digest(sent, expected)):
        return _refused(request, 403, "This form has expired: please open the link again.")
    action, slot = form.get("action"), form.get("slot")
    if action not in {"cancel", "move"} or not isinstance(slot, (str, type(None))):
        return _refused(request, 400, "Choose to cancel or pick a time.")
    now = utcnow()
    try:
        said = await run_in_threadpool(_change, request, holder.lead_id, action, slot or "", now)
    except LeadGone:
        return _gone(request)
    except InputError:
        return _refused(request, 400, "Pick one of the times shown.")
    except booking.SlotTaken:
        said = None
        error = "Sorry, that time has just been taken. Please pick another."
    except booking.BookingError as failed:
        said, error = None, f"That didn't work: {failed}"
    else:
        error = None
    view = await run_in_threadpool(_view, request, holder.lead_id, utcnow())
    return _page(request, 409 if error else 200, view=view, done=said, error=error)


def booking_page_routes() -> list[BaseRoute]:
    return [
        Route("/booking/{token}", show, methods=["GET"]),
        Route("/booking/{token}", change, methods=["POST"]),
    ]
