"""A visitor's booking end to end, as `make run` runs it: the web app and the notice
scheduler as real processes (`bot serve web`, `bot serve notices`), a real SMTP server
(aiosmtpd), headless Chromium. The confirmation email arrives with its invitation; its
link opens the booking page; cancelling there sends the cancellation."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from sqlalchemy.orm import Session, sessionmaker

from bot.clinic.booking import add_slots, book
from bot.db.models import Booking, Consent, Lead
from bot.processes.readiness import wait_until_up
from bot.settings import load_settings
from tests import live
from tests.browser.conftest import expect
from tests.mail import start_server

WEB_PORT = "19030"
LINK = re.compile(r"(http://\S+/booking/\S+)")


def wait_for(inbox, count: int, seconds: float = 60) -> list:
    deadline = time.monotonic() + seconds
    while len(inbox.envelopes) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(inbox.envelopes) >= count, f"{len(inbox.envelopes)} of {count} emails arrived"
    return inbox.messages()


def method_of(message) -> str:
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return str(Calendar.from_ical(part.get_content())["METHOD"])


@pytest.fixture(scope="module")
def deployment(project_root, tmp_path_factory) -> Iterator[tuple]:
    """The web app and the scheduler on their own SQLite database, mail to aiosmtpd,
    and a consenting lead booked three days ahead."""
    tmp = tmp_path_factory.mktemp("booking")
    controller, inbox = start_server()
    env = live.environment(
        tmp,
        {
            "WEB_PORT": WEB_PORT,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(controller.port),
            "SMTP_STARTTLS": "false",
            "SMTP_FROM": "bookings@clinic.example",
            "NOTICE_POLL_SECONDS": "1",
        },
    )
    settings = load_settings(env, root=project_root)
    web = live.serve_one("web", env, tmp, project_root)
    try:
        assert wait_until_up([f"{settings.web_url}/healthz"], live.STARTUP_SECONDS) == []
        engine = sa.create_engine(settings.database_url, future=True, poolclass=sa.pool.NullPool)
        factory = sessionmaker(bind=engine, class_=Session, future=True, expire_on_commit=False)
        now = datetime.now(timezone.utc)
        with factory.begin() as session:
            lead = Lead(conversation_id="c-browser", name="Ana Visitor", email="ana@example.com")
            lead.consent = Consent(
                notice_version="v1", agreed=True, contact_opt_in=False, given_at=now
            )
            session.add(lead)
            start = (now + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
            add_slots(session, [start, start + timedelta(hours=1)])
            session.flush()
            lead_id = lead.id
        with factory() as session:
            first = session.execute(sa.text("SELECT min(id) FROM review_slots")).scalar_one()
        made = book(factory, lead_id, first, now)
        scheduler = live.serve_one("notices", env, tmp, project_root)
        try:
            yield inbox, made, factory
        finally:
            live.stop(scheduler)
            engine.dispose()
    finally:
        live.stop(web)
        controller.stop()


def test_the_link_in_the_email_lets_the_visitor_cancel(deployment, page):
    inbox, made, factory = deployment
    (confirmation,) = wait_for(inbox, 1)
    assert method_of(confirmation) == "REQUEST"
    body = confirmation.get_body(("plain",)).get_content()
    (link,) = LINK.findall(body)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your scan review")
    expect(page.get_by_text(made.reference)).to_be_visible()
    page.get_by_role("button", name="Cancel my booking").click()
    expect(page.get_by_role("status")).to_have_text("Your booking is cancelled.")
    cancellation = wait_for(inbox, 2)[1]
    assert method_of(cancellation) == "CANCEL" and made.reference in cancellation["Subject"] + (
        cancellation.get_body(("plain",)).get_content()
    )
    with factory() as session:
        assert session.get(Booking, made.id).status == "cancelled"
    # a forged link gets the app's own words, not a crash
    page.goto(link[:-3] + "zzz")
    expect(page.get_by_role("alert")).to_contain_text("not valid")
