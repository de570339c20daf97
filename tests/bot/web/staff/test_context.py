"""Bad numbers and dates in every back-office address and form, on SQLite and
PostgreSQL: each is a 4xx with its reason and the security headers, never a 500; and
the one-time notices a form post leaves are the app's own words."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from bot.db.models import Lead
from tests.bot.web.staff.conftest import ADMIN, csrf_of, sign_in

# ids no record can have: past PostgreSQL's INTEGER, past 64 bits, not numbers at all
BAD_IDS = ["2147483648", str(2**63), "9" * 30, "0", "-1", "abc", "²", "٣", "1.5"]
ID_PAGES = [
    "/staff/leads/{}",
    "/staff/leads/{}/erase",
    "/staff/slots/{}/remove",
    "/staff/bookings/{}/cancel",
]
ID_FORMS = [
    "/staff/leads/{}/reveal",
    "/staff/leads/{}/status",
    "/staff/leads/{}/notes",
    "/staff/leads/{}/assign",
    "/staff/leads/{}/erase",
    "/staff/slots/{}/remove",
    "/staff/bookings/{}/cancel",
    "/staff/users/{}",
]
NO_SUCH_RECORD = "There is no such record"
# (query, the reason the page gives): dates far out at both ends, ids and pages too big
BAD_QUERIES = [
    ("/staff/leads?to=9999-12-31", "to must be a date from 2000-01-01 to 2999-12-31"),
    ("/staff/leads?from=0001-01-01", "from must be a date from 2000-01-01 to 2999-12-31"),
    ("/staff/leads?page=" + str(2**63), "page must be a whole number from 1 to 100000"),
    ("/staff/leads?page=²", "page must be a whole number"),
    ("/staff/leads?page=0", "page must be a whole number"),
    ("/staff/leads/export.csv?to=9999-12-31", "to must be a date from 2000-01-01"),
    ("/staff/leads/export.csv?from=0001-01-01", "from must be a date from 2000-01-01"),
    ("/staff/audit?to=9999-12-31", "to must be a date from 2000-01-01"),
    ("/staff/audit?from=0001-01-01", "from must be a date from 2000-01-01"),
    ("/staff/audit?lead=" + str(2**63), "the lead number must be a whole number"),
    ("/staff/audit?actor=" + str(2**31), "the person must be a whole number"),
    ("/staff/audit?actor=-1", "the person must be a whole number"),
    ("/staff/audit?page=99999999999", "page must be a whole number"),
    ("/staff/overview?from=9999-12-01&to=9999-12-31", "The start must be a date from 2000"),
    ("/staff/overview?from=2026-01-01&to=9999-12-31", "The end must be a date from 2000"),
    ("/staff/overview?from=0001-01-01&to=0001-02-01", "The start must be a date from 2000"),
]
# (form fields for /staff/slots, the reason)
BAD_SLOTS = [
    ({"date": "9999-12-31", "time": "09:00", "weeks": "52"}, "the day must be a date from"),
    ({"date": "0001-01-01", "time": "09:00"}, "the day must be a date from"),
    ({"date": "2999-12-01", "time": "09:00", "weeks": str(2**63)}, "weeks must be a whole"),
    ({"date": "2999-12-01", "time": "09:00", "duration": "²"}, "duration must be a whole"),
]


@pytest.fixture(autouse=True)
def _cheap_hashing(cheap_hasher):
    """Sign-ins hash passwords: cheaply."""


@pytest.fixture
def admin_anywhere(site_on_each_database) -> TestClient:
    client = site_on_each_database.client()
    sign_in(client, ADMIN)
    return client


def _refused_with(response, status: int, reason: str) -> None:
    assert response.status_code == status, (response.status_code, response.text[-500:])
    assert reason in response.text
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("bad", BAD_IDS)
def test_an_id_no_record_can_have_is_a_404_with_the_reason(admin_anywhere, bad):
    token = csrf_of(admin_anywhere.get("/staff/leads").text)
    for page in ID_PAGES:
        _refused_with(admin_anywhere.get(page.format(bad)), 404, NO_SUCH_RECORD)
    for form in ID_FORMS:
        response = admin_anywhere.post(form.format(bad), data={"csrf_token": token})
        _refused_with(response, 404, NO_SUCH_RECORD)


@pytest.mark.parametrize(("path", "reason"), BAD_QUERIES)
def test_bad_dates_ids_and_pages_in_filters_are_a_400_with_the_reason(admin_anywhere, path, reason):
    _refused_with(admin_anywhere.get(path), 400, reason)


@pytest.mark.parametrize(("fields", "reason"), BAD_SLOTS)
def test_bad_slot_fields_are_a_400_with_the_reason(admin_anywhere, fields, reason):
    token = csrf_of(admin_anywhere.get("/staff/slots").text)
    response = admin_anywhere.post("/staff/slots", data={"csrf_token": token, **fields})
    _refused_with(response, 400, reason)


@pytest.mark.parametrize("assignee", [str(2**63), str(2**31), "²", "-3", "someone"])
def test_a_bad_assignee_is_a_400_with_the_reason(site_on_each_database, admin_anywhere, assignee):
    with site_on_each_database.factory.begin() as session:
        lead = Lead(conversation_id="c-1", name="Ana Test", email="ana@example.com")
        session.add(lead)
        session.flush()
        lead_id = lead.id
    token = csrf_of(admin_anywhere.get(f"/staff/leads/{lead_id}").text)
    response = admin_anywhere.post(
        f"/staff/leads/{lead_id}/assign", data={"csrf_token": token, "assignee": assignee}
    )
    _refused_with(response, 400, "Choose a staff member from the list.")


CRAFTED = "Your session expired, call 555-0100"


@pytest.mark.parametrize("page", ["/staff/users", "/staff/slots"])
def test_a_link_cannot_put_words_on_a_page(admin_anywhere, page):
    response = admin_anywhere.get(f"{page}?done={CRAFTED}")
    assert response.status_code == 200
    assert "555-0100" not in response.text and 'class="notice"' not in response.text
    inbox = admin_anywhere.get(f"/staff/leads?erased={CRAFTED}")
    assert "555-0100" not in inbox.text and "was erased" not in inbox.text


def test_a_form_posts_notice_is_shown_once(admin_anywhere):
    token = csrf_of(admin_anywhere.get("/staff/users").text)
    created = admin_anywhere.post(
        "/staff/users",
        data={"csrf_token": token, "email": "new@clinic.example", "password": "river stone 42"},
    )
    assert created.status_code == 303 and created.headers["location"] == "/staff/users"
    first = admin_anywhere.get("/staff/users").text
    assert '<p class="notice" role="status">Account created for new@clinic.example</p>' in first
    assert "Account created" not in admin_anywhere.get("/staff/users").text


def test_nul_characters_never_reach_the_database(site_on_each_database, admin_anywhere):
    """PostgreSQL's driver refuses a NUL in any text; nobody types one on purpose, so
    it is dropped from every form field, the inbox search and the sign-in email."""
    with site_on_each_database.factory.begin() as session:
        lead = Lead(conversation_id="c-1", name="Ana Test", email="ana@example.com")
        session.add(lead)
        session.flush()
        lead_id = lead.id
    assert admin_anywhere.get("/staff/leads?q=Ana%00Test").status_code == 200
    token = csrf_of(admin_anywhere.get(f"/staff/leads/{lead_id}").text)
    noted = admin_anywhere.post(
        f"/staff/leads/{lead_id}/notes", data={"csrf_token": token, "body": "Called\x00 back"}
    )
    assert noted.status_code == 303
    assert "Called back" in admin_anywhere.get(f"/staff/leads/{lead_id}").text
    visitor = site_on_each_database.client()
    form = visitor.get("/staff/login")
    refused = visitor.post(
        "/staff/login",
        data={"csrf_token": csrf_of(form.text), "email": "no\x00body", "password": "x\x00" * 7},
    )
    assert refused.status_code == 400
