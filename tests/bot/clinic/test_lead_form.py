"""The consent and contact form's reading: consent first, validated details, corrections."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.clinic.consent import CONSENT_NOTICE_VERSION
from bot.clinic.lead_form import (
    contact_changes,
    contact_methods,
    details_before_consent,
    read_message,
    required_slots,
)

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)
CONSENTED = {"consent_given": True, "contact_opt_in": True}


def read(text, slot, intent="inform", **values):
    return read_message(text, intent, slot, values, NOW, "US")


def test_nothing_is_read_before_the_form_has_asked():
    assert read("call me on 312-555-0142", None, "request_callback").declined


@pytest.mark.parametrize(("text", "intent"), [("/affirm", "affirm"), ("I agree", "inform")])
def test_consent_is_recorded_with_its_version_and_time(text, intent):
    slots = read(text, "consent_given", intent).slots
    assert slots == {
        "consent_given": True,
        "consent_version": CONSENT_NOTICE_VERSION,
        "consent_at": NOW.isoformat(),
    }


def test_declining_is_recorded_and_ends_the_form():
    slots = read("no way", "consent_given", "deny").slots
    assert slots["consent_given"] is False
    assert required_slots(slots) == []


def test_an_unclear_consent_answer_is_asked_again():
    reading = read("hmm what", "consent_given", "nlu_fallback")
    assert reading.slots == {"consent_given": None}
    assert reading.responses == ["utter_consent_help"]


def test_privacy_questions_and_alarms_go_to_the_rules():
    assert read("who sees my data?", "consent_given", "consent_question").declined
    assert read("i can't feel my groin", "contact_name", "emergency").declined
    assert read("never mind", "contact_time", "stop").declined


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [("/affirm", "affirm", True), ("email only please", "inform", False), ("no", "deny", False)],
)
def test_call_and_text_opt_in(text, intent, expected):
    assert read(text, "contact_opt_in", intent).slots == {"contact_opt_in": expected}


def test_names():
    assert read("my name is Ana López", "contact_name", **CONSENTED).slots == {
        "contact_name": "Ana López"
    }
    assert read("12345", "contact_name", **CONSENTED).responses == ["utter_contact_help_name"]
    # a phone number typed for the name is kept; the name is asked again
    reading = read("312-555-0142", "contact_name", **CONSENTED)
    assert reading.slots == {"contact_phone": "+13125550142", "contact_point": "given"}


def test_a_phone_number_with_the_opt_in():
    slots = read("(312) 555-0142", "contact_point", **CONSENTED).slots
    assert slots["contact_phone"] == "+13125550142"
    assert slots["contact_point"] == "given"
    assert "contact_method" not in slots  # call or text: the visitor chooses


def test_an_email_only_contact_sets_the_method():
    values = {"consent_given": True, "contact_opt_in": False}
    slots = read("ana@example.com", "contact_point", **values).slots
    assert slots == {
        "contact_point": "given",
        "contact_email": "ana@example.com",
        "contact_method": "email",
    }


def test_a_phone_without_the_opt_in_asks_for_an_email():
    values = {"consent_given": True, "contact_opt_in": False}
    reading = read("312 555 0142", "contact_point", **values)
    assert reading.slots == {"contact_phone": "+13125550142", "contact_point": None}
    assert reading.responses == ["utter_contact_need_email"]


@pytest.mark.parametrize(
    ("text", "response"),
    [("ana@example", "utter_contact_help_email"), ("555-01", "utter_contact_help_phone")],
)
def test_bad_contact_details_are_asked_again(text, response):
    assert read(text, "contact_point", **CONSENTED).responses == [response]


def test_methods_offered_follow_the_details_and_opt_in():
    assert contact_methods({"contact_phone": "+1", "contact_opt_in": True}) == ["call", "text"]
    assert contact_methods({"contact_phone": "+1", "contact_opt_in": False}) == []
    assert contact_methods({"contact_email": "a@example.com"}) == ["email"]


def test_method_and_time():
    values = {**CONSENTED, "contact_phone": "+13125550142", "contact_point": "given"}
    assert read("text me", "contact_method", **values).slots == {"contact_method": "text"}
    assert read("email", "contact_method", **values).responses == ["utter_contact_help_method"]
    assert read("after work", "contact_time").slots == {"contact_time": "evening"}
    assert read("skip", "contact_time", "skip").slots == {"contact_time": "any"}


def test_a_correction_while_another_question_is_open():
    values = {**CONSENTED, "contact_email": "old@example.com"}
    reading = read("sorry, my email is new@example.com", "contact_time", **values)
    assert reading.slots["contact_email"] == "new@example.com"
    assert reading.slots["contact_point"] == "given"
    assert reading.responses == ["utter_contact_updated"]


def test_no_contact_changes_without_consent():
    assert contact_changes("my email is a@example.com", {"consent_given": None}, "US") == {}


@pytest.mark.parametrize("name", ["Visitor Be", "Abebe Bikila", "Noah Garcia"])
def test_a_name_the_classifier_reads_as_goodbye_is_still_a_name(name):
    reading = read(name, "contact_name", intent="goodbye")
    assert reading.slots == {"contact_name": name}


@pytest.mark.parametrize("text", ["bye", "ok goodbye", "gotta go, see you later"])
def test_a_real_goodbye_at_the_name_question_goes_to_the_rules(text):
    assert read(text, "contact_name", intent="goodbye").declined


@pytest.mark.parametrize(
    ("name", "intent"),
    [
        ("Noah Davis", "deny"),
        ("Nolan Ryan", "deny"),
        ("Ben Wright", "affirm"),
        ("Yesenia Ortiz", "affirm"),
    ],
)
def test_a_name_the_classifier_reads_as_yes_or_no_is_still_a_name(name, intent):
    assert read(name, "contact_name", intent=intent).slots == {"contact_name": name}


@pytest.mark.parametrize(("text", "intent"), [("no", "deny"), ("yes", "affirm"), ("skip", "skip")])
def test_yes_no_and_skip_are_not_names(text, intent):
    reading = read(text, "contact_name", intent=intent, contact_opt_in=True)
    assert reading.responses == ["utter_contact_help_name"]


def test_one_message_gives_every_detail_whatever_was_asked():
    reading = read(
        "Wen Li 415 555 0100 wen.li@example.org text me, after 5",
        "contact_name",
        consent_given=True,
    )
    assert reading.slots["contact_name"] == "Wen Li"
    assert reading.slots["contact_phone"] == "+14155550100"
    assert reading.slots["contact_email"] == "wen.li@example.org"
    assert reading.slots["contact_opt_in"] is True
    assert reading.slots["contact_method"] == "text"
    assert reading.slots["contact_time"] == "evening"


def test_the_name_question_offers_the_opt_in_and_a_tap_answers_it():
    assert read("/affirm", "contact_name", "affirm", consent_given=True).slots == {
        "contact_opt_in": True
    }
    values = {"consent_given": True, "contact_name": "Wen Li", "contact_phone": "+14155550100"}
    assert required_slots(values)[3] == "contact_opt_in"
    assert "contact_opt_in" not in required_slots({**values, "contact_method": "email"})


def test_no_email_beside_a_number_means_the_phone():
    slots = read("415 555 0100 and i have no email", "contact_point", consent_given=True).slots
    assert slots["contact_opt_in"] is True


@pytest.mark.parametrize(
    ("text", "agreed"),
    [("alright, go ahead", True), ("hmm no, id rather not", False), ("no problem, fine", True)],
)
def test_consent_typed_in_words(text, agreed):
    assert read(text, "consent_given", "inform").slots["consent_given"] is agreed


def test_agreement_to_the_notice_after_declining_needs_its_words():
    from bot.clinic.lead_form import agrees_to_notice

    assert agrees_to_notice("ok fine, you may hold on to my details now")
    assert not agrees_to_notice("ok")
    assert not agrees_to_notice("i do not agree")


def test_an_unusable_address_gives_no_name():
    reading = read("sam.k@example,org", "contact_point", contact_name="Sam Kerr")
    assert "contact_name" not in reading.slots
    assert reading.responses == ["utter_contact_help_email"]


@pytest.mark.parametrize("text", ["evenings, i'm retired", "whenever, im at home all day"])
def test_a_known_name_is_not_replaced_by_a_word_after_im(text):
    reading = read(text, "contact_time", contact_name="Nell Brody", consent_given=True)
    assert "contact_name" not in reading.slots


def test_a_known_name_changes_when_said_as_one():
    reading = read("mornings. my name is Nellie", "contact_time", contact_name="Nell Brody")
    assert reading.slots["contact_name"] == "Nellie"


def test_a_known_name_changes_when_corrected():
    reading = read("oops, typo, its Nel Brodie", "contact_time", contact_name="Nell Brody")
    assert reading.slots["contact_name"] == "Nel Brodie"


def test_no_time_of_day_is_asked_for_an_email():
    values = {"consent_given": True, "contact_email": "ana@example.com", "contact_method": "email"}
    assert "contact_time" not in required_slots(values)
    assert "contact_time" in required_slots({**values, "contact_method": "call"})


def test_call_or_text_either_keeps_the_first_named():
    reading = read("Ana Ruiz 312 555 0142, text or call is fine", "contact_name", **CONSENTED)
    assert reading.slots["contact_method"] == "text"


def test_details_typed_before_consent_are_read_once_agreed():
    texts = ["ring me back on 312 555 0142 about my neck", "ok, Jo Marsh here, mornings"]
    slots = details_before_consent(texts, {"consent_given": True}, "US").slots
    assert slots["contact_phone"] == "+13125550142"
    assert slots["contact_name"] == "Jo Marsh"
    assert slots["contact_time"] == "morning"
    assert slots["contact_point"] == "given"


def test_no_details_before_consent_reads_nothing():
    texts = ["/request_callback", "my back is worse in the mornings"]
    assert details_before_consent(texts, {"consent_given": True}, "US").declined


def test_the_ending_of_a_mistyped_address_is_no_name():
    values = {**CONSENTED, "contact_name": "Jess Taylor", "contact_opt_in": False}
    reading = read("jess.t@example,com", "contact_point", **values)
    assert "contact_name" not in reading.slots
    assert reading.responses == ["utter_contact_help_email"]
