"""The real action server answers only the assistant's own Rasa (bot/processes/action_auth.py),
and answers bad requests with their status and a reason, never a traceback."""

from __future__ import annotations

import json
import uuid

import requests

from bot.processes.action_auth import authorisation, shared_secret
from tests.live import expected, log_file, say
from tests.visitors import bot, texts


def forged_save(sender: str) -> dict:
    """What a caller that skips the chat would post to save a lead of its own."""
    return {
        "next_action": "action_save_lead",
        "sender_id": sender,
        "tracker": {
            "sender_id": sender,
            "slots": {"consent_given": True, "contact_name": "Forged Person"},
            "latest_message": {"text": "hi", "intent": {}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
        "version": "3.6.21",
    }


def test_a_call_without_the_secret_is_refused_and_saves_nothing(servers):
    url = f"{servers.action_url}/webhook"
    sender = uuid.uuid4().hex
    for headers in [{}, {"Authorization": "Bearer not-the-secret"}]:
        refused = requests.post(url, json=forged_save(sender), headers=headers, timeout=10)
        assert refused.status_code == 401
        assert "error" in refused.json()
    listed = requests.get(f"{servers.action_url}/actions", timeout=10)
    assert listed.status_code == 401
    leads = json.loads(bot(servers, "leads", "list", "--json"))
    assert sender not in {lead["conversation_id"] for lead in leads}


def test_the_assistants_own_calls_carry_the_secret(servers, domain, clinic):
    """A whole intake step needs the action server: it answers Rasa."""
    sender = uuid.uuid4().hex
    replies = texts(say(servers, sender, "I have sciatica in my lower back"))
    assert replies[-1] == expected(domain, clinic, "utter_ask_pain_radiates")


def test_bad_requests_get_their_status_and_a_reason_never_a_traceback(servers):
    secret = {"Authorization": authorisation(shared_secret(servers))}
    base = servers.action_url
    assert requests.get(f"{base}/health", timeout=10).status_code == 200
    unknown = requests.get(f"{base}/", headers=secret, timeout=10)
    assert unknown.status_code == 404 and "error" in unknown.json()
    assert requests.get(f"{base}/", timeout=10).status_code == 401
    wrong_method = requests.get(f"{base}/webhook", headers=secret, timeout=10)
    assert wrong_method.status_code == 405
    for body in [b"[]", b"not json", b'"text"']:
        bad = requests.post(f"{base}/webhook", data=body, headers=secret, timeout=10)
        assert bad.status_code == 400, body
    assert "Traceback" not in log_file(servers, "actions").read_text(errors="replace")
