"""The visitor's booking page through Starlette's TestClient, on a migrated database
(SQLite, then PostgreSQL): the link's token, CSRF, cancelling and moving through the
booking service, the audit log, and refusals with a reason."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.clinic.booking import active_booking, add_slots, book
from bot.db.migrate import upgrade
from bot.db.models import AuditEvent, BookingNotice, Consent, Lead
from bot.db.session import session_factory
from bot.notices.links import make_token
from bot.settings import load_settings
from bot.web.app import create_app
from bot.web.booking_page import PER_LINK
from bot.web.server import logged_path

SECRET = "b" * 43
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def page(project_root, tmp_path, database_url):
    """The app, a consenting lead booked into the first of four future slots, and a
    valid link to the lead's page."""
    settings = load_settings(
        {
            "DATABASE_URL": database_url,
            "TRACKER_STORE_DB": str(tmp_path / "trackers.db"),
            "BOOKING_LINK_SECRET": SECRET,
        },
        root=project_root,
    )
    upgrade(database_url)
    factory = session_factory(database_url)
    now = datetime.now(timezone.utc)
    with factory.begin() as session:
        lead = Lead(conversation_id="c-1", name="Ana Visitor", email="ana@example.com")
        lead.consent = Consent(notice_version="v1", agreed=True, contact_opt_in=False, given_at=now)
        session.add(lead)
        first = (now + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
        slots = add_slots(session, [first + timedelta(hours=h) for h in range(4)])
        session.flush()
        lead_id, slot_ids = lead.id, [s.id for s in slots]
    made = book(factory, lead_id, slot_ids[0], now)
    token = make_token(SECRET, lead_id, now + timedelta(days=4))
    client = TestClient(create_app(settings), follow_redirects=False)
    return client, factory, lead_id, slot_ids, made, f"/booking/{token}"


def audit_actions(factory) -> list[str]:
    with factory() as session:
        return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_the_page_shows_the_booking_and_nothing_else_personal(page):
    client, factory, _, _, made, url = page
    response = client.get(url)
    assert response.status_code == 200
    assert made.reference in response.text
    assert "Ana" not in response.text and "ana@example.com" not in response.text
    assert response.headers["cache-control"] == "no-store"
    assert "Cancel my booking" in response.text and "Move my booking" in response.text
    assert audit_actions(factory) == ["booking_page_viewed"]


def test_cancelling_needs_the_form_token(page):
    client, factory, lead_id, _, _, url = page
    refused = client.post(url, data={"action": "cancel", "csrf_token": "forged"})
    assert refused.status_code == 403 and "expired" in refused.text
    with factory() as session:
        assert active_booking(session, lead_id) is not None


def test_the_visitor_cancels_through_the_booking_service(page):
    client, factory, lead_id, _, made, url = page
    token = CSRF.search(client.get(url).text).group(1)
    response = client.post(url, data={"action": "cancel", "csrf_token": token})
    assert response.status_code == 200 and "Your booking is cancelled." in response.text
    assert "You have no scan review booked" in response.text
    with factory() as session:
        assert active_booking(session, lead_id) is None
        kinds = set(
            session.execute(
                select(BookingNotice.kind).where(BookingNotice.booking_id == made.id)
            ).scalars()
        )
    assert "cancelled" in kinds
    assert "visitor_booking_cancelled" in audit_actions(factory)


def test_the_visitor_moves_to_another_free_time(page):
    client, factory, lead_id, slot_ids, made, url = page
    token = CSRF.search(client.get(url).text).group(1)
    response = client.post(
        url, data={"action": "move", "slot": str(slot_ids[2]), "csrf_token": token}
    )
    assert response.status_code == 200 and "Your booking is changed." in response.text
    with factory() as session:
        current = active_booking(session, lead_id)
        assert current.slot_id == slot_ids[2]
        moved = session.execute(
            select(BookingNotice.kind).where(BookingNotice.booking_id == current.id)
        ).scalars()
        assert "moved" in set(moved)
    assert "visitor_booking_moved" in audit_actions(factory)


@pytest.mark.parametrize("slot", ["", "abc", "99999999999", "-1"])
def test_a_bad_time_is_refused_with_a_reason(page, slot):
    client, factory, lead_id, slot_ids, _, url = page
    token = CSRF.search(client.get(url).text).group(1)
    response = client.post(url, data={"action": "move", "slot": slot, "csrf_token": token})
    assert 400 <= response.status_code < 500
    with factory() as session:
        assert active_booking(session, lead_id).slot_id == slot_ids[0]


def test_a_time_someone_holds_is_refused(page):
    client, factory, _, slot_ids, _, url = page
    with factory.begin() as session:
        other = Lead(conversation_id="c-2", name="Bo", phone="+13125550100")
        session.add(other)
        session.flush()
        other_id = other.id
    book(factory, other_id, slot_ids[1], datetime.now(timezone.utc))
    token = CSRF.search(client.get(url).text).group(1)
    response = client.post(
        url, data={"action": "move", "slot": str(slot_ids[1]), "csrf_token": token}
    )
    assert response.status_code == 409 and "just been taken" in response.text


def test_a_bad_link_says_why(page, clinic):
    client, _, lead_id, _, _, url = page
    forged = client.get(url[:-2] + "xx")
    assert forged.status_code == 404 and "not valid" in forged.text
    assert clinic.phone in forged.text
    old = make_token(SECRET, lead_id, datetime.now(timezone.utc) - timedelta(minutes=1))
    expired = client.get(f"/booking/{old}")
    assert expired.status_code == 410 and "expired" in expired.text
    assert client.get("/booking/" + "9" * 500).status_code == 404
    posted = client.post(f"/booking/{old}", data={"action": "cancel"})
    assert posted.status_code == 410


def test_an_erased_lead_has_no_page(page):
    client, factory, lead_id, _, _, url = page
    with factory.begin() as session:
        session.delete(session.get(Lead, lead_id))
    assert client.get(url).status_code == 404


def test_requests_are_bounded_per_link(page):
    client, _, _, _, _, url = page
    codes = [client.get(url).status_code for _ in range(PER_LINK + 1)]
    assert codes[:PER_LINK] == [200] * PER_LINK and codes[-1] == 429


def test_the_access_log_keeps_no_token():
    assert logged_path("/booking/12.345.abcdef?x=1") == "/booking/..."
    assert logged_path("/staff/leads?q=ana") == "/staff/leads"
