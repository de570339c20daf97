"""Bad input on the REST channel, against the real Rasa server, action server and web app
(`make run`'s processes): every request gets a reply or a 4xx with a reason, never a 5xx,
and nothing reaches the logs as an unhandled exception. docs/reliability.md lists them.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given, settings, strategies

from bot.settings import MAX_REQUEST_BYTES
from tests.live import expected, say

WEBHOOK = "/webhooks/rest/webhook"


def post(servers, body: bytes | str, content_type: str = "application/json"):
    return requests.post(
        f"{servers.rasa_url}{WEBHOOK}",
        data=body.encode() if isinstance(body, str) else body,
        headers={"Content-Type": content_type},
        timeout=60,
    )


def stored_user_texts(servers, sender: str) -> list[str]:
    with sqlite3.connect(servers.tracker_store_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (sender,),
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def logs(servers) -> list[Path]:
    return sorted(Path(servers.tracker_store_db).parent.glob("*.log"))


@pytest.fixture(scope="module")
def log_start(servers) -> dict[Path, int]:
    """Where each process's log stood before this module's requests."""
    return {log: log.stat().st_size for log in logs(servers)}


def log_problems(servers, start: dict[Path, int]) -> list[str]:
    """Lines logged since ``start`` that report an unhandled exception or an error."""
    problems = []
    for log in logs(servers):
        with log.open("rb") as handle:
            handle.seek(start.get(log, 0))
            text = handle.read().decode(errors="replace")
        for line in text.splitlines():
            if "Traceback" in line or " ERROR " in line or "Exception occurred" in line:
                problems.append(f"{log.name}: {line}")
    return problems


def new_sender() -> str:
    return f"bad-input-{uuid.uuid4().hex}"


def test_the_logs_are_watched_from_here(log_start):
    """First in this module: what the processes logged before is not this module's."""
    assert log_start


@pytest.mark.parametrize("text", ["", " ", "\n\t  \n", "\x00\x01"])
def test_an_empty_message_gets_a_prompt_and_is_not_kept(servers, domain, clinic, text):
    sender = new_sender()
    (reply,) = say(servers, sender, text)
    assert reply["text"] == expected(domain, clinic, "utter_empty_message")
    assert stored_user_texts(servers, sender) == []


def test_a_message_over_the_limit_is_declined_kindly_and_the_server_carries_on(
    servers, domain, clinic
):
    sender = new_sender()
    too_long = "my back hurts " * (servers.max_message_chars // 14 + 1)
    assert len(too_long.strip()) > servers.max_message_chars
    (reply,) = say(servers, sender, too_long)
    assert f"{servers.max_message_chars:,} characters" in reply["text"]
    assert "911" in reply["text"] and "988" in reply["text"]
    assert stored_user_texts(servers, sender) == []
    (greeting, *_) = say(servers, sender, "hello")  # the same conversation goes on
    assert clinic.name in greeting["text"]


def test_a_body_over_the_request_limit_is_refused_with_413(servers, clinic):
    sender = new_sender()
    body = json.dumps({"sender": sender, "message": "x" * (MAX_REQUEST_BYTES + 1)})
    assert post(servers, body).status_code == 413
    (greeting, *_) = say(servers, sender, "hello")
    assert clinic.name in greeting["text"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", "must be JSON"),
        ("", "must be JSON"),
        ("[]", "JSON object"),
        ('{"message": "hi"}', "sender"),
        ('{"sender": "", "message": "hi"}', "sender"),
        ('{"sender": {"id": 1}, "message": "hi"}', "sender"),
        ('{"sender": "v1"}', "message"),
        ('{"sender": "v1", "message": 42}', "message"),
        ('{"sender": "v1", "message": null}', "message"),
        ('{"sender": "v1", "message": "hi", "metadata": "x"}', "metadata"),
        ('{"sender": "v1\\n", "message": "hi"}', "sender"),  # not "v1" again
        ('{"sender": "\\ud800", "message": "hi"}', "sender"),
        ('{"sender": "v1", "message": "hi", "metadata": {"page": "\\ud800"}}', "Unicode"),
        (
            '{"sender": "v1", "message": "hi", "metadata": ' + '{"a": ' * 30 + "1" + "}" * 31,
            "nested",
        ),
        ('{"sender": "v1", "message": "hi", "metadata": ' + "[" * 20_000, "nested too deeply"),
        ("[" * 30_000 + "]" * 30_000, "nested too deeply"),  # past Python's recursion limit
    ],
)
def test_malformed_json_and_wrong_types_are_4xx_with_a_reason(servers, body, reason):
    response = post(servers, body)
    assert response.status_code == 400, response.text
    assert reason in response.json()["error"]


def test_a_browser_on_another_site_is_refused_with_403(servers):
    body = json.dumps({"sender": new_sender(), "message": "hello"})
    response = requests.post(
        f"{servers.rasa_url}{WEBHOOK}",
        data=body,
        headers={"Content-Type": "text/plain", "Origin": "http://evil.example"},
        timeout=60,
    )
    assert response.status_code == 403 and "origin" in response.json()["error"]
    allowed = requests.post(
        f"{servers.rasa_url}{WEBHOOK}",
        data=body,
        headers={"Content-Type": "application/json", "Origin": servers.web_url},
        timeout=60,
    )
    assert allowed.status_code == 200, allowed.text


