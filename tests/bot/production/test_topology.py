"""Production mode's configuration, written from the settings and checked by nginx itself."""

from __future__ import annotations

import re
import subprocess

import pytest

from bot.production.topology import (
    Layout,
    Program,
    find_nginx,
    nginx_config,
    problems,
    production_environment,
    programs,
    supervisord_config,
    write_configuration,
)
from bot.settings import load_settings
from bot.web.security import HSTS
from tests.bot.production.support import PRODUCTION


def settings_for(tmp_path, **env: str):
    (tmp_path / "models").mkdir(exist_ok=True)
    (tmp_path / "models" / "assistant.tar.gz").write_bytes(b"model")
    return load_settings({**PRODUCTION, **env}, root=tmp_path)


def test_production_needs_postgres_redis_nginx_and_a_model(tmp_path):
    settings = load_settings({}, root=tmp_path)
    found = "\n".join(problems(settings, nginx=None))
    for expected in ("DATABASE_URL", "TRACKER_STORE_DB", "LOCK_STORE_URL", "nginx", "model"):
        assert expected in found
    assert problems(settings_for(tmp_path), nginx="/usr/sbin/nginx") == []


def test_tls_needs_both_files(tmp_path):
    settings = settings_for(tmp_path, TLS_CERTIFICATE=str(tmp_path / "missing.pem"))
    found = problems(settings, nginx="/usr/sbin/nginx")
    assert any("TLS_CERTIFICATE_KEY" in p for p in found)
    assert any("not found" in p for p in found)


def test_one_replica_may_keep_the_in_memory_lock(tmp_path):
    settings = settings_for(tmp_path, LOCK_STORE_URL="", RASA_REPLICAS="1")
    assert problems(settings, nginx="/usr/sbin/nginx") == []


def test_public_addresses_default_to_nginx(tmp_path):
    settings = settings_for(tmp_path, NGINX_PORT="9090")
    env = production_environment(settings, {})
    assert env["PUBLIC_RASA_URL"] == env["CORS_ORIGINS"] == "http://127.0.0.1:9090"
    assert env["FORWARDED_ALLOW_IPS"] == "127.0.0.1"
    kept = production_environment(settings, {"CORS_ORIGINS": "https://clinic.example"})
    assert kept["CORS_ORIGINS"] == "https://clinic.example"


def test_replicas_listen_after_rasa_port(tmp_path):
    settings = settings_for(tmp_path, RASA_PORT="5005", RASA_REPLICAS="3")
    names = [p.name for p in programs(settings, "/usr/sbin/nginx", Layout(tmp_path))]
    assert names == ["nginx", "rasa-1", "rasa-2", "rasa-3", "actions", "web", "notices"]
    replicas = [p for p in programs(settings, "nginx", Layout(tmp_path)) if "rasa" in p.name]
    assert [p.environment["RASA_PORT"] for p in replicas] == ["5006", "5007", "5008"]
    # the first replica starts with everything else, the others once it answers
    assert [p.autostart for p in replicas] == [True, False, False]


def test_supervisord_holds_back_the_later_replicas(tmp_path):
    settings = settings_for(tmp_path, RASA_PORT="5005", RASA_REPLICAS="2")
    layout = Layout(tmp_path)
    conf = supervisord_config(settings, layout, programs(settings, "nginx", layout))
    sections = {block.split("]", 1)[0]: block for block in conf.split("[program:")[1:]}
    assert "autostart=true" in sections["rasa-1"] and "autostart=false" in sections["rasa-2"]
    assert all(
        "autostart=true" in sections[name] for name in ("nginx", "actions", "web", "notices")
    )


def test_nginx_exposes_the_chat_and_the_web_app_only(tmp_path):
    settings = settings_for(tmp_path, RASA_PORT="5005", WEB_PORT="8000")
    conf = nginx_config(settings, Layout(tmp_path), run_as_root=False)
    assert "server 127.0.0.1:5006" in conf and "server 127.0.0.1:5007" in conf
    assert "location = /webhooks/rest/webhook" in conf
    assert "proxy_next_upstream error non_idempotent;" in conf
    # the action server is nowhere, Rasa's API and other channels are closed
    assert ":5055" not in conf
    assert "location /webhooks/ {\n            return 404;" in conf
    # nothing of a request body or query string in the access log
    assert "$request_body" not in conf and "$request_uri" not in conf.split("server {")[0]
    assert "ssl" not in conf


