"""Security headers on every response of the web app.

No inline script or style anywhere (the Content-Security-Policy forbids them), pages
can't be framed by other sites, and back-office pages are never cached, since they
show health information (nor is a visitor's booking page, reached by a private link).

Starlette's own error middleware sits outside every user middleware, so its 500 page
would go out without these headers: an exception that reaches this middleware before
any response started is answered here instead (a plain 500, no traceback, the headers
on), then raised on for the server's log.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(connect_to: tuple[str, ...] = ()) -> str:
    """The policy; ``connect_to`` are the other origins pages may call (the widget on
    the demo page talks to Rasa, which listens on an origin of its own)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            " ".join(["connect-src 'self'", *connect_to]),
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()
HSTS = "max-age=31536000; includeSubDomains"
# pages never cached: the back-office, and visitors' booking pages
PRIVATE_PATHS = ("/staff", "/booking/")


class SecurityHeaders:
    """Pure ASGI middleware (no buffering of bodies, unlike BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp, csp: str = CONTENT_SECURITY_POLICY) -> None:
        self.app = app
        self.csp = csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = scope.get("path", "").startswith(PRIVATE_PATHS)
        https = scope.get("scheme") == "https"
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", self.csp)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                if private:
                    headers["Cache-Control"] = "no-store"
                if https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if not started:
                failed = PlainTextResponse("Internal Server Error", status_code=500)
                await failed(scope, receive, send_with_headers)
            raise
