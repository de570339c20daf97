"""How `bot serve web` runs the web app under uvicorn: where it listens, which proxy it
believes, and an access log that keeps no query strings.

Kept apart from the command line so that tests build the very same uvicorn
configuration (and the app it wraps) without starting a server.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG

from bot.settings import Settings

APP = "bot.web.app:create_app"


BOOKING_PAGE = "/booking/"


def logged_path(path: str) -> str:
    """A request's path as the access log keeps it: no query string, and no token of a
    visitor's booking link (it opens their booking)."""
    path = path.split("?", 1)[0]
    return BOOKING_PAGE + "..." if path.startswith(BOOKING_PAGE) else path


class DropQueryStrings(logging.Filter):
    """The access log keeps the path, never the query string: staff searches put a
    visitor's name, email or phone there (``/staff/leads?q=...``). nginx's access log in
    production mode leaves them out for the same reason. Booking links' tokens are
    left out too."""

    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn's access record: (client, method, path with query, http version, status)
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], logged_path(args[2]), *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with the query strings filtered out."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"drop_query_strings": {"()": f"{__name__}.DropQueryStrings"}}
    config["handlers"]["access"]["filters"] = ["drop_query_strings"]
    return config


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for the web app (``uvicorn.run(APP, **server_options(...))``)."""
    return {
        "factory": True,
        "host": settings.web_host,
        "port": settings.web_port,
        # behind nginx (production mode) the visitor's address and scheme come from
        # X-Forwarded-For/-Proto, believed only from FORWARDED_ALLOW_IPS; without it,
        # from no one (uvicorn's own default would believe 127.0.0.1)
        "proxy_headers": settings.forwarded_allow_ips is not None,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        # no WebSocket routes; and Rasa pins a websockets release uvicorn can't use
        "ws": "none",
        "log_config": log_config(),
    }
