"""Signing in and out of the back-office.

The sign-in form has no session yet, so its CSRF token is a double-submit cookie:
a random value in an HttpOnly, SameSite=Strict cookie that the form must repeat.
Attempts are counted per address and per email from an address (bot/staff/sign_in.py).
"""

from __future__ import annotations

import hmac
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.db.models import utcnow
from bot.staff.audit import record
from bot.staff.sessions import end_session
from bot.staff.sign_in import LoginFailed, TooManyAttempts, sign_in
from bot.web.staff.context import (
    COOKIE_PATH,
    LOGIN_CSRF_COOKIE,
    MAX_FORM_FIELDS,
    MAX_FORM_PART,
    SESSION_COOKIE,
    StaffContext,
    client_ip,
    render,
    secure_cookies,
    staff_app,
    staff_page,
)

HOME = "/staff/leads"


def _next_url(value: str | None) -> str:
    """Only a back-office path: never an open redirect to another site."""
    if value and value.startswith("/staff") and not value.startswith("//"):
        return value
    return HOME


def _login_page(request: Request, status: int = 200, **context: object) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "staff/login.html",
        {"login_csrf": token, "next": _next_url(request.query_params.get("next")), **context},
        status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
    )
    return response


async def login_form(request: Request) -> Response:
    """The sign-in page (a signed-in visitor goes straight to the inbox)."""
    message = "You have signed out." if request.query_params.get("signed_out") else None
    return _login_page(request, message=message)


def _sign_in(request: Request, email: str, password: str) -> tuple[str | None, int, str]:
    """The new session's cookie token, or the status and message to answer with."""
    staff = staff_app(request)
    ip = client_ip(request) or "unknown"
    try:
        token, _ = sign_in(
            staff.factory, email, password, now=utcnow(), ip_address=ip, limits=staff.limits
        )
    except TooManyAttempts as refused:
        return None, 429, str(refused)
    except LoginFailed as failed:
        return None, 400, str(failed)
    return token, 303, ""


async def login(request: Request) -> Response:
    """Check the form's CSRF token and the credentials; start a session."""
    form = await request.form(max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FORM_PART)
    sent, expected = form.get("csrf_token"), request.cookies.get(LOGIN_CSRF_COOKIE)
    if not (isinstance(sent, str) and expected and hmac.compare_digest(sent, expected)):
        return _login_page(request, 403, error="The sign-in form expired. Please try again.")
    email, password = form.get("email"), form.get("password")
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        return _login_page(request, 400, error="Enter your email and password.")
    token, status, error = await run_in_threadpool(_sign_in, request, email.strip(), password)
    if token is None:
        return _login_page(request, status, error=error, email=email.strip())
    response = RedirectResponse(_next_url(form.get("next")), status_code=303)  # type: ignore[arg-type]
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=COOKIE_PATH)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
    return response


@staff_page()
def logout(ctx: StaffContext) -> Response:
    """End the session here and in the database (the cookie alone is worth nothing)."""
    token = ctx.request.cookies.get(SESSION_COOKIE, "")
    end_session(ctx.db, token)
    record(ctx.db, "logout", ctx.user, ip_address=ctx.ip, now=ctx.now)
    response = RedirectResponse("/staff/login?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response
