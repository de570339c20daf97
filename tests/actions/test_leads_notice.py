"""The new-lead notice from the action server: once per lead, never per save."""

from __future__ import annotations

import email
import email.policy

import pytest

from actions import common
from actions.leads import ActionSaveLead, ActionUpdateContact
from bot.clinic.leads import list_leads
from bot.db.session import session_scope
from tests.actions.test_leads import CONTACT, run, slots_of, tracker
from tests.mail import free_port, start_server


@pytest.fixture
def inbox(leads_db, monkeypatch):
    """An SMTP server the action server is configured to send notices to."""
    controller, handler = start_server()
    monkeypatch.setenv("NEW_LEAD_NOTIFY_EMAIL", "frontdesk@clinic.example")
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(controller.port))
    monkeypatch.setenv("SMTP_STARTTLS", "false")
    monkeypatch.setenv("SMTP_FROM", "assistant@clinic.example")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://office.clinic.example")
    common.settings.cache_clear()
    yield handler
    controller.stop()
    common.settings.cache_clear()


def test_the_first_save_sends_one_notice_and_later_saves_none(inbox, leads_db):
    # asyncio.run (in run) waits for the loop's executor, so the send has finished
    events, _ = run(ActionSaveLead(), tracker(**CONTACT))
    lead_id = slots_of(events)["lead_id"]
    assert len(inbox.envelopes) == 1
    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == ["frontdesk@clinic.example"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Subject"] == f"New lead #{lead_id} – {common.clinic_profile().name}"
    body = message.get_content()
    assert f"https://office.clinic.example/staff/leads/{lead_id}" in body.splitlines()
    text = (message["Subject"] + body).lower()
    for private in ("ana", "+13125550142", "herniated", "routine", "triage"):
        assert private not in text

    saved = {**CONTACT, **slots_of(events)}
    run(ActionSaveLead(), tracker(**saved))
    events, _ = run(ActionUpdateContact(), tracker("sorry, my email is ana@example.org", **saved))
    assert slots_of(events)["lead_saved"] is True
    assert len(inbox.envelopes) == 1
    with session_scope(leads_db) as session:
        (lead,) = list_leads(session)
    assert lead["id"] == lead_id and lead["email"] == "ana@example.org"


def test_without_smtp_settings_nothing_is_attempted(leads_db, monkeypatch):
    for name in ("NEW_LEAD_NOTIFY_EMAIL", "SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    common.settings.cache_clear()
    attempts = []
    monkeypatch.setattr("smtplib.SMTP", lambda *args, **kwargs: attempts.append(args))
    monkeypatch.setattr(
        "actions.leads.send_in_background", lambda *args: attempts.append(("background",))
    )
    events, _ = run(ActionSaveLead(), tracker(**CONTACT))
    assert slots_of(events)["lead_saved"] is True
    assert attempts == []


def test_a_mail_server_that_is_down_does_not_stop_the_save(leads_db, monkeypatch, caplog):
    monkeypatch.setenv("NEW_LEAD_NOTIFY_EMAIL", "frontdesk@clinic.example")
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(free_port()))
    common.settings.cache_clear()
    events, messages = run(ActionSaveLead(), tracker(**CONTACT))
    assert slots_of(events)["lead_saved"] is True
    assert messages[0]["response"] == "utter_lead_saved"
    assert "new-lead notice for lead" in caplog.text
    assert "Ana" not in caplog.text and "+13125550142" not in caplog.text