def test_wrong_method_and_content_type_are_4xx(servers):
    assert requests.get(f"{servers.rasa_url}{WEBHOOK}", timeout=10).status_code == 405
    body = json.dumps({"sender": new_sender(), "message": "hello"})
    assert post(servers, body, content_type="text/plain").status_code == 200  # JSON is JSON


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("my back\x00 hurts\x1b[31m", "my back  hurts [31m"),
        ("pain \u202eevil\u202c here", "pain  evil  here"),
        ("😖😖 my back 🔥", "😖😖 my back 🔥"),
        ("👩\u200d⚕️ said i have sciatica", "👩\u200d⚕️ said i have sciatica"),
        ("ظهري يؤلمني", "ظهري يؤلمني"),
        ("כואב לי הגב", "כואב לי הגב"),
    ],
)
def test_control_characters_emoji_and_right_to_left_text(servers, text, kept):
    sender = new_sender()
    replies = say(servers, sender, text)
    assert replies and all(r.get("text") for r in replies)
    assert stored_user_texts(servers, sender) == [kept]


def test_a_lone_surrogate_is_cleaned_and_the_message_answered(servers):
    """JSON's "\\ud800" decodes to text no encoder can write (it was a 503)."""
    sender = new_sender()
    response = post(
        servers, json.dumps({"sender": sender, "message": "back pain \ud800 since june \udfff"})
    )
    assert response.status_code == 200, response.text
    replies = response.json()
    assert replies and all(r.get("text") for r in replies)
    assert stored_user_texts(servers, sender) == ["back pain   since june"]


@pytest.mark.parametrize(
    "text",
    [
        "me duele mucho la espalda y necesito una cita",
        "Bonjour, j'ai mal au dos depuis trois semaines",
        "我的背很痛，需要看医生",
    ],
)
def test_another_language_gets_english_only_and_the_phone(servers, domain, clinic, text):
    replies = say(servers, new_sender(), text)
    assert [r["text"] for r in replies] == [expected(domain, clinic, "utter_english_only")]
    # no emergency alarm for back pain told in another language: the greeting has said
    # that this chat is not for emergencies
    assert clinic.phone in replies[0]["text"] and "911" not in replies[0]["text"]


def test_another_language_mid_intake_asks_the_question_again(servers, domain, clinic):
    sender = new_sender()
    first = say(servers, sender, "i have sciatica")
    question = first[-1]["text"]
    replies = say(servers, sender, "no entiendo, hablo español solamente")
    texts = [r["text"] for r in replies]
    assert texts[0] == expected(domain, clinic, "utter_english_only")
    assert texts[-1] == question


def test_an_emergency_in_english_inside_another_language_still_raises_the_alarm(
    servers, domain, clinic
):
    replies = say(servers, new_sender(), "ayuda por favor, I have crushing chest pain")
    assert replies[0]["text"] == expected(domain, clinic, "utter_emergency")


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script> my back hurts",
        '<img src=x onerror="alert(1)">',
        "my name is <b>Ana</b> &amp; I have sciatica",
    ],
)
def test_markup_is_kept_as_text(servers, text):
    sender = new_sender()
    replies = say(servers, sender, text)
    assert replies and all(r.get("text") for r in replies)
    assert stored_user_texts(servers, sender) == [text]


def test_a_conversation_of_500_turns_keeps_answering(servers, clinic):
    """Long conversations: every turn answered, every message kept once, in order."""
    sender = new_sender()
    messages = [
        "hello",
        "how long until duloxetine works",
        "what are the side effects",
        "thanks",
        "is it addictive",
    ]
    sent = []
    for turn in range(500):
        text = f"{messages[turn % len(messages)]}"
        replies = say(servers, sender, text)
        assert replies and all(r.get("text") for r in replies), (turn, text, replies)
        sent.append(text)
    assert stored_user_texts(servers, sender) == sent


# Generated messages: any Unicode text (controls, surrogates excluded by JSON), any
# length up to past the limit. Derandomised, so a failure is the same on every run.
messages = strategies.text(
    alphabet=strategies.characters(blacklist_categories=["Cs"]), max_size=2500
)


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=messages)
def test_generated_messages_always_get_a_reply(servers, text):
    response = requests.post(
        f"{servers.rasa_url}{WEBHOOK}",
        json={"sender": new_sender(), "message": text},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    replies = response.json()
    # something to read, and nothing empty (the consent question's marker for the widget
    # comes as ``custom`` beside its text)
    assert any(r.get("text") for r in replies), replies
    assert all(r.get("text") or r.get("buttons") or r.get("custom") for r in replies), replies


def test_no_unhandled_exception_in_any_log(servers, log_start):
    """Last in this module: everything above left no traceback or error in the logs."""
    assert log_problems(servers, log_start) == []
