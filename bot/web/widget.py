"""The chat widget's files and its public configuration, for any site that embeds it.

A site adds one tag, ``<script src="https://clinic.example/widget.js"
data-rasa-url="..." defer>``; the script fetches its stylesheet and the clinic's name
and phone from the same origin. Those are public facts, so the configuration may be
read from any origin (CORS ``*``); nothing about a visitor is served here.
"""

from __future__ import annotations

from pathlib import Path

import phonenumbers
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.clinic.profile import ClinicProfile

WIDGET = Path(__file__).parent / "static" / "widget"
# short enough that a fix reaches visitors the same day, long enough to spare requests
CACHE = "public, max-age=3600"


def phone_href(phone: str, region: str) -> str:
    """A tel: link in E.164 where the number parses, else the digits as written."""
    try:
        parsed = phonenumbers.parse(phone, region)
        number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        number = "".join(c for c in phone if c.isdigit() or c == "+")
    return f"tel:{number}"


def widget_routes(clinic: ClinicProfile, region: str) -> list[BaseRoute]:
    config = {
        "clinic_name": clinic.name,
        "phone": clinic.phone,
        "phone_href": phone_href(clinic.phone, region),
        "hours": clinic.hours,
    }

    async def script(request: Request) -> Response:
        return FileResponse(
            WIDGET / "widget.js", media_type="text/javascript", headers={"Cache-Control": CACHE}
        )

    async def stylesheet(request: Request) -> Response:
        return FileResponse(
            WIDGET / "widget.css",
            media_type="text/css",
            headers={"Cache-Control": CACHE, "Access-Control-Allow-Origin": "*"},
        )

    async def configuration(request: Request) -> Response:
        return JSONResponse(
            config, headers={"Cache-Control": CACHE, "Access-Control-Allow-Origin": "*"}
        )

    return [
        Route("/widget.js", script, methods=["GET"]),
        Route("/widget.css", stylesheet, methods=["GET"]),
        Route("/widget/config.json", configuration, methods=["GET"]),
    ]
