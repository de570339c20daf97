"""The new-lead notice, delivered to a real SMTP server (aiosmtpd) on this machine."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.settings import load_settings
from bot.staff.notify import new_lead_notice, notice_enabled, send_new_lead_notice
from tests.mail import free_port, start_server

CLINIC = "Lakeside Spine Clinic"
# what a notice must never carry: a lead's details, its health information, its triage
FORBIDDEN = [
    "Ana",
    "ana@example.com",
    "+13125550142",
    "herniated",
    "sciatica",
    "disc",
    "pain",
    "triage",
    "routine",
    "urgent",
    "emergency",
]


@pytest.fixture
def server():
    controller, inbox = start_server()
    yield controller, inbox
    controller.stop()


def settings_for(port: int, tmp_path, **env):
    return load_settings(
        {
            "NEW_LEAD_NOTIFY_EMAIL": "frontdesk@clinic.example",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_STARTTLS": "false",
            "SMTP_FROM": "assistant@clinic.example",
            "PUBLIC_BASE_URL": "https://office.clinic.example/",
            **env,
        },
        root=tmp_path,
    )


def test_the_notice_is_delivered_with_the_link_and_nothing_personal(server, tmp_path):
    controller, inbox = server
    settings = settings_for(controller.port, tmp_path)
    assert send_new_lead_notice(settings, 12, CLINIC) is True
    (envelope,) = inbox.envelopes
    assert envelope.mail_from == "assistant@clinic.example"
    assert envelope.rcpt_tos == ["frontdesk@clinic.example"]
    (message,) = inbox.messages()
    assert message["To"] == "frontdesk@clinic.example"
    assert message["From"] == "assistant@clinic.example"
    assert message["Subject"] == f"New lead #12 – {CLINIC}"
    body = message.get_content()
    assert "https://office.clinic.example/staff/leads/12" in body.splitlines()
    assert "sign in" in body.lower()
    text = (message["Subject"] + body).lower()
    assert [word for word in FORBIDDEN if word.lower() in text] == []


def test_the_notice_link_uses_the_web_address_by_default(tmp_path):
    settings = load_settings(
        {"NEW_LEAD_NOTIFY_EMAIL": "a@clinic.example", "SMTP_HOST": "mail.example"},
        root=tmp_path,
    )
    body = new_lead_notice(settings, 7, CLINIC).get_content()
    assert "http://127.0.0.1:8000/staff/leads/7\n" in body


def test_server_down_returns_false_without_raising(tmp_path, caplog):
    settings = settings_for(free_port(), tmp_path)
    assert send_new_lead_notice(settings, 3, CLINIC, timeout=2) is False
    assert "ConnectionRefusedError" in caplog.text and "lead 3" in caplog.text


@pytest.mark.parametrize(
    ("env", "enabled"),
    [
        ({"NEW_LEAD_NOTIFY_EMAIL": "a@clinic.example", "SMTP_HOST": "mail.example"}, True),
        ({"NEW_LEAD_NOTIFY_EMAIL": "a@clinic.example"}, False),
        ({"SMTP_HOST": "mail.example"}, False),
        ({"NEW_LEAD_NOTIFY_EMAIL": "", "SMTP_HOST": "mail.example"}, False),
        ({}, False),
    ],
)
def test_notice_enabled_needs_a_recipient_and_a_server(env, enabled, tmp_path):
    assert notice_enabled(load_settings(env, root=tmp_path)) is enabled


def test_nothing_is_attempted_when_disabled(tmp_path, monkeypatch):
    monkeypatch.setattr("smtplib.SMTP", None)  # any use would raise TypeError
    assert send_new_lead_notice(load_settings({}, root=tmp_path), 1, CLINIC) is False


def test_starttls_required_but_not_offered_sends_nothing(server, tmp_path, caplog):
    controller, inbox = server
    settings = settings_for(
        controller.port, tmp_path, SMTP_STARTTLS="true", SMTP_USER="u", SMTP_PASSWORD="secret"
    )
    assert send_new_lead_notice(settings, 5, CLINIC) is False
    assert inbox.envelopes == []
    assert "STARTTLS" in caplog.text and "secret" not in caplog.text


def test_a_header_breaking_name_is_refused_not_raised(server, tmp_path):
    controller, inbox = server
    settings = settings_for(controller.port, tmp_path)
    assert send_new_lead_notice(settings, 5, "Clinic\nBcc: x@evil.example") is False
    assert inbox.envelopes == []


def test_login_when_a_user_and_password_are_set(tmp_path):
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"right")

    controller, inbox = start_server(authenticator=authenticator, auth_require_tls=False)
    try:
        good = settings_for(controller.port, tmp_path, SMTP_USER="desk", SMTP_PASSWORD="right")
        bad = settings_for(controller.port, tmp_path, SMTP_USER="desk", SMTP_PASSWORD="wrong")
        assert send_new_lead_notice(good, 8, CLINIC) is True
        # after PLAIN is refused smtplib tries LOGIN, which aiosmtpd leaves waiting:
        # a short timeout keeps the test quick (the outcome is the same)
        assert send_new_lead_notice(bad, 9, CLINIC, timeout=1) is False
    finally:
        controller.stop()
    assert seen == [(b"desk", b"right"), (b"desk", b"wrong")]
    assert [m["Subject"] for m in inbox.messages()] == [f"New lead #8 – {CLINIC}"]


def self_signed(tmp_path):
    """A certificate for 127.0.0.1, and a client context that trusts only it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)
    return server_context, ssl.create_default_context(cafile=str(cert_file))


def test_starttls_then_login_when_the_server_offers_it(tmp_path):
    server_context, client_context = self_signed(tmp_path)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append(session.ssl is not None)
        return AuthResult(success=True)

    controller, inbox = start_server(
        tls_context=server_context, require_starttls=True, authenticator=authenticator
    )
    try:
        settings = settings_for(
            controller.port, tmp_path, SMTP_STARTTLS="true", SMTP_USER="u", SMTP_PASSWORD="p"
        )
        # the system's authorities don't know this certificate: refused, not downgraded
        assert send_new_lead_notice(settings, 4, CLINIC) is False
        assert send_new_lead_notice(settings, 4, CLINIC, tls_context=client_context) is True
    finally:
        controller.stop()
    assert logins == [True]
    assert [m["Subject"] for m in inbox.messages()] == [f"New lead #4 – {CLINIC}"]
