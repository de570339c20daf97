from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.db.models import AuditEvent, StaffSession, utcnow
from tests.bot.web.staff.conftest import ADMIN, STAFF, csrf_of, post_form, sign_in

PAGES = [
    "/staff/leads",
    "/staff/leads/1",
    "/staff/leads/export.csv",
    "/staff/leads/1/erase",
    "/staff/overview",
    "/staff/slots",
    "/staff/users",
    "/staff/audit",
]
FORMS = [
    "/staff/logout",
    "/staff/leads/1/reveal",
    "/staff/leads/1/status",
    "/staff/leads/1/notes",
    "/staff/leads/1/assign",
    "/staff/leads/1/erase",
    "/staff/slots",
    "/staff/slots/1/remove",
    "/staff/bookings/1/cancel",
    "/staff/users",
    "/staff/users/1",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_redirect_to_sign_in_without_a_session(site, path):
    response = site.client().get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/login?next=")
    assert path.replace("/", "%2F") in response.headers["location"]


@pytest.mark.parametrize("path", FORMS)
def test_form_posts_redirect_to_sign_in_without_a_session(site, path):
    response = site.client().post(path, data={"csrf_token": "x", "body": "hello"})
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/login"


def test_a_forged_session_cookie_is_worthless(site):
    client = site.client()
    client.cookies.set("staff_session", "made-up-token", path="/staff")
    assert client.get("/staff/leads").status_code == 303


def test_sign_in_sets_a_protected_cookie_and_lands_in_the_inbox(site):
    client = site.client()
    form = client.get("/staff/login")
    assert "HttpOnly" in form.headers["set-cookie"]
    response = client.post(
        "/staff/login",
        data={
            "email": "DESK@clinic.example ",
            "password": STAFF[1],
            "csrf_token": csrf_of(form.text),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/leads"
    cookie = [c for c in response.headers.get_list("set-cookie") if c.startswith("staff_session=")]
    assert cookie, response.headers
    flags = cookie[0].lower()
    assert "httponly" in flags and "samesite=lax" in flags and "path=/staff" in flags
    assert "secure" not in flags  # plain http here; https marks it Secure
    inbox = client.get("/staff/leads")
    assert inbox.status_code == 200
    assert "desk@clinic.example" in inbox.text


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(site):
    client = site.client()
    form = client.get("/staff/login?next=/staff/overview")
    data = {"email": STAFF[0], "password": STAFF[1], "csrf_token": csrf_of(form.text)}
    data["next"] = "/staff/overview"
    assert client.post("/staff/login", data=data).headers["location"] == "/staff/overview"
    other = site.client()
    form = other.get("/staff/login")
    data = {"email": STAFF[0], "password": STAFF[1], "csrf_token": csrf_of(form.text)}
    data["next"] = "https://evil.example/staff"
    assert other.post("/staff/login", data=data).headers["location"] == "/staff/leads"


def test_sign_in_without_the_forms_token_is_refused(site):
    client = site.client()
    client.get("/staff/login")
    response = client.post(
        "/staff/login", data={"email": STAFF[0], "password": STAFF[1], "csrf_token": "guess"}
    )
    assert response.status_code == 403
    assert "staff_session=" not in response.headers.get("set-cookie", "")


def test_a_wrong_password_gets_the_same_answer_as_an_unknown_account(site):
    client = site.client()
    answers = []
    for email in (STAFF[0], "nobody@clinic.example"):
        form = client.get("/staff/login")
        response = client.post(
            "/staff/login",
            data={"email": email, "password": "wrong-password-x", "csrf_token": csrf_of(form.text)},
        )
        assert response.status_code == 400
        answers.append(response.text.split('role="alert"')[1].split("</p>")[0])
    assert answers[0] == answers[1]
    with site.factory() as session:
        failed = (
            session.execute(select(AuditEvent).where(AuditEvent.action == "login_failed"))
            .scalars()
            .all()
        )
    assert len(failed) == 2
    assert all("wrong-password" not in str(event.details) for event in failed)


def test_repeated_failures_lock_the_account(site):
    client = site.client()
    for _ in range(5):
        form = client.get("/staff/login")
        client.post(
            "/staff/login",
            data={"email": STAFF[0], "password": "not-it-at-all", "csrf_token": csrf_of(form.text)},
        )
    form = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={"email": STAFF[0], "password": STAFF[1], "csrf_token": csrf_of(form.text)},
    )
    assert response.status_code == 400
    assert "locked" in response.text


def test_many_failures_from_one_address_are_throttled(site):
    client = site.client()
    statuses = []
    for attempt in range(22):
        form = client.get("/staff/login")
        statuses.append(
            client.post(
                "/staff/login",
                data={
                    "email": f"nobody{attempt}@clinic.example",
                    "password": "not-it-at-all",
                    "csrf_token": csrf_of(form.text),
                },
            ).status_code
        )
    assert statuses[0] == 400
    assert statuses[-1] == 429


def test_sign_out_ends_the_session_in_the_database(site, staff):
    cookie = staff.cookies.get("staff_session")
    response = post_form(staff, "/staff/leads", "/staff/logout")
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/login?signed_out=1"
    with site.factory() as session:
        assert session.execute(select(StaffSession)).scalars().all() == []
    replay = site.client()
    replay.cookies.set("staff_session", cookie, path="/staff")
    assert replay.get("/staff/leads").status_code == 303
    with site.factory() as session:
        actions = session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars()
        assert list(actions)[-1] == "logout"


def test_an_idle_session_ends(site, staff):
    idle = timedelta(minutes=site.settings.staff_idle_minutes + 1)
    with site.factory.begin() as session:
        session.execute(update(StaffSession).values(last_seen_at=utcnow() - idle))
    response = staff.get("/staff/leads")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/login")


@pytest.mark.parametrize("path", ["/staff/slots", "/staff/users", "/staff/audit"])
def test_staff_accounts_cannot_reach_admin_pages(staff, path):
    response = staff.get(path)
    assert response.status_code == 403
    assert "administrators" in response.text


def test_staff_accounts_cannot_post_admin_forms(site, staff):
    token = csrf_of(staff.get("/staff/leads").text)
    response = staff.post(
        "/staff/users",
        data={"csrf_token": token, "email": "new@clinic.example", "password": "x" * 14},
    )
    assert response.status_code == 403
    with site.factory() as session:
        assert (
            session.execute(
                select(AuditEvent).where(
                    AuditEvent.action == "user_created", AuditEvent.actor_id.isnot(None)
                )
            ).first()
            is None
        )


def test_admins_reach_admin_pages(admin):
    for path in ("/staff/slots", "/staff/users", "/staff/audit"):
        assert admin.get(path).status_code == 200, path


def test_sign_in_is_audited_with_the_address(site):
    sign_in(site.client(), ADMIN)
    with site.factory() as session:
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "login")).scalar_one()
    assert event.actor_email == ADMIN[0]
    assert event.ip_address == "testclient"
