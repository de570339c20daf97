"""Signing in and out of the back-office.

The sign-in form has no session yet, so its CSRF token is a double-submit cookie:
a random value in an HttpOnly, SameSite=Strict cookie that the form must repeat.
Failed attempts are limited per address (LoginThrottle) and per account (lock-out).
"""

from __future__ import annotations

import hmac
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.db.models import utcnow
from bot.staff.accounts import AccountLocked, LoginFailed, authenticate, end_session, start_session
from bot.staff.audit import record
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


def _sign_in(request: Request, email: str, password: str) -> tuple[str | None, str | None]:
    """The new session's cookie token, or the error to show."""
    staff = staff_app(request)
    now = utcnow()
    ip = client_ip(request) or "unknown"
    if not staff.throttle.allowed(ip, now):
        return None, "Too many failed sign-ins from this device. Wait 15 minutes and try again."
    with staff.factory() as db:
        try:
            user = authenticate(db, email, password, now=now, ip_address=ip)
        except AccountLocked as locked:
            db.commit()
            staff.throttle.failed(ip, now)
            until = locked.until.astimezone(staff.zone).strftime("%H:%M")
            return None, (
                f"This account is locked after repeated failed sign-ins. Try again after "
                f"{until}, or ask an administrator to reset the password."
            )
        except LoginFailed as failed:
            db.commit()  # the failure counter and the audit entry
            staff.throttle.failed(ip, now)
            return None, str(failed)
        token, _ = start_session(db, user, now)
        db.commit()
    staff.throttle.succeeded(ip)
    return token, None


async def login(request: Request) -> Response:
    """Check the form's CSRF token and the credentials; start a session."""
    form = await request.form(max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FORM_PART)
    sent, expected = form.get("csrf_token"), request.cookies.get(LOGIN_CSRF_COOKIE)
    if not (isinstance(sent, str) and expected and hmac.compare_digest(sent, expected)):
        return _login_page(request, 403, error="The sign-in form expired. Please try again.")
    email, password = form.get("email"), form.get("password")
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        return _login_page(request, 400, error="Enter your email and password.")
    token, error = await run_in_threadpool(_sign_in, request, email.strip(), password)
    if token is None:
        status = 429 if error and error.startswith("Too many") else 400
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
