"""Only Rasa may call the action server: a shared secret on every request.

rasa-sdk's server runs whatever action a POST to its webhook names, with whatever
conversation the body carries: anyone who can reach it could save or overwrite leads
("next_action": "action_save_lead"), skipping every check of the chat. It listens on
loopback by default, but production deployments put it on a network. Here Rasa sends
``Authorization: Bearer <secret>`` (endpoints.yml, ACTION_SERVER_SECRET) and the action
server refuses any request without it with a 401, before reading the body; only its
health check answers anyone. Its errors are answered with their own status and a reason
(rasa-sdk's handler turned a GET of an unknown path into a 500, logging a traceback and
echoing the request's body).

The secret comes from ACTION_SERVER_SECRET; unset (the embedded default), one is
generated per installation, kept in ``var/action-server.secret`` (readable by its owner
only), and read by both processes. Production mode refuses to start without a real one
(bot/production/secret_check.py).
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.processes.generated_secret import generated_secret
from bot.settings import Settings

logger = logging.getLogger(__name__)

SECRET_FILE = "action-server.secret"
# the only route anyone may call: readiness checks and load balancers
OPEN_PATHS = frozenset({"/health"})


def shared_secret(settings: Settings) -> str:
    """ACTION_SERVER_SECRET, or this installation's generated one."""
    if settings.action_server_secret:
        return settings.action_server_secret
    return generated_secret(settings.var_dir, SECRET_FILE)


def authorisation(secret: str) -> str:
    """The header value Rasa sends (endpoints.yml builds the same from the variable)."""
    return f"Bearer {secret}"


def authorised(header: str | None, secret: str) -> bool:
    """Whether a request's Authorization header carries the secret (in constant time)."""
    return header is not None and hmac.compare_digest(
        header.encode("utf-8", "replace"), authorisation(secret).encode("utf-8")
    )


def _problem(status: int, reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=status)


def guard(app: Sanic, secret: str) -> None:
    """Refuse unauthenticated requests and answer errors with their status and a reason."""

    @app.on_request
    async def check_secret(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if not authorised(request.headers.get("authorization"), secret):
            return _problem(401, "the action server answers the assistant's own Rasa only")
        if request.method == "POST" and not isinstance(_json(request), dict):
            return _problem(400, "the body must be a JSON object")
        return None

    async def known_error(request: Request, error: SanicException) -> HTTPResponse:
        return _problem(error.status_code, str(error) or "refused")

    async def failed(request: Request, error: Exception) -> HTTPResponse:
        # the type only: the body holds the visitor's conversation
        logger.error("action server: a request failed: %s", type(error).__name__)
        return _problem(500, "the action failed")

    app.error_handler.add(SanicException, known_error)
    app.error_handler.add(Exception, failed)


def _json(request: Request) -> Any:
    try:
        return request.json
    except Exception:  # Sanic raises its own BadRequest for a body that is not JSON
        return None
