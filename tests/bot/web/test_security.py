import httpx
import pytest
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient

from bot.processes.readiness import wait_until_up
from bot.settings import load_settings
from bot.web.app import create_app
from tests import live


def test_every_response_has_the_security_headers(project_root, tmp_path):
    settings = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'l.db'}"}, root=project_root)
    client = TestClient(create_app(settings), follow_redirects=False)
    for path in ("/", "/staff/login", "/static/site.css"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers  # plain http
    assert client.get("/staff/login").headers["cache-control"] == "no-store"


def test_https_adds_hsts_and_secure_cookies(project_root, tmp_path):
    settings = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'l.db'}"}, root=project_root)
    client = TestClient(create_app(settings), base_url="https://clinic.example")
    response = client.get("/staff/login")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert "secure" in response.headers["set-cookie"].lower()


def test_pages_carry_no_inline_script(project_root, tmp_path):
    settings = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'l.db'}"}, root=project_root)
    page = TestClient(create_app(settings)).get("/staff/login").text
    assert "<script" not in page and "style=" not in page


def test_errors_redirects_and_refused_forms_carry_the_headers_too(project_root, tmp_path):
    settings = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'l.db'}"}, root=project_root)
    client = TestClient(create_app(settings), follow_redirects=False)
    responses = {
        "missing page": client.get("/no-such-page"),
        "sign-in redirect": client.get("/staff/leads"),
        "form without CSRF token": client.post("/staff/login", data={"email": "a@b.c"}),
    }
    assert [r.status_code for r in responses.values()] == [404, 303, 403]
    for what, response in responses.items():
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], what
        assert headers["x-content-type-options"] == "nosniff", what
        assert headers["referrer-policy"] == "same-origin", what
        assert headers["x-frame-options"] == "DENY", what


def test_an_unexpected_error_is_a_plain_500_that_carries_the_headers(project_root, tmp_path):
    """A leads database without its tables: the back-office's first query fails with
    an exception no page expects. Starlette's error page would skip this middleware."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never-migrated.db'}",
        "TRACKER_STORE_DB": str(tmp_path / "trackers.db"),
    }
    settings = load_settings(env, root=project_root)
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    client.cookies.set("staff_session", "some-token", path="/staff")
    response = client.get("/staff/leads")
    assert response.status_code == 500
    assert response.text == "Internal Server Error"  # no traceback, no SQL
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"
    # the exception still reaches the server, for its log
    raising = TestClient(create_app(settings))
    raising.cookies.set("staff_session", "some-token", path="/staff")
    with pytest.raises(OperationalError, match="no such table"):
        raising.get("/staff/leads")


def test_the_real_server_answers_an_unexpected_error_the_same_way(project_root, tmp_path):
    """`bot serve web` with a leads database nobody listens for (19098, in this test's
    port range): the page's first query fails; the answer is the same plain 500 with
    the headers, and the traceback goes to the server's log only."""
    env = live.environment(
        tmp_path,
        {"WEB_PORT": "19041", "DATABASE_URL": "postgresql://postgres@127.0.0.1:19098/leads"},
    )
    settings = load_settings(env, root=project_root)
    process = live.serve_one("web", env, tmp_path, project_root)
    try:
        assert not wait_until_up([f"{settings.web_url}/healthz"], live.STARTUP_SECONDS)
        response = httpx.get(
            f"{settings.web_url}/staff/leads", cookies={"staff_session": "x"}, timeout=60
        )
    finally:
        live.stop(process)
    assert response.status_code == 500
    assert response.text == "Internal Server Error"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert "Traceback" in (tmp_path / "web.log").read_text()
