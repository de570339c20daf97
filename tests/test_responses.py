"""What the assistant says: short, honest, and never medical advice."""

from __future__ import annotations

import re

import pytest

MAX_WORDS = 80
FAQ_SENDS_TO_PRESCRIBER = ["utter_faq/dose", "utter_faq/stopping", "utter_faq/mixing"]
# Phrases that would tell a visitor to start, stop or change a medicine, or promise results.
ADVICE = [
    r"\byou should (take|start|stop|increase|decrease|double)\b",
    r"\b(take|try) \d+ ?mg\b",
    r"\bit will (work|help|cure)\b",
    r"\byou have (sciatica|a herniated|stenosis)\b",
    r"\bsafe to (combine|mix|take)\b",
]


def texts(domain, name):
    return [variation["text"] for variation in domain.responses[name]]


def all_texts(domain):
    return [(name, text) for name in domain.responses for text in texts(domain, name)]


def test_answers_are_short(domain):
    long = {name: len(t.split()) for name, t in all_texts(domain) if len(t.split()) > MAX_WORDS}
    assert not long, f"responses over {MAX_WORDS} words: {long}"


def test_greeting_says_bot_not_doctor_not_for_emergencies(domain):
    (greeting,) = texts(domain, "utter_greet")
    assert "automated assistant" in greeting
    assert "not a doctor" in greeting
    assert "911" in greeting


@pytest.mark.parametrize("name", FAQ_SENDS_TO_PRESCRIBER)
def test_dose_stopping_mixing_send_to_the_prescriber_or_pharmacist(domain, name):
    for text in texts(domain, name):
        assert "prescriber or pharmacist" in text


def test_no_response_gives_medical_advice(domain):
    for name, text in all_texts(domain):
        for pattern in ADVICE:
            assert not re.search(pattern, text, re.IGNORECASE), f"{name}: {pattern}"


def test_contact_responses_give_phone_and_hours(domain):
    for name in ["utter_human_handoff", "utter_fallback_handoff", "utter_iamabot"]:
        for text in texts(domain, name):
            assert "{clinic_phone}" in text and "{clinic_hours}" in text, name


def test_bot_challenge_is_truthful(domain):
    for text in texts(domain, "utter_iamabot"):
        assert "not a person" in text


def test_clinic_facts_live_only_in_the_clinic_file(project_root, clinic):
    """Responses, pages and code use placeholders; only clinic.yml names the clinic."""
    suffixes = {".yml", ".yaml", ".py", ".html", ".md", ".css", ".js", ".txt"}
    skip = {".venv", "models", "var", ".git", ".draft", "results"}
    for path in project_root.rglob("*"):
        if not path.is_file() or path.suffix not in suffixes or skip & set(path.parts):
            continue
        if path == project_root / "clinic.yml":
            continue
        text = path.read_text(errors="ignore")
        assert clinic.name not in text, path
        assert clinic.phone not in text, path
