"""The web app as `bot serve web` runs it under uvicorn: the proxy it believes (so HSTS
comes over HTTPS from nginx, never because a client claims it) and its access log."""

from __future__ import annotations

import logging
import logging.config

import pytest
import uvicorn
from starlette.testclient import TestClient
from uvicorn.logging import AccessFormatter

from bot.settings import load_settings
from bot.web.server import APP, DropQueryStrings, log_config, server_options

NGINX = ("127.0.0.1", 40000)
STRANGER = ("203.0.113.9", 40000)


@pytest.fixture
def served(project_root, tmp_path, monkeypatch):
    """The app wrapped exactly as uvicorn wraps it for `bot serve web` (its factory reads
    the environment, as in the real process); ``served(env)`` -> ASGI app."""

    def build(env: dict[str, str]):
        monkeypatch.setenv("PROJECT_ROOT", str(project_root))
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'leads.db'}")
        monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        options = server_options(load_settings())
        # the test process keeps its own logging: uvicorn would reconfigure it
        config = uvicorn.Config(APP, **{**options, "log_config": None})
        config.load()
        return config.loaded_app

    return build


def hsts(app, client: tuple[str, int], **headers: str) -> str | None:
    response = TestClient(app, client=client).get("/staff/login", headers=headers)
    assert response.status_code == 200
    return response.headers.get("strict-transport-security")


def test_https_from_the_trusted_proxy_gets_hsts_and_secure_cookies(served):
    app = served({"FORWARDED_ALLOW_IPS": "127.0.0.1"})
    response = TestClient(app, client=NGINX).get(
        "/staff/login", headers={"X-Forwarded-Proto": "https"}
    )
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert "secure" in response.headers["set-cookie"].lower()
    # plain HTTP through the same proxy: no HSTS (a browser ignores it there anyway)
    assert hsts(app, NGINX, **{"X-Forwarded-Proto": "http"}) is None
    assert hsts(app, NGINX) is None


def test_a_client_claiming_https_is_not_believed(served):
    trusting_nginx = served({"FORWARDED_ALLOW_IPS": "127.0.0.1"})
    assert hsts(trusting_nginx, STRANGER, **{"X-Forwarded-Proto": "https"}) is None
    # `make run`: no proxy at all, so not even loopback is believed (uvicorn's own
    # default would believe 127.0.0.1)
    embedded = served({})
    assert hsts(embedded, NGINX, **{"X-Forwarded-Proto": "https"}) is None


def access_record(path: str) -> logging.LogRecord:
    """A record as uvicorn's access logger makes it."""
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:40000", "GET", path, "1.1", 200),
        None,
    )


def test_the_access_log_keeps_the_path_without_the_query():
    record = access_record("/staff/leads?q=zz1234%40example.org&status=new")
    assert DropQueryStrings().filter(record) is True
    line = AccessFormatter(fmt='%(client_addr)s - "%(request_line)s" %(status_code)s').format(
        record
    )
    assert "GET /staff/leads HTTP/1.1" in line and "200" in line
    assert "zz1234" not in line and "status=new" not in line


def test_the_filter_is_on_uvicorns_access_handler():
    config = log_config()
    assert config["handlers"]["access"]["filters"] == ["drop_query_strings"]
    factory = config["filters"]["drop_query_strings"]["()"]
    assert logging.config.BaseConfigurator({}).resolve(factory) is DropQueryStrings
    # the rest is uvicorn's own configuration: the access log stays on at INFO
    assert config["loggers"]["uvicorn.access"]["level"] == "INFO"
