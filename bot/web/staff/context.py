"""What every back-office page shares: who is signed in, the database session of the
request, CSRF checking, and rendering.

Pages are written as plain functions of a ``StaffContext`` and wrapped by
``staff_page``, which runs them in a worker thread (the database calls are blocking),
refuses them without a valid session (redirect to sign-in), without the right role
(403) or, for a form post, without the session's CSRF token (403).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from bot.clinic.opening_hours import OpeningHours
from bot.clinic.profile import ClinicProfile
from bot.db.models import StaffSession, StaffUser, utcnow
from bot.settings import Settings
from bot.staff.inputs import InputError, plain_text, record_id, whole_number
from bot.staff.sessions import resolve_session
from bot.staff.throttle import SignInLimits
from bot.staff.visits import count_new

SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
COOKIE_PATH = "/staff"
# a back-office form is small: refuse anything bigger before parsing it
MAX_FORM_FIELDS = 50
MAX_FORM_PART = 64 * 1024
# the lists' pages (inbox, audit log): a bigger number is refused, not an OFFSET scan
MAX_PAGE = 100_000


class PageError(Exception):
    """Stop a page with an HTTP status and a message the staff member can act on."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class StaffApp:
    """The back-office's shared parts, made once by the app factory."""

    settings: Settings
    clinic: ClinicProfile
    templates: Jinja2Templates
    factory: sessionmaker
    tracker_url: str
    limits: SignInLimits = field(default_factory=SignInLimits)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.clinic.timezone)

    @property
    def hours(self) -> OpeningHours:
        return self.clinic.opening()

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.settings.staff_idle_minutes)


def staff_app(request: Request) -> StaffApp:
    return request.app.state.staff


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def secure_cookies(request: Request) -> bool:
    """Cookies are marked Secure when the page was served over HTTPS (behind nginx,
    uvicorn's proxy headers make the scheme https)."""
    return request.url.scheme == "https"


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    staff = staff_app(request)
    values = {"clinic": staff.clinic, "zone": staff.zone, **context}
    return staff.templates.TemplateResponse(request, template, values, status_code=status_code)


@dataclass
class StaffContext:
    """One request of a signed-in staff member."""

    request: Request
    db: Session
    user: StaffUser
    staff_session: StaffSession
    form: FormData | None
    now: datetime

    @property
    def app(self) -> StaffApp:
        return staff_app(self.request)

    @property
    def ip(self) -> str | None:
        return client_ip(self.request)

    def field(self, name: str) -> str:
        """A form field as text ('' when missing or a file), without NUL characters."""
        value = self.form.get(name) if self.form is not None else None
        return plain_text(value).strip() if isinstance(value, str) else ""

    def render(self, template: str, status_code: int = 200, **context: Any) -> Response:
        """``template`` with the signed-in user, the CSRF token and the navigation's count
        of leads new to this user."""
        values = {
            "user": self.user,
            "csrf_token": self.staff_session.csrf_token,
            "new_leads": count_new(self.db, self.user),
            "now": self.now,
            **context,
        }
        return render(self.request, template, values, status_code)

    def redirect(self, url: str, notice: str | None = None) -> Response:
        """After a form post: to ``url`` (303), which shows ``notice`` once. The notice
        is kept with the session, never put in the URL, so that a link can't make a
        back-office page say what its author likes."""
        self.staff_session.notice = notice
        return RedirectResponse(url, status_code=303)

    def take_notice(self) -> str | None:
        """The notice the last form post left for this page, now shown (and gone)."""
        notice, self.staff_session.notice = self.staff_session.notice, None
        return notice


def login_redirect(request: Request) -> Response:
    """To the sign-in page, coming back here afterwards (GET pages only)."""
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    query = urlencode({"next": target}) if request.method == "GET" else ""
    url = "/staff/login" + (f"?{query}" if query else "")
    response = RedirectResponse(url, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


def _error_page(request: Request, error: PageError, context: dict[str, Any]) -> Response:
    return render(request, "staff/error.html", {"message": error.message, **context}, error.status)


def _run(
    request: Request,
    form: FormData | None,
    handler: Callable[[StaffContext], Response],
    role: str,
) -> Response:
    staff = staff_app(request)
    now = utcnow()
    token = request.cookies.get(SESSION_COOKIE)
    with staff.factory() as db:
        row = resolve_session(db, token, now, staff.idle) if token else None
        db.commit()  # last-seen time, or the expired session's removal
        if row is None:
            return login_redirect(request)
        user = row.user
        context = {"user": user, "csrf_token": row.csrf_token}
        if role == "admin" and not user.is_admin:
            return _error_page(request, PageError(403, "This page is for administrators."), context)
        if form is not None:
            sent = form.get("csrf_token")
            if not isinstance(sent, str) or not hmac.compare_digest(sent, row.csrf_token):
                message = "This form has expired. Go back, reload the page and try again."
                return _error_page(request, PageError(403, message), context)
        ctx = StaffContext(request, db, user, row, form, now)
        try:
            response = handler(ctx)
            db.commit()
        except PageError as error:
            db.rollback()
            return _error_page(request, error, context)
        return response


def staff_page(
    role: str = "staff",
) -> Callable[[Callable[[StaffContext], Response]], Callable[[Request], Awaitable[Response]]]:
    """Make ``handler`` a Starlette endpoint for signed-in staff with ``role``."""

    def decorate(
        handler: Callable[[StaffContext], Response],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            form = None
            if request.method == "POST":
                form = await request.form(max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FORM_PART)
            return await run_in_threadpool(_run, request, form, handler, role)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return decorate


def path_id(ctx: StaffContext, name: str = "id") -> int:
    """The record id in the URL; anything but a number an id column holds is a 404."""
    try:
        return record_id(str(ctx.request.path_params[name]))
    except InputError:
        message = "There is no such record: the address ends in a number no record has."
        raise PageError(404, message) from None


def page_number(ctx: StaffContext) -> tuple[int, str | None]:
    """The ``page`` of a list, and the reason if the one asked for can't be (then 1)."""
    raw = ctx.request.query_params.get("page", "1")
    try:
        return whole_number(raw, "page", 1, MAX_PAGE), None
    except InputError as error:
        return 1, str(error)