def location(conf: str, name: str) -> str:
    """The text of one location block (none of ours nests braces)."""
    return conf.split(f"location {name} {{", 1)[1].split("}", 1)[0]


def test_nginx_names_each_chat_request_for_the_replicas(tmp_path):
    conf = nginx_config(settings_for(tmp_path), Layout(tmp_path), run_as_root=False)
    server = conf.split("server {", 1)[1].split("location", 1)[0]
    assert "proxy_set_header X-Request-ID $request_id;" in server
    # a location that sets any header inherits none of the server's
    assert "proxy_set_header" not in location(conf, "= /webhooks/rest/webhook")
    socket_io = location(conf, "/socket.io/")
    for header in ("Host $http_host", "X-Forwarded-For $remote_addr", "X-Forwarded-Proto"):
        assert f"proxy_set_header {header}" in socket_io


def test_supervisord_keeps_secrets_out_and_escapes_percent(tmp_path):
    program = Program("rasa-1", ["/venv/bin/bot", "serve", "rasa"], {"X": 'a%b"c'})
    assert program.supervisor_environment() == 'X="a%%b\\"c"'
    settings = settings_for(tmp_path, DATABASE_URL="postgresql://u:s3cret@db/leads")
    conf = supervisord_config(settings, Layout(tmp_path), [program])
    assert "[program:rasa-1]" in conf and "autorestart=true" in conf
    assert "s3cret" not in conf


nginx = find_nginx()
needs_nginx = pytest.mark.skipif(nginx is None, reason="nginx not installed (make nginx)")


def nginx_accepts(layout: Layout) -> subprocess.CompletedProcess:
    return subprocess.run(
        [nginx, "-t", "-p", str(layout.base), "-c", str(layout.nginx_conf)],
        capture_output=True,
        text=True,
    )


@needs_nginx
def test_nginx_accepts_the_plain_configuration(tmp_path):
    layout = Layout(tmp_path / "prod")
    write_configuration(settings_for(tmp_path), nginx, layout)
    checked = nginx_accepts(layout)
    assert checked.returncode == 0, checked.stderr


@needs_nginx
def test_nginx_accepts_the_tls_configuration(tmp_path, tls_files):
    cert, key = tls_files
    settings = settings_for(
        tmp_path, TLS_CERTIFICATE=str(cert), TLS_CERTIFICATE_KEY=str(key), NGINX_TLS_PORT="9443"
    )
    layout = Layout(tmp_path / "prod")
    write_configuration(settings, nginx, layout)
    conf = layout.nginx_conf.read_text()
    assert "listen 127.0.0.1:9443 ssl" in conf and "return 301 https://" in conf
    assert settings.public_url == "https://127.0.0.1:9443"
    checked = nginx_accepts(layout)
    assert checked.returncode == 0, checked.stderr


def test_nginx_sends_hsts_on_its_tls_server_only(tmp_path, tls_files):
    cert, key = tls_files
    plain = nginx_config(settings_for(tmp_path), Layout(tmp_path), run_as_root=False)
    assert "Strict-Transport-Security" not in plain
    settings = settings_for(tmp_path, TLS_CERTIFICATE=str(cert), TLS_CERTIFICATE_KEY=str(key))
    conf = nginx_config(settings, Layout(tmp_path), run_as_root=False)
    redirect, tls = conf.split("    server {")[1:]
    assert "Strict-Transport-Security" not in redirect
    assert f'add_header Strict-Transport-Security "{HSTS}" always;' in tls
    # the web app's own copy is hidden (one header), nothing else of its headers is
    assert "proxy_hide_header Strict-Transport-Security;" in tls
    assert len(re.findall(r"^\s*proxy_hide_header ", tls, re.MULTILINE)) == 1
    # add_header in a location would drop the server's HSTS there (nginx inheritance)
    assert len(re.findall(r"^\s*add_header ", tls, re.MULTILINE)) == 1
