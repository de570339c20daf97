import asyncio
import re

import pytest
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_plugins.nlg import ALARM_RESPONSES, ClinicResponseGenerator, alarm_reminder


@pytest.fixture(scope="module")
def generator(domain, project_root):
    config = EndpointConfig(type="bot.rasa_plugins.nlg.ClinicResponseGenerator")
    config.kwargs["profile"] = str(project_root / "clinic.yml")
    return ClinicResponseGenerator(config, domain)


def generate(generator, name, **kwargs):
    tracker = DialogueStateTracker("visitor", slots=[])
    return asyncio.run(generator.generate(name, tracker, "rest", **kwargs))


def test_fills_the_clinic_phone_and_hours(generator, clinic):
    text = generate(generator, "utter_faq/cost")["text"]
    assert clinic.phone in text
    assert clinic.hours in text


def test_every_response_renders_without_placeholders(generator, domain):
    # responses may also show slots (the intake summary, the visitor's name), filled from
    # the conversation, and values an action passes (a booking's follow-up): give every
    # slot a response names a value, and pass the other names an action would
    tracker = DialogueStateTracker.from_events("visitor", [], slots=domain.slots)
    named = {
        name
        for variations in domain.responses.values()
        for variation in variations
        for name in re.findall(r"\{(\w+)\}", variation.get("text", ""))
    }
    slots = {slot.name for slot in domain.slots}
    for slot in domain.slots:
        if slot.name in named:
            tracker.update(SlotSet(slot.name, f"<{slot.name}>"))
    passed = {name: f"<{name}>" for name in named - slots if name not in generator.clinic_variables}
    assert passed.keys() == {"booking_follow_up"}  # a new one: make sure an action passes it
    for name in domain.responses:
        text = asyncio.run(generator.generate(name, tracker, "rest", **passed))["text"]
        assert not re.search(r"\{\w+\}", text), f"{name} left a placeholder: {text}"
        assert "None" not in text, name


def test_explicit_values_still_win(generator):
    text = generate(generator, "utter_faq/cost", clinic_phone="(555) 010-0000")["text"]
    assert "(555) 010-0000" in text


def test_profile_defaults_to_the_settings(domain, monkeypatch, project_root, clinic):
    monkeypatch.chdir(project_root)
    monkeypatch.delenv("CLINIC_PROFILE", raising=False)
    generator = ClinicResponseGenerator(EndpointConfig(type="x"), domain)
    assert generator.clinic_variables["clinic_name"] == clinic.name


def test_rasa_builds_it_from_endpoints_yml(domain, project_root, monkeypatch):
    from rasa.core.nlg.generator import NaturalLanguageGenerator
    from rasa.utils.endpoints import read_endpoint_config

    from bot.processes.launch import rasa_environment
    from bot.settings import load_settings

    monkeypatch.chdir(project_root)
    for key, value in rasa_environment(load_settings({}, root=project_root), base={}).items():
        monkeypatch.setenv(key, value)
    config = read_endpoint_config(str(project_root / "endpoints.yml"), "nlg")
    assert isinstance(NaturalLanguageGenerator.create(config, domain), ClinicResponseGenerator)


@pytest.mark.parametrize(
    ("response", "question"),
    [("utter_ask_consent_given", "consent_given"), ("utter_ask_contact_opt_in", "contact_opt_in")],
)
def test_consent_questions_tell_the_widget_which_notice(generator, response, question):
    from bot.clinic.consent import CONSENT_NOTICE_VERSION

    custom = generate(generator, response)["custom"]
    assert custom == {"consent_question": question, "notice_version": CONSENT_NOTICE_VERSION}


@pytest.mark.parametrize(
    ("response", "alarm"), [("utter_emergency", "emergency"), ("utter_crisis", "crisis")]
)
def test_the_alarms_answers_tell_the_widget_they_are_alarms(generator, response, alarm):
    assert generate(generator, response)["custom"] == {"alarm": alarm}


def test_only_the_alarms_answers_are_marked_as_alarms(domain):
    marked = {
        name
        for name, variations in domain.responses.items()
        if any("alarm" in (variation.get("custom") or {}) for variation in variations)
    }
    assert marked == ALARM_RESPONSES


def _after(events, slots, domain):
    tracker = DialogueStateTracker.from_events("visitor", [], slots=domain.slots)
    for name, value in slots.items():
        tracker.update(SlotSet(name, value))
    for event in events:
        tracker.update(event)
    return tracker


def _said(text, intent):
    return UserUttered(text, {"name": intent, "confidence": 1.0})


def test_a_reply_after_an_emergency_reminds_of_it(generator, domain):
    tracker = _after(
        [_said("can you book me for next week", "request_review")],
        {"emergency_raised": True},
        domain,
    )
    text = asyncio.run(generator.generate("utter_offer_declined", tracker, "rest"))["text"]
    plain = asyncio.run(generator.generate("utter_offer_declined", _after([], {}, domain), "rest"))
    assert text.startswith(plain["text"]) and "911" in text[len(plain["text"]) :]
    assert alarm_reminder("utter_offer_declined", tracker) == "utter_emergency_reminder"


def test_only_the_first_reply_to_a_message_has_it(generator, domain):
    events = [_said("is it serious", "nlu_fallback"), BotUttered("first reply")]
    tracker = _after(events, {"emergency_raised": True}, domain)
    assert alarm_reminder("utter_offer_declined", tracker) is None


def test_the_alarm_message_itself_gets_the_full_answer_only(domain):
    tracker = _after([_said("i cant feel my bum", "emergency")], {"emergency_raised": True}, domain)
    assert alarm_reminder("utter_emergency", tracker) is None
    assert alarm_reminder("utter_offer_intake", tracker) is None


def test_a_crisis_reminder_outranks_an_emergency_one(domain):
    slots = {"emergency_raised": True, "in_crisis": True}
    tracker = _after([_said("ok", "affirm")], slots, domain)
    assert alarm_reminder("utter_offer_declined", tracker) == "utter_crisis_reminder"


def test_no_reminder_without_an_alarm(domain):
    tracker = _after([_said("hi", "greet")], {}, domain)
    assert alarm_reminder("utter_greet", tracker) is None
