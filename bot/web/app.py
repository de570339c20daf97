"""The Starlette application, built by a factory so that nothing happens at import."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from bot.clinic.profile import ClinicProfile, load_clinic_profile
from bot.clinic.recovery import tracker_store_url
from bot.db.session import session_factory
from bot.settings import Settings, load_settings
from bot.web.booking_page import BookingPageLimits, booking_page_routes
from bot.web.security import SecurityHeaders, content_security_policy
from bot.web.staff import staff_routes
from bot.web.staff.context import StaffApp
from bot.web.widget import widget_routes

HERE = Path(__file__).parent


def create_app(settings: Settings | None = None, clinic: ClinicProfile | None = None) -> Starlette:
    """Build the app from the settings and clinic profile (read from the environment if omitted)."""
    settings = settings or load_settings()
    clinic = clinic or load_clinic_profile(settings.clinic_profile)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    zone = ZoneInfo(clinic.timezone)
    rasa = urlsplit(settings.browser_rasa_url)
    # Rasa on an origin of its own may be called by the widget (same origin needs nothing)
    connect_to = (f"{rasa.scheme}://{rasa.netloc}",) if rasa.netloc else ()

    def local(moment: datetime | None, pattern: str = "%a %d %b %Y, %H:%M") -> str:
        """A stored UTC time as the clinic's wall time, for people to read."""
        return moment.astimezone(zone).strftime(pattern) if moment else ""

    templates.env.filters["local"] = local

    async def home(request: Request) -> Response:
        """The clinic's demo page, as a site that embeds the assistant would look."""
        context = {"clinic": clinic, "rasa_url": settings.browser_rasa_url}
        return templates.TemplateResponse(request, "index.html", context)

    async def healthz(request: Request) -> Response:
        """Liveness for `make run`'s readiness check and load balancers."""
        return PlainTextResponse("ok")

    app = Starlette(
        routes=[
            Route("/", home, name="home"),
            Route("/healthz", healthz, name="healthz"),
            *widget_routes(clinic, settings.phone_region),
            *staff_routes(),
            *booking_page_routes(),
            Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        ],
        middleware=[Middleware(SecurityHeaders, csp=content_security_policy(connect_to))],
    )
    app.state.settings = settings
    app.state.clinic = clinic
    app.state.booking_limits = BookingPageLimits()
    # the session factory makes its engine on first use, not here
    app.state.staff = StaffApp(
        settings=settings,
        clinic=clinic,
        templates=templates,
        factory=session_factory(settings.database_url),
        tracker_url=tracker_store_url(settings.tracker_store_db),
    )
    return app
