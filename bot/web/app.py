"""The Starlette application, built by a factory so that nothing happens at import."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from bot.clinic import ClinicProfile, load_clinic_profile
from bot.settings import Settings, load_settings

HERE = Path(__file__).parent


def create_app(settings: Settings | None = None, clinic: ClinicProfile | None = None) -> Starlette:
    """Build the app from the settings and clinic profile (read from the environment if omitted)."""
    settings = settings or load_settings()
    clinic = clinic or load_clinic_profile(settings.clinic_profile)
    templates = Jinja2Templates(directory=str(HERE / "templates"))

    async def home(request: Request) -> Response:
        """The clinic's demo page, as a site that embeds the assistant would look."""
        return templates.TemplateResponse(request, "index.html", {"clinic": clinic})

    async def healthz(request: Request) -> Response:
        """Liveness for `make run`'s readiness check and load balancers."""
        return PlainTextResponse("ok")

    app = Starlette(
        routes=[
            Route("/", home, name="home"),
            Route("/healthz", healthz, name="healthz"),
            Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        ]
    )
    app.state.settings = settings
    app.state.clinic = clinic
    return app
