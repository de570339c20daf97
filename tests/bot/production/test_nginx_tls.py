"""nginx with TLS, as production mode writes it, in front of the real web app process:
HSTS exactly once on every HTTPS answer (nginx's own errors included) and none over
plain HTTP; every other security header of the web app passed through unchanged."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.processes.readiness import wait_until_up
from bot.production.topology import Layout, find_nginx, write_configuration
from bot.settings import Settings, load_settings
from bot.web.security import HSTS
from tests import live
from tests.bot.production.support import PRODUCTION, self_signed_certificate

nginx = find_nginx()
APP_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
)


@dataclass(frozen=True)
class Site:
    https: str
    http: str
    web: str
    cert: Path


@pytest.fixture(scope="module")
def site(project_root, tmp_path_factory) -> Iterator[Site]:
    if nginx is None:
        if os.environ.get("REQUIRE_PRODUCTION") == "1":
            pytest.fail("nginx not installed (make nginx)")
        pytest.skip("nginx not installed (make nginx)")
    tmp = tmp_path_factory.mktemp("nginx-tls")
    # the web app as production mode starts it: believing nginx's X-Forwarded-Proto
    for web in live.serve(
        project_root, tmp, {"WEB_PORT": "18208", "FORWARDED_ALLOW_IPS": "127.0.0.1"}, ["web"]
    ):
        yield from _nginx_in_front(project_root, tmp, web)


def _nginx_in_front(project_root: Path, tmp: Path, web: Settings) -> Iterator[Site]:
    cert, key = self_signed_certificate(tmp)
    settings = load_settings(
        {
            **PRODUCTION,
            "WEB_PORT": str(web.web_port),
            "RASA_PORT": "15200",  # no replica listens: the chat answers 502
            "NGINX_PORT": "18088",
            "NGINX_TLS_PORT": "18443",
            "TLS_CERTIFICATE": str(cert),
            "TLS_CERTIFICATE_KEY": str(key),
        },
        root=project_root,
    )
    layout = Layout(tmp / "prod")
    processes = write_configuration(settings, nginx, layout)
    command = next(p.command for p in processes if p.name == "nginx")
    process = live.start(command, {}, tmp / "nginx.log", project_root)
    https = f"https://127.0.0.1:{settings.nginx_tls_port}"
    try:
        down = wait_until_up([f"{https}/healthz"], 30, check=lambda url: _answers(url, cert))
        if down:
            logs = (tmp / "nginx.log").read_text() + (
                layout.log_dir / "nginx-error.log"
            ).read_text()
            pytest.fail(f"nginx did not answer over TLS: {logs}")
        yield Site(https, f"http://127.0.0.1:{settings.nginx_port}", web.web_url, cert)
    finally:
        live.stop(process)


def _answers(url: str, cert: Path) -> bool:
    try:
        return requests.get(url, verify=str(cert), timeout=2).ok
    except requests.RequestException:
        return False


def hsts_headers(response: requests.Response) -> list[str]:
    """Every Strict-Transport-Security header as sent (requests would join repeats)."""
    return response.raw.headers.getlist("Strict-Transport-Security")


@pytest.mark.parametrize("path", ["/", "/staff/login", "/widget.js", "/no-such-page"])
def test_the_web_apps_answers_carry_one_hsts_and_its_own_headers(site, path):
    through_nginx = requests.get(f"{site.https}{path}", verify=str(site.cert), timeout=10)
    direct = requests.get(f"{site.web}{path}", timeout=10)
    assert through_nginx.status_code == direct.status_code
    assert hsts_headers(through_nginx) == [HSTS]
    for name in APP_HEADERS:
        assert through_nginx.headers[name] == direct.headers[name], name


def test_the_web_app_sees_https_through_nginx(site):
    page = requests.get(f"{site.https}/staff/login", verify=str(site.cert), timeout=10)
    assert "secure" in page.headers["set-cookie"].lower()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("POST", "/webhooks/rest/webhook", 502),  # no replica is running here
        ("GET", "/webhooks/twilio/webhook", 404),  # Rasa's other channels stay inside
    ],
)
def test_nginxs_own_answers_carry_hsts_too(site, method, path, status):
    response = requests.request(
        method, f"{site.https}{path}", json={}, verify=str(site.cert), timeout=10
    )
    assert response.status_code == status
    assert hsts_headers(response) == [HSTS]


def test_plain_http_is_redirected_without_hsts(site):
    response = requests.get(f"{site.http}/staff/login", allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["location"].startswith("https://")
    assert hsts_headers(response) == []
