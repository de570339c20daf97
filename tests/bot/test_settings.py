from pathlib import Path

import pytest

from bot.settings import load_settings


def test_defaults_are_the_embedded_set_up(tmp_path):
    settings = load_settings({}, root=tmp_path)
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.action_url == "http://127.0.0.1:5055"
    assert settings.web_url == "http://127.0.0.1:8000"
    assert settings.rasa_auth_token is None
    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'leads.db'}"
    assert settings.tracker_store_db == tmp_path / "var" / "trackers.db"
    assert settings.clinic_profile == tmp_path / "clinic.yml"


def test_cors_defaults_to_the_web_apps_origin_only(tmp_path):
    settings = load_settings({}, root=tmp_path)
    assert settings.cors_origins == ("http://127.0.0.1:8000", "http://localhost:8000")
    settings = load_settings({"WEB_HOST": "0.0.0.0", "WEB_PORT": "9000"}, root=tmp_path)
    assert settings.cors_origins == ("http://0.0.0.0:9000",)


def test_cors_origins_are_configurable(tmp_path):
    env = {"CORS_ORIGINS": "https://clinic.example, https://www.clinic.example"}
    settings = load_settings(env, root=tmp_path)
    assert settings.cors_origins == ("https://clinic.example", "https://www.clinic.example")


def test_environment_overrides(tmp_path):
    env = {
        "RASA_PORT": "15005",
        "RASA_AUTH_TOKEN": "s3cret",
        "DATABASE_URL": "postgresql://localhost/test",
        "CLINIC_PROFILE": "other.yml",
    }
    settings = load_settings(env, root=tmp_path)
    assert settings.rasa_port == 15005
    assert settings.rasa_auth_token == "s3cret"
    assert settings.database_url == "postgresql://localhost/test"
    assert settings.clinic_profile == tmp_path / "other.yml"


def test_empty_token_means_no_token(tmp_path):
    assert load_settings({"RASA_AUTH_TOKEN": ""}, root=tmp_path).rasa_auth_token is None


@pytest.mark.parametrize("value", ["abc", "0", "70000"])
def test_bad_port_names_the_variable(tmp_path, value):
    with pytest.raises(ValueError, match="WEB_PORT"):
        load_settings({"WEB_PORT": value}, root=tmp_path)


def test_root_defaults_to_the_current_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert load_settings({}).root == Path(tmp_path).resolve()


def test_staff_and_notice_settings(tmp_path):
    settings = load_settings(
        {
            "STAFF_IDLE_MINUTES": "15",
            "PUBLIC_BASE_URL": "https://clinic.example/",
            "NEW_LEAD_NOTIFY_EMAIL": "desk@clinic.example",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": "2525",
            "SMTP_STARTTLS": "no",
        },
        root=tmp_path,
    )
    assert settings.staff_idle_minutes == 15
    assert settings.staff_url == "https://clinic.example/staff"
    assert (settings.notify_email, settings.smtp_host, settings.smtp_port) == (
        "desk@clinic.example",
        "127.0.0.1",
        2525,
    )
    assert settings.smtp_starttls is False


def test_staff_url_defaults_to_the_web_app(tmp_path):
    assert load_settings({}, root=tmp_path).staff_url == "http://127.0.0.1:8000/staff"


@pytest.mark.parametrize(
    ("name", "value"), [("SMTP_STARTTLS", "maybe"), ("STAFF_IDLE_MINUTES", "0")]
)
def test_bad_staff_settings_name_the_variable(tmp_path, name, value):
    with pytest.raises(ValueError, match=name):
        load_settings({name: value}, root=tmp_path)


def test_tracker_store_may_be_a_database_url(tmp_path):
    url = "postgresql://postgres@127.0.0.1:5432/trackers"
    assert load_settings({"TRACKER_STORE_DB": url}, root=tmp_path).tracker_store_db == url


def test_lock_store_is_in_memory_unless_a_redis_url_is_given(tmp_path):
    assert load_settings({}, root=tmp_path).lock_store_url is None
    url = "redis://127.0.0.1:6379/1"
    assert load_settings({"LOCK_STORE_URL": url}, root=tmp_path).lock_store_url == url
    with pytest.raises(ValueError, match="LOCK_STORE_URL"):
        load_settings({"LOCK_STORE_URL": "memcached://x"}, root=tmp_path)


def test_every_default_address_is_loopback(tmp_path):
    """`make run` listens on loopback only; its databases are SQLite files (no socket)
    and its lock store is in memory, so nothing else listens at all."""
    settings = load_settings({}, root=tmp_path)
    hosts = {settings.rasa_host, settings.action_host, settings.web_host, settings.nginx_host}
    assert hosts == {"127.0.0.1"}
    assert settings.database_url.startswith("sqlite:///")
    assert isinstance(settings.tracker_store_db, Path)
    assert settings.lock_store_url is None
    # and the web app believes no proxy's X-Forwarded-* headers
    assert settings.forwarded_allow_ips is None


def test_booking_notice_settings(tmp_path):
    settings = load_settings({}, root=tmp_path)
    assert settings.sms_provider == "off" and settings.sms_http_url is None
    assert settings.booking_link_secret is None and settings.notice_poll_seconds == 30
    assert settings.visitor_url == "http://127.0.0.1:8000"
    configured = load_settings(
        {
            "SMS_PROVIDER": "HTTP",
            "SMS_HTTP_URL": "https://sms.example/send",
            "SMS_HTTP_TOKEN": "t",
            "NOTICE_POLL_SECONDS": "5",
            "PUBLIC_BASE_URL": "https://clinic.example/",
        },
        root=tmp_path,
    )
    assert configured.sms_provider == "http" and configured.notice_poll_seconds == 5
    assert configured.visitor_url == "https://clinic.example"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SMS_PROVIDER": "carrier-pigeon"}, "SMS_PROVIDER"),
        ({"SMS_PROVIDER": "http"}, "SMS_HTTP_URL"),
        ({"SMS_PROVIDER": "http", "SMS_HTTP_URL": "ftp://x"}, "SMS_HTTP_URL"),
        ({"NOTICE_POLL_SECONDS": "0"}, "NOTICE_POLL_SECONDS"),
    ],
)
def test_bad_notice_settings_name_the_variable(tmp_path, env, named):
    with pytest.raises(ValueError, match=named):
        load_settings(env, root=tmp_path)
