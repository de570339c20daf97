from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import select, update
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from bot.db.models import AuditEvent, StaffSession, utcnow
from bot.db.session import session_factory
from bot.processes.readiness import wait_until_up
from bot.settings import load_settings
from bot.staff.administration import create_user
from bot.staff.sign_in import LOGIN_FAILED_MESSAGE
from bot.web.app import create_app
from tests import live
from tests.bot.web.staff.conftest import ADMIN, STAFF, csrf_of, post_form, sign_in

PAGES = [
    "/staff/queue",
    "/staff/leads",
    "/staff/leads/1",
    "/staff/leads/export.csv",
    "/staff/leads/1/erase",
    "/staff/overview",
    "/staff/slots",
    "/staff/slots/1/remove",
    "/staff/bookings/1/cancel",
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


def _attempt(client: TestClient, email: str, password: str):
    form = client.get("/staff/login")
    return client.post(
        "/staff/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(form.text)},
    )


def _alert(response) -> str:
    return response.text.split('role="alert"')[1].split("</p>")[0]


def test_repeated_failures_pause_that_address_only_and_say_nothing_about_the_account(site):
    attacker = TestClient(
        create_app(site.settings), client=("203.0.113.66", 5000), follow_redirects=False
    )
    answers = set()
    for email in (STAFF[0], "nobody@clinic.example"):
        for _ in range(6):
            response = _attempt(attacker, email, "not-it-at-all")
            assert response.status_code == 400
            answers.add(_alert(response))
        # over the limit: the right password gets the same answer, for both emails
        response = _attempt(attacker, email, STAFF[1])
        assert response.status_code == 400
        answers.add(_alert(response))
    assert answers == {f' id="login-error">{LOGIN_FAILED_MESSAGE}'}
    assert "locked" not in LOGIN_FAILED_MESSAGE
    # the staff member at their own desk is not locked out
    desk = TestClient(
        create_app(site.settings), client=("198.51.100.10", 5000), follow_redirects=False
    )
    assert _attempt(desk, STAFF[0], STAFF[1]).status_code == 303


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


@pytest.mark.parametrize(
    "path",
    ["/staff/users", "/staff/audit", "/staff/slots/1/remove", "/staff/bookings/1/cancel"],
)
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


# --- the real web app (`bot serve web`), parallel attempts, both databases -----------

LIVE_PORTS = {"sqlite": "19031", "postgresql": "19032"}
# every client address is on loopback: the kernel lets a socket bind any 127/8 address
GUESSER, DESK, SPRAYER = "127.0.0.1", "127.0.0.2", "127.0.0.3"


@dataclass(frozen=True)
class LiveSite:
    url: str
    database_url: str

    def client(self, address: str) -> httpx.Client:
        transport = httpx.HTTPTransport(local_address=address)
        return httpx.Client(base_url=self.url, transport=transport, timeout=60)

    def failures_from(self, address: str) -> list[str]:
        """The reasons of the failed sign-ins the server recorded for ``address``."""
        engine = sa.create_engine(self.database_url, future=True, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as connection:
                details = connection.execute(
                    select(AuditEvent.details).where(
                        AuditEvent.action == "login_failed", AuditEvent.ip_address == address
                    )
                ).scalars()
                return [entry["reason"] for entry in details]
        finally:
            engine.dispose()


@pytest.fixture
def live_site(project_root, tmp_path, database_url) -> Iterator[LiveSite]:
    """The web app as `make run` starts it, on its own port, with one staff account;
    it migrates the database itself before it listens."""
    env = live.environment(
        tmp_path, {"WEB_PORT": LIVE_PORTS[make_url(database_url).get_backend_name()]}
    )
    env["DATABASE_URL"] = database_url
    settings = load_settings(env, root=project_root)
    process = live.serve_one("web", env, tmp_path, project_root)
    try:
        down = wait_until_up([f"{settings.web_url}/healthz"], live.STARTUP_SECONDS)
        assert not down, (tmp_path / "web.log").read_text()[-3000:]
        with session_factory(database_url).begin() as session:
            create_user(session, STAFF[0], STAFF[1], "staff")
        yield LiveSite(settings.web_url, database_url)
    finally:
        live.stop(process)


def _in_parallel(client: httpx.Client, attempts: list[tuple[str, str]]) -> list[httpx.Response]:
    """Post every (email, password) at once, from one browser's sign-in form."""
    token = csrf_of(client.get("/staff/login").text)
    start = threading.Barrier(len(attempts))

    def post(attempt: tuple[str, str]) -> httpx.Response:
        data = {"email": attempt[0], "password": attempt[1], "csrf_token": token}
        start.wait()
        return client.post("/staff/login", data=data)

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(post, attempts))


def test_parallel_guesses_are_counted_before_any_password_is_checked(live_site):
    with live_site.client(GUESSER) as guesser, live_site.client(DESK) as desk:
        answers = _in_parallel(guesser, [(STAFF[0], f"guess number {i}") for i in range(15)])
        assert {response.status_code for response in answers} == {400}
        assert {_alert(response) for response in answers} == {
            f' id="login-error">{LOGIN_FAILED_MESSAGE}'
        }
        # five passwords were checked, the other ten refused unchecked (audited once)
        reasons = live_site.failures_from(GUESSER)
        assert reasons.count("bad_password") == 5
        assert reasons.count("too_many_attempts") == 1 and len(reasons) == 6
        # the guesser's address stays refused even with the right password...
        token = csrf_of(guesser.get("/staff/login").text)
        data = {"email": STAFF[0], "password": STAFF[1], "csrf_token": token}
        assert guesser.post("/staff/login", data=data).status_code == 400
        # ...and the staff member at their desk signs in
        token = csrf_of(desk.get("/staff/login").text)
        data = {"email": STAFF[0], "password": STAFF[1], "csrf_token": token}
        signed_in = desk.post("/staff/login", data=data)
        assert signed_in.status_code == 303, signed_in.text
        assert desk.get("/staff/leads").status_code == 200


def test_parallel_failures_from_one_address_stop_at_its_limit(live_site):
    with live_site.client(SPRAYER) as sprayer:
        emails = [(f"guess{i}@clinic.example", "password123456") for i in range(40)]
        answers = _in_parallel(sprayer, emails)
    statuses = sorted(response.status_code for response in answers)
    assert statuses == [400] * 20 + [429] * 20
    reasons = live_site.failures_from(SPRAYER)
    assert reasons.count("unknown_email") == 20  # processed: exactly the limit
    assert reasons.count("too_many_attempts") == 1 and len(reasons) == 21
