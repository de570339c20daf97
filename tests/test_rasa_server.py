"""The real Rasa server and action server, started as `make run` starts them, on test ports.

These are the conversations the foundation promises, sent over the REST channel exactly
as the widget sends them.
"""

from __future__ import annotations

import json
import sqlite3
import uuid

import pytest
import requests

from bot.settings import Settings
from tests.live import expected, log_file, say
from tests.visitors import texts


@pytest.mark.parametrize(
    ("question", "response"),
    [
        ("when does duloxetine start helping my back?", "utter_faq/how_long"),
        ("is it ok to quit my amitriptyline cold turkey", "utter_faq/stopping"),
        ("what problems can these pills cause", "utter_faq/side_effects"),
    ],
)
def test_answers_visitors_questions(servers, domain, clinic, question, response):
    replies = say(servers, uuid.uuid4().hex, question)
    assert [r["text"] for r in replies] == [
        expected(domain, clinic, response),
        expected(domain, clinic, "utter_offer_intake"),
    ]
    assert [b["payload"] for b in replies[1]["buttons"]] == ["/start_intake", "/deny"]


def test_greeting_carries_the_disclaimer_and_the_clinic(servers, clinic):
    (reply,) = say(servers, uuid.uuid4().hex, "hello")
    assert "not a doctor" in reply["text"]
    assert "911" in reply["text"]
    assert clinic.name in reply["text"]


def test_rephrase_once_then_the_phone(servers, domain, clinic):
    sender = uuid.uuid4().hex
    first = say(servers, sender, "hmm")
    second = say(servers, sender, "asdfgh")
    assert [r["text"] for r in first] == [expected(domain, clinic, "utter_ask_rephrase")]
    assert [r["text"] for r in second] == [expected(domain, clinic, "utter_fallback_handoff")]
    assert clinic.phone in second[0]["text"]


def test_person_and_bot_questions(servers, clinic):
    sender = uuid.uuid4().hex
    # the phone and the hours first, then the offer to take the visitor's details
    person = say(servers, sender, "can i speak to someone at the front desk")[0]
    assert clinic.phone in person["text"] and clinic.hours in person["text"]
    (bot,) = say(servers, sender, "are you a real human?")
    assert "automated assistant" in bot["text"]


def test_conversations_are_kept_in_the_sql_tracker_store(servers):
    sender = uuid.uuid4().hex
    say(servers, sender, "thanks")
    with sqlite3.connect(servers.tracker_store_db) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM events WHERE sender_id = ?", (sender,)
        ).fetchone()
    assert count > 0


# Rasa's HTTP API: what a caller without the token could read or change (conversations
# with health details and contact data, the model) and how it is asked for
API_CALLS = [
    ("GET", "/status", None),
    ("GET", "/conversations/{sender}/tracker", None),
    ("POST", "/conversations/{sender}/messages", {"text": "hello", "sender": "user"}),
    ("POST", "/model/parse", {"text": "my back hurts"}),
]


def call_api(settings: Settings, method: str, path: str, body: dict | None, **params: str):
    url = settings.rasa_url + path.format(sender=uuid.uuid4().hex)
    return requests.request(method, url, json=body, params=params, timeout=30)


@pytest.mark.parametrize(("method", "path", "body"), API_CALLS)
def test_http_api_is_off_without_a_token(servers, method, path, body):
    """`make run` sets no token: the API is not there at all, whatever token is sent."""
    assert call_api(servers, method, path, body).status_code == 404
    assert call_api(servers, method, path, body, token="guess").status_code == 404


def test_cors_allows_the_web_apps_origin_only(servers):
    allowed = servers.cors_origins[0]
    url = f"{servers.rasa_url}/webhooks/rest/webhook"
    body = {"sender": uuid.uuid4().hex, "message": "hi"}
    ok = requests.post(url, json=body, headers={"Origin": allowed}, timeout=60)
    assert ok.headers.get("Access-Control-Allow-Origin") == allowed
    other = requests.post(url, json=body, headers={"Origin": "https://evil.example"}, timeout=60)
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.parametrize(("method", "path", "body"), API_CALLS)
def test_http_api_needs_the_token_when_one_is_set(secured_rasa, method, path, body):
    token = secured_rasa.rasa_auth_token
    assert call_api(secured_rasa, method, path, body).status_code == 401
    assert call_api(secured_rasa, method, path, body, token="wrong").status_code == 401
    assert call_api(secured_rasa, method, path, body, token=token[:-1]).status_code == 401
    assert call_api(secured_rasa, method, path, body, token=token).status_code == 200


def test_the_token_opens_the_api(secured_rasa):
    token = {"token": secured_rasa.rasa_auth_token}
    status = call_api(secured_rasa, "GET", "/status", None, **token).json()
    assert status["model_file"].endswith("assistant.tar.gz")
    parsed = call_api(secured_rasa, "POST", "/model/parse", {"text": "hello"}, **token).json()
    assert parsed["text"] == "hello" and parsed["intent"]["name"]
    # and the token itself is nowhere in the server's log
    assert secured_rasa.rasa_auth_token not in log_file(secured_rasa, "rasa").read_text()


def test_web_app_process_serves_the_demo_page(servers, clinic):
    page = requests.get(f"{servers.web_url}/", timeout=10)
    assert page.status_code == 200
    assert clinic.name in page.text


def slot_values(settings: Settings, sender: str, slot: str) -> list:
    """Values a slot was set to in a conversation, read from the SQL tracker store."""
    with sqlite3.connect(settings.tracker_store_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot' ORDER BY id",
            (sender,),
        ).fetchall()
    events = [json.loads(data) for (data,) in rows]
    return [e["value"] for e in events if e["name"] == slot]


@pytest.mark.parametrize(
    ("message", "response", "flag"),
    [
        ("lost feeling down there and can't hold my urine", "utter_emergency", "emergency_raised"),
        (
            "i keep thinking everyone would be better off without me",
            "utter_crisis",
            "emergency_raised",
        ),
        ("my back pain comes with a fever and chills", "utter_urgent", "urgent_raised"),
    ],
)
def test_alarms_are_answered_at_once_and_kept_on_the_conversation(
    servers, domain, clinic, message, response, flag
):
    sender = uuid.uuid4().hex
    say(servers, sender, "how long does duloxetine take to work")
    say(servers, sender, "no thanks")
    replies = say(servers, sender, message)
    assert texts(replies) == [expected(domain, clinic, response)]
    assert slot_values(servers, sender, flag) == [True]


def test_negated_symptoms_raise_no_alarm(servers, domain, clinic):
    sender = uuid.uuid4().hex
    replies = say(
        servers, sender, "no tingling at all and peeing is normal, the back is just stiff"
    )
    alarms = {
        expected(domain, clinic, r) for r in ["utter_emergency", "utter_urgent", "utter_crisis"]
    }
    assert replies and not alarms & set(texts(replies))
    assert replies[0]["text"] == expected(domain, clinic, "utter_intake_start")
    assert slot_values(servers, sender, "emergency_raised") == []
    assert slot_values(servers, sender, "urgent_raised") == []


def test_a_request_id_from_an_untrusted_caller_does_not_hide_a_message(servers):
    """Only nginx's id names a message (bot/rasa_patches/fixes/retried_messages.py): a caller
    repeating its own X-Request-ID is heard each time."""
    sender = uuid.uuid4().hex
    request_id = uuid.uuid4().hex
    say(servers, sender, "thanks", **{"X-Request-ID": request_id})
    say(servers, sender, "thanks", **{"X-Request-ID": request_id})
    with sqlite3.connect(servers.tracker_store_db) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)
        ).fetchone()
    assert count == 2
